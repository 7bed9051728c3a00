package org.mirrorsd.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Reads the server's own gauges from {@code /metrics}: heap, threads, open KV caches, active sequences. */
final class ServerProbe {
    private final HttpClient client;
    private final URI metrics;

    ServerProbe(HttpClient client, URI server) {
        this.client = client;
        this.metrics = server.resolve("/metrics");
    }

    /** The server's state at one moment. */
    record State(long heapUsedBytes, long heapAfterGcBytes, long threads, long kvCachesOpen, long activeSequences,
                 long queueDepth) {
        @Override
        public String toString() {
            return String.format("heap used %.1f MB (%.1f MB after the last GC), %d threads, %d KV caches open, "
                            + "%d active, %d queued", heapUsedBytes / 1e6, heapAfterGcBytes / 1e6, threads, kvCachesOpen,
                    activeSequences, queueDepth);
        }
    }

    State read() throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("GET /metrics answered " + r.statusCode());
        Map<String, Double> values = new HashMap<>();
        for (String line : r.body().split("\n")) {
            int space = line.lastIndexOf(' ');
            if (line.startsWith("mirrorsd_") && space > 0 && !line.contains("{")) {
                values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return new State(get(values, "mirrorsd_jvm_heap_used_bytes"), get(values, "mirrorsd_jvm_heap_after_gc_bytes"),
                get(values, "mirrorsd_jvm_threads"),
                get(values, "mirrorsd_kv_caches_open"), get(values, "mirrorsd_active_sequences"),
                get(values, "mirrorsd_queue_depth"));
    }

    /** Polls until nothing is decoding or queued, at most {@code limit}; returns the last state read. */
    State awaitIdle(Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        State s = read();
        while ((s.activeSequences() > 0 || s.queueDepth() > 0 || s.kvCachesOpen() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            s = read();
        }
        return s;
    }

    private static long get(Map<String, Double> values, String name) {
        Double v = values.get(name);
        return v == null ? -1 : v.longValue();
    }
}
