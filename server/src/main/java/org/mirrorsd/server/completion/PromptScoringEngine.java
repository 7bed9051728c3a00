package org.mirrorsd.server.completion;

import java.util.function.Consumer;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.DecodingStats;
import org.mirrorsd.decoding.FinishReason;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.PromptScorer;
import org.mirrorsd.decoding.StepResult;
import org.mirrorsd.devices.LayerExecutor;
import org.mirrorsd.models.LlamaConfig;

/**
 * One {@code echo} + {@code logprobs} choice: before its first step, on the decoding worker (never the event
 * loop), scores the prompt on the target and hands the scores on; then decodes exactly as the engine it wraps.
 * Made per choice, so other requests never pay for it (and these few are not fused with others).
 */
final class PromptScoringEngine implements DecodingEngine {
    private final DecodingEngine engine;
    private final LayerExecutor target;
    private final int top;
    private final Consumer<PromptScorer.Scores> scored;

    PromptScoringEngine(DecodingEngine engine, LayerExecutor target, int top, Consumer<PromptScorer.Scores> scored) {
        this.engine = engine;
        this.target = target;
        this.top = top;
        this.scored = scored;
    }

    @Override
    public String method() { return engine.method(); }

    @Override
    public LlamaConfig targetConfig() { return engine.targetConfig(); }

    @Override
    public DecodingSession open(GenerationRequest request) {
        DecodingSession session = engine.open(request);
        return new DecodingSession() {
            private boolean started;

            @Override
            public StepResult step() {
                if (!started) {
                    started = true;
                    scored.accept(PromptScorer.score(target, request.prompt(), top));
                }
                return session.step();
            }

            @Override
            public boolean finished() { return session.finished(); }

            @Override
            public FinishReason finishReason() { return session.finishReason(); }

            @Override
            public int generatedCount() { return session.generatedCount(); }

            @Override
            public DecodingStats stats() { return session.stats(); }

            @Override
            public void close() { session.close(); }
        };
    }

    /** The wrapped engine is the server's and outlives this request. */
    @Override
    public void close() {}
}
