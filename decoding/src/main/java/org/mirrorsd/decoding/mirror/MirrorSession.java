package org.mirrorsd.decoding.mirror;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.mirrorsd.decoding.FusedSteps;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.PrefixCache;
import org.mirrorsd.decoding.SequenceRunner;
import org.mirrorsd.decoding.calibration.LinearHead;
import org.mirrorsd.decoding.planning.CorePlacement;
import org.mirrorsd.decoding.planning.CostSource.Pass;
import org.mirrorsd.decoding.planning.DraftLength;
import org.mirrorsd.decoding.planning.ExitOption;
import org.mirrorsd.decoding.planning.MeasuredCosts;
import org.mirrorsd.decoding.planning.Plan;
import org.mirrorsd.decoding.planning.Placement;
import org.mirrorsd.decoding.planning.StepPlanner;
import org.mirrorsd.decoding.sampling.ConstraintCursor;
import org.mirrorsd.decoding.sampling.LogitProcessor;
import org.mirrorsd.decoding.speculative.Draft;
import org.mirrorsd.decoding.speculative.DraftModel;
import org.mirrorsd.decoding.speculative.SpecOptions;
import org.mirrorsd.decoding.speculative.SpeculationLimit;
import org.mirrorsd.decoding.speculative.SpeculativeSessionBase;
import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.devices.KvCache;
import org.mirrorsd.devices.LayerExecutor;

/**
 * One Mirror-SD request. Each step (the scheduler that joins the two pipelines):
 * <ol>
 * <li>draft pipeline: catch the draft cache up with the committed prefix and the window (queued first);</li>
 * <li>target: layers [0, ℓₑ) over the window [y, d₁..dₘ] and the early-exit signal Mₜ (top-κ per depth);</li>
 * <li>in parallel: target suffix [ℓₑ, L) here, branch-complete rollouts for every candidate there;</li>
 * <li>verify: τ accepted drafts and the correction c; tell the rollouts to keep only branch (τ, c), or none;</li>
 * <li>reuse: if (τ, c) was a candidate its rollout is the next window at no draft latency; otherwise the draft
 * makes a fresh window from the new prefix (the classic serial step).</li>
 * </ol>
 */
public final class MirrorSession extends SpeculativeSessionBase implements FusedSteps.Participant {
    private static final int TIMELINE = 256;

    private final SpecOptions options;
    private final int exitLayer;
    private final ExecutorService pipeline;
    private final SequenceRunner target;
    private final PrefixCache prefixes;
    private final SpeculationLimit limit;
    private final DraftModel draftModel;
    private final ForwardBatch rolloutBatch;
    private final StepPlanner planner;
    private final MeasuredCosts costs;
    private final CorePlacement placement;
    private final DraftLength draftLength;
    private final int branchCap;
    private final List<ExitOption> exits;
    /** The previous planned step, recorded once the next one knows whether it left a fresh draft to make. */
    private Plan.Kind lastKind;
    private long lastNanos;
    private int lastTokens;
    private final float[] earlyLogits;
    private final int[] windowTokens;
    private KvCache draftCache;
    private int[] window = new int[0];
    private float[][] windowProbs;
    private float[] windowConfidence;
    private final Deque<StepTimes> timeline = new ArrayDeque<>();

    /** Wall-clock marks of one step, to show that suffix and rollouts overlap. */
    public record StepTimes(long suffixStart, long suffixEnd, long rolloutStart, long rolloutEnd, boolean hit) {
        public boolean overlapped() {
            return rolloutStart < suffixEnd && suffixStart < rolloutEnd;
        }
    }

    private final LinearHead exitHead;
    private final LayerExecutor targetExec;
    private final float[] headed;

