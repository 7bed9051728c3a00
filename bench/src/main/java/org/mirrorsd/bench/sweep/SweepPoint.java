package org.mirrorsd.bench.sweep;

import org.mirrorsd.decoding.DecodingStats;

/** One Mirror-SD setting of the sweep and what it measured, beside the AR and SD baselines of the same run. */
public record SweepPoint(int gamma, int kappa, int exitLayer, int maxBranches, double tokensPerSecond,
                         double speedupVsAr, double speedupVsSd, DecodingStats stats) {
}
