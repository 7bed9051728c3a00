package org.mirrorsd.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration as a JSON tree while sources are layered on top of the defaults, remembering where each
 * key's value came from so later errors can point at the file, variable or flag to fix.
 * Unknown keys are collected rather than thrown one at a time.
 */
final class ConfigTree {

    /** Where a key's current value came from; {@code rawValue} is the text as given, when there was one. */
    record Origin(String source, String rawValue) {
    }

    private final ObjectNode root;
    private final Map<String, Origin> origins = new HashMap<>();
    private final List<String> problems = new ArrayList<>();

    private ConfigTree(ObjectNode root) {
        this.root = root;
    }

    static ConfigTree fromDefaults() {
        return new ConfigTree(ConfigMappers.JSON.valueToTree(MirrorSdConfig.defaults()));
    }

    ObjectNode root() {
        return root;
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    Optional<Origin> originOf(String keyPath) {
        return Optional.ofNullable(origins.get(keyPath));
    }

    /** Layers a parsed config file (an object of sections) over the tree. */
    void mergeFile(JsonNode file, String fileName) {
        file.properties().forEach(section -> {
            String sectionName = section.getKey();
            JsonNode keys = section.getValue();
            if (!ConfigSchema.hasSection(sectionName)) {
                problems.add(fileName + ": unknown section '" + sectionName + "' (valid sections: "
                        + ConfigSchema.describeSections() + ")");
            } else if (keys.isNull()) {
                // An empty YAML section ("server:") just means nothing to override.
            } else if (!keys.isObject()) {
                problems.add(fileName + ": '" + sectionName + "' must be a section of keys, got " + keys);
            } else {
                mergeSection(sectionName, keys, fileName);
            }
        });
    }

    private void mergeSection(String sectionName, JsonNode keys, String fileName) {
        ObjectNode target = (ObjectNode) root.get(sectionName);
        keys.properties().forEach(key -> {
            String path = sectionName + "." + key.getKey();
            if (ConfigSchema.key(sectionName, key.getKey()).isEmpty()) {
                problems.add(fileName + ": unknown key '" + path + "' (valid keys in " + sectionName + ": "
                        + ConfigSchema.describeKeys(sectionName) + ")");
                return;
            }
            target.set(key.getKey(), key.getValue());
            origins.put(path, new Origin(fileName, null));
        });
    }

    /** Applies overrides in order, so a later one wins over an earlier one for the same key. */
    void apply(List<ConfigOverride> overrides) {
        overrides.forEach(this::apply);
    }

    private void apply(ConfigOverride override) {
        int dot = override.key().indexOf('.');
        if (dot < 0) {
            problems.add(override.origin() + ": expected a key like section.key, got '" + override.key() + "'");
            return;
        }
        String section = ConfigSchema.normalize(override.key().substring(0, dot));
        String name = ConfigSchema.normalize(override.key().substring(dot + 1));
        if (!ConfigSchema.hasSection(section)) {
            problems.add(override.origin() + ": unknown section '" + section + "' (valid sections: "
                    + ConfigSchema.describeSections() + ")");
            return;
        }
        Optional<ConfigSchema.Key> key = ConfigSchema.key(section, name);
        if (key.isEmpty()) {
            problems.add(override.origin() + ": unknown key '" + section + "." + name + "' (valid keys in "
                    + section + ": " + ConfigSchema.describeKeys(section) + ")");
            return;
        }
        if (key.get().path().equals("server.api_key") && override.value().isBlank() && override.origin().startsWith("--")) {
            // An empty value means "unset"; typed on the command line (--api-key '') it is a mistake that would
            // silently turn authentication off. (An empty environment variable still clears the key.)
            problems.add("server.api_key: must not be empty (from " + override.origin() + "); leave it out to serve"
                    + " without a key");
            return;
        }
        ((ObjectNode) root.get(section)).set(name, valueNode(key.get(), override.value()));
        origins.put(key.get().path(), new Origin(override.origin(), override.value()));
    }

    /** Text stays text: Jackson converts it to the key's type on binding and reports mismatches there. */
    private static JsonNode valueNode(ConfigSchema.Key key, String raw) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (key.isList()) {
            ArrayNode list = nodes.arrayNode();
            for (String item : raw.split(",")) {
                if (!item.isBlank()) {
                    list.add(item.strip());
                }
            }
            return list;
        }
        return raw.isEmpty() ? nodes.nullNode() : nodes.textNode(raw);
    }
}
