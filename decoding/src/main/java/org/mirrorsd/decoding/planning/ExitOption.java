package org.mirrorsd.decoding.planning;

import org.mirrorsd.decoding.planning.CostSource.Pass;

/**
 * One early-exit layer the planner may choose: its own prefix and suffix costs (a deeper exit makes the prefix
 * longer and the overlap budget, the suffix, shorter) and its own record of where the correction ranks among
 * its candidates (a deeper exit guesses better); the draft and whole-target costs are shared.
 *
 * @param layer  ℓₑ
 * @param costs  this exit's prefix/suffix tables, the shared tables for the rest
 * @param ranks  where the correction ranked among this exit's candidates
 * @param own    this exit's prefix/suffix tables, where its steps record what they took (null: not recorded)
 */
public record ExitOption(int layer, CostSource costs, AcceptanceModel ranks, MeasuredCosts own) {

    /** A new exit with empty prefix/suffix tables of its own ({@code own}) over the shared ones. */
    public static ExitOption of(int layer, MeasuredCosts own, CostSource shared) {
        CostSource view = (p, pass, rows) -> pass == Pass.TARGET_PREFIX || pass == Pass.TARGET_SUFFIX
                ? own.nanos(p, pass, rows) : shared.nanos(p, pass, rows);
        return new ExitOption(layer, view, new AcceptanceModel(), own);
    }
}
