package org.mirrorsd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorsd.models.gguf.GgufWriter;

/**
 * {@code mirror-sd tokenize} end to end through the CLI entry point, on llama.cpp's vocabulary-only GGUFs, checked
 * against llama.cpp's ids: once in its own JVM (real pipes, real exit code), the rest in this JVM for speed.
 */
class TokenizeCommandTest {
    private static final Path SHARED = Path.of(System.getProperty("mirrorsd.shared", "../shared"));
    private static final Path QWEN2 = SHARED.resolve("vocab-extra/ggml-vocab-qwen2.gguf");
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, String out, String err) {}

    @Test
    void jsonlTokenizesEveryVectorOfAVocabularyOnlyGgufLikeLlamaCpp() throws Exception {
        List<String> texts = texts(QWEN2);
        StringBuilder stdin = new StringBuilder();
        for (String t : texts) stdin.append(JSON.writeValueAsString(t)).append('\n');
        Run r = runProcess(stdin.toString(), "tokenize", "--model", QWEN2.toString(), "--jsonl");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        List<String> expected = Files.readAllLines(Path.of(QWEN2 + ".out"));
        assertEquals(expected.size(), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            int[] got = JSON.readValue(lines.get(i), int[].class);
            String want = expected.get(i).strip();
            int[] ids = want.isEmpty() ? new int[0] : Arrays.stream(want.split("\\s+")).mapToInt(Integer::parseInt).toArray();
            assertEquals(Arrays.toString(ids), Arrays.toString(got), "line " + i + ": " + texts.get(i));
        }
    }

    @Test
    void fileAndTextGiveTheSameIdsAndSpecialTextIsParsedOnlyWhenAsked(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("prompt.txt");
        Files.writeString(file, "<|im_start|>user\nHello, world!\n", StandardCharsets.UTF_8);
        Run plain = run("", "tokenize", "--model", QWEN2.toString(), "--file", file.toString(), "--json");
        assertEquals(0, plain.exit(), plain.err());
        Run special = run("", "tokenize", "--model", QWEN2.toString(), "--file", file.toString(), "--json",
                "--parse-special");
        assertEquals(0, special.exit(), special.err());
        int[] plainIds = JSON.readTree(plain.out()).get("tokens").traverse(JSON).readValueAs(int[].class);
        int[] specialIds = JSON.readTree(special.out()).get("tokens").traverse(JSON).readValueAs(int[].class);
        assertEquals(151644, specialIds[0], "<|im_start|> is one control token with --parse-special");
        assertTrue(plainIds.length > specialIds.length && Arrays.stream(plainIds).noneMatch(id -> id == 151644));

        Run text = run("", "tokenize", "--model", QWEN2.toString(), "--text", "Hello, world!");
        assertEquals(0, text.exit(), text.err());
        assertEquals(List.of("  9707 -> 'Hello'", "    11 -> ','", "  1879 -> 'Ġworld'", "     0 -> '!'"),
                text.out().lines().toList());
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo(@TempDir Path dir) throws Exception {
        Run notString = run("\"fine\"\n42\n", "tokenize", "--model", QWEN2.toString(), "--jsonl");
        assertEquals(2, notString.exit());
        assertEquals(1, notString.out().lines().count(), "the good first line was answered: " + notString.out());
        assertOneLine(notString.err(), "stdin line 2: expected a JSON string, got number");

        Run notJson = run("{oops\n", "tokenize", "--model", QWEN2.toString(), "--jsonl");
        assertEquals(2, notJson.exit());
        assertOneLine(notJson.err(), "stdin line 1: not JSON");

        Run missing = run("", "tokenize", "--model", dir.resolve("nope.gguf").toString(), "--text", "x");
        assertEquals(2, missing.exit());
        assertOneLine(missing.err(), "nope.gguf");

        Run twoInputs = run("", "tokenize", "--model", QWEN2.toString(), "--text", "x", "--jsonl");
        assertEquals(2, twoInputs.exit());
        assertOneLine(twoInputs.err(), "exactly one of --text TEXT, --file PATH, --jsonl");

        Path badPre = dir.resolve("bad-pre.gguf");
        new GgufWriter().put("general.architecture", "llama").put("tokenizer.ggml.model", "gpt2")
                .put("tokenizer.ggml.pre", "no-such-pre").put("tokenizer.ggml.tokens", new String[] {"a", "b", "ab"})
                .put("tokenizer.ggml.token_type", new int[] {1, 1, 1}).put("tokenizer.ggml.merges", new String[] {"a b"})
                .write(badPre);
        Run unknownPre = run("", "tokenize", "--model", badPre.toString(), "--text", "ab");
        assertEquals(2, unknownPre.exit());
        assertOneLine(unknownPre.err(), badPre + ": unknown pre-tokenizer 'no-such-pre' (tokenizer.ggml.pre)");

        Path invalidUtf8 = dir.resolve("latin1.txt");
        Files.write(invalidUtf8, new byte[] {'c', 'a', 'f', (byte) 0xE9});
        Run badFile = run("", "tokenize", "--model", QWEN2.toString(), "--file", invalidUtf8.toString());
        assertEquals(2, badFile.exit());
        assertOneLine(badFile.err(), invalidUtf8 + ": not valid UTF-8");
    }

    private static void assertOneLine(String err, String contains) {
        List<String> lines = err.lines().filter(l -> !l.startsWith("WARNING: Using incubator")).toList();
        assertEquals(1, lines.size(), "one line on stderr: " + err);
        assertTrue(lines.get(0).contains(contains), "'" + lines.get(0) + "' should contain '" + contains + "'");
    }

    private static List<String> texts(Path gguf) throws IOException {
        String raw = Files.readString(Path.of(gguf + ".inp"), StandardCharsets.UTF_8);
        List<String> texts = new ArrayList<>(Arrays.asList(raw.split("\n__ggml_vocab_test__\n", -1)));
        if (texts.get(texts.size() - 1).isEmpty()) texts.remove(texts.size() - 1);
        return texts;
    }

    /**
     * Runs {@code mirror-sd ARGS} in this JVM through {@link Main#run} (what {@code main} calls, less the exit),
     * with stdin, stdout and stderr swapped for the call. Tests here run one at a time.
     */
    private static Run run(String stdin, String... args) {
        InputStream oldIn = System.in;
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.run(args, System.out, System.err);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(oldIn);
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Runs {@code mirror-sd ARGS} as its own process (real pipes and exit code), with this test's class path. */
    private static Run runProcess(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile("tokenize-stderr", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start(); // a file: no pipe to fill up
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "mirror-sd " + String.join(" ", args) + " did not finish");
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
