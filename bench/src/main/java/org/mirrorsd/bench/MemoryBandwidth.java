package org.mirrorsd.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.mirrorsd.devices.cpu.WorkerPool;

/**
 * Measures read bandwidth the way decoding reads weights: streaming a buffer far larger than the caches with
 * vector loads, on a given number of threads. Decode speed can't beat bytes-per-token / this.
 */
public final class MemoryBandwidth {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private MemoryBandwidth() {}

    /** Bytes per second, best of {@code rounds} passes over {@code bytes} bytes. */
    public static double measure(long bytes, int threads, int rounds) {
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool("bandwidth", threads)) {
            MemorySegment seg = arena.allocate(bytes, 64);
            seg.fill((byte) 1);
            int chunks = threads * 16;
            long chunkBytes = bytes / chunks / 64 * 64;
            double best = 0;
            float[] sink = new float[chunks];
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                pool.forRange(chunks, 1, (from, to) -> {
                    for (int c = from; c < to; c++) sink[c] = sum(seg, c * chunkBytes, chunkBytes);
                });
                double s = (System.nanoTime() - t0) / 1e9;
                best = Math.max(best, chunkBytes * chunks / s);
            }
            if (sink[0] == 42f) System.err.print(""); // keep the sums alive
            return best;
        }
    }

    private static float sum(MemorySegment seg, long off, long bytes) {
        FloatVector a = FloatVector.zero(F), b = FloatVector.zero(F);
        long step = F.vectorByteSize();
        long end = off + bytes - 2 * step;
        long i = off;
        for (; i <= end; i += 2 * step) {
            a = a.add(FloatVector.fromMemorySegment(F, seg, i, ByteOrder.LITTLE_ENDIAN));
            b = b.add(FloatVector.fromMemorySegment(F, seg, i + step, ByteOrder.LITTLE_ENDIAN));
        }
        return a.add(b).reduceLanes(VectorOperators.ADD);
    }
}
