package org.mirrorsd.models.tokenizer;

import java.util.HashMap;
import java.util.Map;

/**
 * Token strings, scores and types, indexed by id, with the reverse lookup.
 * Duplicate strings map to the last id that has them, as in llama.cpp.
 */
final class Vocabulary {
    private final String[] pieces;
    private final float[] scores;
    private final TokenType[] types;
    private final Map<String, Integer> ids;

    Vocabulary(String[] pieces, float[] scores, TokenType[] types) {
        if (scores.length != pieces.length || types.length != pieces.length) {
            throw new IllegalArgumentException("vocabulary arrays disagree: " + pieces.length + " tokens, "
                    + scores.length + " scores, " + types.length + " types");
        }
        this.pieces = pieces;
        this.scores = scores;
        this.types = types;
        this.ids = HashMap.newHashMap(pieces.length);
        for (int i = 0; i < pieces.length; i++) ids.put(pieces[i], i);
    }

    int size() { return pieces.length; }

    String piece(int id) {
        checkId(id);
        return pieces[id];
    }

    float score(int id) { return scores[id]; }

    TokenType type(int id) {
        checkId(id);
        return types[id];
    }

    /** The id of {@code piece}, or -1. */
    int id(String piece) {
        Integer id = ids.get(piece);
        return id == null ? -1 : id;
    }

    void checkId(int id) {
        if (id < 0 || id >= pieces.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (size " + pieces.length + ")");
        }
    }
}
