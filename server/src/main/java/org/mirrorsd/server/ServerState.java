package org.mirrorsd.server;

import org.mirrorsd.server.metrics.ServerMetrics;

/**
 * What the HTTP handlers share: the metrics, and the serving backend once the model has loaded (null before,
 * so {@code /health} can answer 503 while loading).
 */
public final class ServerState {
    private final ServerMetrics metrics;
    private volatile Serving serving;
    private volatile boolean draining;
    private volatile org.mirrorsd.devices.LayerExecutor target;

    public ServerState(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    public ServerMetrics metrics() { return metrics; }

    /** The backend, or null while loading. */
    public Serving serving() { return serving; }

    public void ready(Serving serving) {
        this.serving = serving;
        metrics.bindGauges(serving.scheduler()::queueDepth, serving.scheduler()::activeSequences);
    }

    /** The target's executor, for work beside decoding (prompt log-probabilities); null while loading. */
    public org.mirrorsd.devices.LayerExecutor target() { return target; }

    public void target(org.mirrorsd.devices.LayerExecutor executor) { this.target = executor; }

    public boolean isReady() { return serving != null && !draining; }

    public void draining() { this.draining = true; }

    public boolean isDraining() { return draining; }
}
