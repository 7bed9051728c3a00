package org.mirrorsd.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mirrorsd.models.gguf.GgufFile;

/** Every llama.cpp test vector, encoded and decoded, for the three shipped vocabularies. */
class LlamaCppVocabTest {
    static final Path VOCAB = Path.of(System.getProperty("mirrorsd.shared", "../shared"), "vocab");

    @ParameterizedTest
    @ValueSource(strings = {"ggml-vocab-llama-spm.gguf", "ggml-vocab-phi-3.gguf", "ggml-vocab-gpt-2.gguf"})
    void encodesEveryVectorExactlyAsLlamaCpp(String file) throws IOException {
        Path path = VOCAB.resolve(file);
        VocabTestVectors vectors = VocabTestVectors.read(path);
        assertEquals(46, vectors.texts().size());
        try (GgufFile gguf = GgufFile.open(path)) {
            Tokenizer tokenizer = Tokenizers.fromGguf(gguf);
            for (int i = 0; i < vectors.texts().size(); i++) {
                String text = vectors.texts().get(i);
                assertArrayEquals(vectors.ids().get(i), tokenizer.encode(text), file + " vector " + i + ": '" + text + "'");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ggml-vocab-llama-spm.gguf", "ggml-vocab-phi-3.gguf", "ggml-vocab-gpt-2.gguf"})
    void decodesEveryVectorBack(String file) throws IOException {
        Path path = VOCAB.resolve(file);
        VocabTestVectors vectors = VocabTestVectors.read(path);
        boolean byteLevel = file.contains("gpt-2");
        int cleaned = 0;
        try (GgufFile gguf = GgufFile.open(path)) {
            Tokenizer tokenizer = Tokenizers.fromGguf(gguf);
            for (int i = 0; i < vectors.texts().size(); i++) {
                String text = vectors.texts().get(i);
                int[] ids = vectors.ids().get(i);
                String decoded = tokenizer.decode(ids);
                String what = file + " vector " + i + ": '" + text + "'";
                if (!byteLevel) {
                    // SentencePiece: the dummy-prefix space is removed again, so every vector round-trips.
                    assertEquals(text, decoded, what);
                    continue;
                }
                // Byte-level BPE is lossless byte for byte...
                assertEquals(text, new String(concatenatedBytes(tokenizer, ids), StandardCharsets.UTF_8), what);
                // ...but GPT-2 decoding cleans spaces like llama.cpp and Hugging Face (clean_up_tokenization_spaces):
                // " ?", " !", " .", " ,", " ' ", " 's", " 'm", " 're", " 've" lose their space. Exactly the vectors
                // that contain one of those differ, and by exactly that.
                String expected = cleanUpTokenizationSpaces(text);
                assertEquals(expected, decoded, what);
                if (!expected.equals(text)) {
                    cleaned++;
                    assertNotEquals(text, decoded, what);
                }
            }
        }
        if (byteLevel) assertEquals(2, cleaned, "vectors changed by space cleaning");
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
        assertTrue(millis < 1000, "GGUF open + tokenizer build took " + millis + " ms");
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
