package org.mirrorsd.decoding.sampling;

/**
 * How the next token is chosen. Temperature 0 means greedy (argmax, ties to the lowest id, as llama2.c does).
 *
 * @param topK              keep the k most likely tokens (0 = off)
 * @param topP              keep the smallest set whose mass reaches p (1 = off)
 * @param minP              drop tokens less likely than minP times the most likely one (0 = off)
 * @param repetitionPenalty divide positive (multiply negative) logits of already-seen tokens (1 = off)
 * @param presencePenalty   subtract once from the logit of every already-generated token (0 = off)
 * @param frequencyPenalty  subtract per occurrence in the generated text (0 = off)
 * @param seed              seed of the request's random stream; the same seed gives the same output
 */
public record SamplingParams(float temperature, int topK, float topP, float minP, float repetitionPenalty,
                             float presencePenalty, float frequencyPenalty, long seed) {

    public SamplingParams {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top_k must be >= 0, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        if (!(minP >= 0 && minP <= 1)) throw new IllegalArgumentException("min_p must be in [0, 1], got " + minP);
        if (!(repetitionPenalty > 0) || Float.isInfinite(repetitionPenalty)) throw new IllegalArgumentException("repetition_penalty must be > 0, got " + repetitionPenalty);
        if (!Float.isFinite(presencePenalty) || !Float.isFinite(frequencyPenalty)) throw new IllegalArgumentException("penalties must be finite");
    }

    public static SamplingParams greedy() {
        return new SamplingParams(0f, 0, 1f, 0f, 1f, 0f, 0f, 0L);
    }

    public static SamplingParams of(float temperature, int topK, float topP, long seed) {
        return new SamplingParams(temperature, topK, topP, 0f, 1f, 0f, 0f, seed);
    }

    public boolean isGreedy() { return temperature == 0f; }

    public boolean hasPenalties() {
        return repetitionPenalty != 1f || presencePenalty != 0f || frequencyPenalty != 0f;
    }
}
