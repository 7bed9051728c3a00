package org.mirrorsd.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.DecodingStats;
import org.mirrorsd.decoding.FinishReason;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.StepResult;
import org.mirrorsd.models.LlamaConfig;
import org.mirrorsd.server.Sse;
import org.mirrorsd.server.TestServer;

/**
 * Streaming clients that do not read: their sequences stop being stepped while the channel is not writable
 * (so what is buffered for them stays bounded), a client that reads nothing past {@code server.stall_timeout}
 * loses its stream and its KV caches are freed, and a client that reads slowly still gets the whole stream.
 */
class SlowReaderTest {
    /** 16 choices of up to 510 tokens with 20 alternatives each: megabytes of SSE if nothing held it back. */
    private static final String BIG_STREAM = "{\"prompt\":\"Once\",\"max_tokens\":600,\"ignore_eos\":true,\"n\":16,"
            + "\"logprobs\":20,\"stream\":true}";

    /** Counts every decoding step the server runs. */
    private static final class StepCounter implements UnaryOperator<DecodingEngine> {
        final AtomicLong steps = new AtomicLong();

        @Override
        public DecodingEngine apply(DecodingEngine engine) {
            return new DecodingEngine() {
                @Override public String method() { return engine.method(); }
                @Override public LlamaConfig targetConfig() { return engine.targetConfig(); }
                @Override public void close() { engine.close(); }
                @Override public DecodingSession open(GenerationRequest request) {
                    DecodingSession s = engine.open(request);
                    return new DecodingSession() {
                        @Override public StepResult step() { steps.incrementAndGet(); return s.step(); }
                        @Override public boolean finished() { return s.finished(); }
                        @Override public FinishReason finishReason() { return s.finishReason(); }
                        @Override public int generatedCount() { return s.generatedCount(); }
                        @Override public DecodingStats stats() { return s.stats(); }
                        @Override public void close() { s.close(); }
                    };
                }
            };
        }
    }

    private static String post(String body) {
        return "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    @Test
    void streamsOfClientsThatDoNotReadAreParkedWhileTheyKeepTheirConnection() throws Exception {
        StepCounter counter = new StepCounter();
        try (TestServer s = TestServer.start(counter, "--set", "server.stall_timeout=60s",
                "--set", "server.max_concurrent_sequences=48")) {
            List<RawConnection> clients = open(s, 3);
            try {
                long total = 3L * 16 * 510;
                long steady = awaitSteady(counter, Duration.ofSeconds(20));
                assertTrue(steady < total / 2, steady + " of " + total + " steps ran for clients that read nothing");
                assertEquals(48, s.metric("mirrorsd_active_sequences"), "parked, not cancelled");
            } finally {
                for (RawConnection c : clients) c.close();
            }
            Probes.awaitIdle(s);
            assertEquals(0, s.server.openKvCaches());
            Probes.stillServing(s.server.port(), "after parked streams");
        }
    }

    @Test
    void aClientThatReadsNothingPastTheStallTimeoutLosesItsStream() throws Exception {
        StepCounter counter = new StepCounter();
        try (TestServer s = TestServer.start(counter, "--set", "server.stall_timeout=1s",
                "--set", "server.max_concurrent_sequences=32")) {
            List<RawConnection> clients = open(s, 2);
            try {
                // Nothing is read (reading would make the channel writable again): the server must give up alone.
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (counter.steps.get() == 0 && System.nanoTime() < deadline) Thread.sleep(20);
                while (s.metric("mirrorsd_active_sequences") > 0 && System.nanoTime() < deadline) Thread.sleep(100);
                assertEquals(0, s.metric("mirrorsd_active_sequences"), "the stalled streams were cancelled");
                Probes.awaitIdle(s);
                for (RawConnection c : clients) assertTrue(c.readToEnd(), "the server closed the stalled stream");
                assertEquals(0, s.server.openKvCaches());
                assertTrue(counter.steps.get() < 2L * 16 * 510 / 2, counter.steps.get() + " steps");
                Probes.stillServing(s.server.port(), "after stalled streams");
            } finally {
                for (RawConnection c : clients) c.close();
            }
        }
    }

    private static List<RawConnection> open(TestServer s, int count) throws IOException {
        List<RawConnection> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RawConnection c = new RawConnection(s.server.port(), Duration.ofSeconds(30), 2048);
            c.send(post(BIG_STREAM));
            clients.add(c);
        }
        return clients;
    }

    /** Waits until no step has run for 800 ms; the step count then. */
    private static long awaitSteady(StepCounter counter, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            Thread.sleep(800);
            long now = counter.steps.get();
            if (now == last && now > 0) return now;
            last = now;
        }
        throw new AssertionError("steps never stopped: " + counter.steps.get());
    }

    @Test
    void aSlowReaderGetsTheWholeStream() throws Exception {
        try (TestServer s = TestServer.start("--set", "server.stall_timeout=5s")) {
            String body = "{\"prompt\":\"Once\",\"max_tokens\":600,\"ignore_eos\":true,\"n\":4,\"logprobs\":5,"
                    + "\"temperature\":0,\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
            var buffered = s.postJson("/v1/completions", body.replace("\"stream\":true,", "")
                    .replace(",\"stream_options\":{\"include_usage\":true}", ""), 200);
            String expected = buffered.get("choices").get(0).get("text").asText();
            try (RawConnection c = new RawConnection(s.server.port(), Duration.ofSeconds(15), 2048)) {
                c.send(post(body).replace("Host: x\r\n", "Host: x\r\nConnection: close\r\n"));
                String text;
                while (true) {
                    int before = c.text().length();
                    text = c.readSome(before + 4096);
                    if (text.length() == before && c.readToEnd()) break;
                    Thread.sleep(3);
                }
                text = c.text();
                String sseChunked = text.substring(text.indexOf("\r\n\r\n") + 4);
                String sse = dechunk(sseChunked);
                Sse events = Sse.parse(new String(sse.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
                assertTrue(events.done());
                assertEquals(expected, events.text(0));
                var usage = events.events().getLast().get("usage");
                assertEquals(buffered.get("usage").get("completion_tokens"), usage.get("completion_tokens"));
            }
        }
    }

    private static String dechunk(String chunked) throws IOException {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (true) {
            int eol = chunked.indexOf("\r\n", i);
            int size = Integer.parseInt(chunked.substring(i, eol).strip(), 16);
            if (size == 0) return out.toString();
            out.append(chunked, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
    }
}
