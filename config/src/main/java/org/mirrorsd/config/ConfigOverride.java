package org.mirrorsd.config;

/**
 * One value set from outside the config file.
 *
 * @param key    {@code section.key}; camelCase and kebab-case are accepted too
 * @param value  the raw text; lists are comma-separated, an empty value clears an optional key
 * @param origin where it came from, for error messages (e.g. {@code --port}, {@code MIRRORSD_SERVER_PORT})
 */
public record ConfigOverride(String key, String value, String origin) {

    public ConfigOverride {
        if (key == null || value == null || origin == null) {
            throw new IllegalArgumentException("key, value and origin are required");
        }
    }
}
