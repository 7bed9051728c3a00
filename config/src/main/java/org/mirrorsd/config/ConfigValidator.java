package org.mirrorsd.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Checks values against their allowed ranges and each other, collecting every problem instead of stopping at one. */
final class ConfigValidator {

    static final int MAX_GAMMA = 32;
    static final int MAX_KAPPA = 64;

    private final List<String> problems = new ArrayList<>();

    private ConfigValidator() {
    }

    static List<String> validate(MirrorSdConfig config) {
        ConfigValidator validator = new ConfigValidator();
        validator.server(config.server());
        validator.model(config.model());
        validator.decoding(config.decoding(), config.draft());
        validator.devices(config.devices());
        validator.sampling(config.sampling());
        validator.notNull("logging.level", config.logging().level());
        return List.copyOf(validator.problems);
    }

    private void server(ServerConfig server) {
        if (server.host() == null || server.host().isBlank()) {
            problems.add("server.host: must not be empty");
        }
        inRange("server.port", server.port(), 0, 65535);
        if (server.maxBodyBytes() <= 0) {
            problems.add("server.max_body_bytes: must be positive, got " + server.maxBodyBytes());
        }
        positive("server.request_timeout", server.requestTimeout());
        atLeast("server.max_queue", server.maxQueue(), 0);
        atLeast("server.max_concurrent_sequences", server.maxConcurrentSequences(), 1);
        notNegative("server.shutdown_grace", server.shutdownGrace());
        atLeast("server.worker_threads", server.workerThreads(), 1);
        positive("server.read_timeout", server.readTimeout());
        positive("server.stall_timeout", server.stallTimeout());
        if (server.apiKey() != null && server.apiKey().isBlank()) {
            problems.add("server.api_key: must not be empty (an empty --api-key would turn authentication off);"
                    + " leave it out to serve without a key");
        }
        if (server.corsOrigins().stream().anyMatch(origin -> origin == null || origin.isBlank())) {
            problems.add("server.cors_origins: entries must not be empty");
        }
    }

    private void model(ModelConfig model) {
        if (model.name() != null && model.name().isBlank()) {
            problems.add("model.name: must not be blank when set");
        }
        if (model.contextLength() != null) {
            atLeast("model.context_length", model.contextLength(), 1);
        }
    }

    private void decoding(DecodingConfig decoding, DraftConfig draft) {
        if (notNull("decoding.method", decoding.method())
                && decoding.method().needsDraftModel() && !draft.configured()) {
            problems.add("decoding.method: '" + decoding.method().key()
                    + "' needs a draft model; set draft.path (--draft) or use ar or ngram");
        }
        inRange("decoding.gamma", decoding.gamma(), 1, MAX_GAMMA);
        inRange("decoding.kappa", decoding.kappa(), 1, MAX_KAPPA);
        if (decoding.exitLayer() != null) {
            atLeast("decoding.exit_layer", decoding.exitLayer(), 1);
        }
        if (decoding.maxBranches() != null) {
            atLeast("decoding.max_branches", decoding.maxBranches(), 1);
        }
        if (decoding.speculativeMaxSequences() != null) {
            atLeast("decoding.speculative_max_sequences", decoding.speculativeMaxSequences(), 1);
        }
        if (decoding.prefixCacheTokens() != null) {
            atLeast("decoding.prefix_cache_tokens", decoding.prefixCacheTokens(), 0);
        }
        if (decoding.plan() != null && !java.util.List.of("auto", "paper", "fixed").contains(decoding.plan())) {
            problems.add("decoding.plan: must be auto, paper or fixed, got '" + decoding.plan() + "'");
        }
        atLeast("decoding.ngram_min", decoding.ngramMin(), 1);
        if (decoding.ngramMax() < decoding.ngramMin()) {
            problems.add("decoding.ngram_max: must be >= decoding.ngram_min (" + decoding.ngramMin()
                    + "), got " + decoding.ngramMax());
        }
    }

    private void devices(DevicesConfig devices) {
        placement("devices.target_device", devices.targetDevice());
        placement("devices.draft_device", devices.draftDevice());
        atLeast("devices.cpu_threads", devices.cpuThreads(), 1);
        if (devices.draftThreads() != null) {
            atLeast("devices.draft_threads", devices.draftThreads(), 1);
        }
        if (devices.onnxProviders().isEmpty()) {
            problems.add("devices.onnx_providers: must list at least one provider, e.g. CPU");
        } else if (devices.onnxProviders().stream().anyMatch(provider -> provider == null || provider.isBlank())) {
            problems.add("devices.onnx_providers: entries must not be empty");
        }
    }

    private void sampling(SamplingConfig sampling) {
        if (!(sampling.temperature() >= 0) || Double.isInfinite(sampling.temperature())) {
            problems.add("sampling.temperature: must be >= 0, got " + sampling.temperature());
        }
        if (!(sampling.topP() > 0 && sampling.topP() <= 1)) {
            problems.add("sampling.top_p: must be in (0, 1], got " + sampling.topP());
        }
        atLeast("sampling.top_k", sampling.topK(), 0);
        if (!(sampling.minP() >= 0 && sampling.minP() <= 1)) {
            problems.add("sampling.min_p: must be in [0, 1], got " + sampling.minP());
        }
        atLeast("sampling.max_tokens", sampling.maxTokens(), 1);
    }

    private void placement(String key, String device) {
        try {
            DevicePlacement.parse(device);
        } catch (IllegalArgumentException e) {
            problems.add(key + ": " + e.getMessage());
        }
    }

    private void inRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            problems.add(key + ": must be between " + min + " and " + max + ", got " + value);
        }
    }

    private void atLeast(String key, int value, int min) {
        if (value < min) {
            problems.add(key + ": must be >= " + min + ", got " + value);
        }
    }

    private void positive(String key, Duration value) {
        if (notNull(key, value) && (value.isZero() || value.isNegative())) {
            problems.add(key + ": must be longer than zero, got " + DurationText.format(value));
        }
    }

    private void notNegative(String key, Duration value) {
        if (notNull(key, value) && value.isNegative()) {
            problems.add(key + ": must not be negative, got " + DurationText.format(value));
        }
    }

    private boolean notNull(String key, Object value) {
        if (value == null) {
            problems.add(key + ": must be set");
            return false;
        }
        return true;
    }
}
