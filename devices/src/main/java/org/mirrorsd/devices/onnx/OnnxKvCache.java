package org.mirrorsd.devices.onnx;

import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.mirrorsd.devices.PagedKvCache;

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
public final class OnnxKvCache extends PagedKvCache<OnnxKvCache.Block> {

    /** Per layer, keys and values of BLOCK positions laid out [kv_heads, BLOCK, head_size]. */
    static final class Block {
        final float[][] keys;
        final float[][] values;

        Block(int layers, int blockFloats) {
            keys = new float[layers][blockFloats];
            values = new float[layers][blockFloats];
        }
    }

    private final Object owner;
    private final int layers;
    private final int kvHeads;
    private final int headSize;

    OnnxKvCache(Object owner, int layers, int kvHeads, int headSize, int capacity, AtomicInteger openCount) {
        super(capacity, openCount);
        this.owner = owner;
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.headSize = headSize;
    }

    private OnnxKvCache(OnnxKvCache parent) {
        super(parent);
        this.owner = parent.owner;
        this.layers = parent.layers;
        this.kvHeads = parent.kvHeads;
        this.headSize = parent.headSize;
    }

    @Override
    public OnnxKvCache fork() {
        return new OnnxKvCache(this);
    }

    @Override
    protected Block allocateBlock() {
        return new Block(layers, kvHeads * BLOCK * headSize);
    }

    @Override
    protected Block copyBlock(Block b) {
        Block c = new Block(layers, kvHeads * BLOCK * headSize);
        for (int l = 0; l < layers; l++) {
            System.arraycopy(b.keys[l], 0, c.keys[l], 0, b.keys[l].length);
            System.arraycopy(b.values[l], 0, c.values[l], 0, b.values[l].length);
        }
        return c;
    }

    boolean ownedBy(Object executor) { return owner == executor; }

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
        Block b = blockOf(pos);
        return values ? b.values : b.keys;
    }
}
