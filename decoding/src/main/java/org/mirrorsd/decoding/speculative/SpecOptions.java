package org.mirrorsd.decoding.speculative;

import org.mirrorsd.decoding.planning.PlanMode;

/**
 * Tunables of the speculative methods, in one place.
 *
 * @param gamma       draft window γ (tokens proposed per target pass)
 * @param kappa       Mirror-SD: early-exit candidates κ per window position
 * @param exitLayer   Mirror-SD: the target layer ℓₑ whose hidden state gives the early-exit signal (-1 = L/2)
 * @param maxBranches Mirror-SD: most branch rollouts per step, most probable first (0 = all κ(γ+1))
 * @param ngramMin    n-gram proposer: shortest suffix to look up
 * @param ngramMax    n-gram proposer: longest suffix to look up
 * @param maxSpeculativeSequences sd, ngram and mirror draft only while at most this many of their sequences are open;
 *                    above that they decode plainly, which under load (sequences batched together) is faster
 *                    (0 = always draft)
 * @param plan        AUTO: the step planner picks draft length, Mirror or SD, branches and placement each step,
 *                    with gamma and maxBranches as caps; FIXED: gamma, kappa and the branch cap every step
 */
public record SpecOptions(int gamma, int kappa, int exitLayer, int maxBranches, int ngramMin, int ngramMax,
                          int maxSpeculativeSequences, PlanMode plan) {
    public SpecOptions {
        if (plan == null) throw new IllegalArgumentException("plan mode is required");
        if (gamma < 1 || gamma > 32) throw new IllegalArgumentException("gamma must be in 1..32, got " + gamma);
        if (kappa < 1 || kappa > 64) throw new IllegalArgumentException("kappa must be in 1..64, got " + kappa);
        if (maxBranches < 0) throw new IllegalArgumentException("max_branches must be >= 0, got " + maxBranches);
        if (maxSpeculativeSequences < 0) {
            throw new IllegalArgumentException("speculative_max_sequences must be >= 0, got " + maxSpeculativeSequences);
        }
    }

    public SpecOptions(int gamma, int kappa, int exitLayer, int maxBranches, int ngramMin, int ngramMax) {
        this(gamma, kappa, exitLayer, maxBranches, ngramMin, ngramMax, 0);
    }

    /** Planned (AUTO) steps within these caps. */
    public SpecOptions(int gamma, int kappa, int exitLayer, int maxBranches, int ngramMin, int ngramMax,
                       int maxSpeculativeSequences) {
        this(gamma, kappa, exitLayer, maxBranches, ngramMin, ngramMax, maxSpeculativeSequences, PlanMode.AUTO);
    }

    /** Caps γ = 7, κ = 8, ℓₑ = L/2, all branches, every step planned (AUTO). */
    public static SpecOptions defaults() {
        return new SpecOptions(7, 8, -1, 0, 1, 3, 0);
    }

    /** The paper's fixed settings for reproduction: γ = 7, κ = 8, ℓₑ = L/2, all branches, every step. */
    public static SpecOptions paper() {
        return defaults().withPlan(PlanMode.FIXED);
    }

    public int exitLayerFor(int layers) {
        int e = exitLayer < 0 ? layers / 2 : exitLayer;
        if (e < 1 || e >= layers) {
            throw new IllegalArgumentException("exit layer must be in 1.." + (layers - 1) + " for a " + layers + "-layer target, got " + e);
        }
        return e;
    }

    public SpecOptions withGamma(int g) {
        return new SpecOptions(g, kappa, exitLayer, maxBranches, ngramMin, ngramMax, maxSpeculativeSequences, plan);
    }

    public SpecOptions withKappa(int k) {
        return new SpecOptions(gamma, k, exitLayer, maxBranches, ngramMin, ngramMax, maxSpeculativeSequences, plan);
    }

    public SpecOptions withExitLayer(int e) {
        return new SpecOptions(gamma, kappa, e, maxBranches, ngramMin, ngramMax, maxSpeculativeSequences, plan);
    }

    public SpecOptions withMaxBranches(int b) {
        return new SpecOptions(gamma, kappa, exitLayer, b, ngramMin, ngramMax, maxSpeculativeSequences, plan);
    }

    public SpecOptions withMaxSpeculativeSequences(int n) {
        return new SpecOptions(gamma, kappa, exitLayer, maxBranches, ngramMin, ngramMax, n, plan);
    }

    public SpecOptions withPlan(PlanMode p) {
        return new SpecOptions(gamma, kappa, exitLayer, maxBranches, ngramMin, ngramMax, maxSpeculativeSequences, p);
    }
}
