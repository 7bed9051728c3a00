package org.mirrorsd.decoding.planning;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Costs measured online, per engine: for each (placement, pass) the recent samples by row count. On a machine
 * shared with other work single samples can be ten times the usual (a descheduled thread, a GC), so each row
 * count keeps the median of its last {@value #WINDOW} samples, and a pass's cost is the least-squares line
 * a + b·rows through those medians (passes over more rows read the same weights: cost grows about linearly).
 * With a single row count measured, fewer rows cost the same and more rows proportionally more, which errs on
 * the side of cost, so the planner only grows a batch it has seen pay. Thread-safe: sessions of one engine
 * observe and plan concurrently.
 */
public final class MeasuredCosts implements CostSource {
    /** Samples kept per row count: recent enough to follow load, enough to outvote outliers. */
    static final int WINDOW = 15;
    private static final int MAX_ROWS = 1024;

    private final Map<Placement, Map<Pass, Table>> tables = new EnumMap<>(Placement.class);

    public MeasuredCosts() {
        for (Placement p : Placement.values()) {
            Map<Pass, Table> m = new EnumMap<>(Pass.class);
            for (Pass pass : Pass.values()) m.put(pass, new Table());
            tables.put(p, m);
        }
    }

    public void observe(Placement placement, Pass pass, int rows, long nanos) {
        if (rows < 1 || nanos <= 0) return;
        Table t = tables.get(placement).get(pass);
        synchronized (t) {
            t.add(Math.min(rows, MAX_ROWS), nanos);
        }
    }

    /** How many observations back (placement, pass) at any row count. */
    public long samples(Placement placement, Pass pass) {
        Table t = tables.get(placement).get(pass);
        synchronized (t) {
            return t.total;
        }
    }

    @Override
    public double nanos(Placement placement, Pass pass, int rows) {
        Table t = tables.get(placement).get(pass);
        synchronized (t) {
            return t.estimate(Math.max(1, Math.min(rows, MAX_ROWS)), t.median);
        }
    }

    /**
     * The same costs from the means of the recent samples instead of their medians: what a run takes on average,
     * outliers included (for checking the latency law against measured wall time; plans use the medians).
     */
    public CostSource means() {
        return (placement, pass, rows) -> {
            Table t = tables.get(placement).get(pass);
            synchronized (t) {
                return t.estimate(Math.max(1, Math.min(rows, MAX_ROWS)), t.mean);
            }
        };
    }

    /** The measured costs, "placement pass: rows=median/mean ms ..." per line, for reports. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (Placement p : Placement.values()) {
            for (Pass pass : Pass.values()) {
                Table t = tables.get(p).get(pass);
                synchronized (t) {
                    if (t.total == 0) continue;
                    out.append(p.key()).append(' ').append(pass.name().toLowerCase(java.util.Locale.ROOT)).append(':');
                    for (int r = 1; r <= MAX_ROWS; r++) {
                        if (t.count[r] > 0) {
                            out.append(String.format(java.util.Locale.ROOT, " %d=%.2f/%.2f", r, t.median[r] / 1e6, t.mean[r] / 1e6));
                        }
                    }
                    out.append(" ms\n");
                }
            }
        }
        return out.toString();
    }

    private static final class Table {
        final long[][] samples = new long[MAX_ROWS + 1][];
        final int[] count = new int[MAX_ROWS + 1];
        final double[] median = new double[MAX_ROWS + 1];
        final double[] mean = new double[MAX_ROWS + 1];
        long total;
        int lowest = Integer.MAX_VALUE;
        int highest;

        void add(int rows, long nanos) {
            if (samples[rows] == null) samples[rows] = new long[WINDOW];
            samples[rows][count[rows] % WINDOW] = nanos;
            count[rows]++;
            total++;
            long[] recent = Arrays.copyOf(samples[rows], Math.min(count[rows], WINDOW));
            Arrays.sort(recent);
            int k = recent.length;
            median[rows] = k % 2 == 1 ? recent[k / 2] : (recent[k / 2 - 1] + recent[k / 2]) / 2.0;
            mean[rows] = Arrays.stream(recent).average().orElse(0);
            lowest = Math.min(lowest, rows);
            highest = Math.max(highest, rows);
        }

        /** The least-squares line through {@code y} over the row counts measured: {a, b}, or NaNs with fewer than two. */
        private double[] fit(double[] y) {
            double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
            int buckets = 0;
            for (int r = lowest; r <= highest; r++) {
                if (count[r] == 0) continue;
                double w = Math.min(count[r], WINDOW);
                sw += w;
                sx += w * r;
                sy += w * y[r];
                sxx += w * r * r;
                sxy += w * r * y[r];
                buckets++;
            }
            double den = sw * sxx - sx * sx;
            if (buckets < 2 || den <= 0) return new double[] {Double.NaN, Double.NaN};
            double b = Math.max(0, (sw * sxy - sx * sy) / den); // more rows never cost less: noise, not physics
            return new double[] {(sy - b * sx) / sw, b};
        }

        double estimate(int rows, double[] y) {
            if (total == 0) return Double.NaN;
            double[] line = fit(y);
            if (Double.isFinite(line[1])) return Math.max(y[lowest] * 0.5, line[0] + line[1] * rows);
            // One row count known.
            return rows <= lowest ? y[lowest] : y[lowest] * rows / lowest;
        }
    }
}
