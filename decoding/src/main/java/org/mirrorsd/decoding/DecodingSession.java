package org.mirrorsd.decoding;

/**
 * One request being decoded: a step-at-a-time state machine, so the caller (the server's scheduler, the CLI)
 * decides which thread runs it, interleaves requests and cancels by simply closing it.
 * Not thread-safe: one caller at a time.
 */
public interface DecodingSession extends AutoCloseable {

    /** Runs one step (the first call also prefills the prompt) and returns the tokens it committed. */
    StepResult step();

    boolean finished();

    /** Why it finished; null while running. */
    FinishReason finishReason();

    /** Tokens generated so far (prompt excluded). */
    int generatedCount();

    DecodingStats stats();

    /** Frees the KV caches and stops any work in flight. Idempotent. */
    @Override
    void close();
}
