package org.mirrorsd.decoding.planning;

import java.util.Arrays;
import java.util.List;
import org.mirrorsd.decoding.planning.CostSource.Pass;

/**
 * Chooses, each step, what maximises committed tokens per second, from the paper's latency law with costs
 * measured on this machine (a {@link CostSource}) and acceptance learned online ({@link AcceptanceModel}):
 * <ul>
 * <li><b>draft length</b> (all model and n-gram drafts): draft one more token while the chance that it and all
 * before it are accepted, times the time a committed token is worth, exceeds its draft pass and its extra
 * target row (SpecDec++'s stopping rule, with the draft's own confidence calibrated online);</li>
 * <li><b>Mirror or SD</b>, and <b>how many branches</b>: a Mirror step costs
 * T_prefix + max(T_suffix, T_catch-up + T_rollouts(B)) + (1 - P_hit(B)) T_fresh on split placement, an SD step
 * T_fresh + T_target on all cores; branches are taken in order of P(hit) (P(τ = r) from the window's
 * calibrated confidences times P(correction is the k-th candidate)), each worth the fresh draft it saves.
 * When nothing can be hidden the SD step wins and no branch is launched.</li>
 * </ul>
 * An option whose costs were never measured is tried once, and the runner-up is re-measured every
 * {@value #EXPLORE_EVERY} steps so the plan follows load. When Mirror steps have lately committed tokens more
 * slowly than SD steps, as they really ran, SD is chosen whatever the prediction; and Mirror must be predicted
 * at least {@code 1 - MARGIN} faster to be chosen at all. The plan only schedules: every plan commits the
 * target's own tokens. One planner per engine; thread-safe.
 */
public final class StepPlanner {
    static final int EXPLORE_EVERY = 32;
    static final int EXPLORE_MAX = 1024;
    static final int MIRROR_EVIDENCE = 3;
    /** A runner-up predicted this much slower than the choice is re-measured ever more rarely (see exploreNow). */
    static final double FAR_BEHIND = 1.15;
    /**
     * A Mirror step must be predicted this much faster than the SD step: costs measured beside other work are
     * noisy, a wrong Mirror step costs more than a wrong SD step saves, and "never slower than SD" is the promise.
     */
    static final double MARGIN = 0.9;
    private static final double ALPHA = 0.1;

    private final PlanMode mode;
    private final CostSource costs;
    private final AcceptanceModel acceptance;
    private final int gammaCap;
    private double nanosPerToken = Double.NaN;
    /** The latest steps (a ring): their times and committed tokens. */
    private final long[] stepNanos = new long[32];
    private final int[] stepTokens = new int[32];
    private long steps;
    private double freshLength = Double.NaN;
    private long plans;
    private long exploreEvery = EXPLORE_EVERY;
    private long nextExplore = EXPLORE_EVERY - 1;
    private long windows;
    /** ns per committed token of the latest SD and Mirror steps (rings), and how many of each were seen. */
    private final double[] recentSd = new double[9];
    private final double[] recentMirror = new double[9];
    private long sdSteps;
    private long mirrorSteps;

    /** @param gammaCap most draft tokens per window (the configured γ) */
    public StepPlanner(PlanMode mode, CostSource costs, AcceptanceModel acceptance, int gammaCap) {
        this.mode = mode;
        this.costs = costs;
        this.acceptance = acceptance;
        this.gammaCap = gammaCap;
    }

    public PlanMode mode() { return mode; }

    public AcceptanceModel acceptance() { return acceptance; }

    public CostSource costs() { return costs; }

    public int gammaCap() { return gammaCap; }

    /**
     * Whether a model draft that has made {@code made} tokens, all accepted with probability {@code pAll}, should
     * make another (on {@code placement}'s draft executor).
     */
    public boolean draftMore(int made, double pAll, Placement placement) {
        if (made >= gammaCap) return false;
        if (mode == PlanMode.FIXED || made == 0) return true;
        double value;
        synchronized (this) {
            value = nanosPerToken;
        }
        double cost = costs.nanos(placement, Pass.DRAFT, 1) + extraRow(made + 1);
        if (!Double.isFinite(value) || !Double.isFinite(cost)) return true;
        return pAll * acceptance.meanAcceptance() * value > cost;
    }

