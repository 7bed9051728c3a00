package org.mirrorsd.decoding.ar;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.SequenceRunner;
import org.mirrorsd.decoding.SessionBase;
import org.mirrorsd.decoding.StepResult;
import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.devices.LayerExecutor;
import org.mirrorsd.models.LlamaConfig;

/**
 * Plain decoding, one target pass per token: the baseline every other method must reproduce. Several sessions
 * can be stepped together, their next tokens forming one batch (continuous batching): on a memory-bound device
 * the weights are then read once for all of them, and because the CPU kernels are batch-invariant every
 * session gets the very logits it would have got alone.
 */
public final class AutoregressiveEngine implements DecodingEngine {
    private static final int PREFILL_CHUNK = 64;
    /** Most sessions fused into one pass; the server's concurrency limit usually caps it first. */
    public static final int MAX_FUSED = 32;
    private final LayerExecutor target;
    /** Batches and logits buffers of finished fused passes, reused (several workers may fuse at once). */
    private final ConcurrentLinkedQueue<FusedBuffers> idleBuffers = new ConcurrentLinkedQueue<>();

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
    public int maxFusedSessions() { return MAX_FUSED; }

    @Override
    public List<StepResult> stepTogether(List<? extends DecodingSession> sessions) {
        if (sessions.size() > MAX_FUSED) {
            throw new IllegalArgumentException(sessions.size() + " sessions, at most " + MAX_FUSED + " fuse");
        }
        List<Session> ours = new ArrayList<>(sessions.size());
        for (DecodingSession s : sessions) {
            if (!(s instanceof Session own) || own.engine() != this) {
                throw new IllegalArgumentException("a session of another engine cannot join this one's batch");
            }
            ours.add(own);
        }
        // Each session picks its next token from the logits it holds (the first step prefills them) ...
        boolean[] began = new boolean[ours.size()];
        List<Session> feeding = new ArrayList<>(ours.size());
        int[] tokens = new int[ours.size()];
        for (int i = 0; i < ours.size(); i++) {
            Session s = ours.get(i);
            began[i] = s.begin();
            if (!began[i]) continue;
            int token = s.pick();
            if (token >= 0) {
                tokens[feeding.size()] = token;
                feeding.add(s);
            }
        }
        // ... then one pass feeds all those tokens back ...
        if (!feeding.isEmpty()) forwardTogether(feeding, tokens);
        // ... and each session closes its step.
        List<StepResult> results = new ArrayList<>(ours.size());
        for (int i = 0; i < ours.size(); i++) results.add(began[i] ? ours.get(i).end() : StepResult.EMPTY);
        return results;
    }

    private void forwardTogether(List<Session> sessions, int[] tokens) {
        FusedBuffers buffers = idleBuffers.poll();
        if (buffers == null) {
            buffers = new FusedBuffers(target.newBatch(MAX_FUSED), new float[MAX_FUSED * target.config().vocabSize()]);
        }
        try {
            long t0 = System.nanoTime();
            ForwardBatch batch = buffers.batch();
            batch.clear();
            for (int i = 0; i < sessions.size(); i++) sessions.get(i).runner.joinBatch(batch, tokens[i]);
            target.embed(batch);
            target.runLayers(0, target.config().layers(), batch);
            target.logits(batch, buffers.logits());
            long elapsed = System.nanoTime() - t0;
            for (int i = 0; i < sessions.size(); i++) {
                Session s = sessions.get(i);
                s.runner.takeLogits(buffers.logits(), i);
                s.passDone(elapsed);
            }
        } finally {
            buffers.batch().clear();
            idleBuffers.add(buffers);
        }
    }

    @Override
    public void close() {}

    private record FusedBuffers(ForwardBatch batch, float[] logits) {}

    private final class Session extends SessionBase {
        private final SequenceRunner runner;

        Session(GenerationRequest request) {
            super(request, target.config().vocabSize(), target.config().contextLength());
            this.runner = new SequenceRunner(target, target.config().contextLength(), PREFILL_CHUNK);
        }

        AutoregressiveEngine engine() { return AutoregressiveEngine.this; }

        @Override
        protected void prefill() {
            runner.prefill(request.prompt());
        }

        @Override
        protected void decode() {
            int token = pick();
            if (token < 0) return;
            long t0 = System.nanoTime();
            runner.forward(new int[] {token}, 0, 1);
            passDone(System.nanoTime() - t0);
        }

        /** Chooses and commits the next token; returns it when it must be fed back, -1 when the session is done. */
        int pick() {
            float[] logits = runner.logits();
            int token = choose(logits, 0);
            return commit(token, logits, 0) ? token : -1;
        }

        void passDone(long nanos) {
            stats.targetPasses++;
            stats.targetSuffixNanos += nanos;
        }

        boolean begin() { return beginStep(); }

        StepResult end() { return endStep(); }

        @Override
        protected void release() {
            runner.close();
        }
    }
}