    MirrorSession(GenerationRequest request, LayerExecutor targetExec, LayerExecutor draftExec, SpecOptions options,
                  int exitLayer, LinearHead exitHead, LinearHead[] lookahead, ExecutorService pipeline,
                  PrefixCache prefixes, SpeculationLimit limit, StepPlanner planner, MeasuredCosts costs,
                  CorePlacement placement, List<ExitOption> exits) {
        super(request, targetExec.config().vocabSize(), targetExec.config().contextLength());
        this.options = options;
        this.exitLayer = exitLayer;
        this.exitHead = exitHead;
        this.targetExec = targetExec;
        this.headed = exitHead == null ? null : new float[(options.gamma() + 1) * targetExec.config().dim()];
        this.pipeline = pipeline;
        int windowRows = options.gamma() + 1;
        this.prefixes = prefixes;
        this.draftModel = new DraftModel(draftExec, lookahead);
        int branches = options.kappa() * windowRows;
        if (options.maxBranches() > 0) branches = Math.min(branches, options.maxBranches());
        this.branchCap = branches;
        this.rolloutBatch = draftExec.newBatch(Math.max(1, branches) * draftModel.tokensPerPass());
        this.planner = planner;
        this.costs = costs;
        this.placement = placement;
        this.exits = exits;
        this.draftLength = planner.draftLength(Placement.SERIAL);
        this.earlyLogits = new float[windowRows * vocab];
        this.windowTokens = new int[windowRows];
        this.draftCache = draftExec.newCache(draftExec.config().contextLength());
        try {
            this.target = prefixes.runnerFor(targetExec, request.prompt(), Math.max(64, windowRows));
        } catch (RuntimeException | Error e) {
            draftCache.close(); // a target that cannot open must not leak the draft's cache
            throw e;
        }
        this.limit = limit;
        limit.opened();
    }

    public List<StepTimes> timeline() {
        synchronized (timeline) {
            return new ArrayList<>(timeline);
        }
    }

    @Override
    protected void prefill() {
        stats.cachedPromptTokens = target.prefill(request.prompt());
        commit(choose(target.logits(), 0), target.logits(), 0);
    }

    @Override
    protected void decode() {
        long stepStart = System.nanoTime();
        long before = stats.generated;
        int len = sequenceLength;
        // The window must also fit the draft's context (it may be shorter than the target's).
        int n = Math.min(Math.min(options.gamma(), remainingBudget() - 1), draftCache.capacity() - len);
        // Under load (see SpeculationLimit) a plain step; the draft catches up when drafting resumes.
        if (n <= 0 || limit.exceeded()) {
            plainStep();
            return;
        }
        long freshNanos = 0;
        if (window.length == 0) {
            long f0 = System.nanoTime();
            freshWindow(len, n);
            freshNanos = System.nanoTime() - f0;
        }
        // The fresh window a step needs is the price of the step before it (a Mirror miss, or any SD step): the
        // realised cost of each kind of step includes the draft it left to do.
        if (lastKind != null) planner.observeStep(lastKind, lastNanos + freshNanos, lastTokens);
        lastKind = null;
        int m = Math.min(n, window.length);
        if (m == 0) {
            plainStep();
            return;
        }
        int[] draft = window.length == m ? window : java.util.Arrays.copyOf(window, m);
        float[] confidence = windowConfidence;
        windowTokens[0] = lastToken();
        System.arraycopy(draft, 0, windowTokens, 1, m);

        double[] accept = new double[m];
        for (int j = 0; j < m; j++) accept[j] = planner.acceptance().accept(confidence == null ? 0.5f : confidence[j]);
        Plan plan = planner.planMirror(m, accept, options.kappa(), branchCap, rolloutRounds(), exits);
        stats.plan(plan);
        int tau = plan.kind() == Plan.Kind.SD ? serialStep(draft, m) : mirrorStep(draft, m, plan.branches(), accept, exit(plan));
        planner.acceptance().observeVerification(confidence, m, tau);
        lastKind = plan.kind();
        lastNanos = System.nanoTime() - stepStart - freshNanos;
        lastTokens = (int) (stats.generated - before);
    }

