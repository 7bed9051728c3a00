package org.mirrorsd.server.structured;

import com.fasterxml.jackson.databind.JsonNode;
import dk.brics.automaton.Automaton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mirrorsd.decoding.constraint.Grammar;
import org.mirrorsd.decoding.constraint.JsonSchemaCompiler;
import org.mirrorsd.decoding.constraint.SchemaException;
import org.mirrorsd.decoding.constraint.TokenTrie;
import org.mirrorsd.models.tokenizer.Tokenizer;
import org.mirrorsd.server.openai.ApiError;

/**
 * Compiled constraints of one served model: the vocabulary's token trie (built once) and the grammars of recent
 * schemas (an LRU: a schema's cached masks make its next requests cheap).
 */
public final class Constraints {
    private static final int KEEP = 64;
    private final TokenTrie trie;
    private final Map<String, Grammar> grammars = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Grammar> eldest) { return size() > KEEP; }
    };

    private static final Map<Tokenizer, Constraints> BY_TOKENIZER =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** The constraints of a model, built on first use (the trie walk needs every token's bytes once). */
    public static Constraints of(Tokenizer tokenizer, int vocab) {
        return BY_TOKENIZER.computeIfAbsent(tokenizer, t -> new Constraints(t, vocab));
    }

    public Constraints(Tokenizer tokenizer, int vocab) {
        byte[][] bytes = new byte[vocab][];
        for (int t = 0; t < vocab; t++) bytes[t] = t < tokenizer.vocabularySize() ? tokenizer.tokenBytes(t) : new byte[0];
        this.trie = new TokenTrie(bytes);
    }

    public TokenTrie trie() { return trie; }

    /** The grammar of {@code schema} (a 400 naming the place of what is unsupported). */
    public Grammar schema(JsonNode schema, String param) {
        return cached("schema:" + param + ":" + schema, () -> JsonSchemaCompiler.compile(schema, param));
    }

    /** Any JSON object ({@code json_object}). */
    public Grammar anyObject() {
        return cached("json_object", JsonSchemaCompiler::anyObject);
    }

    /** A grammar from an automaton the caller builds (tool calls), cached under {@code key}. */
    public Grammar cached(String key, java.util.function.Supplier<Automaton> automaton) {
        synchronized (grammars) {
            Grammar g = grammars.get(key);
            if (g != null) return g;
        }
        Grammar g;
        try {
            g = new Grammar(automaton.get(), trie);
        } catch (SchemaException e) {
            throw ApiError.invalid(e.getMessage(), e.param());
        }
        synchronized (grammars) {
            grammars.putIfAbsent(key, g);
            return grammars.get(key);
        }
    }
}
