package org.mirrorsd.models.source;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reports a download's progress: a log line at most every two seconds, and one when it ends. */
final class DownloadProgress {
    private static final Logger LOG = LoggerFactory.getLogger(DownloadProgress.class);
    private static final long INTERVAL_NANOS = 2_000_000_000L;

    private final String name;
    private final long total;
    private final long start = System.nanoTime();
    private final long resumedAt;
    private long lastReport = start;
    private long done;

    DownloadProgress(String name, long total, long resumedAt) {
        this.name = name;
        this.total = total;
        this.resumedAt = resumedAt;
        this.done = resumedAt;
        if (resumedAt > 0) LOG.info("resuming {} at {} of {}", name, mb(resumedAt), mb(total));
        else LOG.info("downloading {} ({})", name, mb(total));
    }

    void advance(long bytes) {
        done += bytes;
        long now = System.nanoTime();
        if (now - lastReport >= INTERVAL_NANOS) {
            lastReport = now;
            LOG.info("{} {}", name, line(now));
        }
    }

    void finished() {
        LOG.info("{} done: {}", name, line(System.nanoTime()));
    }

    private String line(long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double rate = (done - resumedAt) / seconds / 1e6;
        int width = 30;
        int filled = total > 0 ? (int) Math.min(width, done * width / total) : 0;
        String bar = "#".repeat(filled) + ".".repeat(width - filled);
        String pct = total > 0 ? String.format(Locale.ROOT, "%5.1f%%", 100.0 * done / total) : "";
        return String.format(Locale.ROOT, "[%s] %s %s / %s, %.1f MB/s", bar, pct, mb(done), mb(total), rate);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
