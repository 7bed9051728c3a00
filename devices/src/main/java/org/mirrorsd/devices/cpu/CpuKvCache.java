package org.mirrorsd.devices.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import org.mirrorsd.devices.KvCache;

/**
 * A paged KV cache on the heap. Positions are grouped in blocks of {@link #BLOCK} (all layers of a position in
 * the same block). Forks share blocks and copy one only when they write into it while it is shared, so a
 * draft branch costs one table copy plus, at most, the partly filled last block.
 */
public final class CpuKvCache implements KvCache {
    public static final int BLOCK = 16;

    /** Keys and values of BLOCK positions for every layer: keys[layer][slot * kvDim + i]. */
    static final class Block {
        final float[][] keys;
        final float[][] values;
        final AtomicInteger refs = new AtomicInteger(1);

        Block(int layers, int kvDim) {
            keys = new float[layers][BLOCK * kvDim];
            values = new float[layers][BLOCK * kvDim];
        }

    }

    private final int layers;
    private final int kvDim;
    private final int capacity;
    private Block[] table;
    private int length;
    private boolean closed;

    /** Caches of the owning executor still open (forks included): a leak check for tests and metrics. */
    private final AtomicInteger openCount;

    public CpuKvCache(int layers, int kvDim, int capacity) {
        this(layers, kvDim, capacity, new AtomicInteger());
    }

    CpuKvCache(int layers, int kvDim, int capacity, AtomicInteger openCount) {
        this.openCount = openCount;
        openCount.incrementAndGet();
        this.layers = layers;
        this.kvDim = kvDim;
        this.capacity = capacity;
        this.table = new Block[(capacity + BLOCK - 1) / BLOCK];
    }

    private CpuKvCache(CpuKvCache parent) {
        this.openCount = parent.openCount;
        openCount.incrementAndGet();
        this.layers = parent.layers;
        this.kvDim = parent.kvDim;
        this.capacity = parent.capacity;
        this.table = parent.table.clone();
        this.length = parent.length;
        for (Block b : table) {
            if (b != null) b.refs.incrementAndGet();
        }
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
            table[i].refs.decrementAndGet();
            table[i] = null;
        }
        length = newLength;
    }

    @Override
    public CpuKvCache fork() {
        checkOpen();
        return new CpuKvCache(this);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        openCount.decrementAndGet();
        for (int i = 0; i < table.length; i++) {
            if (table[i] != null) table[i].refs.decrementAndGet();
            table[i] = null;
        }
        length = 0;
    }

    /** Blocks currently referenced (for leak checks in tests and metrics). */
    public int blocksInUse() {
        int n = 0;
        for (Block b : table) if (b != null) n++;
        return n;
    }

    /**
     * Makes position {@code pos} writable: allocates its block, or copies it if a fork shares it.
     * Called once per row before a forward call, not per layer.
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
            table[index] = new Block(layers, kvDim);
        } else if (b.refs.get() > 1) {
            Block copy = new Block(layers, kvDim);
            for (int l = 0; l < layers; l++) {
                System.arraycopy(b.keys[l], 0, copy.keys[l], 0, b.keys[l].length);
                System.arraycopy(b.values[l], 0, copy.values[l], 0, b.values[l].length);
            }
            b.refs.decrementAndGet();
            table[index] = copy;
        }
        if (pos + 1 > length) length = pos + 1;
    }

    float[] keys(int layer, int pos) { return table[pos / BLOCK].keys[layer]; }

    float[] values(int layer, int pos) { return table[pos / BLOCK].values[layer]; }

    int slotOffset(int pos) { return (pos % BLOCK) * kvDim; }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("KV cache is closed");
    }

    @Override
    public String toString() {
        return "CpuKvCache[length=" + length + ", blocks=" + blocksInUse() + "/" + table.length + "]";
    }
}
