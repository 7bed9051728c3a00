package org.mirrorsd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorsd.testing.SharedFiles;

/**
 * Every start-up failure of {@code serve} and {@code generate}, through the real command-line entry point: one
 * line on the console naming the file, field or port (and the fix), exit code 2, no "shutting down" or
 * "stopped" lines, no stack trace.
 */
class StartupErrorsTest {
    @TempDir
    static Path dir;
    /** A log line at INFO (logback's console pattern): start-up progress, not the failure. */
    private static final java.util.regex.Pattern PROGRESS = java.util.regex.Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d+ INFO ");

    private record Outcome(int code, List<String> lines) {
        String text() { return String.join("\n", lines); }
    }

    /**
     * Runs {@code mirror-sd} in a child JVM, as a user would (its own exit code, stdout and stderr together; the
     * test JVM's own streams are surefire's channel and must not be touched).
     */
    private static Outcome run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "cli", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("still running after 60 s: " + String.join(" ", args) + "\n" + Files.readString(log));
        }
        List<String> lines = Files.readString(log).lines()
                .filter(l -> !l.isBlank() && !l.startsWith("WARNING: Using incubator modules")).toList();
        return new Outcome(p.exitValue(), lines);
    }

    private static void oneLine(Outcome o, String... mentions) {
        assertEquals(2, o.code(), o.text());
        // Progress logged before the failure (the target loaded, then the draft failed) is not part of it.
        List<String> report = o.lines().stream().filter(l -> !PROGRESS.matcher(l).find()).toList();
        assertEquals(1, report.size(), "one line, got:\n" + o.text());
        assertTrue(o.lines().stream().noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR ")), o.text());
        String line = report.getFirst();
        for (String m : mentions) assertTrue(line.contains(m), "'" + m + "' missing from: " + line);
        assertFalse(line.contains("Exception") || line.contains("\tat "), line);
        assertFalse(line.toLowerCase().contains("shutting down") || line.toLowerCase().contains("stopped"), line);
    }

    private static Path file(String name, byte[] content) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private static List<Path> brokenModels() throws Exception {
        byte[] real = Files.readAllBytes(SharedFiles.model("stories260K.bin"));
        byte[] random = new byte[4096];
        new Random(7).nextBytes(random);
        byte[] badHeader = real.clone();
        Arrays.fill(badHeader, 0, 28, (byte) 0xff);
        byte[] badGguf = "GGUF\u0003\u0000\u0000\u0000garbage-after-the-magic".getBytes(StandardCharsets.ISO_8859_1);
        return List.of(file("truncated.bin", Arrays.copyOf(real, real.length / 3)), file("empty.bin", new byte[0]),
                file("random.bin", random), file("bad-header.bin", badHeader), file("bad.gguf", badGguf));
    }

    private static String tokenizer() {
        return SharedFiles.model("tok512.bin").toString();
    }

    @Test
    void brokenModelFilesAreOneLineNamingTheFile() throws Exception {
        for (Path model : brokenModels()) {
            oneLine(run("serve", "--model", model.toString(), "--tokenizer", tokenizer(), "--port", "0"),
                    model.getFileName().toString());
            oneLine(run("generate", "--model", model.toString(), "--tokenizer", tokenizer(), "--max-tokens", "2"),
                    model.getFileName().toString());
        }
    }

    @Test
    void aTruncatedDraftIsOneLineNamingTheDraft() throws Exception {
        byte[] draft = Files.readAllBytes(SharedFiles.model("llama2xs-280K.bin"));
        Path truncated = file("draft-truncated.bin", Arrays.copyOf(draft, draft.length / 2));
        String model = SharedFiles.model("stories260K.bin").toString();
        oneLine(run("serve", "--model", model, "--tokenizer", tokenizer(), "--draft", truncated.toString(), "--port", "0"),
                "draft-truncated.bin");
        oneLine(run("generate", "--model", model, "--tokenizer", tokenizer(), "--draft", truncated.toString(),
                "--decoding", "sd", "--max-tokens", "2"), "draft-truncated.bin");
    }

    @Test
    void aDirectoryOrAMissingFileAsTheModelIsOneLine() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("no-model-here"));
        oneLine(run("serve", "--model", empty.toString(), "--port", "0"), "no-model-here");
        oneLine(run("generate", "--model", empty.toString()), "no-model-here");
        oneLine(run("serve", "--model", dir.resolve("missing.bin").toString(), "--port", "0"), "missing.bin");
    }

    @Test
    void aPortInUseIsOneLineNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            oneLine(run("serve", "--model", SharedFiles.model("stories260K.bin").toString(), "--tokenizer", tokenizer(),
                    "--host", "127.0.0.1", "--port", Integer.toString(port)), Integer.toString(port), "--port");
        }
    }

    @Test
    void badConfigurationAndAnEmptyApiKeyAreOneLine() throws Exception {
        String model = SharedFiles.model("stories260K.bin").toString();
        oneLine(run("serve", "--model", model, "--api-key", ""), "api_key");
        Path config = file("bad.yaml", "server:\n  port: [1, 2]\n".getBytes(StandardCharsets.UTF_8));
        oneLine(run("serve", "--model", model, "--config", config.toString()), "server.port");
        Path notYaml = file("not.yaml", "server: {port: ".getBytes(StandardCharsets.UTF_8));
        oneLine(run("serve", "--model", model, "--config", notYaml.toString()), "not.yaml");
        oneLine(run("serve", "--model", model, "--set", "server.stall_timeout=0s"), "server.stall_timeout");
    }
}
