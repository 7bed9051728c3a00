package org.mirrorsd.bench.specbench;

import java.io.PrintStream;

/** A progress bar with ETA, redrawn in place on a terminal's stderr. */
public final class TerminalProgress implements ReplayListener {
    private static final int WIDTH = 30;
    private final PrintStream err;
    private long start;

    public TerminalProgress(PrintStream err) {
        this.err = err;
    }

    @Override
    public void warmingUp() { err.print("\rwarming up..."); err.flush(); }

    @Override
    public void started(int questions) {
        start = System.nanoTime();
        draw(0, questions, "");
    }

    @Override
    public void questionDone(int done, int total, QuestionRun run) {
        draw(done, total, run == null ? "" : " " + run.question().group().key() + " #" + run.question().id());
    }

    @Override
    public void finished(int done, int total) { err.println(); }

    private void draw(int done, int total, String last) {
        int filled = total == 0 ? WIDTH : done * WIDTH / total;
        String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
        err.printf("\r[%s] %d/%d questions %3d%%  ETA %s %-28s", bar, done, total, total == 0 ? 100 : done * 100 / total,
                Eta.format(Eta.remaining(System.nanoTime() - start, done, total)), last);
        err.flush();
    }
}
