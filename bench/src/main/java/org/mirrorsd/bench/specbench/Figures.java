package org.mirrorsd.bench.specbench;

/**
 * One method's figures over a set of questions (a task group, or all).
 *
 * @param meanTokensPerSecond mean over questions of each question's tokens/s (SpecBench's speed)
 * @param speedup             meanTokensPerSecond ÷ AR's (SpecBench's speedup; NaN without an AR run)
 * @param timeSpeedup         AR's total wall time ÷ this method's (same tokens when greedy outputs agree)
 * @param meanAcceptedLength  τ̄: tokens per target pass, the target's own token included (AR = 1)
 * @param meanFirstTokenMs    mean time to first token over all turns
 */
public record Figures(String method, int questions, long tokens, double seconds, double meanTokensPerSecond,
                      double speedup, double timeSpeedup, double meanAcceptedLength, double acceptanceRate,
                      double branchHitRate, double meanFirstTokenMs, int truncatedTurns, Counts counts) {}
