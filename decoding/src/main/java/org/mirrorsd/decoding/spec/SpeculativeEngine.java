package org.mirrorsd.decoding.spec;

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

    private SpeculativeEngine(String method, LayerExecutor target, SpecOptions options,
                              Function<Session, Proposer> proposers, PrefixCache prefixes) {
        this.method = method;
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
        // One DraftModel (batch buffers) per session: sessions may run concurrently.
        return new SpeculativeEngine("sd", target, options,
                s -> new DraftModelProposer(new DraftModel(draft, lookahead), s.sampling(), s.random().split(),
                        s.processor()), prefixes);
    }

    public static SpeculativeEngine withNgrams(LayerExecutor target, SpecOptions options) {
        return withNgrams(target, options, PrefixCache.disabled());
    }

    public static SpeculativeEngine withNgrams(LayerExecutor target, SpecOptions options, PrefixCache prefixes) {
        return new SpeculativeEngine("ngram", target, options,
                s -> new NgramProposer(options.ngramMin(), options.ngramMax()), prefixes);
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

    @Override
    public void close() {}

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

        java.util.SplittableRandom random() { return random; }

        org.mirrorsd.decoding.sampling.LogitProcessor processor() { return processor; }

        @Override
        protected void prefill() {
            stats.cachedPromptTokens = runner.prefill(request.prompt());
            commit(choose(runner.logits(), 0), runner.logits(), 0);
        }

        @Override
        protected void decode() {
            int rows = prepare();
            long t0 = System.nanoTime();
            runner.forward(window, 0, rows);
            complete(System.nanoTime() - t0);
        }

        /** Drafts up to γ tokens: the window is the last committed token and the draft. */
        @Override
        public int prepare() {
            // Under load (see SpeculationLimit) the step is a plain one, still verified like any other (an empty
            // draft); the draft model catches up when drafting resumes.
            int n = limit.exceeded() ? 0 : Math.min(options.gamma(), remainingBudget() - 1);
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
            verifyAndCommit(draft.tokens(), draft.size(), runner.logits(), draft.probs());
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
