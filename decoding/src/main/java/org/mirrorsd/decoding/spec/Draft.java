package org.mirrorsd.decoding.spec;

/**
 * Proposed tokens and, when they were sampled, the distribution each was drawn from (rows of vocab floats).
 * A null {@code probs} means the proposal was deterministic: the verifier treats each q as one-hot.
 */
public record Draft(int[] tokens, float[][] probs) {
    public static final Draft EMPTY = new Draft(new int[0], null);

    public int size() { return tokens.length; }
}
