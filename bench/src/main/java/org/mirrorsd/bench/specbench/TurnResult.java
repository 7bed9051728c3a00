package org.mirrorsd.bench.specbench;

/**
 * One answer to one user turn.
 *
 * @param text             the answer as decoded text (fed back as the assistant turn of a conversation)
 * @param tokens           generated tokens
 * @param promptTokens     prompt tokens after fitting the conversation to the context
 * @param truncated        whether the conversation was left-truncated to fit
 * @param nanos            wall time from the request to the last token (prefill included, as SpecBench times it)
 * @param firstTokenNanos  wall time from the request to the first token
 * @param counts           the decoding counters of this generation
 */
public record TurnResult(String text, int tokens, int promptTokens, boolean truncated, long nanos, long firstTokenNanos,
                         Counts counts) {}
