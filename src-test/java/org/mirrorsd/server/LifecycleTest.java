package org.mirrorsd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Request timeouts and graceful shutdown, each on a server of its own. */
class LifecycleTest {

    @Test
    void requestTimeout() {
        try (TestServer server = TestServer.start("--set", "server.request_timeout=300ms")) {
            long t0 = System.nanoTime();
            var e = ErrorsTest.error(server.post("/v1/completions", ServingTest.LONG.replace(",\"stream\":true", "")), 504);
            assertEquals("request_timeout", e.get("code").asText());
            assertTrue(System.nanoTime() - t0 < 3_000_000_000L);

            Sse sse = Sse.parse(server.post("/v1/completions", ServingTest.LONG).body());
            assertTrue(sse.done());
            assertEquals("request_timeout", sse.events().getLast().get("error").get("code").asText());
            assertEquals(0.0, server.metric("mirrorsd_active_sequences"));
            // Short requests are unaffected.
            assertEquals(200, server.post("/v1/completions", "{\"prompt\":\"Hi\",\"max_tokens\":5}").statusCode());
        }
    }

    @Test
    void shutdownFinishesShortRequestsWithinTheGrace() throws Exception {
        TestServer server = TestServer.start("--set", "server.shutdown_grace=10s");
        var uri = server.uri("/v1/completions");
        CompletableFuture<HttpResponse<String>> inFlight = server.client.sendAsync(HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"Once\",\"max_tokens\":200,\"ignore_eos\":true,\"n\":4}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        while (server.metric("mirrorsd_active_sequences") == 0 && !inFlight.isDone()) Thread.sleep(1);
        server.close();
        HttpResponse<String> r = inFlight.join();
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(800, TestServer.parse(r.body()).get("usage").get("completion_tokens").asInt());
        var refused = assertThrows(Exception.class, () -> server.client.send(HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()));
        assertTrue(refused instanceof ConnectException || refused.getCause() instanceof ConnectException
                || refused instanceof java.io.IOException, refused.toString());
    }

    @Test
    void shutdownCancelsWhatOutlivesTheGrace() {
        TestServer server = TestServer.start("--set", "server.shutdown_grace=100ms");
        CompletableFuture<HttpResponse<String>> inFlight = server.client.sendAsync(
                HttpRequest.newBuilder(server.uri("/v1/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString(ServingTest.LONG.replace(",\"stream\":true", "")))
                        .build(), HttpResponse.BodyHandlers.ofString());
        try {
            while (server.metric("mirrorsd_active_sequences") == 0) Thread.sleep(1);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        long t0 = System.nanoTime();
        server.close();
        assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "shutdown took too long");
        HttpResponse<String> r = inFlight.join();
        assertEquals("service_unavailable", ErrorsTest.error(r, 503).get("code").asText());
    }
}