    /**
     * {@link #draftMore} as a model draft's stopping rule, with P(all accepted) from the calibrated confidences.
     * One window in {@value #EXPLORE_EVERY} drafts one token past where the rule stops, so the cost and
     * acceptance of the next longer window stay measured (a rule that never drafts longer would never learn that
     * it should) without paying for a window to the cap (measured: 6% of SD's speed when the cap is 7 and the
     * best window 2). One per session.
     */
    public DraftLength draftLength(Placement placement) {
        if (mode == PlanMode.FIXED) return DraftLength.FULL;
        return new DraftLength() {
            private boolean exploring;
            private boolean extended;

            @Override
            public boolean more(int made, float[] confidence) {
                if (made <= 1) {
                    synchronized (StepPlanner.this) {
                        exploring = windows++ % EXPLORE_EVERY == EXPLORE_EVERY - 1;
                    }
                    extended = false;
                }
                if (made >= gammaCap) return false;
                double pAll = 1;
                for (int i = 0; i < made; i++) pAll *= acceptance.accept(confidence[i]);
                if (draftMore(made, pAll, placement)) return true;
                if (exploring && !extended) {
                    extended = true;
                    return true;
                }
                return false;
            }
        };
    }

    /** The n-gram window: the length whose expected tokens per second is highest (acceptance by depth). */
    public int ngramWindow(int max) {
        int cap = Math.min(max, gammaCap);
        if (mode == PlanMode.FIXED || cap <= 0) return Math.max(0, cap);
        synchronized (this) {
            if (plans++ % EXPLORE_EVERY == EXPLORE_EVERY - 1) return cap; // re-measure the depths it stopped short of
        }
        int best = cap;
        double bestRate = -1;
        double expected = 1, reach = 1;
        for (int m = 0; m <= cap; m++) {
            if (m > 0) {
                reach *= acceptance.acceptAtDepth(m - 1);
                expected += reach;
            }
            double t = costs.nanos(Placement.SERIAL, Pass.TARGET_FULL, m + 1);
            if (!Double.isFinite(t)) return cap; // not measured yet: the longest window measures the most
            double rate = expected / t;
            if (rate > bestRate) {
                bestRate = rate;
                best = m;
            }
        }
        return best;
    }

    /**
     * Plans a Mirror-SD step over a window of {@code m} drafts whose acceptance probabilities (calibrated)
     * are {@code accept[0..m)}: SD or Mirror, and how many branches.
     *
     * @param kappa      early-exit candidates per depth
     * @param branchCap  most branches allowed (the configured cap; κ(m+1) when none)
     * @param rounds     draft passes a rollout of a full window takes (γ, or fewer with speculative streaming)
     */
    public Plan planMirror(int m, double[] accept, int kappa, int branchCap, int rounds) {
        return planMirror(m, accept, kappa, branchCap, rounds, List.of(new ExitOption(-1, costs, acceptance, null)));
    }

