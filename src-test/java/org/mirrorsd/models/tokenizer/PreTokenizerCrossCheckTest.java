package org.mirrorsd.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mirrorsd.models.gguf.GgufFile;

/**
 * Every regex pre-tokenizer type against llama.cpp, beyond the seven the shared vocabularies use: the Llama 3
 * vocabulary under each {@code tokenizer.ggml.pre} name must give the ids llama.cpp b11669's llama-tokenize gave
 * for the same vocabulary re-labelled with that name (recorded in {@code pre-tokenizers-llama-cpp.json}).
 */
class PreTokenizerCrossCheckTest {
    private static final Path LLAMA3 = LlamaCppVocabTest.SHARED.resolve("vocab-extra/ggml-vocab-llama3.gguf");

    @Test
    void everyPreTokenizerNameSplitsAsLlamaCppDoes() throws IOException {
        JsonNode doc;
        try (InputStream in = getClass().getResourceAsStream("/tokenizer/pre-tokenizers-llama-cpp.json")) {
            assertNotNull(in, "fixture missing");
            doc = new ObjectMapper().readTree(in);
        }
        List<String> texts = new ArrayList<>(VocabTestVectors.read(LLAMA3).texts());
        doc.get("extra_texts").forEach(t -> texts.add(t.textValue()));

        BytePairTokenizer base;
        try (GgufFile gguf = GgufFile.open(LLAMA3)) {
            base = (BytePairTokenizer) Tokenizers.fromGguf(gguf);
        }
        List<String> failures = new ArrayList<>();
        Set<PreTokenizerType> covered = EnumSet.noneOf(PreTokenizerType.class);
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.get("ids").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            PreTokenizer pre = PreTokenizer.forName(e.getKey());
            covered.add(pre.type());
            Tokenizer tokenizer = base.withPreTokenizer(pre);
            assertEquals(texts.size(), e.getValue().size(), e.getKey());
            for (int i = 0; i < texts.size(); i++) {
                String want = e.getValue().get(i).textValue();
                int[] expected = want.isEmpty() ? new int[0]
                        : Arrays.stream(want.split(" ")).mapToInt(Integer::parseInt).toArray();
                int[] got = tokenizer.encode(texts.get(i));
                if (!Arrays.equals(expected, got)) {
                    failures.add(e.getKey() + " text " + i + " '" + texts.get(i) + "': expected "
                            + Arrays.toString(expected) + " got " + Arrays.toString(got));
                }
            }
        }
        assertEquals(List.of(), failures);
        assertEquals(EnumSet.allOf(PreTokenizerType.class), covered, "every regex type is cross-checked");
    }
}
