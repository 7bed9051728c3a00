package org.mirrorsd.decoding.sampling;

/**
 * A change to the logits that depends on what was generated so far: a grammar mask, a logit bias. It is part
 * of the request's target distribution, so every decoding method applies it the same way, to the target's
 * logits and to the draft's, with the state of the position each row predicts. States are small ints owned by
 * the processor; a session keeps the state of its committed tokens, a draft advances a copy along its window.
 */
public interface LogitProcessor {
    /** The state after a token the processor forbids. */
    int DEAD = -1;

    /** Changes nothing (no constraint, no bias). */
    LogitProcessor NONE = new LogitProcessor() {
        @Override public int initialState() { return 0; }
        @Override public int advance(int state, int token) { return state; }
        @Override public void apply(int state, float[] logits, int off, int vocab) {}
        @Override public boolean isIdentity() { return true; }
    };

    /** The state before the first generated token. */
    int initialState();

    /** The state after {@code token}, or {@link #DEAD} when the processor forbids it in {@code state}. */
    int advance(int state, int token);

    /**
     * Adjusts {@code logits[off .. off + vocab)} for the next token in {@code state}: forbidden tokens become
     * negative infinity. Never forbids every token.
     */
    void apply(int state, float[] logits, int off, int vocab);

    /** Whether the output is complete in {@code state} and nothing may follow: the session ends there. */
    default boolean finished(int state) { return false; }

    /** True for a processor that never changes anything, so callers can skip copying logits. */
    default boolean isIdentity() { return false; }

    /** This processor's state changes with the grammar, {@code bias} added to the logits first. */
    default LogitProcessor withBias(LogitBias bias) {
        if (bias == null || bias.isEmpty()) return this;
        LogitProcessor inner = this;
        return new LogitProcessor() {
            @Override public int initialState() { return inner.initialState(); }
            @Override public int advance(int state, int token) { return inner.advance(state, token); }
            @Override public void apply(int state, float[] logits, int off, int vocab) {
                bias.apply(logits, off, vocab);
                inner.apply(state, logits, off, vocab);
            }
            @Override public boolean finished(int state) { return inner.finished(state); }
        };
    }
}
