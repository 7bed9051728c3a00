package org.mirrorsd.bench.specbench;

/** Hears how a replay advances (progress display). */
public interface ReplayListener {
    default void warmingUp() {}

    default void started(int questions) {}

    /** @param done questions finished so far */
    default void questionDone(int done, int total, QuestionRun run) {}

    default void finished(int done, int total) {}
}
