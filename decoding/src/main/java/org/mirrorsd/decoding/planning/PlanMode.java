package org.mirrorsd.decoding.planning;

import java.util.Locale;

/**
 * {@code AUTO} (the default): the {@link StepPlanner} picks each step's draft length, branch set and placement
 * from measured costs, within the configured caps. {@code FIXED}: the configured γ, κ, ℓₑ and branch cap every
 * step, as the paper runs it ({@code --plan paper} is FIXED with the paper's γ 7, κ 8, ℓₑ L/2, all branches).
 */
public enum PlanMode {
    AUTO, FIXED;

    public String key() { return name().toLowerCase(Locale.ROOT); }

    public static PlanMode parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "fixed", "paper" -> FIXED;
            default -> throw new IllegalArgumentException("plan must be auto, fixed or paper, got '" + s + "'");
        };
    }
}
