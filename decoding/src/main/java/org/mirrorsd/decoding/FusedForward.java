package org.mirrorsd.decoding;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.devices.LayerExecutor;

/**
 * One full forward pass over the next tokens of several sequences at once (continuous batching): each
 * sequence's window becomes consecutive rows of one batch, so the weights are read once for all of them, and
 * each sequence's runner then holds its own rows' logits exactly as if it had run alone (the CPU kernels are
 * batch-invariant). Buffers are pooled: several decode workers may fuse at the same time.
 */
public final class FusedForward {
    private final LayerExecutor exec;
    private final int vocab;
    private final ConcurrentLinkedQueue<Buffers> idle = new ConcurrentLinkedQueue<>();

    private record Buffers(ForwardBatch batch, float[] logits) {}

    public FusedForward(LayerExecutor exec) {
        this.exec = exec;
        this.vocab = exec.config().vocabSize();
    }

    /**
     * Feeds {@code windows.get(i)[0..counts[i])} to {@code runners.get(i)} at its next positions, all in one
     * pass; afterwards each runner's {@link SequenceRunner#logits()} holds its window's rows. Returns the time
     * the pass took, in nanoseconds.
     */
    public long run(List<SequenceRunner> runners, List<int[]> windows, int[] counts) {
        int rows = 0;
        for (int i = 0; i < runners.size(); i++) rows += counts[i];
        Buffers b = borrow(rows);
        try {
            long t0 = System.nanoTime();
            ForwardBatch batch = b.batch();
            batch.clear();
            for (int i = 0; i < runners.size(); i++) runners.get(i).joinBatch(batch, windows.get(i), counts[i]);
            exec.embed(batch);
            exec.runLayers(0, exec.config().layers(), batch);
            exec.logits(batch, b.logits());
            for (int i = 0, row = 0; i < runners.size(); row += counts[i], i++) {
                runners.get(i).takeLogits(b.logits(), row, counts[i]);
            }
            return System.nanoTime() - t0;
        } finally {
            b.batch().clear();
            idle.add(b);
        }
    }

    private Buffers borrow(int rows) {
        Buffers b = idle.poll();
        if (b != null && b.batch().capacity() >= rows) return b;
        // Too small (or none yet): make one with room to grow, and let the small one go.
        int capacity = Integer.highestOneBit(Math.max(1, rows - 1)) << 1;
        return new Buffers(exec.newBatch(capacity), new float[capacity * vocab]);
    }
}
