package org.mirrorsd.config;

import java.nio.file.Path;

/**
 * Decoding method and its knobs.
 *
 * @param method      decoding method
 * @param gamma       draft tokens proposed per speculative step
 * @param kappa       candidate tokens taken from the target's early exit (mirror)
 * @param exitLayer   target layer whose early exit feeds the draft; {@code null} = half the layers
 * @param maxBranches cap on draft branches kept per step; {@code null} = decided by the engine
 * @param ngramMin    shortest n-gram matched by the ngram method
 * @param ngramMax    longest n-gram matched by the ngram method
 * @param calibration calibration file for early-exit heads; {@code null} = none
 * @param speculativeMaxSequences sd, ngram and mirror draft only while at most this many of their sequences are being
 *                    decoded, and decode plainly (still losslessly) above it; {@code null} = always draft
 * @param prefixCacheTokens positions of finished sequences' target KV kept for reuse by prompts that start the
 *                    same way (a chat's next turn); {@code null} = one context length, 0 = off
 * @param plan        step planning of the speculative methods: {@code auto} (each step's draft length, branches
 *                    and placement from measured costs, within the caps above), {@code paper} or {@code fixed}
 *                    (the configured γ, κ, ℓₑ and branch cap every step, as the paper runs them); {@code null} = auto
 */
public record DecodingConfig(
        DecodingMethod method,
        int gamma,
        int kappa,
        Integer exitLayer,
        Integer maxBranches,
        int ngramMin,
        int ngramMax,
        Path calibration,
        Integer speculativeMaxSequences,
        Integer prefixCacheTokens,
        String plan) {

    public static DecodingConfig defaults() {
        return new DecodingConfig(DecodingMethod.AR, 7, 8, null, null, 1, 3, null, null, null, null);
    }

    /** The prefix cache's budget once the target's context length is known. */
    public int prefixCacheTokensFor(int contextLength) {
        return prefixCacheTokens != null ? prefixCacheTokens : contextLength;
    }

    /** The plan mode's name: {@code auto} when none is set. */
    public String planOrDefault() {
        return plan != null ? plan : "auto";
    }

    /** The exit layer to use once the model's layer count is known. */
    public int exitLayerFor(int layerCount) {
        return exitLayer != null ? exitLayer : layerCount / 2;
    }
}
