package org.mirrorsd.config;

import java.util.List;

/**
 * The whole server configuration: one immutable value built by {@link ConfigLoader}.
 * Each section maps to a top-level key of the config file and to a {@code MIRRORSD_<SECTION>_} prefix.
 */
public record MirrorSdConfig(
        ServerConfig server,
        ModelConfig model,
        DraftConfig draft,
        DecodingConfig decoding,
        DevicesConfig devices,
        SamplingConfig sampling,
        LoggingConfig logging) {

    /** Missing sections fall back to their defaults so code can build partial configs safely. */
    public MirrorSdConfig {
        server = server != null ? server : ServerConfig.defaults();
        model = model != null ? model : ModelConfig.defaults();
        draft = draft != null ? draft : DraftConfig.defaults();
        decoding = decoding != null ? decoding : DecodingConfig.defaults();
        devices = devices != null ? devices : DevicesConfig.defaults();
        sampling = sampling != null ? sampling : SamplingConfig.defaults();
        logging = logging != null ? logging : LoggingConfig.defaults();
    }

    public static MirrorSdConfig defaults() {
        return new MirrorSdConfig(null, null, null, null, null, null, null);
    }

    /** Every problem found, empty when the configuration is usable. Does not touch the file system. */
    public List<String> validate() {
        return ConfigValidator.validate(this);
    }

    /** Throws a {@link ConfigException} listing every problem {@link #validate()} finds. */
    public MirrorSdConfig requireValid() {
        List<String> problems = validate();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return this;
    }

    /** Problems that only matter to serve: model files that must exist. Call after {@link #validate()}. */
    public List<String> servingProblems() {
        return ServingCheck.problems(this);
    }

    /** Throws a {@link ConfigException} listing every problem {@link #servingProblems()} finds. */
    public MirrorSdConfig requireServable() {
        List<String> problems = servingProblems();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return this;
    }

    /** YAML dump with secrets redacted, suitable for logs and {@code --print-config}. */
    public String dump() {
        return ConfigPrinter.toYaml(this);
    }
}
