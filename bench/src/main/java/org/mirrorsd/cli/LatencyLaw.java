package org.mirrorsd.cli;

import java.util.Locale;
import java.util.Map;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingStats;
import org.mirrorsd.decoding.mirror.MirrorEngine;
import org.mirrorsd.decoding.planning.CostSource;
import org.mirrorsd.decoding.planning.CostSource.Pass;
import org.mirrorsd.decoding.planning.Placement;
import org.mirrorsd.decoding.planning.Plan;
import org.mirrorsd.decoding.planning.PlanMode;
import org.mirrorsd.decoding.planning.StepPlanner;
import org.mirrorsd.decoding.speculative.SpeculativeEngine;

/**
 * The paper's latency law with the costs the planners measured in this run: predicted step times of AR, SD and
 * Mirror next to the measured ones, then a projection to a target on a device R times faster than the draft's
 * (a GPU beside an NPU, as in the paper), where the two pipelines no longer share cores. Printed by
 * {@code bench decode}; the projection is arithmetic on measured costs, not a measurement.
 */
final class LatencyLaw {
    private LatencyLaw() {}

    static void print(Map<String, DecodingEngine> engines, Map<String, DecodingStats> totals, Map<String, Long> tokens,
                      Map<String, Long> nanos) {
        StepPlanner costsFrom = null;
        for (Map.Entry<String, DecodingEngine> e : engines.entrySet()) {
            if (e.getValue() instanceof SpeculativeEngine s && e.getKey().equals("sd")) costsFrom = s.planner();
        }
        for (DecodingEngine e : engines.values()) {
            if (e instanceof MirrorEngine m && costsFrom == null) costsFrom = m.planner();
        }
        if (costsFrom == null) return;
        CostSource c = means(costsFrom.costs());
        for (Map.Entry<String, DecodingEngine> e : engines.entrySet()) {
            StepPlanner p = e.getValue() instanceof MirrorEngine m ? m.planner()
                    : e.getValue() instanceof SpeculativeEngine s ? s.planner() : null;
            DecodingStats st = totals.get(e.getKey());
            if (p == null || !(p.costs() instanceof org.mirrorsd.decoding.planning.MeasuredCosts mc)) continue;
            System.out.println();
            System.out.printf(Locale.ROOT, "%s: costs measured (%s plan%s)%n%s", e.getKey(), p.mode().key(),
                    st.plannedSdSteps + st.plannedMirrorSteps == 0 ? "" : String.format(Locale.ROOT,
                            "; %d sd steps, %d mirror steps, %.1f branches each", st.plannedSdSteps,
                            st.plannedMirrorSteps, st.plannedMirrorSteps == 0 ? 0.0
                                    : (double) st.plannedBranches / st.plannedMirrorSteps), mc.describe());
        }
        System.out.println();
        System.out.println("latency law (each method's own pass costs, run means, through the law; ms per target step;");
        System.out.println("what the law leaves out, sampling, verification, planning and scheduling, shows as error):");
        System.out.println("| method | measured ms/step | predicted ms/step | error |");
        System.out.println("|---|---|---|---|");
        for (Map.Entry<String, DecodingEngine> e : engines.entrySet()) {
            DecodingStats s = totals.get(e.getKey());
            double measured = stepNanos(s);
            double predicted = predict(e.getValue(), s, c);
            if (e.getKey().equals("ar") && costsFrom.costs() instanceof org.mirrorsd.decoding.planning.MeasuredCosts mc) {
                predicted = mc.means().nanos(Placement.SERIAL, Pass.TARGET_FULL, 1);
            }
            if (!Double.isFinite(predicted) || !Double.isFinite(measured)) continue;
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %+.0f%% |%n", e.getKey(), measured / 1e6,
                    predicted / 1e6, 100 * (predicted - measured) / measured);
        }
        DecodingStats sd = null;
        MirrorEngine mirror = null;
        for (Map.Entry<String, DecodingEngine> e : engines.entrySet()) {
            if (e.getKey().equals("sd")) sd = totals.get(e.getKey());
            if (e.getKey().equals("mirror")) mirror = (MirrorEngine) e.getValue();
        }
        if (sd == null || mirror == null) return;
        double a = Math.min(0.999, sd.acceptanceRate());
        int gamma = mirror.options().gamma();
        System.out.println();
        System.out.println("PROJECTION, not measured: the target on a device R x faster than the draft's (no shared cores),");
        System.out.printf(Locale.ROOT, "this run's draft costs and acceptance (%.2f per token, γ ≤ %d):%n", a, gamma);
        System.out.println("| R | ar tok/s | sd tok/s | mirror tok/s | mirror plan | mirror ÷ sd |");
        System.out.println("|---|---|---|---|---|---|");
        for (double r : new double[] {1, 10, 20, 50}) {
            CostSource scaled = projected(means(mirror.planner().costs()), r);
            StepPlanner p = new StepPlanner(PlanMode.AUTO, scaled, mirror.planner().acceptance(), gamma);
            double[] accept = new double[gamma];
            java.util.Arrays.fill(accept, a);
            double expected = 1;
            for (int j = 1; j <= gamma; j++) expected += Math.pow(a, j);
            Plan plan = p.planMirror(gamma, accept, mirror.options().kappa(),
                    mirror.options().kappa() * (gamma + 1), gamma);
            double arRate = 1e9 / scaled.nanos(Placement.SERIAL, Pass.TARGET_FULL, 1);
            double sdRate = expected * 1e9 / plan.sdNanos();
            double mirrorNanos = Math.min(plan.sdNanos(), plan.mirrorNanos());
            double mirrorRate = expected * 1e9 / mirrorNanos;
            System.out.printf(Locale.ROOT, "| %.0f | %.0f | %.0f | %.0f | %s | %.2f |%n", r, arRate, sdRate, mirrorRate,
                    plan.mirrorNanos() < plan.sdNanos() ? plan.branches() + " branches" : "sd step", mirrorRate / sdRate);
        }
    }

    /** Mean time of a decoding step (prefill excluded), from the run's counters. */
    private static double stepNanos(DecodingStats s) {
        long steps = s.targetPasses - prefills(s);
        return steps <= 0 ? Double.NaN : (s.totalNanos - s.prefillNanos) / (double) steps;
    }

    /** Sessions counted in the totals: one prefill pass each (the stats do not count them otherwise). */
    private static long prefills(DecodingStats s) {
        return s.requests;
    }

    /**
     * A method's mean step from its own run-mean pass costs through the law: SD = window x T_draft + T_target;
     * Mirror = its mix of SD steps and T_prefix + max(T_suffix, T_catch-up + rounds x T_rollout(B)) +
     * (1 - hit) T_fresh. AR takes the SD engine's single-row pass cost.
     */
    private static double predict(DecodingEngine e, DecodingStats s, CostSource c) {
        long steps = s.targetPasses - prefills(s);
        if (steps <= 0) return Double.NaN;
        double window = (double) s.drafted / steps;
        if (e.method().equals("ar")) return c.nanos(Placement.SERIAL, Pass.TARGET_FULL, 1);
        StepPlanner planner = e instanceof MirrorEngine m ? m.planner() : e instanceof SpeculativeEngine sp ? sp.planner() : null;
        if (planner == null || !(planner.costs() instanceof org.mirrorsd.decoding.planning.MeasuredCosts mc)) return Double.NaN;
        double full = mc.runMean(Placement.SERIAL, Pass.TARGET_FULL);
        double draft1 = mc.runMean(Placement.SERIAL, Pass.DRAFT);
        if (e instanceof SpeculativeEngine) {
            return (e.method().equals("sd") ? window * draft1 : 0) + full;
        }
        MirrorEngine m = (MirrorEngine) e;
        double sdSteps = s.plannedSdSteps, mirrorSteps = s.plannedMirrorSteps;
        double total = sdSteps + mirrorSteps;
        if (total == 0) return Double.NaN;
        double fresh = window * draft1;
        double sdStep = fresh + (Double.isFinite(full) ? full : 0);
        double mirrorStep = 0;
        if (mirrorSteps > 0) {
            int b = Math.max(1, (int) Math.round(s.plannedBranches / mirrorSteps));
            double hit = s.branchLookups == 0 ? 0 : (double) s.branchHits / s.branchLookups;
            double rollouts = mc.means().nanos(Placement.SPLIT, Pass.DRAFT, 1)
                    + m.options().gamma() * mc.means().nanos(Placement.SPLIT, Pass.DRAFT, b);
            mirrorStep = mc.runMean(Placement.SPLIT, Pass.TARGET_PREFIX)
                    + Math.max(mc.runMean(Placement.SPLIT, Pass.TARGET_SUFFIX), rollouts) + (1 - hit) * fresh;
        }
        return (sdSteps * sdStep + mirrorSteps * mirrorStep) / total;
    }

    /** Mean costs (outliers included), as wall time sees them. */
    private static CostSource means(CostSource c) {
        return c instanceof org.mirrorsd.decoding.planning.MeasuredCosts mc ? mc.means() : c;
    }

    /** Target passes R times faster, the draft as measured, and no contention: split costs are the serial ones. */
    private static CostSource projected(CostSource c, double r) {
        return (placement, pass, rows) -> {
            if (pass == Pass.DRAFT) {
                // A batch of branches as measured beside the target, less the contention of sharing its cores.
                double one = c.nanos(Placement.SERIAL, Pass.DRAFT, 1);
                if (rows == 1) return one;
                double split = c.nanos(Placement.SPLIT, Pass.DRAFT, rows) / c.nanos(Placement.SPLIT, Pass.DRAFT, 1);
                return Double.isFinite(split) ? one * split : one * rows;
            }
            double full = c.nanos(Placement.SERIAL, Pass.TARGET_FULL, rows) / r;
            double prefix = c.nanos(Placement.SPLIT, Pass.TARGET_PREFIX, rows);
            double suffix = c.nanos(Placement.SPLIT, Pass.TARGET_SUFFIX, rows);
            double share = Double.isFinite(prefix) && Double.isFinite(suffix) ? prefix / (prefix + suffix) : 0.5;
            return switch (pass) {
                case TARGET_FULL -> full;
                case TARGET_PREFIX -> full * share;
                default -> full * (1 - share);
            };
        };
    }
}
