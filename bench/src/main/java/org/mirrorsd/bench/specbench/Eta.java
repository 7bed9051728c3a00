package org.mirrorsd.bench.specbench;

import java.time.Duration;

/** Remaining time from the pace so far. */
final class Eta {
    private Eta() {}

    static Duration remaining(long elapsedNanos, int done, int total) {
        if (done <= 0) return null;
        return Duration.ofNanos((long) ((double) elapsedNanos / done * (total - done)));
    }

    static String format(Duration d) {
        if (d == null) return "--:--";
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%02d:%02d", s / 60, s % 60);
    }
}
