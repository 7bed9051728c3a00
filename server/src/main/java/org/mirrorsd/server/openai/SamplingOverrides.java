package org.mirrorsd.server.openai;

import org.mirrorsd.config.SamplingConfig;
import org.mirrorsd.decoding.sampling.SamplingParams;

/** The sampling fields a request set (null = use the server's default). Ranges are already checked. */
public record SamplingOverrides(Double temperature, Double topP, Integer topK, Double minP,
                                Double repetitionPenalty, Double presencePenalty, Double frequencyPenalty,
                                Long seed) {

    /** The parameters of choice {@code choice}: with a seed, choices get seed, seed+1, ... so they differ. */
    public SamplingParams resolve(SamplingConfig defaults, int choice, long randomSeed) {
        Long base = seed != null ? seed : defaults.seed();
        long s = base != null ? base + choice : randomSeed;
        return new SamplingParams(
                (float) (temperature != null ? temperature : defaults.temperature()),
                topK != null ? topK : defaults.topK(),
                (float) (topP != null ? topP : defaults.topP()),
                (float) (minP != null ? minP : defaults.minP()),
                (float) (repetitionPenalty != null ? repetitionPenalty : 1.0),
                (float) (presencePenalty != null ? presencePenalty : 0.0),
                (float) (frequencyPenalty != null ? frequencyPenalty : 0.0),
                s);
    }
}
