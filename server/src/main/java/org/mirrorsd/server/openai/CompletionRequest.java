package org.mirrorsd.server.openai;

import java.util.List;

/**
 * A validated generation request of either endpoint.
 *
 * @param model       the model the client named, or null
 * @param decoding    extension: the decoding method to use ("ar", "sd", "ngram", "mirror"), or null = default
 * @param prompts     one or more prompts; each yields {@code n} choices
 * @param maxTokens   requested completion length, or null = the server default
 * @param logprobs    report the chosen tokens' log-probabilities
 * @param topLogprobs how many alternatives to report per token (0 = none)
 * @param ignoreEos   extension (as in vLLM): keep generating past end-of-generation tokens
 * @param echo        legacy completions: the prompt's text comes before the completion in each choice
 */
public record CompletionRequest(ApiKind kind, String model, String decoding, List<PromptInput> prompts,
                                Integer maxTokens, SamplingOverrides sampling, List<String> stop, int n,
                                boolean logprobs, int topLogprobs, boolean stream, boolean includeUsage,
                                boolean ignoreEos, boolean echo) {

    public int choiceCount() { return prompts.size() * n; }
}
