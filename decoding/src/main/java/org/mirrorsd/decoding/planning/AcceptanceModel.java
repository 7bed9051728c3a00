package org.mirrorsd.decoding.planning;

/**
 * How likely a draft is to be accepted and an early-exit candidate to be the target's correction, learned
 * online from the verifications of one engine: acceptance by the draft's own confidence (a calibration table,
 * for model drafts), acceptance by depth (for drafts without a confidence, as n-grams), and how often the
 * correction is the k-th early-exit candidate. Priors keep the first steps sensible. Thread-safe.
 */
public final class AcceptanceModel {
    private static final int BUCKETS = 20;
    private static final int DEPTHS = 33;
    private static final int RANKS = 64;
    private static final double PRIOR = 2;

    private final double[] confTested = new double[BUCKETS];
    private final double[] confAccepted = new double[BUCKETS];
    private final double[] depthTested = new double[DEPTHS];
    private final double[] depthAccepted = new double[DEPTHS];
    private final double[] rankHits = new double[RANKS];
    private double corrections;

    /** P(a draft token proposed with this confidence is accepted). Prior: the confidence itself. */
    public synchronized double accept(float confidence) {
        int b = bucket(confidence);
        double prior = (b + 0.5) / BUCKETS;
        return (confAccepted[b] + PRIOR * prior) / (confTested[b] + PRIOR);
    }

    /** P(the draft token at window depth d, d = 0 first, is accepted given those before it were). Prior 0.5. */
    public synchronized double acceptAtDepth(int depth) {
        int d = Math.min(depth, DEPTHS - 1);
        return (depthAccepted[d] + PRIOR * 0.5) / (depthTested[d] + PRIOR);
    }

    /** P(the target's correction is the early-exit candidate of this rank, 0 = most likely). Prior 2^-(rank+1). */
    public synchronized double rankHit(int rank) {
        if (rank >= RANKS) return 0;
        return (rankHits[rank] + PRIOR * Math.pow(0.5, rank + 1)) / (corrections + PRIOR);
    }

    /**
     * One verification: {@code accepted} of the {@code n} drafts were accepted (the one after them, if any, was
     * rejected; later ones were never tested). {@code confidence} may be null.
     */
    public synchronized void observeVerification(float[] confidence, int n, int accepted) {
        int tested = Math.min(n, accepted + 1);
        for (int j = 0; j < tested; j++) {
            boolean ok = j < accepted;
            int d = Math.min(j, DEPTHS - 1);
            depthTested[d]++;
            if (ok) depthAccepted[d]++;
            if (confidence != null && j < confidence.length) {
                int b = bucket(confidence[j]);
                confTested[b]++;
                if (ok) confAccepted[b]++;
            }
        }
    }

    /** The correction was the early-exit candidate of {@code rank}, or none of them ({@code rank < 0}). */
    public synchronized void observeCorrection(int rank) {
        corrections++;
        if (rank >= 0 && rank < RANKS) rankHits[rank]++;
    }

    /** Mean acceptance over the depths seen so far (for a token not drafted yet). */
    public synchronized double meanAcceptance() {
        double t = 0, a = 0;
        for (int d = 0; d < DEPTHS; d++) {
            t += depthTested[d];
            a += depthAccepted[d];
        }
        return (a + PRIOR * 0.5) / (t + PRIOR);
    }

    private static int bucket(float c) {
        if (!(c > 0)) return 0;
        return Math.min(BUCKETS - 1, (int) (c * BUCKETS));
    }
}
