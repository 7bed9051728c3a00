package org.mirrorsd.devices.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import org.mirrorsd.devices.PagedKvCache;

/** The KV cache on the Java heap: each block holds, per layer, the keys and values of BLOCK positions. */
public final class CpuKvCache extends PagedKvCache<CpuKvCache.Block> {

    /** Keys and values of BLOCK positions for every layer: keys[layer][slot * kvDim + i]. */
    static final class Block {
        final float[][] keys;
        final float[][] values;

        Block(int layers, int kvDim) {
            keys = new float[layers][BLOCK * kvDim];
            values = new float[layers][BLOCK * kvDim];
        }
    }

    private final int layers;
    private final int kvDim;

    public CpuKvCache(int layers, int kvDim, int capacity) {
        this(layers, kvDim, capacity, new AtomicInteger());
    }

    CpuKvCache(int layers, int kvDim, int capacity, AtomicInteger openCount) {
        super(capacity, openCount);
        this.layers = layers;
        this.kvDim = kvDim;
    }

    private CpuKvCache(CpuKvCache parent) {
        super(parent);
        this.layers = parent.layers;
        this.kvDim = parent.kvDim;
    }

    @Override
    public CpuKvCache fork() {
        return new CpuKvCache(this);
    }

    @Override
    protected Block allocateBlock() {
        return new Block(layers, kvDim);
    }

    @Override
    protected Block copyBlock(Block b) {
        Block copy = new Block(layers, kvDim);
        for (int l = 0; l < layers; l++) {
            System.arraycopy(b.keys[l], 0, copy.keys[l], 0, b.keys[l].length);
            System.arraycopy(b.values[l], 0, copy.values[l], 0, b.values[l].length);
        }
        return copy;
    }

    /** Makes position {@code pos} writable (see {@link #prepareWrite(int, int)}). */
    void prepareWrite(int pos) {
        prepareWrite(pos, 1);
    }

    float[] keys(int layer, int pos) { return blockOf(pos).keys[layer]; }

    float[] values(int layer, int pos) { return blockOf(pos).values[layer]; }

    int slotOffset(int pos) { return (pos % BLOCK) * kvDim; }
}
