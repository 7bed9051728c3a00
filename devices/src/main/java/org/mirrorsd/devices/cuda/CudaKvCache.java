package org.mirrorsd.devices.cuda;

import java.util.concurrent.atomic.AtomicInteger;
import org.mirrorsd.devices.KvCache;

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
public final class CudaKvCache implements KvCache {
    public static final int BLOCK = 16;

    private static final class Block {
        final long address;
        final AtomicInteger refs = new AtomicInteger(1);

        Block(long address) { this.address = address; }
    }

    private final Object owner;
    private final KvBlockPool pool;
    private final int capacity;
    private final AtomicInteger openCount;
    private Block[] table;
    private int length;
    private boolean closed;

    CudaKvCache(Object owner, KvBlockPool pool, int capacity, AtomicInteger openCount) {
        this.owner = owner;
        this.pool = pool;
        this.capacity = capacity;
        this.openCount = openCount;
        this.table = new Block[(capacity + BLOCK - 1) / BLOCK];
        openCount.incrementAndGet();
    }

    private CudaKvCache(CudaKvCache parent) {
        this.owner = parent.owner;
        this.pool = parent.pool;
        this.capacity = parent.capacity;
        this.openCount = parent.openCount;
        this.table = parent.table.clone();
        this.length = parent.length;
        for (Block b : table) {
            if (b != null) b.refs.incrementAndGet();
        }
        openCount.incrementAndGet();
    }

    @Override
    public int length() { return length; }

    @Override
    public int capacity() { return capacity; }

    @Override
    public void truncate(int newLength) {
        checkOpen();
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a cache of length " + length + " to " + newLength);
        }
        int keepBlocks = (newLength + BLOCK - 1) / BLOCK;
        for (int i = keepBlocks; i < table.length && table[i] != null; i++) {
            unref(table[i]);
            table[i] = null;
        }
        length = newLength;
    }

    @Override
    public CudaKvCache fork() {
        checkOpen();
        return new CudaKvCache(this);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        openCount.decrementAndGet();
        for (int i = 0; i < table.length; i++) {
            if (table[i] != null) unref(table[i]);
            table[i] = null;
        }
        length = 0;
    }

    private void unref(Block b) {
        if (b.refs.decrementAndGet() == 0) pool.release(b.address);
    }

    /** Blocks this cache references (shared ones included). */
    public int blocksInUse() {
        int n = 0;
        for (Block b : table) if (b != null) n++;
        return n;
    }

    boolean ownedBy(Object executor) { return owner == executor; }

    /**
     * Makes position {@code pos} writable: allocates its block, or copies it on the device if a fork shares it.
     * Called once per row before a forward call (with the executor's lock held), not per layer.
     */
    void prepareWrite(int pos) {
        checkOpen();
        if (pos > length) {
            throw new IllegalArgumentException("position " + pos + " would leave a gap: the cache holds " + length);
        }
        if (pos >= capacity) throw new IllegalArgumentException("position " + pos + " exceeds the cache capacity " + capacity);
        int index = pos / BLOCK;
        Block b = table[index];
        if (b == null) {
            table[index] = new Block(pool.allocate());
        } else if (b.refs.get() > 1) {
            Block copy = new Block(pool.allocate());
            pool.copy(copy.address, b.address);
            table[index] = copy;
            unref(b);
        }
        if (pos + 1 > length) length = pos + 1;
    }

    /** Writes the device addresses of the blocks holding positions {@code 0..pos} into {@code out[off..]}. */
    void blockTable(int pos, long[] out, int off) {
        checkOpen();
        for (int i = 0; i <= pos / BLOCK; i++) {
            Block b = table[i];
            if (b == null) throw new IllegalStateException("position " + (i * BLOCK) + " has no block");
            out[off + i] = b.address;
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("KV cache is closed");
    }

    @Override
    public String toString() {
        return "CudaKvCache[length=" + length + ", blocks=" + blocksInUse() + "/" + table.length + "]";
    }
}
