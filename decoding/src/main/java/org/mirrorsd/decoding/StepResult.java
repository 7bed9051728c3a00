package org.mirrorsd.decoding;

/**
 * Tokens one decoding step committed (one for autoregressive decoding, up to γ+1 for speculative steps).
 *
 * @param logprobs    log-softmax of the target's logits at each committed token
 * @param topTokens   per committed token the most likely ids (empty arrays unless requested)
 * @param topLogprobs their log-probabilities
 */
public record StepResult(int[] tokens, float[] logprobs, int[][] topTokens, float[][] topLogprobs) {
    public static final StepResult EMPTY = new StepResult(new int[0], new float[0], new int[0][], new float[0][]);

    public int size() { return tokens.length; }
}
