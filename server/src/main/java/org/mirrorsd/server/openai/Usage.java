package org.mirrorsd.server.openai;

/** Token counts of a request, summed over its choices (the prompt counted once per prompt). */
public record Usage(int promptTokens, int completionTokens) {

    public int totalTokens() { return promptTokens + completionTokens; }
}
