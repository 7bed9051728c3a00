package org.mirrorsd.decoding.mirror;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Builds the early-exit signal from the logits of the target's layer ℓₑ: the top-κ tokens at every window
 * depth r = 0..m. A candidate equal to the draft's own token at that depth is left out: the correction at
 * depth r is by definition a token the target preferred over the draft's, so that branch could never be used.
 * With a branch cap, the candidates most likely to be used are kept: a branch (r, c) is used when exactly r
 * drafts are accepted and the correction is c, so it is ranked by log P(c) + log P(τ = r), with P(τ = r) from
 * the session's running acceptance rate α (α^r(1-α) below the window's end, α^m at it).
 */
public final class EarlyExitSignal {
    private EarlyExitSignal() {}

    /**
     * @param early  early-exit logits, rows 0..m ({@code m + 1} rows of {@code vocab})
     * @param window the draft tokens d₁..dₘ being verified (window[r] is compared at depth r)
     */
    public static List<Candidate> select(float[] early, int m, int vocab, int kappa, int[] window, int maxBranches) {
        return select(early, m, vocab, kappa, window, maxBranches, 0.5);
    }

    /** @param acceptance running estimate of the per-token acceptance rate, for ranking depths */
    public static List<Candidate> select(float[] early, int m, int vocab, int kappa, int[] window, int maxBranches,
                                         double acceptance) {
        double a = Math.min(0.99, Math.max(0.01, acceptance));
        List<Candidate> all = new ArrayList<>();
        int k = Math.min(kappa, vocab);
        int[] top = new int[k];
        for (int r = 0; r <= m; r++) {
            int off = r * vocab;
            topK(early, off, vocab, top);
            float logZ = logSumExp(early, off, vocab);
            for (int t : top) {
                if (r < m && t == window[r]) continue;
                all.add(new Candidate(r, t, early[off + t] - logZ));
            }
        }
        if (maxBranches > 0 && all.size() > maxBranches) {
            all.sort(Comparator.comparingDouble((Candidate c) -> -(c.logprob() + depthLogProb(c.depth(), m, a))));
            all = new ArrayList<>(all.subList(0, maxBranches));
        }
        return all;
    }

    private static double depthLogProb(int depth, int m, double a) {
        return depth * Math.log(a) + (depth < m ? Math.log(1 - a) : 0);
    }

    /** Indices of the k largest values (ties to the lower id), any order. */
    static void topK(float[] v, int off, int n, int[] out) {
        int k = out.length;
        int size = 0;
        for (int t = 0; t < n; t++) {
            float x = v[off + t];
            if (size < k) {
                out[size++] = t;
                continue;
            }
            int worst = 0;
            for (int i = 1; i < k; i++) {
                if (v[off + out[i]] < v[off + out[worst]]
                        || (v[off + out[i]] == v[off + out[worst]] && out[i] > out[worst])) worst = i;
            }
            if (x > v[off + out[worst]]) out[worst] = t;
        }
    }

    private static float logSumExp(float[] v, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t < n; t++) max = Math.max(max, v[off + t]);
        double sum = 0;
        for (int t = 0; t < n; t++) sum += Math.exp(v[off + t] - max);
        return (float) (max + Math.log(sum));
    }
}
