package org.mirrorsd.decoding.planning;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Costs measured online, per engine: for each (placement, pass) the recent samples by row count. On a machine
 * shared with other work single samples can be ten times the usual (a descheduled thread, a GC), so each row
 * count keeps the median of its last {@value #WINDOW} samples, and a pass's cost is a line a + b·rows through
 * those medians (passes over more rows read the same weights: cost grows about linearly), fitted by Theil-Sen
 * (the median of the pairwise slopes), so one row count measured in a bad moment cannot tilt it.
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

    /** Mean of every sample of (placement, pass) whatever its row count: the average pass as a run saw it; NaN if none. */
    public double runMean(Placement placement, Pass pass) {
        Table t = tables.get(placement).get(pass);
        synchronized (t) {
            double sum = 0;
            for (double v : t.lifetimeSum) sum += v;
            return t.total == 0 ? Double.NaN : sum / t.total;
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
            return t.estimate(Math.max(1, Math.min(rows, MAX_ROWS)), true);
        }
    }

    /**
     * The same costs from the means of every sample so far instead of the recent medians: what a whole run took on
     * average, outliers included (for checking the latency law against a run's wall time; plans use the medians).
     */
    public CostSource means() {
        return (placement, pass, rows) -> {
            Table t = tables.get(placement).get(pass);
            synchronized (t) {
                return t.estimate(Math.max(1, Math.min(rows, MAX_ROWS)), false);
            }
        };
    }

    /** The measured costs, "placement pass: rows=recent median/run mean ms ..." per line, for reports. */
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
                            out.append(String.format(java.util.Locale.ROOT, " %d=%.2f/%.2f", r, t.median[r] / 1e6, t.lifetime[r] / 1e6));
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
        final double[] lifetimeSum = new double[MAX_ROWS + 1];
        final double[] lifetime = new double[MAX_ROWS + 1];
        long total;
        /** The fitted lines, kept until the next sample: a plan asks for dozens of estimates of one table. */
        double[] medianLine, lifetimeLine;
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
            lifetimeSum[rows] += nanos;
            lifetime[rows] = lifetimeSum[rows] / count[rows];
            lowest = Math.min(lowest, rows);
            highest = Math.max(highest, rows);
            medianLine = null;
            lifetimeLine = null;
        }

        /** The Theil-Sen line through {@code y} over the row counts measured: {a, b}, or NaNs with fewer than two. */
        private double[] fit(double[] y) {
            int[] xs = new int[highest - lowest + 1];
            int n = 0;
            for (int r = lowest; r <= highest; r++) if (count[r] > 0) xs[n++] = r;
            if (n < 2) return new double[] {Double.NaN, Double.NaN};
            double[] slopes = new double[n * (n - 1) / 2];
            int k = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) slopes[k++] = (y[xs[j]] - y[xs[i]]) / (xs[j] - xs[i]);
            }
            double b = Math.max(0, median(slopes, k)); // more rows never cost less: noise, not physics
            double[] intercepts = new double[n];
            for (int i = 0; i < n; i++) intercepts[i] = y[xs[i]] - b * xs[i];
            return new double[] {median(intercepts, n), b};
        }

        private static double median(double[] v, int n) {
            double[] c = Arrays.copyOf(v, n);
            Arrays.sort(c);
            return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
        }

        /** From the recent medians ({@code recent}) or the run's means; the line is fitted once per sample. */
        double estimate(int rows, boolean recent) {
            if (total == 0) return Double.NaN;
            double[] y = recent ? median : lifetime;
            double[] line = recent ? medianLine : lifetimeLine;
            if (line == null) {
                line = fit(y);
                if (recent) medianLine = line;
                else lifetimeLine = line;
            }
            if (Double.isFinite(line[1])) return Math.max(y[lowest] * 0.5, line[0] + line[1] * rows);
            // One row count known.
            return rows <= lowest ? y[lowest] : y[lowest] * rows / lowest;
        }
    }
}
