package org.mirrorsd.devices;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The block table every device's KV cache shares: positions grouped in blocks of {@link #BLOCK} (all layers of
 * a position in one block), blocks reference-counted so that {@link #fork()} copies only the table, and a
 * block copied the first time a cache writes into it while it is shared (copy-on-write). A Mirror-SD branch
 * therefore costs a table copy plus, at most, its partly filled last block, however long the prefix.
 *
 * <p>Devices say what a block is ({@link #allocateBlock}, {@link #copyBlock}, {@link #releaseBlock}); this class
 * owns the bookkeeping: length, truncation, sharing, closing, and the executor-wide count of open caches.
 *
 * @param <B> the device's block: heap arrays, a device address, ...
 */
public abstract class PagedKvCache<B> implements KvCache {
    public static final int BLOCK = 16;

    /** A block and how many tables point at it. */
    private static final class Ref<B> {
        final B block;
        final AtomicInteger refs = new AtomicInteger(1);

        Ref(B block) { this.block = block; }
    }

    private final int capacity;
    private final AtomicInteger openCount;
    private Ref<B>[] table;
    private int length;
    private boolean closed;

    @SuppressWarnings("unchecked")
    protected PagedKvCache(int capacity, AtomicInteger openCount) {
        this.capacity = capacity;
        this.openCount = openCount;
        this.table = (Ref<B>[]) new Ref[(capacity + BLOCK - 1) / BLOCK];
        openCount.incrementAndGet();
    }

    /** A fork of {@code parent}: same positions, every block shared. */
    protected PagedKvCache(PagedKvCache<B> parent) {
        parent.checkOpen();
        this.capacity = parent.capacity;
        this.openCount = parent.openCount;
        this.table = parent.table.clone();
        this.length = parent.length;
        for (Ref<B> r : table) {
            if (r != null) r.refs.incrementAndGet();
        }
        openCount.incrementAndGet();
    }

    /** A new, zeroed-or-garbage block (every slot is written before it is read). */
    protected abstract B allocateBlock();

    /** A copy of {@code block} with the same contents. */
    protected abstract B copyBlock(B block);

    /** Called when the last table stops referencing {@code block}: give its memory back. */
    protected void releaseBlock(B block) {}

    @Override
    public final int length() { return length; }

    @Override
    public final int capacity() { return capacity; }

    @Override
    public final void truncate(int newLength) {
        checkOpen();
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a cache of length " + length + " to " + newLength);
        }
        release((newLength + BLOCK - 1) / BLOCK);
        length = newLength;
    }

    @Override
    public final void close() {
        if (closed) return;
        closed = true;
        openCount.decrementAndGet();
        release(0);
        length = 0;
    }

    /** Blocks this cache references (shared ones included): for leak checks and metrics. */
    public final int blocksInUse() {
        int n = 0;
        for (Ref<B> r : table) if (r != null) n++;
        return n;
    }

    /** Refuses a write that would leave a gap or overflow, before any work is done for it. */
    public final void checkWritable(int from, int count) {
        checkOpen();
        if (from > length) throw new IllegalArgumentException("position " + from + " would leave a gap: the cache holds " + length);
        if (from + count > capacity) {
            throw new IllegalArgumentException("positions up to " + (from + count - 1) + " exceed the cache capacity " + capacity);
        }
    }

    /**
     * Makes positions {@code [from, from + count)} writable (allocating blocks, copying shared ones) and the cache
     * at least {@code from + count} long. Called once per row before a forward call, not per layer.
     */
    public final void prepareWrite(int from, int count) {
        checkWritable(from, count);
        for (int i = from / BLOCK; i <= (from + count - 1) / BLOCK; i++) {
            Ref<B> r = table[i];
            if (r == null) {
                table[i] = new Ref<>(allocateBlock());
            } else if (r.refs.get() > 1) {
                table[i] = new Ref<>(copyBlock(r.block));
                unref(r);
            }
        }
        length = Math.max(length, from + count);
    }

    /** The block holding position {@code pos}. */
    protected final B blockOf(int pos) {
        Ref<B> r = table[pos / BLOCK];
        if (r == null) throw new IllegalStateException("position " + pos + " has no block");
        return r.block;
    }

    protected final void checkOpen() {
        if (closed) throw new IllegalStateException("KV cache is closed");
    }

    private void release(int fromBlock) {
        for (int i = fromBlock; i < table.length; i++) {
            if (table[i] != null) unref(table[i]);
            table[i] = null;
        }
    }

    private void unref(Ref<B> r) {
        if (r.refs.decrementAndGet() == 0) releaseBlock(r.block);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[length=" + length + ", blocks=" + blocksInUse() + "/" + table.length + "]";
    }
}
