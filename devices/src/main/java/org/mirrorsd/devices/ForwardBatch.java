package org.mirrorsd.devices;

import java.util.Arrays;

/**
 * The rows one forward call works on: for each row a token, the sequence (KV cache) it belongs to and its
 * position there, plus the row's hidden state ({@code dim} floats of the residual stream, on the host).
 *
 * <p>One batch can hold several positions of one sequence (prefill, or verifying a draft window in one pass)
 * and rows of several sequences (draft branches, concurrent requests): weights are then read from memory once
 * for all of them, which is what makes speculative decoding pay on a memory-bound machine. Rows of the same
 * cache must come in order of position, with no gap after what the cache already holds.
 *
 * <p>A batch is made by an executor ({@link LayerExecutor#newBatch}) and may carry that executor's scratch
 * buffers; it is not thread-safe.
 */
public final class ForwardBatch {
    private final int capacity;
    private final int dim;
    private final int[] tokens;
    private final int[] positions;
    private final KvCache[] caches;
    private final float[] hidden;
    private int size;
    /** Executor-owned scratch memory (opaque here), created on first use. */
    private Object scratch;

    public ForwardBatch(int capacity, int dim) {
        if (capacity < 1) throw new IllegalArgumentException("batch capacity must be >= 1, got " + capacity);
        this.capacity = capacity;
        this.dim = dim;
        this.tokens = new int[capacity];
        this.positions = new int[capacity];
        this.caches = new KvCache[capacity];
        this.hidden = new float[capacity * dim];
    }

    public int capacity() { return capacity; }

    public int dim() { return dim; }

    public int size() { return size; }

    public void clear() {
        Arrays.fill(caches, 0, size, null);
        size = 0;
    }

    /** Appends a row and returns its index. */
    public int add(int token, KvCache cache, int position) {
        if (size == capacity) throw new IllegalStateException("batch is full (" + capacity + " rows)");
        if (position < 0 || position >= cache.capacity()) {
            throw new IllegalArgumentException("position " + position + " is outside the context of " + cache.capacity());
        }
        tokens[size] = token;
        caches[size] = cache;
        positions[size] = position;
        return size++;
    }

    /** Appends {@code count} consecutive tokens of one sequence starting at {@code firstPosition}. */
    public void addSequence(int[] sequenceTokens, int from, int count, KvCache cache, int firstPosition) {
        for (int i = 0; i < count; i++) add(sequenceTokens[from + i], cache, firstPosition + i);
    }

    public int token(int row) { return tokens[row]; }

    public int position(int row) { return positions[row]; }

    public KvCache cache(int row) { return caches[row]; }

    /** Hidden states, row-major: row r is {@code hidden()[r * dim() .. (r + 1) * dim())}. */
    public float[] hidden() { return hidden; }

    public Object scratch() { return scratch; }

    public void scratch(Object newScratch) { this.scratch = newScratch; }
}
