package org.mirrorsd.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorsd.config.cli.CommandLine;
import org.mirrorsd.config.cli.ParsedArgs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Defaults &lt; file &lt; environment &lt; flags, and unknown keys from every source. */
class PrecedenceTest {

    private static final CommandLine SERVE = ConfigFlags.declare(CommandLine.builder("mirror-sd serve", "Serve")).build();

    @TempDir
    Path dir;

    private Path file;

    private Path file() throws IOException {
        file = dir.resolve("mirror.yaml");
        Files.writeString(file, """
                server: {port: 7000, host: 10.0.0.1, max_queue: 5}
                decoding: {gamma: 3, kappa: 4}
                """);
        return file;
    }

    private static MirrorSdConfig load(Map<String, String> env, String... argv) {
        return ConfigFlags.load(SERVE.parse(argv), env);
    }

    @Test
    void fileThenEnvironmentThenFlags() throws IOException {
        Map<String, String> env = Map.of(
                "MIRRORSD_SERVER_PORT", "8000",
                "MIRRORSD_SERVER_HOST", "10.0.0.2",
                "MIRRORSD_DECODING_GAMMA", "5",
                "PATH", "/usr/bin");

        MirrorSdConfig config = load(env, "--config", file().toString(), "--port", "9000", "--set", "decoding.kappa=6");

        assertEquals(9000, config.server().port(), "flag beats env and file");
        assertEquals("10.0.0.2", config.server().host(), "env beats file");
        assertEquals(5, config.decoding().gamma(), "env beats file");
        assertEquals(6, config.decoding().kappa(), "--set beats file");
        assertEquals(5, config.server().maxQueue(), "file beats defaults");
        assertEquals(4, config.server().maxConcurrentSequences(), "defaults fill the rest");
    }

    @Test
    void laterFlagsWinOverEarlierOnes() {
        MirrorSdConfig config = load(Map.of(), "--set", "server.port=1000", "--port", "2000",
                "--set", "decoding.gamma=9", "--set", "decoding.gamma=10");
        assertEquals(2000, config.server().port());
        assertEquals(10, config.decoding().gamma());
    }

    @Test
    void configFileFromEnvironmentUnlessFlagGiven() throws IOException {
        Path envFile = dir.resolve("env.json");
        Files.writeString(envFile, "{\"server\": {\"port\": 1234}}");
        Map<String, String> env = Map.of("MIRRORSD_CONFIG", envFile.toString());

        assertEquals(1234, load(env).server().port());
        assertEquals(7000, load(env, "--config", file().toString()).server().port());
    }

    @Test
    void environmentCoversEveryKindOfKey() {
        Map<String, String> env = Map.of(
                "MIRRORSD_MODEL_PATH", "/models/target.gguf",
                "MIRRORSD_DRAFT_PATH", "/models/draft.gguf",
                "MIRRORSD_DECODING_METHOD", "MIRROR",
                "MIRRORSD_SERVER_CORS_ORIGINS", "https://a.example, https://b.example,",
                "MIRRORSD_SERVER_MAX_BODY_BYTES", "1MiB",
                "MIRRORSD_SERVER_REQUEST_TIMEOUT", "2m",
                "MIRRORSD_DEVICES_REQUIRED", "true",
                "MIRRORSD_DEVICES_ONNX_PROVIDERS", "CUDA,CPU",
                "MIRRORSD_SAMPLING_SEED", "7",
                "MIRRORSD_SERVER_API_KEY", "");

        MirrorSdConfig config = load(env);

        assertEquals(Path.of("/models/target.gguf"), config.model().path());
        assertEquals(DecodingMethod.MIRROR, config.decoding().method());
        assertEquals(List.of("https://a.example", "https://b.example"), config.server().corsOrigins());
        assertEquals(1L << 20, config.server().maxBodyBytes());
        assertEquals(java.time.Duration.ofMinutes(2), config.server().requestTimeout());
        assertTrue(config.devices().required());
        assertEquals(List.of("CUDA", "CPU"), config.devices().onnxProviders());
        assertEquals(7L, config.sampling().seed());
        assertNull(config.server().apiKey(), "an empty value clears an optional key");
    }

