package org.mirrorsd.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads {@code MIRRORSD_<SECTION>_<KEY>} environment variables, e.g. {@code MIRRORSD_SERVER_PORT=9000} or
 * {@code MIRRORSD_DEVICES_ONNX_PROVIDERS=CUDA,CPU}. The environment is passed in as a map so tests never
 * depend on the real one.
 */
public final class EnvOverrides {

    public static final String PREFIX = "MIRRORSD_";
    /** Names the config file; not a setting itself. */
    public static final String CONFIG_FILE_VARIABLE = "MIRRORSD_CONFIG";

    private EnvOverrides() {
    }

    /** Overrides for every {@code MIRRORSD_*} variable, sorted by name so the result is stable. */
    public static List<ConfigOverride> from(Map<String, String> env) {
        List<ConfigOverride> overrides = new ArrayList<>();
        new TreeMap<>(env).forEach((name, value) -> {
            if (name.startsWith(PREFIX) && !name.equals(CONFIG_FILE_VARIABLE)) {
                overrides.add(new ConfigOverride(keyOf(name), value, "environment variable " + name));
            }
        });
        return overrides;
    }

    public static Optional<Path> configFile(Map<String, String> env) {
        String file = env.get(CONFIG_FILE_VARIABLE);
        return file == null || file.isBlank() ? Optional.empty() : Optional.of(Path.of(file));
    }

    /** The variable name for a key, e.g. {@code server.max_body_bytes -> MIRRORSD_SERVER_MAX_BODY_BYTES}. */
    public static String variableFor(String section, String key) {
        return PREFIX + (section + "_" + key).toUpperCase(Locale.ROOT);
    }

    /** {@code MIRRORSD_SERVER_MAX_BODY_BYTES -> server.max_body_bytes}; sections are matched by name. */
    private static String keyOf(String variable) {
        String rest = variable.substring(PREFIX.length()).toLowerCase(Locale.ROOT);
        for (String section : ConfigSchema.sections()) {
            if (rest.startsWith(section + "_")) {
                return section + "." + rest.substring(section.length() + 1);
            }
        }
        int underscore = rest.indexOf('_');
        return underscore < 0 ? rest : rest.substring(0, underscore) + "." + rest.substring(underscore + 1);
    }
}
