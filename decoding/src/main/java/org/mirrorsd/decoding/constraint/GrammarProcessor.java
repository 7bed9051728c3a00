package org.mirrorsd.decoding.constraint;

import org.mirrorsd.decoding.sampling.LogitProcessor;

/**
 * One request's grammar constraint: tokens the grammar forbids get negative infinity, and the stop tokens are
 * allowed exactly where the output is a complete instance. Stateless itself (states belong to {@link Grammar}),
 * so a session, its draft and every Mirror-SD branch share it, each with its own state.
 */
public final class GrammarProcessor implements LogitProcessor {
    /** After a stop token: nothing follows. */
    private static final int ENDED = -2;
    private final Grammar grammar;
    private final boolean[] stop;
    private final int[] stopTokens;
    private final boolean dropLeadingSpace;

    /**
     * @param dropLeadingSpace the text omits the first token's leading space (SentencePiece after BOS)
     */
    public GrammarProcessor(Grammar grammar, int[] stopTokens, boolean dropLeadingSpace) {
        this.grammar = grammar;
        this.stopTokens = stopTokens.clone();
        this.stop = new boolean[grammar.trie().vocabularySize()];
        for (int t : stopTokens) if (t >= 0 && t < stop.length) stop[t] = true;
        this.dropLeadingSpace = dropLeadingSpace;
    }

    public Grammar grammar() { return grammar; }

    @Override
    public int initialState() { return grammar.initial(dropLeadingSpace); }

    @Override
    public int advance(int state, int token) {
        if (state < 0) return DEAD;
        if (token >= 0 && token < stop.length && stop[token]) return grammar.complete(state) ? ENDED : DEAD;
        return grammar.advance(state, token);
    }

    @Override
    public void apply(int state, float[] logits, int off, int vocab) {
        if (state < 0) {
            onlyStops(logits, off, vocab);
            return;
        }
        long[] mask = grammar.mask(state);
        boolean canEnd = grammar.complete(state) && stopTokens.length > 0;
        boolean any = canEnd;
        for (long w : mask) any |= w != 0;
        if (!any) {
            // Cannot happen for a trimmed automaton over a vocabulary with every byte; never leave nothing.
            onlyStops(logits, off, vocab);
            return;
        }
        float neg = Float.NEGATIVE_INFINITY;
        int n = Math.min(vocab, stop.length);
        for (int t = 0; t < n; t++) {
            if ((mask[t >>> 6] & (1L << t)) == 0 && !(canEnd && stop[t])) logits[off + t] = neg;
        }
        for (int t = n; t < vocab; t++) logits[off + t] = neg;
    }

    private void onlyStops(float[] logits, int off, int vocab) {
        if (stopTokens.length == 0) return;
        for (int t = 0; t < vocab; t++) if (t >= stop.length || !stop[t]) logits[off + t] = Float.NEGATIVE_INFINITY;
    }

    @Override
    public boolean finished(int state) {
        return state < 0 || grammar.terminal(state);
    }
}
