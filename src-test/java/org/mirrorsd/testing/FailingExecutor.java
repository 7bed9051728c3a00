package org.mirrorsd.testing;

import java.util.concurrent.atomic.AtomicInteger;
import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.devices.KvCache;
import org.mirrorsd.devices.LayerExecutor;
import org.mirrorsd.models.LlamaConfig;

/** A real executor that throws on its n-th {@code runLayers} call: a device failing mid-step, injected. */
public final class FailingExecutor implements LayerExecutor {
    private final LayerExecutor delegate;
    private final AtomicInteger callsLeft;

    public FailingExecutor(LayerExecutor delegate, int failOnCall) {
        this.delegate = delegate;
        this.callsLeft = new AtomicInteger(failOnCall);
    }

    @Override public String describe() { return "failing(" + delegate.describe() + ")"; }
    @Override public LlamaConfig config() { return delegate.config(); }
    @Override public KvCache newCache(int capacity) { return delegate.newCache(capacity); }
    @Override public ForwardBatch newBatch(int capacity) { return delegate.newBatch(capacity); }
    @Override public void embed(ForwardBatch batch) { delegate.embed(batch); }

    @Override
    public void runLayers(int from, int to, ForwardBatch batch) {
        if (callsLeft.decrementAndGet() == 0) throw new IllegalStateException("injected device failure");
        delegate.runLayers(from, to, batch);
    }

    @Override public void logits(ForwardBatch batch, float[] out) { delegate.logits(batch, out); }
    @Override public void logits(ForwardBatch batch, int row, float[] out, int off) { delegate.logits(batch, row, out, off); }
    @Override public boolean exposesHidden() { return delegate.exposesHidden(); }
    @Override public void logitsOfHidden(float[] hidden, int rows, float[] out) { delegate.logitsOfHidden(hidden, rows, out); }
    @Override public int openCaches() { return delegate.openCaches(); }
    @Override public void close() { }
}
