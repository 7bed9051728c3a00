package org.mirrorsd.decoding.spec;

import java.util.function.Function;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.SequenceRunner;
import org.mirrorsd.devices.LayerExecutor;
import org.mirrorsd.models.LlamaConfig;

/**
 * Classic speculative decoding: a proposer drafts γ tokens, the target scores the window in one batched
 * pass, the verifier accepts a prefix and adds the target's own token. Serial: draft, then target.
 * With a {@link DraftModelProposer} this is draft-model SD ("sd"); with an {@link NgramProposer}, "ngram".
 */
public final class SpeculativeEngine implements DecodingEngine {
    private final String method;
    private final LayerExecutor target;
    private final SpecOptions options;
    private final Function<Session, Proposer> proposers;

    private SpeculativeEngine(String method, LayerExecutor target, SpecOptions options,
                              Function<Session, Proposer> proposers) {
        this.method = method;
        this.target = target;
        this.options = options;
        this.proposers = proposers;
    }

    public static SpeculativeEngine withDraftModel(LayerExecutor target, LayerExecutor draft, SpecOptions options) {
        return withDraftModel(target, draft, options, null);
    }

    /** @param lookahead the draft's speculative-streaming heads (may be null) */
    public static SpeculativeEngine withDraftModel(LayerExecutor target, LayerExecutor draft, SpecOptions options,
                                                   org.mirrorsd.decoding.calibration.LinearHead[] lookahead) {
        checkVocabularies(target, draft);
        // One DraftModel (batch buffers) per session: sessions may run concurrently.
        return new SpeculativeEngine("sd", target, options,
                s -> new DraftModelProposer(new DraftModel(draft, lookahead), s.sampling(), s.random().split()));
    }

    public static SpeculativeEngine withNgrams(LayerExecutor target, SpecOptions options) {
        return new SpeculativeEngine("ngram", target, options,
                s -> new NgramProposer(options.ngramMin(), options.ngramMax()));
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
    public void close() {}

    final class Session extends SpeculativeSessionBase {
        private final SequenceRunner runner;
        private final Proposer proposer;
        private final int[] window;

        Session(GenerationRequest request) {
            super(request, target.config().vocabSize(), target.config().contextLength());
            this.runner = new SequenceRunner(target, target.config().contextLength(), Math.max(64, options.gamma() + 1));
            this.proposer = proposers.apply(this);
            this.window = new int[options.gamma() + 1];
        }

        org.mirrorsd.decoding.sampling.SamplingParams sampling() { return sampling; }

        java.util.SplittableRandom random() { return random; }

        @Override
        protected void prefill() {
            runner.prefill(request.prompt());
            commit(choose(runner.logits(), 0), runner.logits(), 0);
        }

        @Override
        protected void decode() {
            int n = Math.min(options.gamma(), remainingBudget() - 1);
            long t0 = System.nanoTime();
            Draft draft = n > 0 ? proposer.propose(sequence, sequenceLength, n) : Draft.EMPTY;
            long t1 = System.nanoTime();
            window[0] = lastToken();
            System.arraycopy(draft.tokens(), 0, window, 1, draft.size());
            runner.forward(window, 0, draft.size() + 1);
            stats.targetPasses++;
            long t2 = System.nanoTime();
            verifyAndCommit(draft.tokens(), draft.size(), runner.logits(), draft.probs());
            runner.truncate(sequenceLength - 1);
            proposer.rollback(sequenceLength);
            stats.draftNanos += t1 - t0;
            stats.targetSuffixNanos += t2 - t1;
        }

        @Override
        protected void release() {
            proposer.close();
            runner.close();
        }
    }
}
