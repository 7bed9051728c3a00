package org.mirrorsd.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The sections and keys a config may contain, read off the records themselves so the list of valid keys
 * can never drift from the code. Keys are snake_case, as in the files.
 */
final class ConfigSchema {

    private static final PropertyNamingStrategies.NamingBase SNAKE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    /** One settable key. */
    record Key(String section, String name, Class<?> type) {
        String path() {
            return section + "." + name;
        }

        boolean isList() {
            return List.class.isAssignableFrom(type);
        }
    }

    private static final Map<String, Map<String, Key>> SECTIONS = readSections();

    private ConfigSchema() {
    }

    static Collection<String> sections() {
        return SECTIONS.keySet();
    }

    static boolean hasSection(String section) {
        return SECTIONS.containsKey(section);
    }

    static Collection<String> keysOf(String section) {
        return SECTIONS.get(section).keySet();
    }

    static Optional<Key> key(String section, String name) {
        Map<String, Key> keys = SECTIONS.get(section);
        return keys == null ? Optional.empty() : Optional.ofNullable(keys.get(name));
    }

    /** {@code maxBodyBytes}, {@code max-body-bytes} and {@code max_body_bytes} all name the same key. */
    static String normalize(String name) {
        return SNAKE.translate(name.strip().replace('-', '_')).toLowerCase(Locale.ROOT);
    }

    static String describeSections() {
        return String.join(", ", SECTIONS.keySet());
    }

    static String describeKeys(String section) {
        return String.join(", ", keysOf(section));
    }

    private static Map<String, Map<String, Key>> readSections() {
        Map<String, Map<String, Key>> sections = new LinkedHashMap<>();
        for (RecordComponent section : MirrorSdConfig.class.getRecordComponents()) {
            String sectionName = SNAKE.translate(section.getName());
            Map<String, Key> keys = new LinkedHashMap<>();
            for (RecordComponent key : section.getType().getRecordComponents()) {
                String keyName = SNAKE.translate(key.getName());
                keys.put(keyName, new Key(sectionName, keyName, key.getType()));
            }
            sections.put(sectionName, Collections.unmodifiableMap(keys));
        }
        return Collections.unmodifiableMap(sections);
    }
}
