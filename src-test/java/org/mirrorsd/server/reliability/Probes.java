package org.mirrorsd.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

/** Fresh-connection checks that a server is still up and still generating. */
final class Probes {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Probes() {}

    static void stillServing(int port, String context) {
        assertEquals(200, RawHttp.exchange(port, RawHttp.request("GET", "/health", (String) null), TIMEOUT).status(),
                context + ": /health");
        RawHttp.Response r = RawHttp.exchange(port, RawHttp.request("POST", "/v1/completions",
                "{\"prompt\":\"Once\",\"max_tokens\":2}"), TIMEOUT);
        assertEquals(200, r.status(), context + ": good request after: " + r.body());
    }

    /** Waits (at most 5 s) until nothing is decoding and every KV cache is closed. */
    static void awaitIdle(org.mirrorsd.server.TestServer server) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.metric("mirrorsd_active_sequences") + server.metric("mirrorsd_queue_depth") > 0
                || server.server.openKvCaches() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still busy after 5 s: " + server.server.openKvCaches() + " KV caches open");
            }
            Thread.sleep(10);
        }
    }
}
