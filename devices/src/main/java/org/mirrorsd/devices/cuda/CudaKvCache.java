package org.mirrorsd.devices.cuda;

import java.util.concurrent.atomic.AtomicInteger;
import org.mirrorsd.devices.PagedKvCache;

/**
 * A paged KV cache in device memory. Positions are grouped in blocks of {@link #BLOCK} (all layers of a position
 * in the same block, see {@link KvBlockPool}); the host keeps the block table and each forward call uploads the
 * rows' tables for the kernels.
 *
 * <p>{@link #fork()} is copy-on-write at block granularity, as in the CPU cache: the fork copies the (host) table
 * and shares every block; whichever side then writes into a shared block first gets a device-to-device copy of
 * it. A Mirror-SD branch costs a table copy plus, at most, one block copy on the device. {@link #truncate} and
 * {@link #close} give unshared blocks back to the executor's pool.
 */
public final class CudaKvCache extends PagedKvCache<Long> {
    private final Object owner;
    private final KvBlockPool pool;

    CudaKvCache(Object owner, KvBlockPool pool, int capacity, AtomicInteger openCount) {
        super(capacity, openCount);
        this.owner = owner;
        this.pool = pool;
    }

    private CudaKvCache(CudaKvCache parent) {
        super(parent);
        this.owner = parent.owner;
        this.pool = parent.pool;
    }

    @Override
    public CudaKvCache fork() {
        return new CudaKvCache(this);
    }

    /** A block is the device address of its memory in the executor's pool. */
    @Override
    protected Long allocateBlock() {
        return pool.allocate();
    }

    @Override
    protected Long copyBlock(Long address) {
        long copy = pool.allocate();
        pool.copy(copy, address);
        return copy;
    }

    @Override
    protected void releaseBlock(Long address) {
        pool.release(address);
    }

    boolean ownedBy(Object executor) { return owner == executor; }

    /**
     * Makes position {@code pos} writable: allocates its block, or copies it on the device if a fork shares it.
     * Called once per row before a forward call (with the executor's lock held), not per layer.
     */
    void prepareWrite(int pos) {
        prepareWrite(pos, 1);
    }

    /** Writes the device addresses of the blocks holding positions {@code 0..pos} into {@code out[off..]}. */
    void blockTable(int pos, long[] out, int off) {
        checkOpen();
        for (int i = 0; i <= pos / BLOCK; i++) out[off + i] = blockOf(i * BLOCK);
    }
}
