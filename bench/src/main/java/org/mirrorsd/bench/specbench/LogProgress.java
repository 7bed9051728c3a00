package org.mirrorsd.bench.specbench;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Progress as periodic log lines, for CI and redirected output where a redrawn bar would be noise. */
public final class LogProgress implements ReplayListener {
    private static final Logger LOG = LoggerFactory.getLogger(LogProgress.class);
    private final long intervalNanos;
    private long start, lastLog;

    public LogProgress(long intervalSeconds) {
        this.intervalNanos = intervalSeconds * 1_000_000_000L;
    }

    @Override
    public void warmingUp() { LOG.info("warming up"); }

    @Override
    public void started(int questions) {
        start = lastLog = System.nanoTime();
        LOG.info("replaying {} questions", questions);
    }

    @Override
    public void questionDone(int done, int total, QuestionRun run) {
        long now = System.nanoTime();
        if (now - lastLog < intervalNanos && done < total) return;
        lastLog = now;
        LOG.info("{}/{} questions done ({}%), ETA {}", done, total, done * 100 / Math.max(1, total),
                Eta.format(Eta.remaining(now - start, done, total)));
    }

    @Override
    public void finished(int done, int total) {
        LOG.info("replayed {}/{} questions in {}", done, total, Eta.format(java.time.Duration.ofNanos(System.nanoTime() - start)));
    }
}