    /**
     * The same over several early-exit layers, each with its own costs and candidate ranks: the best
     * (exit, branch count), or SD. An exit never measured is tried once.
     */
    public Plan planMirror(int m, double[] accept, int kappa, int branchCap, int rounds, List<ExitOption> exits) {
        long n;
        synchronized (this) {
            n = plans++;
        }
        if (mode == PlanMode.FIXED) {
            ExitOption x = exits.get(0);
            double[] hit = candidateHits(m, accept, kappa, x.ranks());
            int cap = Math.min(branchCap, hit.length);
            return new Plan(Plan.Kind.MIRROR, cap, x.layer(), prefixSum(hit, cap), Double.NaN, Double.NaN, false);
        }
        double fresh = freshNanos(rounds);
        double sd = fresh + costs.nanos(Placement.SERIAL, Pass.TARGET_FULL, m + 1);
        if (!Double.isFinite(sd)) return new Plan(Plan.Kind.SD, 0, -1, 0, sd, Double.NaN, true);
        int bestB = 0;
        ExitOption bestExit = exits.get(0);
        double bestMirror = Double.POSITIVE_INFINITY;
        for (ExitOption x : exits) {
            double[] hit = candidateHits(m, accept, kappa, x.ranks());
            int cap = Math.min(branchCap, hit.length);
            for (int b : branchCounts(cap)) {
                double t = mirrorNanos(x.costs(), m, b, prefixSum(hit, b), fresh, rounds);
                if (!Double.isFinite(t)) {
                    // One branch: the probe measures the split placement's passes; a rollout batch is grown only
                    // once it has been seen to pay (MeasuredCosts extrapolates dearer), and a wider first probe
                    // cost a short run up to a tenth of its time.
                    int probe = Math.min(cap, 1);
                    return new Plan(Plan.Kind.MIRROR, probe, x.layer(), prefixSum(hit, probe), sd, t, true);
                }
                if (t <= bestMirror) { // ties to more branches: what is free should be used
                    bestMirror = t;
                    bestB = b;
                    bestExit = x;
                }
            }
        }
        boolean mirror = bestB > 0 && bestMirror < MARGIN * sd && !mirrorLosesInPractice();
        boolean explore = bestB > 0 && exploreNow(n, mirror ? sd / bestMirror : bestMirror / sd);
        if (explore) mirror = !mirror;
        if (!mirror) return new Plan(Plan.Kind.SD, 0, -1, 0, sd, bestMirror, explore);
        double h = prefixSum(candidateHits(m, accept, kappa, bestExit.ranks()), bestB);
        return new Plan(Plan.Kind.MIRROR, bestB, bestExit.layer(), h, sd, bestMirror, explore);
    }

    /**
     * Whether step {@code n} re-measures the runner-up. Every {@value #EXPLORE_EVERY} steps while the two are
     * within {@value #FAR_BEHIND}x of each other; a runner-up predicted further behind is re-measured half as often
     * each time it stays so (up to every {@value #EXPLORE_MAX} steps): each such step costs the difference in
     * full, and a runner-up that far behind rarely catches up within a few steps.
     */
    private synchronized boolean exploreNow(long n, double runnerUpRatio) {
        if (n < nextExplore) return false;
        exploreEvery = runnerUpRatio > FAR_BEHIND ? Math.min(EXPLORE_MAX, 2 * exploreEvery) : EXPLORE_EVERY;
        nextExplore = n + exploreEvery;
        return true;
    }

    /** Branch counts worth comparing: every count up to 4, then steps of a quarter, and the cap itself. */
    static int[] branchCounts(int cap) {
        int[] out = new int[64];
        int n = 0;
        for (int b = 1; b < cap; b = b < 4 ? b + 1 : b + b / 4) out[n++] = b;
        if (cap >= 1) out[n++] = cap;
        return Arrays.copyOf(out, n);
    }

    /** Predicted Mirror step with {@code b} branches hitting with probability {@code h}. */
    static double mirrorNanos(CostSource costs, int m, int b, double h, double fresh, int rounds) {
        double prefix = costs.nanos(Placement.SPLIT, Pass.TARGET_PREFIX, m + 1);
        double suffix = costs.nanos(Placement.SPLIT, Pass.TARGET_SUFFIX, m + 1);
        double catchUp = costs.nanos(Placement.SPLIT, Pass.DRAFT, 1);
        double rollouts = rounds * costs.nanos(Placement.SPLIT, Pass.DRAFT, b);
        return prefix + Math.max(suffix, catchUp + rollouts) + (1 - h) * fresh;
    }

    /** A fresh window on all cores: the expected draft length, one pass per token. */
    private double freshNanos(int rounds) {
        double len;
        synchronized (this) {
            len = Double.isFinite(freshLength) ? freshLength : rounds;
        }
        return Math.min(len, rounds) * costs.nanos(Placement.SERIAL, Pass.DRAFT, 1);
    }

    /** The target's cost of one more window row. */
    private double extraRow(int rows) {
        double a = costs.nanos(Placement.SERIAL, Pass.TARGET_FULL, rows);
        double b = costs.nanos(Placement.SERIAL, Pass.TARGET_FULL, rows + 1);
        return Double.isFinite(a) && Double.isFinite(b) ? Math.max(0, b - a) : 0;
    }

