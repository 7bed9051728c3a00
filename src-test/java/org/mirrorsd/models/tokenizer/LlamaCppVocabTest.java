package org.mirrorsd.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mirrorsd.models.gguf.GgufFile;

/**
 * llama.cpp's tokenizer test vectors ({@code test-tokenizer-0}: no BOS/EOS, special text not parsed) for every
 * vocabulary in the shared {@code vocab/} and {@code vocab-extra/} folders, found at run time: each text encodes
 * to exactly llama.cpp's ids, and decodes back the way llama.cpp's detokenizer gives it.
 */
class LlamaCppVocabTest {
    static final Path SHARED = Path.of(System.getProperty("mirrorsd.shared", "../shared"));
    static final Path VOCAB = SHARED.resolve("vocab");

    /** Pre-tokenizers of the shared files for which llama.cpp keeps clean_spaces on (HF's clean_up_tokenization_spaces). */
    private static final Set<String> CLEANS_SPACES = Set.of("gpt-2", "falcon", "mpt", "llama-bpe");
    /** ...and those for which it turns it off; SentencePiece vocabularies never clean. */
    private static final Set<String> KEEPS_SPACES = Set.of("deepseek-llm", "deepseek-coder", "qwen2");

    static Stream<Path> vocabularies() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String folder : List.of("vocab", "vocab-extra")) {
            try (Stream<Path> s = Files.list(SHARED.resolve(folder))) {
                s.filter(p -> p.getFileName().toString().endsWith(".gguf")).sorted().forEach(files::add);
            }
        }
        assertTrue(files.size() >= 10, "vocabularies found in " + SHARED + ": " + files);
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vocabularies")
    void encodesAndDecodesEveryVectorExactlyAsLlamaCpp(Path path) throws IOException {
        VocabTestVectors vectors = VocabTestVectors.read(path);
        assertFalse(vectors.texts().isEmpty(), path + " has no vectors");
        try (GgufFile gguf = GgufFile.open(path)) {
            boolean spm = gguf.getString("tokenizer.ggml.model").equals("llama");
            String pre = gguf.getOptionalString("tokenizer.ggml.pre").orElse("");
            if (!spm && !CLEANS_SPACES.contains(pre) && !KEEPS_SPACES.contains(pre)) {
                fail(path + ": pre-tokenizer '" + pre + "' is new to this test: say whether llama.cpp cleans its spaces");
            }
            boolean cleans = !spm && CLEANS_SPACES.contains(pre);
            long t0 = System.nanoTime();
            Tokenizer tokenizer = Tokenizers.fromGguf(gguf);
            long t1 = System.nanoTime();

            List<String> failures = new ArrayList<>();
            for (int i = 0; i < vectors.texts().size(); i++) {
                String text = vectors.texts().get(i);
                int[] got = tokenizer.encode(text);
                if (!Arrays.equals(vectors.ids().get(i), got)) {
                    failures.add("vector " + i + " '" + text + "': expected " + Arrays.toString(vectors.ids().get(i))
                            + " got " + Arrays.toString(got));
                }
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < vectors.texts().size(); i++) {
                String text = vectors.texts().get(i);
                int[] ids = vectors.ids().get(i);
                if (!spm) {
                    // Byte-level BPE loses nothing byte for byte...
                    String bytes = new String(concatenatedBytes(tokenizer, ids), StandardCharsets.UTF_8);
                    if (!bytes.equals(text)) failures.add("vector " + i + " bytes: '" + bytes + "' for '" + text + "'");
                }
                // ...and the text comes back, minus llama.cpp's space cleaning where the vocabulary asks for it
                // (SentencePiece: the dummy-prefix space is removed again).
                String expected = cleans ? cleanUpTokenizationSpaces(text) : text;
                String decoded = tokenizer.decode(ids);
                if (!decoded.equals(expected)) failures.add("vector " + i + " decodes to '" + decoded + "' not '" + expected + "'");
            }
            System.out.printf("%s: %d vectors, tokenizer built in %d ms, encoded in %d ms%n", path.getFileName(),
                    vectors.texts().size(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
            assertEquals(List.of(), failures, path.toString());
        }
    }

    @Test
    void spaceCleaningChangesTheVectorsItShould() throws IOException {
        // The cleaning is lossy by design: for GPT-2 exactly the two vectors with " ?" / " 'X" forms differ.
        VocabTestVectors vectors = VocabTestVectors.read(VOCAB.resolve("ggml-vocab-gpt-2.gguf"));
        long changed = vectors.texts().stream().filter(t -> !cleanUpTokenizationSpaces(t).equals(t)).count();
        assertEquals(2, changed);
    }

    @Test
    void loadsA50kVocabularyWithMergesFast() throws IOException {
        Path path = VOCAB.resolve("ggml-vocab-gpt-2.gguf");
        try (GgufFile warmUp = GgufFile.open(path)) {
            Tokenizers.fromGguf(warmUp);
        }
        long start = System.nanoTime();
        try (GgufFile gguf = GgufFile.open(path)) {
            assertEquals(50257, Tokenizers.fromGguf(gguf).vocabularySize());
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        // A guard against a quadratic build, not a speed figure (bench/ measures speed): ~100 ms when quiet, and
        // a loaded machine (other JVMs on both cores) has been seen at 1.1 s.
        assertTrue(millis < 5000, "GGUF open + tokenizer build took " + millis + " ms");
    }

    /** Hugging Face's clean_up_tokenization, written independently of the tokenizer's byte-level port. */
    static String cleanUpTokenizationSpaces(String s) {
        return s.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                .replace(" ' ", "'").replace(" 's", "'s").replace(" 'm", "'m").replace(" 're", "'re")
                .replace(" 've", "'ve");
    }

    private static byte[] concatenatedBytes(Tokenizer tokenizer, int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Arrays.stream(ids).forEach(id -> out.writeBytes(tokenizer.tokenBytes(id)));
        return out.toByteArray();
    }
}
