package org.mirrorsd.devices.cuda;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Device memory for KV blocks: slabs of several blocks allocated as caches grow, blocks recycled through a free
 * list when caches release them, and everything freed when the executor closes (the pool never shrinks).
 * A block holds {@link CudaKvCache#BLOCK} positions of every layer: {@code [layer][keys, values][slot][kvDim]}
 * floats, the layout the kernels index.
 */
final class KvBlockPool {
    private static final long SLAB_BYTES = 4L << 20;

    private final Gpu gpu;
    private final long blockBytes;
    private final int blocksPerSlab;
    private final ArrayDeque<Long> free = new ArrayDeque<>();
    private final List<Long> slabs = new ArrayList<>();
    private int inUse;

    KvBlockPool(Gpu gpu, int layers, int kvDim) {
        this.gpu = gpu;
        this.blockBytes = (long) layers * 2 * CudaKvCache.BLOCK * kvDim * Float.BYTES;
        this.blocksPerSlab = (int) Math.max(1, Math.min(256, SLAB_BYTES / blockBytes));
    }

    long blockBytes() { return blockBytes; }

    /** A block's device address; called with the executor's lock held (it may allocate). */
    synchronized long allocate() {
        if (free.isEmpty()) {
            long slab = gpu.alloc(blockBytes * blocksPerSlab);
            slabs.add(slab);
            for (int i = 0; i < blocksPerSlab; i++) free.add(slab + i * blockBytes);
        }
        inUse++;
        return free.pop();
    }

    /** Gives a block back; any thread (caches are closed wherever their owner drops them). */
    synchronized void release(long block) {
        inUse--;
        free.push(block);
    }

    /** Copies a whole block, ordered with the kernels. */
    void copy(long dst, long src) {
        gpu.copy(dst, src, blockBytes);
    }

    synchronized int blocksInUse() { return inUse; }

    synchronized long bytesReserved() { return slabs.size() * blocksPerSlab * blockBytes; }
}
