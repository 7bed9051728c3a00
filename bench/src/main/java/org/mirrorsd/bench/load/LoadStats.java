package org.mirrorsd.bench.load;

import java.util.ArrayList;
import java.util.List;

/** What the clients observed, collected from all of them (synchronized: one record per request). */
final class LoadStats {
    private static final int KEPT_ERRORS = 10;
    private final List<Long> ttftNanos = new ArrayList<>();
    private final List<Long> totalNanos = new ArrayList<>();
    private final List<String> errorSamples = new ArrayList<>();
    private long completed;
    private long cancelled;
    private long errors;
    private long tokens;

    synchronized void completed(long ttft, long total, long generated) {
        completed++;
        if (ttft > 0) ttftNanos.add(ttft);
        totalNanos.add(total);
        tokens += generated;
    }

    synchronized void cancelled(long ttft, long generated) {
        cancelled++;
        if (ttft > 0) ttftNanos.add(ttft);
        tokens += generated;
    }

    synchronized void error(String what) {
        errors++;
        if (errorSamples.size() < KEPT_ERRORS) errorSamples.add(what);
    }

    synchronized long errors() { return errors; }

    synchronized Snapshot snapshot() {
        return new Snapshot(completed, cancelled, errors, tokens, Percentiles.of(ttftNanos), Percentiles.of(totalNanos),
                List.copyOf(errorSamples));
    }

    /** @param ttft time to first token, ms; {@code total} request latency of completed requests, ms */
    record Snapshot(long completed, long cancelled, long errors, long tokens, Percentiles ttft, Percentiles total,
                    List<String> errorSamples) {}
}
