package org.mirrorsd.decoding.ar;

import java.util.List;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.FusedForward;
import org.mirrorsd.decoding.FusedSteps;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.PrefixCache;
import org.mirrorsd.decoding.SequenceRunner;
import org.mirrorsd.decoding.SessionBase;
import org.mirrorsd.decoding.StepResult;
import org.mirrorsd.devices.LayerExecutor;
import org.mirrorsd.models.LlamaConfig;

/**
 * Plain decoding, one target pass per token: the baseline every other method must reproduce. Several sessions
 * can be stepped together, their next tokens forming one batch (continuous batching): on a memory-bound device
 * the weights are then read once for all of them, and because the CPU kernels are batch-invariant every
 * session gets the very logits it would have got alone.
 */
public final class AutoregressiveEngine implements DecodingEngine {
    /** Prompt tokens per prefill pass. */
    public static final int PREFILL_CHUNK = 64;
    private final LayerExecutor target;
    private final FusedForward fused;
    private final PrefixCache prefixes;

    public AutoregressiveEngine(LayerExecutor target) {
        this(target, PrefixCache.disabled());
    }

    /** @param prefixes finished sequences' KV, shared with the other engines on this target */
    public AutoregressiveEngine(LayerExecutor target, PrefixCache prefixes) {
        this.target = target;
        this.fused = new FusedForward(target);
        this.prefixes = prefixes;
    }

    @Override
    public String method() { return "ar"; }

    @Override
    public LlamaConfig targetConfig() { return target.config(); }

    @Override
    public DecodingSession open(GenerationRequest request) {
        return new Session(request);
    }

    @Override
    public int maxFusedSessions() { return FusedSteps.MAX_SESSIONS; }

    @Override
    public List<StepResult> stepTogether(List<? extends DecodingSession> sessions) {
        return FusedSteps.step(FusedSteps.ours(sessions, Session.class, s -> s.engine() == this), fused);
    }

    @Override
    public void close() {}

    private final class Session extends SessionBase implements FusedSteps.Participant {
        private final SequenceRunner runner;
        private final int[] window = new int[1];

        Session(GenerationRequest request) {
            super(request, target.config().vocabSize(), target.config().contextLength());
            this.runner = prefixes.runnerFor(target, request.prompt(), PREFILL_CHUNK);
        }

        AutoregressiveEngine engine() { return AutoregressiveEngine.this; }

        @Override
        protected void prefill() {
            stats.cachedPromptTokens = runner.prefill(request.prompt());
        }

        @Override
        protected void decode() {
            if (prepare() == 0) return;
            long t0 = System.nanoTime();
            runner.forward(window, 0, 1);
            complete(System.nanoTime() - t0);
        }

        /** Chooses and commits the next token; it is fed back unless the session is now done. */
        @Override
        public int prepare() {
            float[] logits = runner.logits();
            int token = choose(logits, 0);
            if (!commit(token, logits, 0)) return 0;
            window[0] = token;
            return 1;
        }

        @Override
        public void complete(long passNanos) {
            stats.targetPasses++;
            stats.targetSuffixNanos += passNanos;
        }

        @Override
        public int[] window() { return window; }

        @Override
        public SequenceRunner runner() { return runner; }

        @Override
        protected void release() {
            offerPrefix(prefixes, runner);
            runner.close();
        }
    }
}
