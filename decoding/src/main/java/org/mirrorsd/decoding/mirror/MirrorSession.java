package org.mirrorsd.decoding.mirror;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.mirrorsd.decoding.FusedSteps;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.PrefixCache;
import org.mirrorsd.decoding.SequenceRunner;
import org.mirrorsd.decoding.calibration.LinearHead;
import org.mirrorsd.decoding.sampling.ConstraintCursor;
import org.mirrorsd.decoding.sampling.LogitProcessor;
import org.mirrorsd.decoding.spec.Draft;
import org.mirrorsd.decoding.spec.DraftModel;
import org.mirrorsd.decoding.spec.SpecOptions;
import org.mirrorsd.decoding.spec.SpeculationLimit;
import org.mirrorsd.decoding.spec.SpeculativeSessionBase;
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
    private final SplittableRandom draftRandom;
    private final float[] earlyLogits;
    private final int[] windowTokens;
    private KvCache draftCache;
    private int[] window = new int[0];
    private float[][] windowProbs;
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
                  PrefixCache prefixes, SpeculationLimit limit) {
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
        this.rolloutBatch = draftExec.newBatch(Math.max(1, branches) * draftModel.tokensPerPass());
        this.draftRandom = random.split();
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
        int len = sequenceLength;
        // The window must also fit the draft's context (it may be shorter than the target's).
        int n = Math.min(Math.min(options.gamma(), remainingBudget() - 1), draftCache.capacity() - len);
        // Under load (see SpeculationLimit) a plain step; the draft catches up when drafting resumes.
        if (n <= 0 || limit.exceeded()) {
            plainStep();
            return;
        }
        if (window.length == 0) freshWindow(len, n);
        int m = Math.min(n, window.length);
        if (m == 0) {
            plainStep();
            return;
        }
        int[] draft = window.length == m ? window : java.util.Arrays.copyOf(window, m);
        float[][] draftProbs = windowProbs;

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
        long s0, s1;
        try {
            // 2. Target prefix and the early-exit signal.
            long p0 = System.nanoTime();
            windowTokens[0] = lastToken();
            System.arraycopy(draft, 0, windowTokens, 1, m);
            earlyExit(m);
            int[] windowStates = constrainWindow(draft, m);
            double acceptance = (stats.accepted + 1.0) / (stats.drafted + 2.0);
            List<Candidate> signal = EarlyExitSignal.select(earlyLogits, m, vocab, options.kappa(), draft,
                    options.maxBranches(), acceptance);
            stats.targetPrefixNanos += System.nanoTime() - p0;

            // 3. Parallel region: rollouts on the draft pipeline, the target suffix here.
            BranchRollouts r = new BranchRollouts(signal, len, options.gamma(), processor, windowStates);
            rollouts = r;
            rolling = pipeline.submit(() -> r.run(draftModel, rolloutBatch, mainCache, sampling, draftRandom));
            s0 = System.nanoTime();
            target.forwardSuffix(exitLayer);
            s1 = System.nanoTime();
            stats.targetSuffixNanos += s1 - s0;
            stats.targetPasses++;

            // 4. Verify, and narrow the rollouts to the one branch that can still be used.
            int tau = verifyAndCommit(draft, m, target.logits(), draftProbs);
            branch = finished() ? -1 : rollouts.indexOf(tau, lastToken());
            if (branch >= 0) rollouts.keepOnly(branch);
            else rollouts.abandon();
            long w0 = System.nanoTime();
            long catchUpNanos = await(catchUp);
            await(rolling);
            stats.waitNanos += System.nanoTime() - w0;
            stats.draftNanos += catchUpNanos + (rollouts.endNanos - rollouts.startNanos);
        } catch (RuntimeException | Error e) {
            // A failed step must not leave draft work running or branch caches open.
            if (rollouts != null) rollouts.abandon();
            awaitQuietly(catchUp);
            if (rolling != null) awaitQuietly(rolling);
            if (rollouts != null) rollouts.closeAll();
            throw e;
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
        } else {
            window = new int[0];
            windowProbs = null;
        }
        record(new StepTimes(s0, s1, rollouts.startNanos, rollouts.endNanos, next != null));
    }

    /** Early-exit logits of the window: layer ℓₑ through the final norm and classifier, or through the exit head. */
    private void earlyExit(int m) {
        if (exitHead == null) {
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

    /** The classic serial step after a miss: the draft makes a fresh window from the new prefix. */
    private void freshWindow(int len, int n) {
        KvCache cache = draftCache;
        long t0 = System.nanoTime();
        Draft d = await(pipeline.submit(() -> {
            cache.truncate(Math.min(cache.length(), len - 1));
            return draftModel.draft(cache, sequence, len, n, sampling, draftRandom,
                    new ConstraintCursor(processor, constraintState));
        }));
        stats.draftNanos += System.nanoTime() - t0;
        window = d.tokens();
        windowProbs = d.probs();
    }

    /** No room for a window (last token of the budget or context), or no drafting under load: one ordinary pass. */
    private void plainStep() {
        prepare();
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
