package org.mirrorsd.decoding;

import java.util.ArrayList;
import java.util.List;
import org.mirrorsd.models.LlamaConfig;

/** A decoding method bound to its models and devices; opens one session per request. */
public interface DecodingEngine extends AutoCloseable {

    /** "ar", "sd", "ngram" or "mirror". */
    String method();

    LlamaConfig targetConfig();

    DecodingSession open(GenerationRequest request);

    /**
     * How many of this engine's sessions one {@link #stepTogether} call fuses into a single forward pass: 1 for
     * engines whose steps each run their own passes.
     */
    default int maxFusedSessions() {
        return 1;
    }

    /**
     * One step of each session (all opened by this engine), with their forward passes fused into one batch where
     * the engine can (continuous batching): weights are then read once for all of them. Results come in the
     * sessions' order and equal what {@link DecodingSession#step} would give each. If this throws, the state of
     * every session in the call is unknown and the caller must end them all.
     */
    default List<StepResult> stepTogether(List<? extends DecodingSession> sessions) {
        List<StepResult> results = new ArrayList<>(sessions.size());
        for (DecodingSession s : sessions) results.add(s.step());
        return results;
    }

    /** Releases executors owned by this engine (not the models, which the caller loaded). */
    @Override
    void close();
}
