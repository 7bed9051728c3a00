package org.mirrorsd.decoding.planning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.mirrorsd.decoding.planning.CostSource.Pass;

/** The planner's decisions follow its inputs: fake costs in, the plan the latency law implies out. */
class StepPlannerTest {
    private static final int GAMMA = 7;
    private static final int KAPPA = 8;
    private static final int ALL = KAPPA * (GAMMA + 1);

    /** A fake cost source: per-pass cost as a + b·rows, per placement. */
    private record Fake(double full, double prefix, double suffix, double serialDraft, double splitDraft,
                        double splitDraftPerRow) implements CostSource {
        @Override
        public double nanos(Placement p, Pass pass, int rows) {
            return switch (pass) {
                case TARGET_FULL -> full + 10 * rows;
                case TARGET_PREFIX -> prefix + 5 * rows;
                case TARGET_SUFFIX -> suffix + 5 * rows;
                case DRAFT -> p == Placement.SERIAL ? serialDraft : splitDraft + splitDraftPerRow * rows;
            };
        }
    }

    private static double[] accept(double a) {
        double[] v = new double[GAMMA];
        Arrays.fill(v, a);
        return v;
    }

    /** Skips the periodic exploration step so every call shows the predicted best. */
    private static Plan plan(StepPlanner p) {
        Plan plan = p.planMirror(GAMMA, accept(0.7), KAPPA, ALL, GAMMA);
        return plan.explored() ? p.planMirror(GAMMA, accept(0.7), KAPPA, ALL, GAMMA) : plan;
    }

    @Test
    void sharedCoresWhereNothingCanBeHiddenPlanNoBranches() {
        // Split placement on shared cores: prefix + suffix cost far more than the whole target on all cores, and
        // every rollout row costs a full draft pass. Nothing is worth hiding: the plain SD step, zero branches.
        Fake costs = new Fake(1_000_000, 900_000, 900_000, 300_000, 600_000, 600_000);
        StepPlanner p = new StepPlanner(PlanMode.AUTO, costs, new AcceptanceModel(), GAMMA);
        for (int i = 0; i < 3 * StepPlanner.EXPLORE_EVERY; i++) {
            Plan plan = plan(p);
            assertEquals(Plan.Kind.SD, plan.kind(), plan.toString());
            assertEquals(0, plan.branches());
        }
    }

    @Test
    void aRunnerUpFarBehindIsReMeasuredEverMoreRarely() {
        // Mirror predicted far slower than SD: the periodic re-measurement backs off (each costs the difference in
        // full); with the two close it stays every EXPLORE_EVERY steps.
        StepPlanner far = new StepPlanner(PlanMode.AUTO, new Fake(1_000_000, 900_000, 900_000, 300_000, 600_000, 600_000),
                new AcceptanceModel(), GAMMA);
        StepPlanner close = new StepPlanner(PlanMode.AUTO, new Fake(1_000_000, 800_000, 800_000, 100_000, 10_000, 0),
                new AcceptanceModel(), GAMMA);
        int steps = 4096, farExplored = 0, closeExplored = 0;
        for (int i = 0; i < steps; i++) {
            if (far.planMirror(GAMMA, accept(0.7), KAPPA, ALL, GAMMA).explored()) farExplored++;
            if (close.planMirror(GAMMA, accept(0.7), KAPPA, ALL, GAMMA).explored()) closeExplored++;
        }
        assertEquals(steps / StepPlanner.EXPLORE_EVERY, closeExplored);
        assertTrue(farExplored >= 3 && farExplored <= 10, "explored " + farExplored + " of " + steps);
    }

    @Test
    void aFreeSecondDevicePlansTheFullTree() {
        // A second device: prefix + suffix = the whole target, and rollouts of any width take a fraction of the
        // suffix. Every branch is free, and each one more can only save a fresh draft: the full tree.
        Fake costs = new Fake(1_000_000, 500_000, 500_000, 100_000, 10_000, 0);
        StepPlanner p = new StepPlanner(PlanMode.AUTO, costs, new AcceptanceModel(), GAMMA);
        Plan plan = plan(p);
        assertEquals(Plan.Kind.MIRROR, plan.kind(), plan.toString());
        assertEquals(ALL, plan.branches(), plan.toString());
        assertTrue(plan.mirrorNanos() < plan.sdNanos());
    }

    @Test
    void branchesThatCostRowsStopWhereTheyNoLongerPay() {
        // Free up to the suffix, then every row costs: some branches, not all, and the likeliest first.
        Fake costs = new Fake(1_000_000, 500_000, 500_000, 100_000, 10_000, 4_000);
        StepPlanner p = new StepPlanner(PlanMode.AUTO, costs, new AcceptanceModel(), GAMMA);
        Plan plan = plan(p);
        assertEquals(Plan.Kind.MIRROR, plan.kind(), plan.toString());
        assertTrue(plan.branches() > 1 && plan.branches() < ALL, plan.toString());
        double[] hits = p.candidateHits(GAMMA, accept(0.7), KAPPA);
        for (int i = 1; i < hits.length; i++) assertTrue(hits[i] <= hits[i - 1], "ranked by P(hit)");
    }

    @Test
    void fixedPlansAreThePapersEveryStep() {
        Fake costs = new Fake(1_000_000, 900_000, 900_000, 300_000, 600_000, 600_000);
        StepPlanner p = new StepPlanner(PlanMode.FIXED, costs, new AcceptanceModel(), GAMMA);
        Plan plan = p.planMirror(GAMMA, accept(0.7), KAPPA, ALL, GAMMA);
        assertEquals(Plan.Kind.MIRROR, plan.kind());
        assertEquals(ALL, plan.branches());
        assertTrue(p.draftLength(Placement.SERIAL).more(GAMMA - 1, new float[GAMMA]));
        assertFalse(p.draftMore(GAMMA, 1, Placement.SERIAL), "never past the cap");
    }

