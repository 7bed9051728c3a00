package org.mirrorsd.bench.specbench;

import java.util.List;
import java.util.Map;

/**
 * Every method's run of one question, in the run's method order.
 *
 * @param mismatches where a method's greedy output differs from the first method's (empty when identical)
 */
public record QuestionRun(Question question, Map<String, MethodRun> runs, List<String> mismatches) {
    public QuestionRun {
        runs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(runs));
        mismatches = List.copyOf(mismatches);
    }
}
