package org.mirrorsd.server.reliability;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.DecodingStats;
import org.mirrorsd.decoding.FinishReason;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.StepResult;
import org.mirrorsd.models.LlamaConfig;

/**
 * Wraps the server's engines so chosen sessions fail as a broken device executor would: at open, or with an
 * exception out of step N (after the step ran, so the session holds real KV state). Sessions are chosen by
 * their max_tokens, so a failing request and healthy ones can run side by side.
 */
final class FaultInjector implements UnaryOperator<DecodingEngine> {
    /** Requests with this max_tokens fail; others are untouched. */
    static final int FAULTY_MAX_TOKENS = 77;
    private final AtomicInteger failAtStep = new AtomicInteger(-1);
    private final AtomicInteger injected = new AtomicInteger();

    /** @param step 0 fails {@code open}, n >= 1 fails the n-th {@code step}, -1 turns faults off */
    void failAtStep(int step) { failAtStep.set(step); }

    int injected() { return injected.get(); }

    @Override
    public DecodingEngine apply(DecodingEngine engine) {
        return new FaultyEngine(engine);
    }

    private final class FaultyEngine implements DecodingEngine {
        private final DecodingEngine delegate;

        FaultyEngine(DecodingEngine delegate) {
            this.delegate = delegate;
        }

        @Override
        public String method() { return delegate.method(); }

        @Override
        public LlamaConfig targetConfig() { return delegate.targetConfig(); }

        @Override
        public DecodingSession open(GenerationRequest request) {
            int step = failAtStep.get();
            if (step < 0 || request.maxTokens() != FAULTY_MAX_TOKENS) return delegate.open(request);
            if (step == 0) {
                injected.incrementAndGet();
                throw new IllegalStateException("injected fault: device executor failed to allocate");
            }
            return new FaultySession(delegate.open(request), step);
        }

        @Override
        public void close() { delegate.close(); }
    }

    private final class FaultySession implements DecodingSession {
        private final DecodingSession delegate;
        private final int failAt;
        private int steps;

        FaultySession(DecodingSession delegate, int failAt) {
            this.delegate = delegate;
            this.failAt = failAt;
        }

        @Override
        public StepResult step() {
            StepResult r = delegate.step();
            if (++steps == failAt) {
                injected.incrementAndGet();
                throw new IllegalStateException("injected fault: device executor failed in step " + steps);
            }
            return r;
        }

        @Override
        public boolean finished() { return delegate.finished(); }

        @Override
        public FinishReason finishReason() { return delegate.finishReason(); }

        @Override
        public int generatedCount() { return delegate.generatedCount(); }

        @Override
        public DecodingStats stats() { return delegate.stats(); }

        @Override
        public void close() { delegate.close(); }
    }
}