    @Test
    void unmeasuredCostsAreExploredFirst() {
        MeasuredCosts costs = new MeasuredCosts();
        StepPlanner p = new StepPlanner(PlanMode.AUTO, costs, new AcceptanceModel(), GAMMA);
        Plan first = p.planMirror(GAMMA, accept(0.7), KAPPA, ALL, GAMMA);
        assertEquals(Plan.Kind.SD, first.kind(), "serial costs first");
        assertTrue(first.explored());
        costs.observe(Placement.SERIAL, Pass.TARGET_FULL, GAMMA + 1, 1_000_000);
        costs.observe(Placement.SERIAL, Pass.DRAFT, 1, 100_000);
        Plan second = p.planMirror(GAMMA, accept(0.7), KAPPA, ALL, GAMMA);
        assertEquals(Plan.Kind.MIRROR, second.kind(), "then the split placement is measured");
        assertTrue(second.explored());
    }

    @Test
    void draftLengthStopsWhenTheNextTokenIsUnlikelyToPay() {
        Fake costs = new Fake(1_000_000, 500_000, 500_000, 200_000, 10_000, 0);
        AcceptanceModel acceptance = new AcceptanceModel();
        StepPlanner p = new StepPlanner(PlanMode.AUTO, costs, acceptance, GAMMA);
        p.observeStep(2_000_000, 4); // a committed token is worth 0.5 ms
        for (int i = 0; i < 200; i++) acceptance.observeVerification(new float[] {0.95f, 0.05f}, 2, 1);
        DraftLength rule = p.draftLength(Placement.SERIAL);
        assertTrue(rule.more(1, new float[] {0.95f}), "a confident draft goes on");
        assertFalse(rule.more(2, new float[] {0.95f, 0.05f}), "after an unlikely token it stops");
    }

    @Test
    void oneWindowInExploreEveryDraftsOneTokenPastTheStop() {
        Fake costs = new Fake(1_000_000, 500_000, 500_000, 200_000, 10_000, 0);
        AcceptanceModel acceptance = new AcceptanceModel();
        StepPlanner p = new StepPlanner(PlanMode.AUTO, costs, acceptance, GAMMA);
        p.observeStep(2_000_000, 4);
        for (int i = 0; i < 200; i++) acceptance.observeVerification(new float[] {0.95f, 0.05f}, 2, 1);
        DraftLength rule = p.draftLength(Placement.SERIAL);
        float[] unlikely = {0.95f, 0.05f, 0.05f};
        int past = 0;
        for (int w = 0; w < StepPlanner.EXPLORE_EVERY; w++) {
            assertTrue(rule.more(1, unlikely));
            if (rule.more(2, unlikely)) {
                past++;
                assertFalse(rule.more(3, unlikely), "one token past the stop, not to the cap");
            }
        }
        assertEquals(1, past);
    }

    @Test
    void measuredCostsFitALineAndErOnTheSideOfCost() {
        MeasuredCosts c = new MeasuredCosts();
        assertTrue(Double.isNaN(c.nanos(Placement.SPLIT, Pass.DRAFT, 4)));
        c.observe(Placement.SPLIT, Pass.DRAFT, 2, 200);
        assertEquals(200, c.nanos(Placement.SPLIT, Pass.DRAFT, 1), 1e-9, "fewer rows: no cheaper");
        assertEquals(400, c.nanos(Placement.SPLIT, Pass.DRAFT, 4), 1e-9, "more rows: proportionally dearer");
        c.observe(Placement.SPLIT, Pass.DRAFT, 6, 600);
        assertEquals(400, c.nanos(Placement.SPLIT, Pass.DRAFT, 4), 1e-9);
        assertEquals(1200, c.nanos(Placement.SPLIT, Pass.DRAFT, 12), 1e-9);
    }

    @Test
    void aDescheduledSampleDoesNotMoveTheCost() {
        MeasuredCosts c = new MeasuredCosts();
        for (int i = 0; i < 12; i++) c.observe(Placement.SERIAL, Pass.TARGET_FULL, 1, 1_000);
        for (int i = 0; i < 3; i++) c.observe(Placement.SERIAL, Pass.TARGET_FULL, 1, 100_000);
        assertEquals(1_000, c.nanos(Placement.SERIAL, Pass.TARGET_FULL, 1), 1e-9);
    }

    @Test
    void theExitWhoseCandidatesHitMoreIsChosenWhenItCostsTheSame() {
        Fake costs = new Fake(1_000_000, 500_000, 500_000, 100_000, 10_000, 4_000);
        StepPlanner p = new StepPlanner(PlanMode.AUTO, costs, new AcceptanceModel(), GAMMA);
        ExitOption shallow = new ExitOption(3, costs, new AcceptanceModel(), null);
        ExitOption deep = new ExitOption(9, costs, new AcceptanceModel(), null);
        for (int i = 0; i < 200; i++) {
            shallow.ranks().observeCorrection(-1); // the shallow exit's candidates never held the correction
            deep.ranks().observeCorrection(0);     // the deep exit's first candidate always did
        }
        Plan plan = p.planMirror(GAMMA, accept(0.7), KAPPA, ALL, GAMMA, java.util.List.of(shallow, deep));
        if (plan.explored()) plan = p.planMirror(GAMMA, accept(0.7), KAPPA, ALL, GAMMA, java.util.List.of(shallow, deep));
        assertEquals(Plan.Kind.MIRROR, plan.kind(), plan.toString());
        assertEquals(9, plan.exitLayer(), plan.toString());
        assertTrue(plan.hitProbability() > 0.9, plan.toString());
    }
}
