package org.mirrorsd.decoding.sampling;

/**
 * The random draws of one request, keyed by (seed, output position, token) instead of drawn from a stream, so
 * a token never depends on how many draws came before it: not on the method, γ, the plan, which pipeline got
 * there first, the load or the stream mode.
 *
 * <p>A token at position i is drawn by an exponential race: every token t gets E_t = -ln U(seed, i, t) with U a
 * counter-based uniform, and the winner is argmax p_t / E_t. That is exactly a draw from p (the Gumbel-max
 * trick written with exponentials). The draft proposes with the same race over q, and the target's token at a
 * position is the race over p: so a draft token is accepted exactly when it is the token the target draws
 * itself (a coupling of p and q). Every method then commits the very tokens plain sampling of the target
 * commits, with its exact distribution, and ngram's deterministic drafts are accepted with probability p(x),
 * as under the classic rule.
 */
public final class KeyedNoise {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final long POSITION = 0xD1B54A32D192ED03L;
    private static final long TOKEN = 0xABC98388FB8FAC03L;
    private final long key;

    public KeyedNoise(long seed) {
        this.key = mix(seed * GOLDEN + 0x632BE59BD9B4E019L);
    }

    /** Draws from {@code probs} (zeros never win) with the noise of output position {@code position}. */
    public int sample(float[] probs, int vocab, int position) {
        long base = mix(key ^ mix(position * POSITION + GOLDEN));
        int best = -1;
        double bestScore = -1;
        for (int t = 0; t < vocab; t++) {
            float p = probs[t];
            if (p <= 0f) continue;
            double score = p / exponential(base, t);
            if (score > bestScore) {
                bestScore = score;
                best = t;
            }
        }
        return best < 0 ? TokenDistribution.argmax(probs, 0, vocab) : best;
    }

    /** The uniform of (position, token) as an Exp(1) variate. */
    private static double exponential(long base, int token) {
        long h = mix(base + (token + 1L) * TOKEN);
        double u = ((h >>> 11) + 0.5) * 0x1.0p-53; // in (0, 1), never 0
        return -Math.log(u);
    }

    /** SplitMix64's finaliser: a bijection whose output bits each depend on every input bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
