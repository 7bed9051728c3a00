package org.mirrorsd.devices.cpu;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fixed set of threads that split a loop between them. Each executor owns its own pool, so two executors
 * (the target's suffix and the draft's rollouts, say) never compete for the same threads.
 *
 * <p>The calling thread takes part, and chunks are claimed from a shared counter: if the helpers are busy with
 * another caller's loop, the caller simply does all the chunks itself. So concurrent callers cannot deadlock.
 */
public final class WorkerPool implements AutoCloseable {

    /** Body of a parallel loop over {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private final int threads;
    private final ExecutorService helpers;

    public WorkerPool(String name, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        AtomicInteger counter = new AtomicInteger();
        this.helpers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, name + "-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() { return threads; }

    /**
     * Runs {@code body} over {@code [0, n)} split into chunks of at least {@code minChunk} iterations.
     * Loops too small to share are run on the caller alone: waking a thread costs microseconds.
     */
    public void forRange(int n, int minChunk, RangeBody body) {
        int chunks = Math.min(threads * 4, Math.max(1, n / Math.max(1, minChunk)));
        if (helpers == null || chunks == 1) {
            body.run(0, n);
            return;
        }
        int chunkSize = (n + chunks - 1) / chunks;
        int chunkCount = (n + chunkSize - 1) / chunkSize;
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int helperCount = Math.min(threads - 1, chunkCount - 1);
        CountDownLatch done = new CountDownLatch(helperCount);
        Runnable worker = () -> {
            try {
                runChunks(n, chunkSize, chunkCount, next, failure, body);
            } finally {
                done.countDown();
            }
        };
        for (int i = 0; i < helperCount; i++) helpers.execute(worker);
        runChunks(n, chunkSize, chunkCount, next, failure, body);
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for worker threads", e);
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error err) throw err;
    }

    private static void runChunks(int n, int chunkSize, int chunkCount, AtomicInteger next,
                                  AtomicReference<Throwable> failure, RangeBody body) {
        int c;
        while ((c = next.getAndIncrement()) < chunkCount) {
            if (failure.get() != null) return;
            int from = c * chunkSize;
            try {
                body.run(from, Math.min(n, from + chunkSize));
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }
    }

    @Override
    public void close() {
        if (helpers != null) helpers.shutdownNow();
    }
}
