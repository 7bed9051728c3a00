package org.mirrorsd.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.mirrorsd.decoding.constraint.Grammar;
import org.mirrorsd.decoding.constraint.GrammarProcessor;
import org.mirrorsd.decoding.constraint.JsonSchemaCompiler;
import org.mirrorsd.decoding.constraint.TokenTrie;
import org.mirrorsd.models.tokenizer.Tokenizer;

/**
 * What structured output costs per generated token on a vocabulary: a JSON text that satisfies a schema is
 * walked token by token; at each position the allowed-token mask is computed cold (a fresh grammar: the trie
 * walk of a state seen for the first time) and warm (cached: a lookup and one pass over the logits).
 */
public final class MaskBench {
    /** A representative schema: nested object, bounded string, integer, enum, array, pattern. */
    public static final String SCHEMA = "{\"type\":\"object\",\"properties\":{"
            + "\"name\":{\"type\":\"string\",\"maxLength\":32},\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":150},"
            + "\"role\":{\"enum\":[\"admin\",\"user\",\"guest\"]},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":16},\"maxItems\":8},"
            + "\"address\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"zip\":{\"type\":\"string\",\"pattern\":\"^[0-9]{5}$\"}},"
            + "\"required\":[\"city\",\"zip\"]}},\"required\":[\"name\",\"age\",\"role\",\"tags\",\"address\"],\"additionalProperties\":false}";
    public static final String TEXT = "{\"name\":\"Alice Smith\",\"age\":42,\"role\":\"admin\",\"tags\":[\"red\",\"blue\","
            + "\"über\"],\"address\":{\"city\":\"Paris\",\"zip\":\"75001\"}}";

    /**
     * @param vocab         tokens
     * @param trieNodes     nodes of the token trie
     * @param trieMillis    building the trie (once per model)
     * @param compileMillis schema to automaton to token-level grammar
     * @param tokens        tokens of the walked text
     * @param coldMicros    mean mask cost per token with an empty cache (first visit of every state)
     * @param coldMaxMicros the worst single position, cold
     * @param warmMicros    mean cost per token with the masks cached: lookup + applying the mask to the logits
     */
    public record Result(int vocab, int trieNodes, double trieMillis, double compileMillis, int tokens,
                         double coldMicros, double coldMaxMicros, double warmMicros) {}

    private MaskBench() {}

    public static Result run(Tokenizer tokenizer, int rounds) throws Exception {
        int vocab = tokenizer.vocabularySize();
        long t0 = System.nanoTime();
        byte[][] bytes = new byte[vocab][];
        for (int t = 0; t < vocab; t++) bytes[t] = tokenizer.tokenBytes(t);
        TokenTrie trie = new TokenTrie(bytes);
        double trieMillis = (System.nanoTime() - t0) / 1e6;
        var schema = new ObjectMapper().readTree(SCHEMA);
        int[] ids = tokenizer.encode(TEXT);
        byte[] first = tokenizer.tokenBytes(ids[0]);
        boolean strip = first.length > 0 && first[0] == ' '; // SentencePiece adds a space the output drops
        if (!new String(concat(tokenizer, ids), StandardCharsets.UTF_8).strip().equals(TEXT)) {
            throw new IllegalStateException("the tokenizer does not round-trip the bench text");
        }
        float[] logits = new float[vocab];
        double compileMillis = 0;
        double cold = 0;
        double coldMax = 0;
        double warm = 0;
        for (int r = 0; r < rounds; r++) {
            long c0 = System.nanoTime();
            Grammar g = new Grammar(JsonSchemaCompiler.compile(schema, "schema"), trie);
            compileMillis += (System.nanoTime() - c0) / 1e6;
            GrammarProcessor p = new GrammarProcessor(g, new int[0], strip);
            for (int pass = 0; pass < 2; pass++) {
                int state = p.initialState();
                for (int id : ids) {
                    Arrays.fill(logits, 1f);
                    long s = System.nanoTime();
                    p.apply(state, logits, 0, vocab);
                    double us = (System.nanoTime() - s) / 1e3;
                    if (logits[id] != 1f) throw new IllegalStateException("the mask forbids the text's own token " + id);
                    if (pass == 0) {
                        cold += us;
                        coldMax = Math.max(coldMax, us);
                    } else {
                        warm += us;
                    }
                    state = p.advance(state, id);
                }
                if (!g.complete(state)) throw new IllegalStateException("the bench text is not a complete instance");
            }
        }
        int n = ids.length * rounds;
        return new Result(vocab, trie.nodes(), trieMillis, compileMillis / rounds, ids.length, cold / n, coldMax, warm / n);
    }

    private static byte[] concat(Tokenizer tok, int[] ids) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int id : ids) out.writeBytes(tok.tokenBytes(id));
        return out.toByteArray();
    }
}
