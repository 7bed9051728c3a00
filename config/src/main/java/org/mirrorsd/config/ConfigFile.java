package org.mirrorsd.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/** Reads a config file into a tree; the format follows the extension ({@code .yaml}, {@code .yml}, {@code .json}). */
final class ConfigFile {

    private ConfigFile() {
    }

    static JsonNode read(Path file) {
        ObjectMapper mapper = mapperFor(file);
        JsonNode root;
        try {
            root = mapper.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file not found: " + file);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + where(e.getLocation()) + ": not valid "
                    + (mapper == ConfigMappers.YAML ? "YAML" : "JSON") + ": " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return JsonNodeFactory.instance.objectNode(); // an empty file is a valid "all defaults" config
        }
        if (!root.isObject()) {
            throw new ConfigException(file + ": expected a mapping of sections at the top level, got " + root);
        }
        return root;
    }

    private static ObjectMapper mapperFor(Path file) {
        String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return ConfigMappers.YAML;
        }
        if (name.endsWith(".json")) {
            return ConfigMappers.JSON;
        }
        throw new ConfigException("config file " + file + ": unsupported extension, use .yaml, .yml or .json");
    }

    private static String where(JsonLocation location) {
        return location == null || location.getLineNr() < 0 ? "" : ":" + location.getLineNr() + ":" + location.getColumnNr();
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
