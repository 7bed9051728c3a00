package org.mirrorsd.decoding.ar;

import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.SequenceRunner;
import org.mirrorsd.decoding.SessionBase;
import org.mirrorsd.devices.LayerExecutor;
import org.mirrorsd.models.LlamaConfig;

/** Plain decoding, one target pass per token: the baseline every other method must reproduce. */
public final class AutoregressiveEngine implements DecodingEngine {
    private static final int PREFILL_CHUNK = 64;
    private final LayerExecutor target;

    public AutoregressiveEngine(LayerExecutor target) {
        this.target = target;
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
    public void close() {}

    private final class Session extends SessionBase {
        private final SequenceRunner runner;

        Session(GenerationRequest request) {
            super(request, target.config().vocabSize(), target.config().contextLength());
            this.runner = new SequenceRunner(target, target.config().contextLength(), PREFILL_CHUNK);
        }

        @Override
        protected void prefill() {
            runner.prefill(request.prompt());
        }

        @Override
        protected void decode() {
            float[] logits = runner.logits();
            int token = choose(logits, 0);
            if (!commit(token, logits, 0)) return;
            long t0 = System.nanoTime();
            runner.forward(new int[] {token}, 0, 1);
            stats.targetPasses++;
            stats.targetSuffixNanos += System.nanoTime() - t0;
        }

        @Override
        protected void release() {
            runner.close();
        }
    }
}
