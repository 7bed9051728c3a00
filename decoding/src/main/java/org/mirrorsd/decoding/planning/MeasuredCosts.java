package org.mirrorsd.decoding.planning;

import java.util.EnumMap;
import java.util.Map;

/**
 * Costs measured online, per engine: for each (placement, pass) a table of running means by row count. A row
 * count never measured is estimated from its measured neighbours (linear between them; beyond the largest,
 * proportional to rows, which errs on the side of cost, so the planner only grows a batch it has seen pay).
 * Thread-safe: sessions of one engine observe and plan concurrently.
 */
public final class MeasuredCosts implements CostSource {
    /** Weight of a new observation in the running mean: recent enough to follow load, smooth enough to plan on. */
    private static final double ALPHA = 0.25;
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
            return t.estimate(Math.max(1, Math.min(rows, MAX_ROWS)));
        }
    }

    private static final class Table {
        final double[] mean = new double[MAX_ROWS + 1];
        final long[] count = new long[MAX_ROWS + 1];
        long total;

        void add(int rows, long nanos) {
            mean[rows] = count[rows] == 0 ? nanos : mean[rows] + ALPHA * (nanos - mean[rows]);
            count[rows]++;
            total++;
        }

        double estimate(int rows) {
            if (count[rows] > 0) return mean[rows];
            int below = rows - 1;
            while (below >= 1 && count[below] == 0) below--;
            int above = rows + 1;
            while (above <= MAX_ROWS && count[above] == 0) above++;
            boolean hasBelow = below >= 1, hasAbove = above <= MAX_ROWS;
            if (hasBelow && hasAbove) {
                double f = (rows - below) / (double) (above - below);
                return mean[below] + f * (mean[above] - mean[below]);
            }
            if (hasBelow) return mean[below] * rows / below; // past what was measured: assume the worst, linear growth
            if (hasAbove) return mean[above]; // fewer rows never cost more
            return Double.NaN;
        }
    }
}
