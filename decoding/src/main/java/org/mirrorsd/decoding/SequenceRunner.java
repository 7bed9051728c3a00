package org.mirrorsd.decoding;

import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.devices.KvCache;
import org.mirrorsd.devices.LayerExecutor;

/**
 * One sequence on one executor: its KV cache, a reusable batch and logits buffer, and the forward calls the
 * engines need (prefill, a window of tokens, or the window split at an early-exit layer).
 */
public final class SequenceRunner implements AutoCloseable {
    private final LayerExecutor exec;
    /** The executor that runs the passes: {@code exec}, or a sibling over the same model on other threads. */
    private LayerExecutor compute;
    private final KvCache cache;
    private final ForwardBatch batch;
    private final int vocab;
    private float[] logits;

    public SequenceRunner(LayerExecutor exec, int capacity, int maxWindow) {
        this(exec, exec.newCache(Math.min(capacity, exec.config().contextLength())), maxWindow);
    }

    /** A runner over a cache that may already hold a prefix (a {@link PrefixCache} fork); it owns the cache. */
    public SequenceRunner(LayerExecutor exec, KvCache cache, int maxWindow) {
        this.exec = exec;
        this.compute = exec;
        this.cache = cache;
        this.batch = exec.newBatch(maxWindow);
        this.vocab = exec.config().vocabSize();
        this.logits = new float[maxWindow * vocab];
    }

    public LayerExecutor executor() { return exec; }

    /**
     * Runs the following passes on {@code sibling}, an executor over the same weights with its own threads
     * (a core placement, see {@code planning.CorePlacement}); the cache and batch stay this runner's.
     */
    public void runOn(LayerExecutor sibling) { this.compute = sibling; }

    public KvCache cache() { return cache; }

    public int length() { return cache.length(); }

    public int capacity() { return cache.capacity(); }

    public int vocab() { return vocab; }

    public int layers() { return exec.config().layers(); }

    /** The logits of the last call: row r at {@code logits()[r * vocab()]}. */
    public float[] logits() { return logits; }

    /**
     * Runs the prompt (in chunks of the batch size) past what the cache already holds of it, and leaves the last
     * position's logits in row 0. Returns how many prompt positions were already there.
     */
    public int prefill(int[] tokens) {
        int cached = cache.length();
        if (cached >= tokens.length) throw new IllegalStateException("the cache holds " + cached + " of a "
                + tokens.length + "-token prompt: the last prompt token must still run");
        append(tokens, cached, tokens.length - cached);
        return cached;
    }

    /** Appends {@code n} tokens in chunks; only the last one's logits are computed, into row 0. */
    public void append(int[] tokens, int from, int n) {
        int done = 0;
        while (done < n) {
            int chunk = Math.min(batch.capacity(), n - done);
            load(tokens, from + done, chunk);
            compute.embed(batch);
            compute.runLayers(0, layers(), batch);
            done += chunk;
        }
        compute.logits(batch, batch.size() - 1, logits, 0);
    }

    /** Full forward pass over {@code n} tokens at the next positions; logits of every row. */
    public void forward(int[] tokens, int from, int n) {
        load(tokens, from, n);
        compute.embed(batch);
        compute.runLayers(0, layers(), batch);
        compute.logits(batch, logits);
    }

    /** First half of a split pass: embed and run layers [0, exitLayer), then (unless {@code earlyLogits} is null) early-exit logits of every row. */
    public void forwardPrefix(int[] tokens, int from, int n, int exitLayer, float[] earlyLogits) {
        load(tokens, from, n);
        compute.embed(batch);
        compute.runLayers(0, exitLayer, batch);
        if (earlyLogits != null) compute.logits(batch, earlyLogits);
    }

    /** Second half: layers [exitLayer, L) over the same rows, then the final logits of every row. */
    public void forwardSuffix(int exitLayer) {
        compute.runLayers(exitLayer, layers(), batch);
        compute.logits(batch, logits);
    }

    /**
     * Adds this sequence's next {@code n} tokens as rows of a batch shared with other sequences (continuous
     * batching); after the shared pass, {@link #takeLogits} hands this sequence its rows.
     */
    public void joinBatch(ForwardBatch shared, int[] tokens, int n) {
        if (cache.length() + n > cache.capacity()) throw new ContextOverflowException(cache.length() + n, cache.capacity());
        if (n > batch.capacity()) throw new IllegalArgumentException(n + " rows, at most " + batch.capacity() + " per call");
        shared.addSequence(tokens, 0, n, cache, cache.length());
    }

    /** Takes {@code n} rows of a shared pass's logits, from {@code firstRow}, as this sequence's latest logits. */
    public void takeLogits(float[] shared, int firstRow, int n) {
        System.arraycopy(shared, firstRow * vocab, logits, 0, n * vocab);
    }

    /** Hidden states of the rows of the last call (row-major, {@code dim} floats each). */
    public float[] hidden() { return batch.hidden(); }

    public int dim() { return exec.config().dim(); }

    public void truncate(int newLength) {
        cache.truncate(newLength);
    }

    private void load(int[] tokens, int from, int n) {
        if (cache.length() + n > cache.capacity()) {
            throw new ContextOverflowException(cache.length() + n, cache.capacity());
        }
        batch.clear();
        batch.addSequence(tokens, from, n, cache, cache.length());
    }

    @Override
    public void close() {
        cache.close();
    }
}
