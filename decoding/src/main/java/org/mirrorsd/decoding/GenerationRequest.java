package org.mirrorsd.decoding;

import org.mirrorsd.decoding.sampling.LogitProcessor;
import org.mirrorsd.decoding.sampling.SamplingParams;

/**
 * One generation: the prompt as token ids (BOS included when the model wants it), how many tokens to make at
 * most, how to sample them, which token ids end the generation, and how many top log-probabilities to report
 * per token (0 = none), and what changes the logits on the way (a grammar, a logit bias; part of the target
 * distribution, applied alike by every method).
 */
public record GenerationRequest(int[] prompt, int maxTokens, SamplingParams sampling, int[] stopTokens,
                                int topLogprobs, LogitProcessor logitProcessor) {
    public GenerationRequest {
        if (logitProcessor == null) logitProcessor = LogitProcessor.NONE;
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt must hold at least one token");
        if (maxTokens < 0) throw new IllegalArgumentException("max_tokens must be >= 0, got " + maxTokens);
        if (topLogprobs < 0) throw new IllegalArgumentException("top_logprobs must be >= 0");
        prompt = prompt.clone();
        stopTokens = stopTokens.clone();
    }

    public GenerationRequest(int[] prompt, int maxTokens, SamplingParams sampling, int[] stopTokens, int topLogprobs) {
        this(prompt, maxTokens, sampling, stopTokens, topLogprobs, LogitProcessor.NONE);
    }

    public static GenerationRequest greedy(int[] prompt, int maxTokens, int... stopTokens) {
        return new GenerationRequest(prompt, maxTokens, SamplingParams.greedy(), stopTokens, 0);
    }

    public boolean isStop(int token) {
        for (int s : stopTokens) if (s == token) return true;
        return false;
    }
}