    @Test
    void everyShorthandFlagReachesItsKey() {
        MirrorSdConfig config = load(Map.of(), "--host", "0.0.0.0", "--port", "1", "--api-key", "k",
                "--model", "t.gguf", "--tokenizer", "tok.json", "--draft", "d.gguf", "--decoding", "sd",
                "--gamma", "2", "--kappa", "3", "--exit-layer", "4", "--max-branches", "5",
                "--target-device", "cuda:0-8", "--draft-device", "onnx", "--threads", "6", "--log-level", "warn");

        assertEquals("0.0.0.0", config.server().host());
        assertEquals(1, config.server().port());
        assertEquals("k", config.server().apiKey());
        assertEquals(Path.of("t.gguf"), config.model().path());
        assertEquals(Path.of("tok.json"), config.model().tokenizer());
        assertEquals(Path.of("d.gguf"), config.draft().path());
        assertEquals(DecodingMethod.SD, config.decoding().method());
        assertEquals(2, config.decoding().gamma());
        assertEquals(3, config.decoding().kappa());
        assertEquals(4, config.decoding().exitLayer());
        assertEquals(5, config.decoding().maxBranches());
        assertEquals("cuda:0-8", config.devices().targetDevice());
        assertEquals(DevicePlacement.Kind.ONNX, config.devices().draft().kind());
        assertEquals(6, config.devices().cpuThreads());
        assertEquals(LogLevel.WARN, config.logging().level());
    }

    @Test
    void setAcceptsCamelAndKebabCase() {
        MirrorSdConfig config = load(Map.of(), "--set", "server.maxQueue=3", "--set", "sampling.max-tokens=99");
        assertEquals(3, config.server().maxQueue());
        assertEquals(99, config.sampling().maxTokens());
    }

    @Test
    void unknownEnvironmentVariablesAreErrors() {
        Map<String, String> env = Map.of("MIRRORSD_SERVER_PROT", "9000", "MIRRORSD_SEVRER_PORT", "9000");

        ConfigException e = assertThrows(ConfigException.class, () -> load(env));

        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("environment variable MIRRORSD_SERVER_PROT: unknown key 'server.prot' "
                + "(valid keys in server: host, port,"), e.getMessage());
        assertTrue(e.getMessage().contains("environment variable MIRRORSD_SEVRER_PORT: unknown section 'sevrer'"),
                e.getMessage());
    }

    @Test
    void unknownSetKeysAreErrors() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load(Map.of(), "--set", "decoding.gama=3", "--set", "nokey=1"));

        assertTrue(e.getMessage().contains("--set decoding.gama: unknown key 'decoding.gama' (valid keys in decoding: "
                + "method, gamma, kappa,"), e.getMessage());
        assertTrue(e.getMessage().contains("--set nokey: expected a key like section.key"), e.getMessage());
    }

    @Test
    void typeErrorsNameTheSource() {
        ConfigException fromEnv = assertThrows(ConfigException.class,
                () -> load(Map.of("MIRRORSD_SERVER_PORT", "abc")));
        assertEquals("server.port: expected an integer, got \"abc\" (from environment variable MIRRORSD_SERVER_PORT)",
                fromEnv.problems().getFirst());

        ConfigException fromFlag = assertThrows(ConfigException.class, () -> load(Map.of(), "--gamma", "many"));
        assertEquals("decoding.gamma: expected an integer, got \"many\" (from --gamma)", fromFlag.problems().getFirst());

        ConfigException empty = assertThrows(ConfigException.class, () -> load(Map.of(), "--set", "devices.required="));
        assertEquals("devices.required: expected true or false, got \"\" (from --set devices.required)",
                empty.problems().getFirst());
    }

    @Test
    void loadingValidatesTheResult() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load(Map.of(), "--gamma", "0", "--target-device", "gpu"));
        assertEquals(2, e.problems().size(), e.getMessage());
    }

    @Test
    void overridesKeepCommandLineOrderAndOrigin() {
        ParsedArgs args = SERVE.parse("--port", "1", "--set", "server.host=h", "--config", "x.yaml");
        assertEquals(List.of(
                new ConfigOverride("server.port", "1", "--port"),
                new ConfigOverride("server.host", "h", "--set server.host")), ConfigFlags.overrides(args));
        assertEquals(Path.of("x.yaml"), ConfigFlags.configFile(args).orElseThrow());
    }
}
