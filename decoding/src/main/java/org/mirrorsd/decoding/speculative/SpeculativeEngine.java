package org.mirrorsd.decoding.speculative;

import java.util.List;
import java.util.function.Function;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.FusedForward;
import org.mirrorsd.decoding.FusedSteps;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.PrefixCache;
import org.mirrorsd.decoding.SequenceRunner;
import org.mirrorsd.decoding.StepResult;
import org.mirrorsd.decoding.planning.AcceptanceModel;
import org.mirrorsd.decoding.planning.CorePlacement;
import org.mirrorsd.decoding.planning.CostSource.Pass;
import org.mirrorsd.decoding.planning.MeasuredCosts;
import org.mirrorsd.decoding.planning.Placement;
import org.mirrorsd.decoding.planning.PlanMode;
import org.mirrorsd.decoding.planning.StepPlanner;
import org.mirrorsd.devices.LayerExecutor;
import org.mirrorsd.models.LlamaConfig;

/**
 * Classic speculative decoding: a proposer drafts γ tokens, the target scores the window in one batched
 * pass, the verifier accepts a prefix and adds the target's own token. Serial: draft, then target.
 * With a {@link DraftModelProposer} this is draft-model SD ("sd"); with an {@link NgramProposer}, "ngram".
 * Sessions stepped together draft each on their own and share one target pass for all their windows.
 */
public final class SpeculativeEngine implements DecodingEngine {
    private final String method;
    private final LayerExecutor target;
    private final SpecOptions options;
    private final Function<Session, Proposer> proposers;
    private final FusedForward fused;
    private final PrefixCache prefixes;
    private final SpeculationLimit limit;
    private final MeasuredCosts costs = new MeasuredCosts();
    private final StepPlanner planner;
    private final AutoCloseable owned;

    private SpeculativeEngine(String method, LayerExecutor target, SpecOptions options,
                              Function<Session, Proposer> proposers, PrefixCache prefixes, AutoCloseable owned) {
        this.method = method;
        this.owned = owned;
        this.planner = new StepPlanner(options.plan(), costs, new AcceptanceModel(), options.gamma());
        this.target = target;
        this.options = options;
        this.proposers = proposers;
        this.fused = new FusedForward(target);
        this.prefixes = prefixes;
        this.limit = new SpeculationLimit(options.maxSpeculativeSequences());
    }

    public static SpeculativeEngine withDraftModel(LayerExecutor target, LayerExecutor draft, SpecOptions options) {
        return withDraftModel(target, draft, options, null);
    }

    /** @param lookahead the draft's speculative-streaming heads (may be null) */
    public static SpeculativeEngine withDraftModel(LayerExecutor target, LayerExecutor draft, SpecOptions options,
                                                   org.mirrorsd.decoding.calibration.LinearHead[] lookahead) {
        return withDraftModel(target, draft, options, lookahead, PrefixCache.disabled());
    }

    /** @param prefixes finished sequences' target KV, shared with the other engines on this target */
    public static SpeculativeEngine withDraftModel(LayerExecutor target, LayerExecutor draft, SpecOptions options,
                                                   org.mirrorsd.decoding.calibration.LinearHead[] lookahead,
                                                   PrefixCache prefixes) {
        checkVocabularies(target, draft);
        // The draft runs while the target waits: planned, it gets all the target's threads (the serial placement).
        CorePlacement placement = options.plan() == PlanMode.AUTO
                ? CorePlacement.derive(target, draft, Runtime.getRuntime().availableProcessors())
                : CorePlacement.asGiven(target, draft);
        LayerExecutor drafting = placement.draft(Placement.SERIAL);
        // One DraftModel (batch buffers) per session: sessions may run concurrently.
        return new SpeculativeEngine("sd", target, options, s -> {
            // Caches come from the given executor (it counts them), the passes run on the placement's.
            DraftModel model = new DraftModel(draft, lookahead);
            Proposer p = new DraftModelProposer(model, s.sampling(), s.noise(),
                    s.engine().planner.draftLength(Placement.SERIAL), s.processor());
            model.runOn(drafting);
            return p;
        }, prefixes, placement);
    }

    public static SpeculativeEngine withNgrams(LayerExecutor target, SpecOptions options) {
        return withNgrams(target, options, PrefixCache.disabled());
    }

    public static SpeculativeEngine withNgrams(LayerExecutor target, SpecOptions options, PrefixCache prefixes) {
        return new SpeculativeEngine("ngram", target, options,
                s -> new NgramProposer(options.ngramMin(), options.ngramMax()), prefixes, null);
    }

