package org.mirrorsd.devices.onnx;

/**
 * What an {@link OnnxExecutor} has moved between the Java heap and its session, and the time it took.
 *
 * @param calls            session runs
 * @param rows             batch rows (tokens) those runs computed
 * @param bytesToSession   input bytes handed to the session (token ids, positions, mask, past K/V)
 * @param bytesFromSession output bytes read back (logits, present K/V)
 * @param sessionNanos     time inside {@code OrtSession.run}
 * @param totalNanos       time of whole forward calls: packing inputs, running, unpacking outputs
 */
public record TransferStats(long calls, long rows, long bytesToSession, long bytesFromSession, long sessionNanos,
                            long totalNanos) {

    public static final TransferStats ZERO = new TransferStats(0, 0, 0, 0, 0, 0);

    public double meanCallMicros() {
        return calls == 0 ? 0 : totalNanos / 1e3 / calls;
    }

    /** Share of the time spent outside the session: the price of host-side KV caches. */
    public double copyOverhead() {
        return totalNanos == 0 ? 0 : 1.0 - (double) sessionNanos / totalNanos;
    }

    public TransferStats minus(TransferStats earlier) {
        return new TransferStats(calls - earlier.calls, rows - earlier.rows, bytesToSession - earlier.bytesToSession,
                bytesFromSession - earlier.bytesFromSession, sessionNanos - earlier.sessionNanos, totalNanos - earlier.totalNanos);
    }

    @Override
    public String toString() {
        return String.format("%d calls, %d rows, %.1f KB in, %.1f KB out, %.1f us/call (%.0f%% outside the session)",
                calls, rows, bytesToSession / 1024.0, bytesFromSession / 1024.0, meanCallMicros(), copyOverhead() * 100);
    }
}
