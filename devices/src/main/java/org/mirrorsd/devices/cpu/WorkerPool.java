package org.mirrorsd.devices.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of threads that split a loop between them. Each executor owns its own pool, so two executors
 * (the target's suffix and the draft's rollouts, say) never compete for the same threads.
 *
 * <p>Hand-off: a loop is published as one {@link Job}; helpers that finished the previous one spin for a short
 * while before they park, so the many small loops of a decoding step (a few per layer) reach them without a
 * futex wake-up each, and the caller spins (then yields) for them to finish.
 *
 * <p>The calling thread takes part, and chunks are claimed from a shared counter. One loop runs on the helpers
 * at a time: a caller that finds them busy with another caller's loop simply does all its chunks itself, so
 * concurrent callers cannot deadlock.
 */
public final class WorkerPool implements AutoCloseable {

    /** Body of a parallel loop over {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /**
     * How long an idle helper watches for the next loop before it parks: three times the median of its recent
     * waits, within these bounds. A decoding step's loops come microseconds apart, so a helper spins for them;
     * but a pipeline that waits for the other one every step (SD's target while the draft runs) would spin
     * through the other's work on a shared core. A fixed 200 us cost Mirror-SD's split steps 9% on two cores
     * against 50 us, and a fixed 50 us cost plain decoding 3-5%.
     */
    private static final long MIN_SPIN_NANOS = 20_000;
    private static final long MAX_SPIN_NANOS = 200_000;
    /** Caller spins before it starts yielding to helpers that may have been descheduled. */
    private static final int CALLER_SPINS = 20_000;

    private final int threads;
    private final Thread[] helpers;
    private final boolean[] parked;
    private final AtomicBoolean helpersBusy = new AtomicBoolean();
    private volatile Job job;
    private volatile boolean closed;

    /**
     * One parallel loop: its chunks and how many of them are done. The caller waits for the chunks, not for
     * helpers, so a helper that never comes (descheduled, or its pool closed) only means the caller runs more.
     */
    private static final class Job {
        final int n, chunkSize, chunkCount, helpers;
        final RangeBody body;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int n, int chunkSize, int chunkCount, int helpers, RangeBody body) {
            this.n = n;
            this.chunkSize = chunkSize;
            this.chunkCount = chunkCount;
            this.helpers = helpers;
            this.body = body;
        }

        void runChunks() {
            int c;
            while ((c = next.getAndIncrement()) < chunkCount) {
                int from = c * chunkSize;
                try {
                    if (failure.get() == null) body.run(from, Math.min(n, from + chunkSize));
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    public WorkerPool(String name, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.helpers = new Thread[threads - 1];
        this.parked = new boolean[threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            int index = i;
            helpers[i] = new Thread(() -> helperLoop(index), name + "-" + (i + 1));
            helpers[i].setDaemon(true);
            helpers[i].start();
        }
    }

    public int threads() { return threads; }

    /**
     * Runs {@code body} over {@code [0, n)} split into chunks of at least {@code minChunk} iterations.
     * Loops too small to share are run on the caller alone.
     */
    public void forRange(int n, int minChunk, RangeBody body) {
        int chunks = Math.min(threads * 4, Math.max(1, n / Math.max(1, minChunk)));
        if (helpers.length == 0 || chunks == 1 || !helpersBusy.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        try {
            int chunkSize = (n + chunks - 1) / chunks;
            int chunkCount = (n + chunkSize - 1) / chunkSize;
            Job j = new Job(n, chunkSize, chunkCount, Math.min(helpers.length, chunkCount - 1), body);
            job = j;
            for (int i = 0; i < j.helpers; i++) if (isParked(i)) LockSupport.unpark(helpers[i]);
            j.runChunks();
            for (int spins = 0; j.done.get() < j.chunkCount; spins++) {
                if (spins < CALLER_SPINS) Thread.onSpinWait();
                else Thread.yield();
            }
            Throwable t = j.failure.get();
            if (t instanceof RuntimeException re) throw re;
            if (t instanceof Error err) throw err;
            if (t != null) throw new IllegalStateException(t);
        } finally {
            helpersBusy.set(false);
        }
    }

    private void helperLoop(int index) {
        Job seen = null;
        Waits waits = new Waits();
        while (true) {
            Job j = job;
            if (j == seen) {
                j = awaitNext(index, seen, waits);
                if (j == seen) {
                    if (closed) return;
                    continue;
                }
            }
            seen = j;
            j.runChunks();
        }
    }

    /** Spins for the next job, then parks until {@link #forRange} or {@link #close} unparks it. */
    private Job awaitNext(int index, Job seen, Waits waits) {
        long start = System.nanoTime();
        long deadline = start + waits.spinNanos();
        Job j;
        while ((j = job) == seen && System.nanoTime() < deadline) Thread.onSpinWait();
        if (j == seen && !closed) {
            setParked(index, true);
            // Re-check after announcing: forRange publishes the job, then reads the flag.
            if (job == seen && !closed) LockSupport.park(this);
            setParked(index, false);
            j = job;
        }
        if (j != seen) waits.add(System.nanoTime() - start);
        return j;
    }

    /** One helper's recent waits for a job (its own thread only). */
    private static final class Waits {
        private final long[] recent = new long[15];
        private int count;

        void add(long nanos) {
            recent[count++ % recent.length] = nanos;
        }

        long spinNanos() {
            if (count < recent.length) return MAX_SPIN_NANOS;
            long[] sorted = recent.clone();
            java.util.Arrays.sort(sorted);
            return Math.max(MIN_SPIN_NANOS, Math.min(MAX_SPIN_NANOS, 3 * sorted[sorted.length / 2]));
        }
    }

    private static final java.lang.invoke.VarHandle PARKED = java.lang.invoke.MethodHandles.arrayElementVarHandle(boolean[].class);

    private boolean isParked(int i) { return (boolean) PARKED.getVolatile(parked, i); }

    private void setParked(int i, boolean v) { PARKED.setVolatile(parked, i, v); }

    @Override
    public void close() {
        closed = true;
        for (Thread t : helpers) LockSupport.unpark(t);
    }
}
