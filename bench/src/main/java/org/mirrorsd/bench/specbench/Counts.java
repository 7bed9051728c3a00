package org.mirrorsd.bench.specbench;

import org.mirrorsd.decoding.DecodingStats;

/**
 * What speculative decoding did during one generation: tokens, target passes, drafted and accepted tokens,
 * Mirror-SD branch hits among the steps that needed a window. Sums over turns and questions.
 */
public record Counts(long generated, long targetPasses, long drafted, long accepted, long branchHits, long branchLookups) {
    public static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0);

    public static Counts of(DecodingStats s) {
        return new Counts(s.generated, s.targetPasses, s.drafted, s.accepted, s.branchHits, s.branchLookups);
    }

    public Counts plus(Counts o) {
        return new Counts(generated + o.generated, targetPasses + o.targetPasses, drafted + o.drafted,
                accepted + o.accepted, branchHits + o.branchHits, branchLookups + o.branchLookups);
    }

    /** τ: tokens committed per target pass, the target's own token included (AR = 1). */
    public double meanAcceptedLength() { return targetPasses == 0 ? 0 : (double) generated / targetPasses; }

    public double acceptanceRate() { return drafted == 0 ? 0 : (double) accepted / drafted; }

    public double branchHitRate() { return branchLookups == 0 ? 0 : (double) branchHits / branchLookups; }
}
