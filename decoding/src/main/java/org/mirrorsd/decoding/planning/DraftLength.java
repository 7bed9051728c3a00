package org.mirrorsd.decoding.planning;

/** When a model draft stops: asked after every draft pass, below the window's cap (see {@link StepPlanner#draftLength}). */
@FunctionalInterface
public interface DraftLength {
    /** Always up to the cap (fixed γ). */
    DraftLength FULL = (made, confidence) -> true;

    /** Whether to draft more after {@code made} tokens whose own probabilities are {@code confidence[0..made)}. */
    boolean more(int made, float[] confidence);
}