    static void checkVocabularies(LayerExecutor target, LayerExecutor draft) {
        if (target.config().vocabSize() != draft.config().vocabSize()) {
            throw new IllegalArgumentException("draft vocabulary (" + draft.config().vocabSize()
                    + ") differs from the target's (" + target.config().vocabSize() + "): they must share a tokenizer");
        }
    }

    @Override
    public String method() { return method; }

    @Override
    public LlamaConfig targetConfig() { return target.config(); }

    @Override
    public DecodingSession open(GenerationRequest request) {
        return new Session(request);
    }

    @Override
    public int maxFusedSessions() { return FusedSteps.MAX_SESSIONS; }

    /** Drafts are made per session; the target's verification passes of all the windows are fused into one. */
    @Override
    public List<StepResult> stepTogether(List<? extends DecodingSession> sessions) {
        return FusedSteps.step(FusedSteps.ours(sessions, Session.class, s -> s.engine() == this), fused);
    }

    /** This engine's planner (draft lengths from measured costs and acceptance). */
    public StepPlanner planner() { return planner; }

    @Override
    public void close() {
        try {
            if (owned != null) owned.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the draft placement", e);
        }
    }

    final class Session extends SpeculativeSessionBase implements FusedSteps.Participant {
        private final SequenceRunner runner;
        private final Proposer proposer;
        private final int[] window;
        private Draft draft;

        Session(GenerationRequest request) {
            super(request, target.config().vocabSize(), target.config().contextLength());
            this.runner = prefixes.runnerFor(target, request.prompt(), Math.max(64, options.gamma() + 1));
            try {
                this.proposer = proposers.apply(this);
            } catch (RuntimeException | Error e) {
                runner.close(); // a draft device that cannot open must not leak the target's cache
                throw e;
            }
            this.window = new int[options.gamma() + 1];
            limit.opened();
        }

        SpeculativeEngine engine() { return SpeculativeEngine.this; }

        org.mirrorsd.decoding.sampling.SamplingParams sampling() { return sampling; }

        org.mirrorsd.decoding.sampling.KeyedNoise noise() { return noise; }

        org.mirrorsd.decoding.sampling.LogitProcessor processor() { return processor; }

        @Override
        protected void prefill() {
            stats.cachedPromptTokens = runner.prefill(request.prompt());
            commit(choose(runner.logits(), 0), runner.logits(), 0);
        }

        @Override
        protected void decode() {
            long stepStart = System.nanoTime();
            long before = stats.generated;
            int rows = prepare();
            long t0 = System.nanoTime();
            runner.forward(window, 0, rows);
            long pass = System.nanoTime() - t0;
            // Costs are learnt from steps run alone: a fused pass's time is shared by its sessions.
            costs.observe(Placement.SERIAL, Pass.TARGET_FULL, rows, pass);
            if (draft.size() > 0 && draft.confidence() != null) {
                costs.observe(Placement.SERIAL, Pass.DRAFT, 1, (t0 - stepStart) / draft.size());
            }
            complete(pass);
            planner.observeStep(System.nanoTime() - stepStart, (int) (stats.generated - before));
        }

        /** Drafts up to γ tokens: the window is the last committed token and the draft. */
        @Override
        public int prepare() {
            // Under load (see SpeculationLimit) the step is a plain one, still verified like any other (an empty
            // draft); the draft model catches up when drafting resumes.
            int n = limit.exceeded() ? 0 : Math.min(options.gamma(), remainingBudget() - 1);
            if (method.equals("ngram")) n = planner.ngramWindow(n);
            long t0 = System.nanoTime();
            draft = n > 0 ? proposer.propose(sequence, sequenceLength, n, constraintState) : Draft.EMPTY;
            stats.draftNanos += System.nanoTime() - t0;
            window[0] = lastToken();
            System.arraycopy(draft.tokens(), 0, window, 1, draft.size());
            return draft.size() + 1;
        }

        /** The target scored the window: accept a prefix of the draft, roll back the rest. */
        @Override
        public void complete(long passNanos) {
            stats.targetPasses++;
            stats.targetSuffixNanos += passNanos;
            int accepted = verifyAndCommit(draft.tokens(), draft.size(), runner.logits(), draft.probs());
            if (draft.size() > 0) planner.acceptance().observeVerification(draft.confidence(), draft.size(), accepted);
            runner.truncate(sequenceLength - 1);
            proposer.rollback(sequenceLength);
        }

        @Override
        public int[] window() { return window; }

        @Override
        public SequenceRunner runner() { return runner; }

        @Override
        protected void release() {
            limit.closed();
            offerPrefix(prefixes, runner);
            proposer.close();
            runner.close();
        }
    }
}
