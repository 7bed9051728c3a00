package org.mirrorsd.decoding.mirror;

/**
 * One entry of the early-exit token channel Mₜ: at window depth {@code depth}, the target's intermediate
 * layer thinks {@code token} likely, with log-probability {@code logprob}. Only these cross devices.
 */
public record Candidate(int depth, int token, float logprob) {
}
