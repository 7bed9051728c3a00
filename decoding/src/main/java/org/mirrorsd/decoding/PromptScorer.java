package org.mirrorsd.decoding;

import java.util.Arrays;
import org.mirrorsd.decoding.sampling.TokenDistribution;
import org.mirrorsd.devices.LayerExecutor;

/**
 * The target's log-probability of each prompt token given the tokens before it (what {@code echo} with
 * {@code logprobs} reports, as vLLM does): one extra pass over the prompt on its own cache, computing the
 * logits of every row, which generation never needs. Only requests that ask for it pay for it.
 */
public final class PromptScorer {
    /** Rows per forward pass. */
    private static final int CHUNK = 64;

    /**
     * @param logprobs    per prompt token; NaN for the first (nothing precedes it)
     * @param topTokens   per prompt token the {@code top} most likely ids at its position (empty for the first)
     * @param topLogprobs their log-probabilities
     */
    public record Scores(float[] logprobs, int[][] topTokens, float[][] topLogprobs) {}

    private PromptScorer() {}

    public static Scores score(LayerExecutor target, int[] prompt, int top) {
        int n = prompt.length;
        int vocab = target.config().vocabSize();
        float[] logprobs = new float[n];
        int[][] topTokens = new int[n][];
        float[][] topLogprobs = new float[n][];
        logprobs[0] = Float.NaN;
        topTokens[0] = new int[0];
        topLogprobs[0] = new float[0];
        try (SequenceRunner runner = new SequenceRunner(target, n, Math.min(CHUNK, n))) {
            for (int from = 0; from < n - 1; from += CHUNK) {
                // Row r's logits predict token from + r + 1; the last prompt token predicts nothing here.
                int count = Math.min(CHUNK, n - from);
                runner.forward(prompt, from, count);
                float[] logits = runner.logits();
                for (int r = 0; r < count && from + r + 1 < n; r++) {
                    int pos = from + r + 1;
                    logprobs[pos] = TokenDistribution.logProb(logits, r * vocab, vocab, prompt[pos]);
                    topTokens[pos] = topIds(logits, r * vocab, vocab, top);
                    topLogprobs[pos] = new float[topTokens[pos].length];
                    for (int k = 0; k < topTokens[pos].length; k++) {
                        topLogprobs[pos][k] = TokenDistribution.logProb(logits, r * vocab, vocab, topTokens[pos][k]);
                    }
                }
            }
        }
        return new Scores(logprobs, topTokens, topLogprobs);
    }

    /** The {@code k} ids with the largest logits, best first (ties: lower id first). */
    static int[] topIds(float[] logits, int off, int vocab, int k) {
        k = Math.min(k, vocab);
        int[] ids = new int[k];
        Arrays.fill(ids, -1);
        for (int t = 0; t < vocab; t++) {
            float v = logits[off + t];
            int pos = k;
            while (pos > 0 && (ids[pos - 1] < 0 || logits[off + ids[pos - 1]] < v)) pos--;
            if (pos < k) {
                System.arraycopy(ids, pos, ids, pos + 1, k - pos - 1);
                ids[pos] = t;
            }
        }
        return ids;
    }
}
