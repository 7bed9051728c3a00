package org.mirrorsd.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Builds the configuration from its sources, later ones winning: defaults &lt; file &lt; environment &lt; flags.
 * The result is validated; every problem found (unknown keys, wrong types, bad values) ends up in one
 * {@link ConfigException}.
 */
public final class ConfigLoader {

    private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);

    private ConfigLoader() {
    }

    /**
     * @param file  config file, or {@code null} to use {@code MIRRORSD_CONFIG} from {@code env}, if set
     * @param env   environment variables; only {@code MIRRORSD_*} ones are read
     * @param flags command-line overrides, in the order given
     */
    public static MirrorSdConfig load(Path file, Map<String, String> env, List<ConfigOverride> flags) {
        Path configFile = file != null ? file : EnvOverrides.configFile(env).orElse(null);
        ConfigTree tree = ConfigTree.fromDefaults();
        if (configFile != null) {
            tree.mergeFile(ConfigFile.read(configFile), configFile.toString());
        }
        List<ConfigOverride> envOverrides = EnvOverrides.from(env);
        tree.apply(envOverrides);
        tree.apply(flags);
        if (!tree.problems().isEmpty()) {
            throw new ConfigException(tree.problems());
        }
        MirrorSdConfig config = ConfigBinder.bind(tree).requireValid();
        log.debug("Configuration loaded from {}, {} environment and {} command-line overrides",
                configFile == null ? "defaults" : configFile, envOverrides.size(), flags.size());
        return config;
    }

    /** Only the file over the defaults; for tools and tests. */
    public static MirrorSdConfig loadFile(Path file) {
        return load(file, Map.of(), List.of());
    }
}
