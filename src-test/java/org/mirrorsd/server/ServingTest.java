package org.mirrorsd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Scheduling: parallel requests, queue limits, disconnects, status endpoints. */
class ServingTest {
    /** 16 choices x 500 tokens: seconds of decoding on this model, so the server is surely busy meanwhile. */
    static final String LONG = "{\"prompt\":\"Once\",\"max_tokens\":500,\"ignore_eos\":true,\"n\":16,\"stream\":true}";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("--set", "server.max_concurrent_sequences=4", "--set", "server.max_queue=12");
    }

    @AfterAll
    static void stop() { server.close(); }

    @Test
    void sixParallelRequestsAreEachCorrect() {
        String[] prompts = {"Once upon a time", "The dog", "Lily wanted", "Tom and Sue", "One day", "The sun"};
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < prompts.length; i++) {
            String body = "{\"prompt\":\"" + prompts[i] + "\",\"max_tokens\":60,\"temperature\":0"
                    + (i % 2 == 0 ? ",\"stream\":true}" : "}");
            futures.add(server.client.sendAsync(HttpRequest.newBuilder(server.uri("/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < prompts.length; i++) {
            var r = futures.get(i).join();
            assertEquals(200, r.statusCode(), r.body());
            String text = i % 2 == 0 ? Sse.parse(r.body()).text(0)
                    : TestServer.parse(r.body()).get("choices").get(0).get("text").asText();
            assertEquals(ReferenceGeneration.completion(prompts[i], 60).text(), text, prompts[i]);
        }
    }

    @Test
    void fullQueueAnswers429() throws Exception {
        try (Socket busy = openStream(LONG)) {
            // All 16 slots and queue places are taken until that stream is done (or cancelled).
            var e = ErrorsTest.error(server.post("/v1/completions",
                    "{\"prompt\":\"Hi\",\"max_tokens\":5,\"n\":16}"), 429);
            assertEquals("rate_limit_exceeded", e.get("code").asText());
        }
        awaitIdle();
        assertEquals(200, server.post("/v1/completions", "{\"prompt\":\"Hi\",\"max_tokens\":5,\"n\":16}").statusCode());
    }

    @Test
    void disconnectMidStreamCancelsAndFreesSessions() throws Exception {
        double before = server.metric("mirrorsd_completion_tokens_total");
        try (Socket s = openStream(LONG)) {
            assertTrue(server.metric("mirrorsd_active_sequences") > 0);
        } // closing the socket is the client going away
        awaitIdle();
        double generated = server.metric("mirrorsd_completion_tokens_total") - before;
        assertTrue(generated < 16 * 500, "cancelled before the end, generated " + generated);
    }

    @Test
    void concurrentSequencesShareForwardPasses() throws Exception {
        // Executor threads = cores, so the server runs one decode worker, which fuses every ready sequence.
        String threads = String.valueOf(Runtime.getRuntime().availableProcessors());
        try (TestServer one = TestServer.start("--set", "devices.cpu_threads=" + threads,
                "--set", "server.max_concurrent_sequences=4")) {
            var r = one.post("/v1/completions", "{\"prompt\":\"Once\",\"max_tokens\":100,\"ignore_eos\":true,\"n\":8}");
            assertEquals(200, r.statusCode(), r.body());
            double steps = one.metric("mirrorsd_decode_steps_total");
            double stepped = one.metric("mirrorsd_decode_step_sequences_total");
            // 8 choices through 4 slots: every step runs the active ones as one batch (continuous batching).
            assertEquals(800, stepped, 8, "one step per token, and a last empty one per choice");
            assertTrue(stepped / steps > 3, "mean sequences per step " + stepped / steps + " over " + steps);
        }
    }

    @Test
    void statusEndpoints() {
        HttpResponse<String> health = server.get("/health");
        assertEquals(200, health.statusCode());
        assertEquals("ok", TestServer.parse(health.body()).get("status").asText());

        JsonNode models = TestServer.parse(server.get("/v1/models").body());
        assertEquals("list", models.get("object").asText());
        JsonNode m = models.get("data").get(0);
        assertEquals(TestServer.MODEL_ID, m.get("id").asText());
        assertEquals("model", m.get("object").asText());
        assertTrue(m.has("created") && m.has("owned_by"));

        HttpResponse<String> one = server.get("/v1/models/" + TestServer.MODEL_ID);
        assertEquals(200, one.statusCode(), one.body());
        assertEquals(m, TestServer.parse(one.body()), "the same object as in the list");
        var missing = ErrorsTest.error(server.get("/v1/models/gpt-4"), 404);
        assertEquals("model_not_found", missing.get("code").asText());
        assertEquals("model", missing.get("param").asText());
        assertEquals(405, server.post("/v1/models/" + TestServer.MODEL_ID, "{}").statusCode());

        server.post("/v1/completions", "{\"prompt\":\"Hi\",\"max_tokens\":3}");
        HttpResponse<String> metrics = server.get("/metrics");
        assertTrue(metrics.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        String text = metrics.body();
        for (String series : List.of("mirrorsd_requests_total{endpoint=\"/v1/completions\",status=\"200\"}",
                "mirrorsd_prompt_tokens_total", "mirrorsd_completion_tokens_total",
                "mirrorsd_time_to_first_token_seconds_bucket{le=\"+Inf\"}",
                "mirrorsd_inter_token_latency_seconds_count", "mirrorsd_queue_depth", "mirrorsd_active_sequences",
                "mirrorsd_speculative_drafted_tokens_total", "mirrorsd_speculative_accepted_tokens_total",
                "mirrorsd_decode_steps_total", "mirrorsd_decode_step_sequences_total", "mirrorsd_prefix_cache_entries",
                "mirrorsd_prefix_cache_hits_total", "mirrorsd_prefix_cache_reused_tokens_total")) {
            assertTrue(text.contains(series), series + " in\n" + text);
        }
        assertTrue(server.metric("mirrorsd_time_to_first_token_seconds_count") >= 1);
    }

    /** Sends a streaming request over a raw socket and returns once its first event arrived. */
    static Socket openStream(String body) throws Exception {
        // LONG takes every slot and queue place: a previous test's sequences may still be leaving after their
        // response was written (the slot is freed after the last event), which would make this a 429.
        awaitIdle();
        Socket s = new Socket("127.0.0.1", server.server.port());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
        var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        String status = in.readLine();
        assertTrue(status.contains(" 200 "), status);
        for (String line; (line = in.readLine()) != null; ) if (line.startsWith("data: ")) return s;
        throw new AssertionError("stream ended before its first event");
    }

    static void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.metric("mirrorsd_active_sequences") + server.metric("mirrorsd_queue_depth") > 0) {
            if (System.nanoTime() > deadline) throw new AssertionError("sequences still active after 5 s");
            Thread.sleep(10);
        }
    }
}