    /** The exit a Mirror plan chose (the configured one when it names none). */
    private ExitOption exit(Plan plan) {
        for (ExitOption x : exits) if (x.layer() == plan.exitLayer()) return x;
        return exits.get(0);
    }

    /** Draft passes a branch's rollout of a full window takes (fewer with speculative-streaming heads). */
    private int rolloutRounds() {
        return (options.gamma() + draftModel.tokensPerPass() - 1) / draftModel.tokensPerPass();
    }

    /**
     * The plain SD step, both pipelines on all cores one after the other: the whole target over the window,
     * verify; the next window is a fresh draft.
     */
    private int serialStep(int[] draft, int m) {
        target.runOn(placement.target(Placement.SERIAL));
        long t0 = System.nanoTime();
        target.forward(windowTokens, 0, m + 1);
        long t = System.nanoTime() - t0;
        costs.observe(Placement.SERIAL, Pass.TARGET_FULL, m + 1, t);
        stats.targetSuffixNanos += t;
        stats.targetPasses++;
        int tau = verifyAndCommit(draft, m, target.logits(), windowProbs);
        target.truncate(sequenceLength - 1);
        window = new int[0];
        windowProbs = null;
        windowConfidence = null;
        return tau;
    }

    /** The Mirror step on the split placement with {@code branches} rollouts (the most likely to be used). */
    private int mirrorStep(int[] draft, int m, int branches, double[] accept, ExitOption exit) {
        int exitLayer = exit.layer();
        int len = sequenceLength;
        float[][] draftProbs = windowProbs;
        target.runOn(placement.target(Placement.SPLIT));
        draftModel.runOn(placement.draft(Placement.SPLIT));

        // 1. Draft side, queued first: bring the draft cache to prefix + window (no logits needed).
        int[] combined = java.util.Arrays.copyOf(sequence, len + m);
        System.arraycopy(draft, 0, combined, len, m);
        KvCache mainCache = draftCache;
        Future<Long> catchUp = pipeline.submit(() -> {
            long t0 = System.nanoTime();
            if (mainCache.length() > len + m) mainCache.truncate(len + m);
            draftModel.catchUp(mainCache, combined, len + m, false);
            return System.nanoTime() - t0;
        });

        BranchRollouts rollouts = null;
        Future<?> rolling = null;
        int branch;
        int tau;
        long s0, s1;
        try {
            // 2. Target prefix and the early-exit signal.
            long p0 = System.nanoTime();
            earlyExit(m, exitLayer);
            int[] windowStates = constrainWindow(draft, m);
            List<Candidate> signal = EarlyExitSignal.select(earlyLogits, m, vocab, options.kappa(), draft, 0);
            List<Candidate> chosen = mostLikely(signal, accept, m, branches, exit);
            long prefixNanos = System.nanoTime() - p0;
            stats.targetPrefixNanos += prefixNanos;
            observe(exit, Pass.TARGET_PREFIX, m + 1, prefixNanos);

            // 3. Parallel region: rollouts on the draft pipeline, the target suffix here.
            BranchRollouts r = new BranchRollouts(chosen, len, options.gamma(), processor, windowStates);
            rollouts = r;
            rolling = pipeline.submit(() -> r.run(draftModel, rolloutBatch, mainCache, sampling, noise, draftLength));
            s0 = System.nanoTime();
            target.forwardSuffix(exitLayer);
            s1 = System.nanoTime();
            stats.targetSuffixNanos += s1 - s0;
            stats.targetPasses++;
            observe(exit, Pass.TARGET_SUFFIX, m + 1, s1 - s0);

            // 4. Verify, and narrow the rollouts to the one branch that can still be used.
            tau = verifyAndCommit(draft, m, target.logits(), draftProbs);
            if (!finished()) exit.ranks().observeCorrection(rank(signal, tau, lastToken()));
            branch = finished() ? -1 : rollouts.indexOf(tau, lastToken());
            if (branch >= 0) rollouts.keepOnly(branch);
            else rollouts.abandon();
            long w0 = System.nanoTime();
            long catchUpNanos = await(catchUp);
            await(rolling);
            stats.waitNanos += System.nanoTime() - w0;
            stats.draftNanos += catchUpNanos + (rollouts.endNanos - rollouts.startNanos);
            costs.observe(Placement.SPLIT, Pass.DRAFT, 1, catchUpNanos);
            if (rollouts.fullRounds > 0) {
                costs.observe(Placement.SPLIT, Pass.DRAFT, rollouts.size(), rollouts.fullRoundNanos / rollouts.fullRounds);
            }
        } catch (RuntimeException | Error e) {
            // A failed step must not leave draft work running or branch caches open.
            if (rollouts != null) rollouts.abandon();
            awaitQuietly(catchUp);
            if (rolling != null) awaitQuietly(rolling);
            if (rollouts != null) rollouts.closeAll();
            throw e;
        } finally {
            draftModel.runOn(placement.draft(Placement.SERIAL));
        }
        target.truncate(sequenceLength - 1);

        // 5. Reuse the branch, or fall back to a fresh window next step.
        BranchRollouts.Branch next = branch >= 0 ? rollouts.take(branch) : null;
        if (next == null) rollouts.closeAll();
        stats.branchLookups++;
        if (next != null) {
            stats.branchHits++;
            draftCache.close();
            draftCache = next.cache();
            window = next.tokens();
            windowProbs = next.probs();
            windowConfidence = next.confidence();
        } else {
            window = new int[0];
            windowProbs = null;
            windowConfidence = null;
        }
        record(new StepTimes(s0, s1, rollouts.startNanos, rollouts.endNanos, next != null));
        return tau;
    }

