package org.mirrorsd.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;

/** Renders a configuration as YAML in the file format, with secrets replaced so the output is safe to log. */
final class ConfigPrinter {

    private ConfigPrinter() {
    }

    static String toYaml(MirrorSdConfig config) {
        ObjectNode tree = ConfigMappers.JSON.valueToTree(config);
        ObjectNode server = (ObjectNode) tree.get("server");
        if (config.server().apiKey() != null) {
            server.put("api_key", ServerConfig.REDACTED);
        }
        try {
            return ConfigMappers.YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
