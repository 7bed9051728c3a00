package org.mirrorsd.decoding.sampling;

import java.util.Arrays;

/**
 * Turns logits into the distribution a request samples from: penalties, temperature, then top-k, top-p and
 * min-p truncation, renormalised. Speculative sampling applies the same transform to the target's and the
 * draft's logits, so the accept/reject test compares the distributions the request actually asked for.
 */
public final class TokenDistribution {
    private TokenDistribution() {}

    /**
     * Applies repetition/presence/frequency penalties in place. {@code counts[t]} is how often token t was
     * generated so far; {@code seen[t]} whether it occurs anywhere in prompt or output.
     */
    public static void applyPenalties(float[] logits, int off, int vocab, SamplingParams p, int[] counts, boolean[] seen) {
        if (!p.hasPenalties()) return;
        for (int t = 0; t < vocab; t++) {
            float l = logits[off + t];
            if (p.repetitionPenalty() != 1f && seen[t]) l = l > 0 ? l / p.repetitionPenalty() : l * p.repetitionPenalty();
            if (counts[t] > 0) l -= p.presencePenalty() + p.frequencyPenalty() * counts[t];
            logits[off + t] = l;
        }
    }

    /** Index of the largest logit (lowest index on ties). */
    public static int argmax(float[] logits, int off, int vocab) {
        int best = 0;
        float bestValue = logits[off];
        for (int t = 1; t < vocab; t++) {
            if (logits[off + t] > bestValue) {
                bestValue = logits[off + t];
                best = t;
            }
        }
        return best;
    }

    /**
     * Probabilities after temperature and truncation, written to {@code probs[0..vocab)}; tokens cut by
     * top-k/top-p/min-p get exactly 0. For greedy parameters this is a one-hot on the argmax.
     */
    public static void probabilities(float[] logits, int off, int vocab, SamplingParams p, float[] probs) {
        if (p.isGreedy()) {
            Arrays.fill(probs, 0, vocab, 0f);
            probs[argmax(logits, off, vocab)] = 1f;
            return;
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t < vocab; t++) max = Math.max(max, logits[off + t]);
        double sum = 0;
        for (int t = 0; t < vocab; t++) {
            double e = Math.exp((logits[off + t] - max) / p.temperature());
            probs[t] = (float) e;
            sum += e;
        }
        for (int t = 0; t < vocab; t++) probs[t] = (float) (probs[t] / sum);
        if (p.topK() > 0 || p.topP() < 1f || p.minP() > 0f) truncate(probs, vocab, p);
    }

    private static void truncate(float[] probs, int vocab, SamplingParams p) {
        // Sort token ids by probability, descending; ties by id so the cut is deterministic.
        Integer[] order = new Integer[vocab];
        for (int t = 0; t < vocab; t++) order[t] = t;
        Arrays.sort(order, (a, b) -> probs[a] != probs[b] ? Float.compare(probs[b], probs[a]) : Integer.compare(a, b));
        int keep = vocab;
        if (p.topK() > 0) keep = Math.min(keep, p.topK());
        if (p.minP() > 0f) {
            float threshold = probs[order[0]] * p.minP();
            int n = 0;
            while (n < keep && probs[order[n]] >= threshold) n++;
            keep = Math.max(1, n);
        }
        if (p.topP() < 1f) {
            double mass = 0;
            int n = 0;
            while (n < keep) {
                mass += probs[order[n++]];
                if (mass >= p.topP()) break;
            }
            keep = n;
        }
        double kept = 0;
        for (int i = 0; i < keep; i++) kept += probs[order[i]];
        for (int i = keep; i < vocab; i++) probs[order[i]] = 0f;
        for (int i = 0; i < keep; i++) probs[order[i]] = (float) (probs[order[i]] / kept);
    }

    /** Draws a token from {@code probs} with the uniform number {@code u} in [0, 1). */
    public static int sample(float[] probs, int vocab, double u) {
        double cdf = 0;
        int last = 0;
        for (int t = 0; t < vocab; t++) {
            if (probs[t] <= 0f) continue;
            cdf += probs[t];
            last = t;
            if (u < cdf) return t;
        }
        return last; // rounding left u just above the total
    }

    /** log-softmax of the raw logits at {@code token} (what the API reports as a token's logprob). */
    public static float logProb(float[] logits, int off, int vocab, int token) {
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t < vocab; t++) max = Math.max(max, logits[off + t]);
        double sum = 0;
        for (int t = 0; t < vocab; t++) sum += Math.exp(logits[off + t] - max);
        return (float) (logits[off + token] - max - Math.log(sum));
    }
}