    /**
     * The {@code b} candidates most likely to be the next window's root: P(τ = r) (from the window's calibrated
     * acceptance) times P(the correction is the candidate's rank at its depth).
     */
    private List<Candidate> mostLikely(List<Candidate> signal, double[] accept, int m, int b, ExitOption exit) {
        if (b >= signal.size()) return signal;
        double[] tau = new double[m + 1];
        double reach = 1;
        for (int r = 0; r <= m; r++) {
            tau[r] = r < m ? reach * (1 - accept[r]) : reach;
            if (r < m) reach *= accept[r];
        }
        List<Candidate> sorted = new ArrayList<>(signal);
        sorted.sort(Comparator.comparingDouble((Candidate c) ->
                -tau[c.depth()] * exit.ranks().rankHit(rank(signal, c.depth(), c.token()))));
        return new ArrayList<>(sorted.subList(0, b));
    }

    /** A split-placement target cost: in the exit's own table (for planning) and the engine's (the run's mix). */
    private void observe(ExitOption exit, Pass pass, int rows, long nanos) {
        costs.observe(Placement.SPLIT, pass, rows, nanos);
        if (exit.own() != null) exit.own().observe(Placement.SPLIT, pass, rows, nanos);
    }

    /** Rank of {@code token} among the depth's candidates by early-exit probability (0 = most likely), or -1. */
    private static int rank(List<Candidate> signal, int depth, int token) {
        float lp = Float.NaN;
        for (Candidate c : signal) if (c.depth() == depth && c.token() == token) lp = c.logprob();
        if (Float.isNaN(lp)) return -1;
        int rank = 0;
        for (Candidate c : signal) {
            if (c.depth() == depth && (c.logprob() > lp || (c.logprob() == lp && c.token() < token))) rank++;
        }
        return rank;
    }

    /**
     * Early-exit logits of the window: layer ℓₑ through the final norm and classifier, or through the exit head
     * when it was fitted for this layer.
     */
    private void earlyExit(int m, int exitLayer) {
        if (exitHead == null || exitLayer != this.exitLayer) {
            target.forwardPrefix(windowTokens, 0, m + 1, exitLayer, earlyLogits);
        } else {
            // Calibrated early exit: map layer ℓₑ's state toward the final one, then the target's norm + classifier.
            target.forwardPrefix(windowTokens, 0, m + 1, exitLayer, null);
            exitHead.apply(target.hidden(), m + 1, headed);
            targetExec.logitsOfHidden(headed, m + 1, earlyLogits);
        }
    }

