package org.mirrorsd.decoding.spec;

import org.mirrorsd.decoding.sampling.TokenDistribution;

/**
 * The lossless speculative-sampling rule (Leviathan et al. 2023; Chen et al. 2023): accept draft token x
 * with probability min(1, p(x)/q(x)); on rejection draw from normalise(max(0, p - q)). The committed token is
 * then distributed exactly as p. Greedy decoding is the special case where p and q are one-hot.
 */
public final class Verifier {
    private Verifier() {}

    /** Whether to accept x, given the uniform draw u. {@code q == null} means the draft was deterministic. */
    public static boolean accept(float[] p, float[] q, int x, double u) {
        float qx = q == null ? 1f : q[x];
        if (qx <= 0f) return false; // cannot happen for a token drawn from q; be safe
        return u < Math.min(1.0, p[x] / (double) qx);
    }

    /** Draws the correction token from normalise(max(0, p - q)) with the uniform draw u. */
    public static int resample(float[] p, float[] q, int x, int vocab, double u) {
        float[] residual = new float[vocab];
        double sum = 0;
        for (int t = 0; t < vocab; t++) {
            float qt = q == null ? (t == x ? 1f : 0f) : q[t];
            float r = Math.max(0f, p[t] - qt);
            residual[t] = r;
            sum += r;
        }
        if (sum <= 0) return TokenDistribution.sample(p, vocab, u); // p == q: any draw from p is exact
        for (int t = 0; t < vocab; t++) residual[t] = (float) (residual[t] / sum);
        return TokenDistribution.sample(residual, vocab, u);
    }
}
