package org.mirrorsd.bench.load;

import java.util.List;

/** Latency percentiles in milliseconds (nearest rank); all 0 without samples. */
public record Percentiles(long count, double p50, double p90, double p99, double max) {

    static Percentiles of(List<Long> nanos) {
        if (nanos.isEmpty()) return new Percentiles(0, 0, 0, 0, 0);
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Percentiles(sorted.length, rank(sorted, 0.50), rank(sorted, 0.90), rank(sorted, 0.99),
                sorted[sorted.length - 1] / 1e6);
    }

    private static double rank(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    @Override
    public String toString() {
        return String.format("p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (%d samples)", p50, p90, p99, max, count);
    }
}
