package org.mirrorsd.devices.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pool's hand-off: every index once, failures rethrown, concurrent callers all finish. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerPoolTest {

    private static void assertEachIndexOnce(WorkerPool pool, int n, int minChunk) {
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        pool.forRange(n, minChunk, (from, to) -> {
            for (int i = from; i < to; i++) hits.incrementAndGet(i);
        });
        for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "index " + i + " of " + n);
    }

    @Test
    void manySmallLoopsCoverEveryIndexOnce() {
        for (int threads : new int[] {1, 2, 3}) {
            try (WorkerPool pool = new WorkerPool("t", threads)) {
                for (int round = 0; round < 2000; round++) assertEachIndexOnce(pool, 1 + round % 97, 1);
                // Long pauses between loops: helpers park, and must still be woken.
                for (int round = 0; round < 5; round++) {
                    try { Thread.sleep(2); } catch (InterruptedException e) { throw new AssertionError(e); }
                    assertEachIndexOnce(pool, 1000, 10);
                }
            }
        }
    }

    @Test
    void aFailingChunkIsRethrownAndThePoolStaysUsable() {
        try (WorkerPool pool = new WorkerPool("t", 2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.forRange(100, 1, (from, to) -> {
                if (from <= 50 && 50 < to) throw new IllegalStateException("boom");
            }));
            assertEquals("boom", e.getMessage());
            assertEachIndexOnce(pool, 100, 1);
        }
    }

    @Test
    void concurrentCallersAllFinish() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try (WorkerPool pool = new WorkerPool("t", 2)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < 3; c++) fs.add(callers.submit(() -> {
                for (int round = 0; round < 500; round++) assertEachIndexOnce(pool, 64, 1);
            }));
            for (Future<?> f : fs) f.get();
        } finally {
            callers.shutdownNow();
        }
    }
}
