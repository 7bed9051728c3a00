package org.mirrorsd.models.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * llama.cpp's tokenizer test vectors: {@code X.gguf.inp} holds texts separated by "\n__ggml_vocab_test__\n"
 * (split exactly as test-tokenizer-0 does), {@code X.gguf.out} one line of ids per text.
 */
record VocabTestVectors(List<String> texts, List<int[]> ids) {
    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    static VocabTestVectors read(Path gguf) throws IOException {
        String raw = Files.readString(Path.of(gguf + ".inp"), StandardCharsets.UTF_8);
        List<String> texts = new ArrayList<>();
        int pos = 0;
        while (pos < raw.length()) {
            int next = raw.indexOf(SEPARATOR, pos);
            if (next < 0) {
                texts.add(raw.substring(pos));
                break;
            }
            texts.add(raw.substring(pos, next));
            pos = next + SEPARATOR.length();
        }
        List<int[]> ids = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(gguf + ".out"), StandardCharsets.UTF_8)) {
            String s = line.strip();
            ids.add(s.isEmpty() ? new int[0] : Arrays.stream(s.split("\\s+")).mapToInt(Integer::parseInt).toArray());
        }
        if (texts.size() != ids.size()) {
            throw new IllegalStateException(gguf + ": " + texts.size() + " texts but " + ids.size() + " id lines");
        }
        return new VocabTestVectors(texts, ids);
    }
}