    /**
     * P(hit) of every candidate (depth r, rank k), best first: P(τ = r) P(correction is candidate k).
     * τ = r needs the first r drafts accepted and, below the window's end, the next one rejected.
     */
    double[] candidateHits(int m, double[] accept, int kappa) {
        return candidateHits(m, accept, kappa, acceptance);
    }

    static double[] candidateHits(int m, double[] accept, int kappa, AcceptanceModel ranks) {
        double[] out = new double[(m + 1) * kappa];
        double reach = 1;
        int i = 0;
        for (int r = 0; r <= m; r++) {
            double tau = r < m ? reach * (1 - accept[r]) : reach;
            for (int k = 0; k < kappa; k++) out[i++] = tau * ranks.rankHit(k);
            if (r < m) reach *= accept[r];
        }
        Arrays.sort(out);
        for (int a = 0, b = out.length - 1; a < b; a++, b--) {
            double t = out[a];
            out[a] = out[b];
            out[b] = t;
        }
        return out;
    }

    private static double prefixSum(double[] v, int n) {
        double s = 0;
        for (int i = 0; i < Math.min(n, v.length); i++) s += v[i];
        return Math.min(1, s);
    }

    /** A finished step: what a committed token costs now (the value of accepting one more). */
    public void observeStep(long nanos, int tokens) {
        observeStep(Plan.Kind.SD, nanos, tokens);
    }

    /** A finished step of {@code kind}: also what a token cost by that kind of step, recently. */
    public synchronized void observeStep(Plan.Kind kind, long nanos, int tokens) {
        if (tokens <= 0 || nanos <= 0) return;
        double v = nanos / (double) tokens;
        int slot = (int) (steps++ % stepNanos.length);
        stepNanos[slot] = nanos;
        stepTokens[slot] = tokens;
        nanosPerToken = recentNanosPerToken((int) Math.min(steps, stepNanos.length));
        double[] recent = kind == Plan.Kind.SD ? recentSd : recentMirror;
        long n = kind == Plan.Kind.SD ? sdSteps++ : mirrorSteps++;
        recent[(int) (n % recent.length)] = v;
    }

    /**
     * Whether Mirror steps, as they really ran lately, committed tokens more slowly than SD steps: the model's
     * prediction is then overruled (costs measured on a shared machine can mislead it for a while).
     */
    private synchronized boolean mirrorLosesInPractice() {
        // Three Mirror steps suffice: each costs what it loses in full (measured at 2-3x an SD step when the
        // prediction was wrong), while SD steps are plentiful.
        if (sdSteps < recentSd.length || mirrorSteps < MIRROR_EVIDENCE) return false;
        return median(recentMirror, (int) Math.min(mirrorSteps, recentMirror.length)) > median(recentSd, recentSd.length);
    }

    /**
     * What a committed token costs at the current pace: the recent steps' time over their tokens (the rate that
     * one more drafted token must beat: it pays iff P(accepted) x this > its cost). Each step's time is capped at
     * three times the median step, so one step stalled by a collection or the scheduler (measured up to 3x the
     * pace in the EWMA this replaces) does not make long windows look worth drafting.
     */
    private double recentNanosPerToken(int n) {
        double[] t = new double[n];
        for (int i = 0; i < n; i++) t[i] = stepNanos[i];
        double cap = 3 * median(t, n);
        double nanos = 0, tokens = 0;
        for (int i = 0; i < n; i++) {
            nanos += Math.min(stepNanos[i], cap);
            tokens += stepTokens[i];
        }
        return nanos / tokens;
    }

    private static double median(double[] v, int n) {
        double[] c = Arrays.copyOf(v, n);
        Arrays.sort(c);
        return c[n / 2];
    }

    /** A fresh window's length (the draft-length rule's choice), for predicting the next one. */
    public synchronized void observeFreshLength(int tokens) {
        freshLength = Double.isFinite(freshLength) ? freshLength + ALPHA * (tokens - freshLength) : tokens;
    }
}
