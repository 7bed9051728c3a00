package org.mirrorsd.bench.specbench;

import java.time.Instant;
import java.util.List;

/**
 * How a replay was run, written beside its results.
 *
 * @param source        where answers came from: "in-process" or the server URL
 * @param promptBudget  most prompt tokens (context minus max-tokens); conversations were cut to it; 0 = unknown
 * @param limitPerGroup questions per task group (0 = all)
 * @param command       the command line, to reproduce the run
 */
public record RunSettings(List<String> methods, List<TaskGroup> groups, int limitPerGroup, int maxTokens,
                          double temperature, int warmupQuestions, int promptBudget, String source,
                          String questionsFile, String command, Instant started) {
    public RunSettings {
        methods = List.copyOf(methods);
        groups = List.copyOf(groups);
    }

    public boolean greedy() { return temperature == 0; }
}
