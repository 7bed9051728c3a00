package org.mirrorsd.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigValidationTest {

    private static final MirrorSdConfig DEFAULTS = MirrorSdConfig.defaults();

    private static MirrorSdConfig withServer(ServerConfig server) {
        return new MirrorSdConfig(server, null, null, null, null, null, null);
    }

    private static MirrorSdConfig withDecoding(DecodingConfig decoding) {
        return new MirrorSdConfig(null, null, null, decoding, null, null, null);
    }

    private static MirrorSdConfig withSampling(double temperature, double topP) {
        return new MirrorSdConfig(null, null, null, null, null, new SamplingConfig(temperature, topP, 0, 0, null, 16),
                null);
    }

    private static MirrorSdConfig withDevices(String target, String draft) {
        return new MirrorSdConfig(null, null, null, null, new DevicesConfig(target, draft, false, 2, null, List.of("CPU")),
                null, null);
    }

    @Test
    void collectsEveryProblemAtOnce() {
        ServerConfig server = new ServerConfig(" ", 70000, null, List.of(), 0, Duration.ZERO, -1, 0,
                Duration.ofSeconds(-1), 0, Duration.ZERO, Duration.ofSeconds(30));

        List<String> problems = withServer(server).validate();

        assertEquals(List.of(
                "server.host: must not be empty",
                "server.port: must be between 0 and 65535, got 70000",
                "server.max_body_bytes: must be positive, got 0",
                "server.request_timeout: must be longer than zero, got 0s",
                "server.max_queue: must be >= 0, got -1",
                "server.max_concurrent_sequences: must be >= 1, got 0",
                "server.shutdown_grace: must not be negative, got PT-1S",
                "server.worker_threads: must be >= 1, got 0",
                "server.read_timeout: must be longer than zero, got 0s"), problems);
        ConfigException e = assertThrows(ConfigException.class, () -> withServer(server).requireValid());
        assertEquals(problems, e.problems());
        assertTrue(e.getMessage().startsWith("Invalid configuration (9 problems):\n  - server.host"), e.getMessage());
    }

    @Test
    void gammaAndKappaRanges() {
        DecodingConfig d = DecodingConfig.defaults();
        assertEquals(List.of("decoding.gamma: must be between 1 and 32, got 0"),
                withDecoding(new DecodingConfig(d.method(), 0, 8, null, null, 1, 3, null, null, null, null)).validate());
        assertEquals(List.of("decoding.gamma: must be between 1 and 32, got 33"),
                withDecoding(new DecodingConfig(d.method(), 33, 8, null, null, 1, 3, null, null, null, null)).validate());
        assertEquals(List.of("decoding.kappa: must be between 1 and 64, got 65"),
                withDecoding(new DecodingConfig(d.method(), 32, 65, null, null, 1, 3, null, null, null, null)).validate());
        assertEquals(List.of(), withDecoding(new DecodingConfig(d.method(), 32, 64, null, null, 1, 3, null, null, null, null)).validate());
        assertEquals(List.of("decoding.exit_layer: must be >= 1, got 0", "decoding.max_branches: must be >= 1, got 0",
                        "decoding.ngram_max: must be >= decoding.ngram_min (3), got 2"),
                withDecoding(new DecodingConfig(d.method(), 7, 8, 0, 0, 3, 2, null, null, null, null)).validate());
        assertEquals(List.of("decoding.speculative_max_sequences: must be >= 1, got 0"),
                withDecoding(new DecodingConfig(d.method(), 7, 8, null, null, 1, 3, null, 0, null, null)).validate());
        assertEquals(List.of("decoding.plan: must be auto, paper or fixed, got 'best'"),
                withDecoding(new DecodingConfig(d.method(), 7, 8, null, null, 1, 3, null, null, null, "best")).validate());
        for (String plan : List.of("auto", "paper", "fixed")) {
            assertEquals(List.of(), withDecoding(new DecodingConfig(d.method(), 7, 8, null, null, 1, 3, null, null, null, plan)).validate());
        }
    }

    @Test
    void speculativeMethodsNeedADraftModel() {
        List<String> problems = withDecoding(new DecodingConfig(DecodingMethod.MIRROR, 7, 8, null, null, 1, 3, null, null, null, null))
                .validate();
        assertEquals(1, problems.size());
        assertTrue(problems.getFirst().startsWith("decoding.method: 'mirror' needs a draft model"), problems.getFirst());

        MirrorSdConfig withDraft = new MirrorSdConfig(null, null, new DraftConfig(Path.of("d.gguf"), null),
                new DecodingConfig(DecodingMethod.SD, 7, 8, null, null, 1, 3, null, null, null, null), null, null, null);
        assertEquals(List.of(), withDraft.validate());
    }

    @Test
    void samplingRanges() {
        assertEquals(List.of(), withSampling(0, 1).validate());
        assertEquals(List.of("sampling.temperature: must be >= 0, got -0.1"), withSampling(-0.1, 1).validate());
        assertEquals(List.of("sampling.temperature: must be >= 0, got NaN"), withSampling(Double.NaN, 1).validate());
        assertEquals(List.of("sampling.top_p: must be in (0, 1], got 0.0"), withSampling(1, 0).validate());
        assertEquals(List.of("sampling.top_p: must be in (0, 1], got 1.5"), withSampling(1, 1.5).validate());
    }

    @Test
    void deviceStringsMustParse() {
        assertEquals(List.of(), withDevices("cuda:4-", "cpu").validate());
        List<String> problems = withDevices("gpu", "cuda:4").validate();
        assertEquals(2, problems.size());
        assertTrue(problems.get(0).startsWith("devices.target_device: unknown device \"gpu\""), problems.get(0));
        assertTrue(problems.get(1).startsWith("devices.draft_device: bad device \"cuda:4\""), problems.get(1));
    }

    @Test
    void servingNeedsAnExistingModel(@TempDir Path dir) throws IOException {
        List<String> problems = DEFAULTS.servingProblems();
        assertEquals(1, problems.size());
        assertTrue(problems.getFirst().startsWith("model.path: required to serve (set it with --model, "
                + "MIRRORSD_MODEL_PATH"), problems.getFirst());

        MirrorSdConfig missing = new MirrorSdConfig(null, new ModelConfig(dir.resolve("gone.gguf"), null, null, null, null),
                new DraftConfig(dir.resolve("draft.gguf"), null), null, null, null, null);
        ConfigException e = assertThrows(ConfigException.class, missing::requireServable);
        assertEquals(2, e.problems().size());
        assertTrue(e.problems().get(0).startsWith("model.path: file not found: "), e.problems().get(0));
        assertTrue(e.problems().get(1).startsWith("draft.path: file not found: "), e.problems().get(1));

        Path model = Files.writeString(dir.resolve("model.gguf"), "GGUF");
        MirrorSdConfig present = new MirrorSdConfig(null, new ModelConfig(model, null, null, null, null),
                null, null, null, null, null);
        assertEquals(List.of(), present.servingProblems());
    }
}
