package org.mirrorsd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mirrorsd.testing.LlamaCppFixtures;

/**
 * {@code mirror-sd generate --prompt TEXT --json} on every llama.cpp fixture model: the prompt text becomes
 * llama.cpp's prompt tokens, and for the float files (where our log-probs are within 1e-5..4e-3 of llama.cpp's
 * and its top-2 margins are far larger) the 32 greedy tokens are llama.cpp's, also with a draft model of another
 * architecture ({@code --decoding sd}).
 */
class GenerateArchitecturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String f : LlamaCppFixtures.files(".gguf")) {
            out.add(Arguments.of(f, "ar", null));
            if (f.equals("gemma3-F16.gguf")) out.add(Arguments.of(f, "sd", "qwen2-F16.gguf"));
        }
        return out.stream();
    }

    private static boolean floatFile(String file) {
        return file.endsWith("-F32.gguf") || file.endsWith("-F16.gguf") || file.endsWith("-BF16.gguf");
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void generateGivesLlamaCppsTokens(String file, String method, String draft) throws Exception {
        Path dir = LlamaCppFixtures.dir();
        JsonNode ref = JSON.readTree(Files.readAllLines(dir.resolve(file.replace(".gguf", ".jsonl"))).get(0));
        int[] prompt = ints(ref.get("prompt_tokens"));
        int[] completion = ints(ref.get("completion_tokens"));
        List<String> args = new ArrayList<>(List.of("generate", "--model", dir.resolve(file).toString(), "--prompt",
                ref.get("prompt_text").asText(), "--max-tokens", String.valueOf(completion.length), "--json",
                "--threads", "1", "--decoding", method));
        if (draft != null) args.addAll(List.of("--draft", dir.resolve(draft).toString()));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream(), stderr = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int rc;
        try (PrintStream capture = new PrintStream(stdout, true, StandardCharsets.UTF_8);
             PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            rc = Main.run(args.toArray(String[]::new), capture, err);
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, rc, file + ": " + stderr.toString(StandardCharsets.UTF_8));
        String[] lines = stdout.toString(StandardCharsets.UTF_8).strip().split("\n");
        int[] tokens = ints(JSON.readTree(lines[lines.length - 1]).get("tokens"));
        assertArrayEquals(prompt, Arrays.copyOf(tokens, prompt.length), file + ": prompt tokens");
        if (floatFile(file)) {
            int[] expected = Arrays.copyOf(prompt, prompt.length + completion.length);
            System.arraycopy(completion, 0, expected, prompt.length, completion.length);
            assertArrayEquals(expected, tokens, file + ": greedy tokens against llama.cpp");
        }
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }
}
