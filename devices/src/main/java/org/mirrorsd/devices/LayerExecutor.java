package org.mirrorsd.devices;

import org.mirrorsd.models.LlamaConfig;

/**
 * A device that runs a Llama model's forward pass in pieces, which is what speculative decoding needs.
 *
 * <p>A full forward pass over a batch is
 * <pre>{@code
 *   executor.embed(batch);                       // token ids -> hidden states
 *   executor.runLayers(0, layers, batch);        // writes K/V of every layer at the rows' positions
 *   executor.logits(batch, out);                 // final RMSNorm + classifier, rows x vocab
 * }</pre>
 * and it may be split anywhere: {@code runLayers(0, e)}, then {@code logits} gives the <em>early-exit</em>
 * distribution of layer {@code e} (the hidden state is not modified by it), then {@code runLayers(e, layers)}
 * finishes the pass. Rows' K/V are written per layer, so a cache holds a position's keys only for the layers
 * already run over it. Rejected positions are dropped with {@link KvCache#truncate}.
 *
 * <p>Implementations are thread-safe for calls on different batches and caches; each owns its threads.
 */
public interface LayerExecutor extends AutoCloseable {

    /** What this device really is, for the start-up log ("cpu: 2 threads, AVX-512"). */
    String describe();

    LlamaConfig config();

    /** A new, empty cache holding up to {@code capacity} positions (at most the context length). */
    KvCache newCache(int capacity);

    /** A batch of up to {@code capacity} rows with this executor's scratch memory. */
    ForwardBatch newBatch(int capacity);

    /** Writes the token embedding of each row into its hidden state. */
    void embed(ForwardBatch batch);

    /** Runs transformer blocks {@code [from, to)} over every row, updating hidden states and caches. */
    void runLayers(int from, int to, ForwardBatch batch);

    /**
     * Final norm and classifier applied to the current hidden state of every row, into
     * {@code out[row * vocab .. (row + 1) * vocab)}. After {@code runLayers(0, e)} these are layer e's
     * early-exit logits.
     */
    void logits(ForwardBatch batch, float[] out);

    /** The same for one row. */
    void logits(ForwardBatch batch, int row, float[] out, int outOffset);

    /** Whether {@link ForwardBatch#hidden()} holds real hidden states after a call (false for opaque sessions). */
    default boolean exposesHidden() {
        return false;
    }

    /**
     * Final norm and classifier applied to hidden states given directly ({@code rows} x dim, e.g. an early-exit
     * state transformed by a calibrated exit head), into {@code out} (rows x vocab).
     */
    default void logitsOfHidden(float[] hidden, int rows, float[] out) {
        throw new UnsupportedOperationException(describe() + " cannot compute logits of external hidden states");
    }

    /** KV caches (and forks) made by this executor and not yet closed: 0 whenever nothing is decoding. */
    int openCaches();

    @Override
    void close();
}
