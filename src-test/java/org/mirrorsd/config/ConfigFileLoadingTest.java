package org.mirrorsd.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigFileLoadingTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void loadsYaml() throws IOException {
        Path file = write("server.yaml", """
                server:
                  host: 0.0.0.0
                  port: 9000
                  cors_origins: [https://a.example, https://b.example]
                  max_body_bytes: 8MiB
                  request_timeout: 90s
                  shutdown_grace: 500ms
                model:
                  path: models/llama.gguf
                  chat_template: llama3
                  context_length: 4096
                draft:
                  path: models/draft.gguf
                decoding:
                  method: mirror
                  gamma: 5
                  exit_layer: 12
                devices:
                  target_device: cuda:4-
                  onnx_providers: [CUDA, CPU]
                sampling:
                  temperature: 0.7
                  seed: 42
                logging:
                  level: debug
                """);

        MirrorSdConfig config = ConfigLoader.loadFile(file);

        assertEquals("0.0.0.0", config.server().host());
        assertEquals(9000, config.server().port());
        assertEquals(List.of("https://a.example", "https://b.example"), config.server().corsOrigins());
        assertEquals(8L << 20, config.server().maxBodyBytes());
        assertEquals(Duration.ofSeconds(90), config.server().requestTimeout());
        assertEquals(Duration.ofMillis(500), config.server().shutdownGrace());
        assertEquals(Path.of("models/llama.gguf"), config.model().path());
        assertEquals(ChatTemplate.LLAMA3, config.model().chatTemplate());
        assertEquals(4096, config.model().contextLength());
        assertEquals(DecodingMethod.MIRROR, config.decoding().method());
        assertEquals(5, config.decoding().gamma());
        assertEquals(8, config.decoding().kappa(), "untouched keys keep their defaults");
        assertEquals(12, config.decoding().exitLayerFor(32));
        assertEquals(DevicePlacement.parse("cuda:4-"), config.devices().target());
        assertEquals(List.of("CUDA", "CPU"), config.devices().onnxProviders());
        assertEquals(0.7, config.sampling().temperature());
        assertEquals(42L, config.sampling().seed());
        assertEquals(LogLevel.DEBUG, config.logging().level());
    }

    @Test
    void loadsJson() throws IOException {
        Path file = write("server.json", """
                {"server": {"port": 8181, "api_key": "s3cret"},
                 "decoding": {"method": "ngram", "ngram_min": 2, "ngram_max": 4},
                 "sampling": {"top_p": 0.9, "top_k": 40}}
                """);

        MirrorSdConfig config = ConfigLoader.loadFile(file);

        assertEquals(8181, config.server().port());
        assertEquals("s3cret", config.server().apiKey());
        assertEquals(DecodingMethod.NGRAM, config.decoding().method());
        assertEquals(2, config.decoding().ngramMin());
        assertEquals(4, config.decoding().ngramMax());
        assertEquals(0.9, config.sampling().topP());
        assertEquals(40, config.sampling().topK());
    }

    @Test
    void emptyFileAndEmptySectionsMeanDefaults() throws IOException {
        assertEquals(MirrorSdConfig.defaults(), ConfigLoader.loadFile(write("empty.yaml", "")));
        assertEquals(MirrorSdConfig.defaults(), ConfigLoader.loadFile(write("sections.yml", "server:\nmodel:\n")));
    }

    @Test
    void defaultsWorkOutOfTheBox() {
        MirrorSdConfig config = MirrorSdConfig.defaults();
        assertEquals("127.0.0.1", config.server().host());
        assertEquals(8080, config.server().port());
        assertNull(config.server().apiKey());
        assertEquals(4L * 1024 * 1024, config.server().maxBodyBytes());
        assertEquals(64, config.server().maxQueue());
        assertEquals(4, config.server().maxConcurrentSequences());
        assertEquals(Duration.ofSeconds(30), config.server().shutdownGrace());
        assertEquals(DecodingMethod.AR, config.decoding().method());
        assertEquals(7, config.decoding().gamma());
        assertEquals(8, config.decoding().kappa());
        assertEquals(16, config.decoding().exitLayerFor(32), "exit layer defaults to half the layers");
        assertEquals("cpu", config.devices().targetDevice());
        assertEquals(Runtime.getRuntime().availableProcessors(), config.devices().cpuThreads());
        assertEquals(config.devices().cpuThreads(), config.devices().effectiveDraftThreads());
        assertEquals(List.of("CPU"), config.devices().onnxProviders());
        assertEquals(1.0, config.sampling().temperature());
        assertEquals(256, config.sampling().maxTokens());
        assertEquals(LogLevel.INFO, config.logging().level());
        assertEquals(List.of(), config.validate());
    }

    @Test
    void dumpReadsBackToTheSameConfig() throws IOException {
        MirrorSdConfig original = ConfigLoader.loadFile(write("a.yaml", """
                server: {request_timeout: 2h, max_body_bytes: 1000}
                model: {path: /models/x.gguf, chat_template: chatml}
                """));
        assertEquals(original, ConfigLoader.loadFile(write("dumped.yaml", original.dump())));
    }

    @Test
    void servedNameDefaultsToTheFileName() {
        ModelConfig model = new ModelConfig(Path.of("/m/Llama-3.2-1B.Q4_K_M.gguf"), null, null, null, null);
        assertEquals("Llama-3.2-1B.Q4_K_M", model.servedName());
        assertEquals("mine", new ModelConfig(Path.of("x.gguf"), null, "mine", null, null).servedName());
    }

    @Test
    void unknownKeyNamesKeyFileAndValidKeys() throws IOException {
        Path file = write("typo.yaml", "server:\n  prot: 9000\n");

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadFile(file));

        assertEquals(1, e.problems().size());
        String problem = e.problems().getFirst();
        assertTrue(problem.contains(file.toString()), problem);
        assertTrue(problem.contains("unknown key 'server.prot'"), problem);
        assertTrue(problem.contains("valid keys in server: host, port, api_key, cors_origins"), problem);
    }

    @Test
    void unknownSectionsAndKeysAreAllReported() throws IOException {
        Path file = write("typos.json", """
                {"sevrer": {}, "decoding": {"gama": 3, "kapa": 2}}
                """);

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadFile(file));

        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).contains("unknown section 'sevrer' (valid sections: server, model, draft,"),
                e.problems().get(0));
        assertTrue(e.getMessage().contains("'decoding.gama'"), e.getMessage());
        assertTrue(e.getMessage().contains("'decoding.kapa'"), e.getMessage());
    }

    @Test
    void wrongTypeSaysWhatWasExpectedAndGiven() throws IOException {
        Path file = write("types.yaml", "server:\n  port: abc\n");

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadFile(file));

        assertTrue(e.getMessage().contains("server.port: expected an integer, got \"abc\" (from " + file + ")"),
                e.getMessage());
    }

    @Test
    void wrongTypesForOtherKinds() throws IOException {
        assertProblem("decoding: {method: fast}", "decoding.method: expected one of ar, sd, ngram, mirror, got \"fast\"");
        assertProblem("sampling: {temperature: hot}", "sampling.temperature: expected a number, got \"hot\"");
        assertProblem("devices: {required: maybe}", "devices.required: expected true or false, got \"maybe\"");
        assertProblem("server: {request_timeout: soon}", "server.request_timeout: expected a duration like");
        assertProblem("server: {max_body_bytes: lots}", "server.max_body_bytes: expected a size like");
        assertProblem("decoding: {gamma: 1.5}", "decoding.gamma: expected an integer, got 1.5");
        assertProblem("server: {port: ~}", "server.port: expected an integer, got null");
        assertProblem("server: {host: [a, b]}", "server.host: expected a string, got [\"a\",\"b\"]");
        assertProblem("server: 8080", "'server' must be a section of keys, got 8080");
    }

    private void assertProblem(String yaml, String expected) throws IOException {
        Path file = write("case.yaml", yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadFile(file), yaml);
        assertTrue(e.getMessage().contains(expected), () -> "expected <" + expected + "> in: " + e.getMessage());
    }

    @Test
    void syntaxErrorsPointAtTheFile() throws IOException {
        Path yaml = write("broken.yaml", "server:\n  port: [1, 2\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadFile(yaml));
        assertTrue(e.getMessage().contains(yaml + ":") && e.getMessage().contains("not valid YAML"), e.getMessage());

        Path duplicate = write("dup.json", "{\"server\": {\"port\": 1, \"port\": 2}}");
        e = assertThrows(ConfigException.class, () -> ConfigLoader.loadFile(duplicate));
        assertTrue(e.getMessage().contains("not valid JSON") && e.getMessage().contains("port"), e.getMessage());
    }

    @Test
    void missingFileAndUnknownExtension() throws IOException {
        ConfigException missing = assertThrows(ConfigException.class,
                () -> ConfigLoader.loadFile(dir.resolve("nope.yaml")));
        assertTrue(missing.getMessage().contains("config file not found"), missing.getMessage());

        Path toml = write("config.toml", "x = 1");
        ConfigException extension = assertThrows(ConfigException.class, () -> ConfigLoader.loadFile(toml));
        assertTrue(extension.getMessage().contains("use .yaml, .yml or .json"), extension.getMessage());
    }
}
