package org.mirrorsd.devices.onnx;

import java.util.concurrent.atomic.LongAdder;

/** Thread-safe accumulators behind {@link TransferStats} (forward calls may run on several threads). */
final class TransferCounter {
    private final LongAdder calls = new LongAdder();
    private final LongAdder rows = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder sessionNanos = new LongAdder();
    private final LongAdder totalNanos = new LongAdder();

    void record(int callRows, long toSession, long fromSession, long session, long total) {
        calls.increment();
        rows.add(callRows);
        bytesIn.add(toSession);
        bytesOut.add(fromSession);
        sessionNanos.add(session);
        totalNanos.add(total);
    }

    TransferStats snapshot() {
        return new TransferStats(calls.sum(), rows.sum(), bytesIn.sum(), bytesOut.sum(), sessionNanos.sum(), totalNanos.sum());
    }
}
