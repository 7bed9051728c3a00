package org.mirrorsd.devices.cuda;

/**
 * What a {@link CudaExecutor} has moved across the host/device boundary (hidden states, token ids, positions,
 * block tables, logits) and the time it took. Weights and KV blocks never cross it after loading.
 *
 * @param calls           forward calls (embed, runLayers, logits...)
 * @param rows            batch rows those calls computed
 * @param bytesToDevice   host to device bytes
 * @param bytesFromDevice device to host bytes
 * @param copyNanos       time in host copies (a device-to-host copy first waits for the kernels: that wait is
 *                        counted in computeNanos, not here)
 * @param computeNanos    time waiting for the kernels of the calls
 * @param totalNanos      time of whole calls
 */
public record CudaStats(long calls, long rows, long bytesToDevice, long bytesFromDevice, long copyNanos,
                        long computeNanos, long totalNanos) {

    public static final CudaStats ZERO = new CudaStats(0, 0, 0, 0, 0, 0, 0);

    public CudaStats minus(CudaStats earlier) {
        return new CudaStats(calls - earlier.calls, rows - earlier.rows, bytesToDevice - earlier.bytesToDevice,
                bytesFromDevice - earlier.bytesFromDevice, copyNanos - earlier.copyNanos,
                computeNanos - earlier.computeNanos, totalNanos - earlier.totalNanos);
    }

    CudaStats plus(long callRows, long in, long out, long copy, long compute, long total) {
        return new CudaStats(calls + 1, rows + callRows, bytesToDevice + in, bytesFromDevice + out, copyNanos + copy,
                computeNanos + compute, totalNanos + total);
    }

    public double meanCallMicros() {
        return calls == 0 ? 0 : totalNanos / 1e3 / calls;
    }

    @Override
    public String toString() {
        return String.format("%d calls, %d rows, %.1f KB to device, %.1f KB from device, %.1f us/call "
                        + "(%.0f%% in copies, %.0f%% waiting for kernels)", calls, rows, bytesToDevice / 1024.0,
                bytesFromDevice / 1024.0, meanCallMicros(), totalNanos == 0 ? 0 : 100.0 * copyNanos / totalNanos,
                totalNanos == 0 ? 0 : 100.0 * computeNanos / totalNanos);
    }
}
