package org.mirrorsd.config;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Turns the merged tree into the typed records, rewriting Jackson's errors into one-line messages that name
 * the key, what was expected, what was given and where it came from.
 */
final class ConfigBinder {

    private ConfigBinder() {
    }

    static MirrorSdConfig bind(ConfigTree tree) {
        try {
            return ConfigMappers.JSON.readerFor(MirrorSdConfig.class).readValue(tree.root());
        } catch (JsonMappingException e) {
            throw new ConfigException(describe(e, tree));
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration: " + e.getMessage());
        }
    }

    private static String describe(JsonMappingException e, ConfigTree tree) {
        String path = pathOf(e);
        String keyPath = path.replaceAll("\\[\\d+]", "");
        String from = tree.originOf(keyPath).map(origin -> " (from " + origin.source() + ")").orElse("");
        if (e instanceof UnrecognizedPropertyException unknown) {
            // Normally caught earlier by ConfigTree; kept as a safety net.
            return "unknown key '" + path + "'" + from + " (valid keys: "
                    + unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                    .collect(Collectors.joining(", ")) + ")";
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return path + ": expected " + expectation(mismatch.getTargetType()) + ", got "
                    + given(e, tree, keyPath) + from;
        }
        return path + ": " + e.getOriginalMessage() + from;
    }

    private static String pathOf(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "(root)" : path.toString();
    }

    /** The raw text when the value came from a flag or variable, else the value as it sits in the tree. */
    private static String given(JsonMappingException e, ConfigTree tree, String keyPath) {
        Optional<String> raw = tree.originOf(keyPath).map(ConfigTree.Origin::rawValue);
        if (raw.isPresent() && !keyPath.equals(pathOf(e))) {
            raw = Optional.empty(); // an element of a list: show the element, not the whole text
        }
        if (raw.isPresent()) {
            return quote(raw.get());
        }
        if (e instanceof InvalidFormatException format && format.getValue() != null) {
            return format.getValue() instanceof String text ? quote(text) : String.valueOf(format.getValue());
        }
        JsonNode node = tree.root();
        for (JsonMappingException.Reference reference : e.getPath()) {
            node = reference.getFieldName() != null ? node.path(reference.getFieldName()) : node.path(reference.getIndex());
        }
        return node.isMissingNode() ? "nothing" : node.toString();
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String expectation(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Path.class) {
            return "a file path";
        }
        if (type == Duration.class) {
            return "a duration like \"30s\", \"500ms\" or \"5m\"";
        }
        if (type == ByteSize.class) {
            return "a size like 4194304, \"4MiB\" or \"512KB\"";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants())
                    .map(constant -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "));
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (type.isRecord()) {
            return "a section of keys";
        }
        return "a " + type.getSimpleName();
    }
}
