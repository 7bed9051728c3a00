package org.mirrorsd.config;

/**
 * Sampling defaults, used when a request does not say otherwise.
 *
 * @param temperature 0 = greedy; 1.0 matches the OpenAI API default
 * @param topP        nucleus mass in (0, 1]; 1 = off
 * @param topK        keep the k most likely tokens; 0 = off
 * @param minP        drop tokens below minP x the top probability; 0 = off
 * @param seed        sampling seed; {@code null} = random
 * @param maxTokens   completion length when the request gives none
 */
public record SamplingConfig(double temperature, double topP, int topK, double minP, Long seed, int maxTokens) {

    public static SamplingConfig defaults() {
        return new SamplingConfig(1.0, 1.0, 0, 0.0, null, 256);
    }
}
