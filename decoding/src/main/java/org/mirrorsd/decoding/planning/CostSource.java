package org.mirrorsd.decoding.planning;

/**
 * What a step's pieces cost, as the planner sees them: measured online ({@link MeasuredCosts}) or given by a
 * test. Costs are per placement, because the same pass takes longer on fewer cores, or beside another loop on
 * shared ones; that is how contention between the two pipelines enters the plan.
 */
public interface CostSource {

    /** The passes a step is made of. */
    enum Pass {
        /** The whole target over a window (the serial SD step, or a plain step). */
        TARGET_FULL,
        /** Target layers [0, ℓₑ) and the early-exit logits, while the draft catches up beside it. */
        TARGET_PREFIX,
        /** Target layers [ℓₑ, L) and the logits, while the rollouts run beside it. */
        TARGET_SUFFIX,
        /** One draft forward pass over {@code rows} rows (one token of each of that many branches). */
        DRAFT
    }

    /** Expected nanoseconds of {@code pass} over {@code rows} rows in {@code placement}; NaN when nothing is known. */
    double nanos(Placement placement, Pass pass, int rows);
}