    /**
     * The constraint's state at each window row (the committed state, advanced along the draft), with the
     * early-exit rows masked by it: candidates and branch rollouts then follow the constrained distribution.
     * Null without a constraint.
     */
    private int[] constrainWindow(int[] draft, int m) {
        if (processor.isIdentity()) return null;
        int[] states = new int[m + 1];
        states[0] = constraintState;
        for (int j = 0; j <= m; j++) {
            if (j > 0) states[j] = states[j - 1] == LogitProcessor.DEAD ? LogitProcessor.DEAD : processor.advance(states[j - 1], draft[j - 1]);
            if (states[j] != LogitProcessor.DEAD) processor.apply(states[j], earlyLogits, j * vocab, vocab);
        }
        return states;
    }

    private static void awaitQuietly(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException ignored) {
            // the step is failing already; its first error is the one reported
        }
    }

    /** The classic serial step after a miss: the draft makes a fresh window from the new prefix, on all cores. */
    private void freshWindow(int len, int n) {
        KvCache cache = draftCache;
        draftModel.runOn(placement.draft(Placement.SERIAL));
        long t0 = System.nanoTime();
        // Here, not on the draft pipeline: the target waits anyway, and a hand-off to another thread costs a
        // wake-up (on a busy machine, a scheduling quantum). None of this session's draft work is in flight.
        cache.truncate(Math.min(cache.length(), len - 1));
        Draft d = draftModel.draft(cache, sequence, len, n, sampling, noise, draftLength,
                new ConstraintCursor(processor, constraintState));
        long t = System.nanoTime() - t0;
        stats.draftNanos += t;
        if (d.size() > 0) {
            costs.observe(Placement.SERIAL, Pass.DRAFT, 1, t / d.size());
            planner.observeFreshLength(d.size());
        }
        window = d.tokens();
        windowProbs = d.probs();
        windowConfidence = d.confidence();
    }

    /** No room for a window (last token of the budget or context), or no drafting under load: one ordinary pass. */
    private void plainStep() {
        prepare();
        target.runOn(placement.target(Placement.SERIAL));
        long t0 = System.nanoTime();
        target.forward(windowTokens, 0, 1);
        complete(System.nanoTime() - t0);
    }

    /**
     * A plain step's first half, also used when the engine fuses the plain steps of its sessions under load:
     * the window is just the last committed token.
     */
    @Override
    public int prepare() {
        window = new int[0]; // any precomputed window no longer follows the committed sequence
        windowProbs = null;
        windowConfidence = null;
        windowTokens[0] = lastToken();
        return 1;
    }

    /** A plain step's second half: the target's own token, and the cache back to the committed tokens. */
    @Override
    public void complete(long passNanos) {
        stats.targetPasses++;
        stats.targetSuffixNanos += passNanos;
        commit(choose(target.logits(), 0), target.logits(), 0);
        target.truncate(sequenceLength - 1);
    }

    @Override
    public int[] window() { return windowTokens; }

    @Override
    public SequenceRunner runner() { return target; }

    /** Whether the engine holding {@code engineLimit} opened this session. */
    boolean limitedBy(SpeculationLimit engineLimit) { return limit == engineLimit; }

    private void record(StepTimes t) {
        synchronized (timeline) {
            if (timeline.size() == TIMELINE) timeline.removeFirst();
            timeline.addLast(t);
        }
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the draft pipeline", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException("draft pipeline failed", e.getCause());
        }
    }

    @Override
    protected void release() {
        // Steps always join the draft pipeline before returning, so no draft work is in flight here.
        limit.closed();
        draftCache.close();
        offerPrefix(prefixes, target);
        target.close();
    }
}
