package org.mirrorsd.decoding.sampling;

/**
 * A logit processor's state walking along a draft: masks each draft row with the state of the position it
 * predicts and advances with the token drafted there, so the draft proposes from the same constrained
 * distribution the target verifies with. Mutable; one per draft or branch.
 */
public final class ConstraintCursor {
    private final LogitProcessor processor;
    private int state;

    public ConstraintCursor(LogitProcessor processor, int state) {
        this.processor = processor;
        this.state = state;
    }

    public static ConstraintCursor none() { return new ConstraintCursor(LogitProcessor.NONE, 0); }

    public boolean isIdentity() { return processor.isIdentity(); }

    /** Masks/biases {@code logits[off .. off + vocab)} in place for the current position. */
    public void apply(float[] logits, int off, int vocab) {
        if (!processor.isIdentity()) processor.apply(state, logits, off, vocab);
    }

    /** Moves past {@code token}; false when nothing useful can follow (forbidden, or the output is complete). */
    public boolean advance(int token) {
        if (processor.isIdentity()) return true;
        state = processor.advance(state, token);
        return state != LogitProcessor.DEAD && !processor.finished(state);
    }

    public int state() { return state; }
}
