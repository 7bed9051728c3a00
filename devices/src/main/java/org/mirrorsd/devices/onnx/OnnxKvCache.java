package org.mirrorsd.devices.onnx;

import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.mirrorsd.devices.KvCache;

/**
 * The K/V of one sequence on the Java heap, fed to the session as {@code past_key_values} and refilled from
 * its {@code present} outputs. Positions are kept in blocks of {@link #BLOCK}; inside a block each layer's keys
 * (and values) are laid out {@code [kv_heads, BLOCK, head_size]}, so the block table as a whole is the
 * {@code [kv_heads, len, head_size]} tensor the session wants, cut into runs of BLOCK positions that are
 * copied with one bulk put each. Blocks are allocated as the sequence grows.
 *
 * <p>{@link #fork()} is copy-on-write at block granularity, as in the CPU cache: the fork copies the block
 * table and shares every block; whichever side then writes into a shared block copies that block first. A
 * Mirror-SD branch thus costs one table copy plus its partly filled last block, however long the prefix.
 */
public final class OnnxKvCache implements KvCache {
    public static final int BLOCK = 16;

    private static final class Block {
        final float[][] keys;
        final float[][] values;
        final AtomicInteger refs = new AtomicInteger(1);

        Block(int layers, int blockFloats) {
            keys = new float[layers][blockFloats];
            values = new float[layers][blockFloats];
        }

        Block copy() {
            Block c = new Block(keys.length, keys[0].length);
            for (int l = 0; l < keys.length; l++) {
                System.arraycopy(keys[l], 0, c.keys[l], 0, keys[l].length);
                System.arraycopy(values[l], 0, c.values[l], 0, values[l].length);
            }
            return c;
        }
    }

    private final Object owner;
    private final int layers;
    private final int kvHeads;
    private final int headSize;
    private final int capacity;
    private final AtomicInteger openCount;
    private Block[] table;
    private int length;
    private boolean closed;

    OnnxKvCache(Object owner, int layers, int kvHeads, int headSize, int capacity, AtomicInteger openCount) {
        this.owner = owner;
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.headSize = headSize;
        this.capacity = capacity;
        this.openCount = openCount;
        this.table = new Block[(capacity + BLOCK - 1) / BLOCK];
        openCount.incrementAndGet();
    }

    private OnnxKvCache(OnnxKvCache parent) {
        this(parent.owner, parent.layers, parent.kvHeads, parent.headSize, parent.capacity, parent.openCount);
        this.table = parent.table.clone();
        this.length = parent.length;
        for (Block b : table) if (b != null) b.refs.incrementAndGet();
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
        release((newLength + BLOCK - 1) / BLOCK);
        length = newLength;
    }

    @Override
    public OnnxKvCache fork() {
        checkOpen();
        return new OnnxKvCache(this);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        openCount.decrementAndGet();
        release(0);
        length = 0;
    }

    /** Blocks this cache references (shared ones included). */
    public int blocksInUse() {
        int n = 0;
        for (Block b : table) if (b != null) n++;
        return n;
    }

    boolean ownedBy(Object executor) { return owner == executor; }

    /**
     * Makes positions {@code [from, from + count)} writable (allocating blocks, copying shared ones) and the
     * cache at least {@code from + count} long.
     */
    void prepareWrite(int from, int count) {
        checkWritable(from, count);
        for (int i = from / BLOCK; i <= (from + count - 1) / BLOCK; i++) {
            Block b = table[i];
            if (b == null) {
                table[i] = new Block(layers, kvHeads * BLOCK * headSize);
            } else if (b.refs.get() > 1) {
                table[i] = b.copy();
                b.refs.decrementAndGet();
            }
        }
        length = Math.max(length, from + count);
    }

    /** Refuses a write that would leave a gap or overflow, before any work is done for it. */
    void checkWritable(int from, int count) {
        checkOpen();
        if (from > length) throw new IllegalArgumentException("position " + from + " would leave a gap: the cache holds " + length);
        if (from + count > capacity) {
            throw new IllegalArgumentException("positions up to " + (from + count - 1) + " exceed the cache capacity " + capacity);
        }
    }

    /** Copies positions {@code [0, count)} of one head of one layer into {@code dst} at {@code at}, contiguously. */
    void readPast(int layer, boolean values, int head, int count, FloatBuffer dst, int at) {
        for (int first = 0; first < count; first += BLOCK) {
            int n = Math.min(BLOCK, count - first);
            float[] src = arrays(first, values)[layer];
            dst.put(at, src, head * BLOCK * headSize, n * headSize);
            at += n * headSize;
        }
    }

    /** Stores {@code count} positions of one head from {@code src} at {@code at}, starting at position {@code from}. */
    void write(int layer, boolean values, int head, int from, int count, FloatBuffer src, int at) {
        int pos = from;
        while (pos < from + count) {
            int slot = pos % BLOCK;
            int n = Math.min(BLOCK - slot, from + count - pos);
            float[] dst = arrays(pos, values)[layer];
            src.get(at, dst, (head * BLOCK + slot) * headSize, n * headSize);
            at += n * headSize;
            pos += n;
        }
    }

    private float[][] arrays(int pos, boolean values) {
        Block b = table[pos / BLOCK];
        return values ? b.values : b.keys;
    }

    private void release(int fromBlock) {
        for (int i = fromBlock; i < table.length; i++) {
            if (table[i] != null) table[i].refs.decrementAndGet();
            table[i] = null;
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("KV cache is closed");
    }

    @Override
    public String toString() {
        return "OnnxKvCache[length=" + length + ", blocks=" + blocksInUse() + "/" + table.length + "]";
    }
}
