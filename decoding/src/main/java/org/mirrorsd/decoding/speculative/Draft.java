package org.mirrorsd.decoding.speculative;

/**
 * Proposed tokens and, when they were sampled, the distribution each was drawn from (rows of vocab floats).
 * A null {@code probs} means the proposal was deterministic. {@code confidence[k]} is the draft's own
 * probability of token k (null when the proposer has none, as n-grams): the planner's signal for when to stop.
 */
public record Draft(int[] tokens, float[][] probs, float[] confidence) {
    public static final Draft EMPTY = new Draft(new int[0], null, null);

    public Draft(int[] tokens, float[][] probs) {
        this(tokens, probs, null);
    }

    public int size() { return tokens.length; }
}
