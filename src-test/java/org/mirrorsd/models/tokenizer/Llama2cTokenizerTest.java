package org.mirrorsd.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorsd.models.gguf.GgufFile;

/** llama2.c's tokenizer.bin files, checked against llama2.c's run.c and against llama.cpp's Llama 2 vocabulary. */
class Llama2cTokenizerTest {
    static final Path SHARED = Path.of(System.getProperty("mirrorsd.shared", "../shared"));

    @TempDir
    Path tmp;

    @Test
    void encodesLikeRunC() throws IOException {
        Tokenizer tokenizer = Tokenizers.fromLlama2cFile(SHARED.resolve("models/tok512.bin"), 512);
        assertEquals(512, tokenizer.vocabularySize());
        SpecialTokens special = tokenizer.special();
        assertEquals(1, special.bos());
        assertEquals(2, special.eos());
        assertTrue(special.addBos());
        assertArrayEquals(new int[] {1, 403, 407, 261, 378}, withBos(special, tokenizer.encode("Once upon a time")));
        assertArrayEquals(new int[0], tokenizer.encode(""));
        assertEquals("<s>", tokenizer.piece(1));
        assertEquals("<0x0A>", tokenizer.piece(13));
        assertArrayEquals(new byte[] {'\n'}, tokenizer.tokenBytes(13));
        assertArrayEquals(new byte[0], tokenizer.tokenBytes(1));
    }

    @Test
    void parsesSpecialTokensOnlyWhenAsked() throws IOException {
        Tokenizer tokenizer = Tokenizers.fromLlama2cFile(SHARED.resolve("models/tok512.bin"), 512);
        int[] parsed = tokenizer.encode("<s>Once", true);
        assertEquals(1, parsed[0]);
        assertArrayEquals(tokenizer.encode("Once"), Arrays.copyOfRange(parsed, 1, parsed.length));
        int[] literal = tokenizer.encode("<s>Once");
        assertTrue(Arrays.stream(literal).noneMatch(t -> t == 1), Arrays.toString(literal));
        assertEquals("<s>Once", tokenizer.decode(literal));
    }

    @Test
    void decodesTheGreedyFixtures() throws IOException {
        Tokenizer tokenizer = Tokenizers.fromLlama2cFile(SHARED.resolve("models/tok512.bin"), 512);
        List<String> lines = Files.readAllLines(SHARED.resolve("fixtures/llama2c-greedy.jsonl"), StandardCharsets.UTF_8);
        assertEquals(12, lines.size());
        for (String line : lines) {
            int[] tokens = intArray(line, "tokens");
            String text = jsonString(line, "text");
            String prompt = jsonString(line, "prompt");
            assertEquals(1, tokens[0], "records start with BOS");
            // The prompt tokens follow BOS; llama2.c encodes them as we do.
            int[] promptTokens = tokenizer.encode(prompt);
            assertArrayEquals(promptTokens, Arrays.copyOfRange(tokens, 1, 1 + promptTokens.length), prompt);
            assertEquals(text, tokenizer.decode(Arrays.copyOfRange(tokens, 1, tokens.length)), prompt);
        }
    }

    @Test
    void llama2TokenizerBinAgreesWithLlamaCppVocabulary() throws IOException {
        Tokenizer bin = Tokenizers.fromLlama2cFile(SHARED.resolve("models/llama2-tokenizer.bin"), 32000);
        Path gguf = SHARED.resolve("vocab/ggml-vocab-llama-spm.gguf");
        VocabTestVectors vectors = VocabTestVectors.read(gguf);
        for (int i = 0; i < vectors.texts().size(); i++) {
            assertArrayEquals(vectors.ids().get(i), bin.encode(vectors.texts().get(i)), "vector " + i);
            assertEquals(vectors.texts().get(i), bin.decode(vectors.ids().get(i)), "vector " + i);
        }
        try (GgufFile file = GgufFile.open(gguf)) {
            Tokenizer fromGguf = Tokenizers.fromGguf(file);
            for (int id = 0; id < 32000; id += 7) assertArrayEquals(fromGguf.tokenBytes(id), bin.tokenBytes(id), "token " + id);
        }
    }

    @Test
    void refusesWrongVocabularySize() {
        IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class,
                () -> Tokenizers.fromLlama2cFile(SHARED.resolve("models/tok512.bin"), 500));
        assertTrue(tooFew.getMessage().contains("tok512.bin") && tooFew.getMessage().contains("left"), tooFew.getMessage());
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> Tokenizers.fromLlama2cFile(SHARED.resolve("models/tok512.bin"), 32000));
        assertTrue(tooMany.getMessage().contains("truncated"), tooMany.getMessage());
    }

    @Test
    void refusesTruncatedFile() throws IOException {
        byte[] bytes = Files.readAllBytes(SHARED.resolve("models/tok512.bin"));
        Path cut = tmp.resolve("cut.bin");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.fromLlama2cFile(cut, 512));
        assertTrue(e.getMessage().contains("cut.bin") && e.getMessage().contains("token 511"), e.getMessage());
    }

    private static int[] withBos(SpecialTokens special, int[] ids) {
        int[] out = new int[ids.length + 1];
        out[0] = special.bos();
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    private static int[] intArray(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\\[([^\\]]*)]").matcher(json);
        if (!m.find()) throw new IllegalStateException("no field " + field);
        return Arrays.stream(m.group(1).split(",")).map(String::strip).mapToInt(Integer::parseInt).toArray();
    }

    /** A JSON string field, unescaped (enough JSON for the fixture). */
    private static String jsonString(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        if (!m.find()) throw new IllegalStateException("no field " + field);
        String s = m.group(1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }
}
