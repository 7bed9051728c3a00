package org.mirrorsd.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorsd.server.ServerMain;
import org.mirrorsd.server.TestServer;
import org.mirrorsd.testing.SharedFiles;
import org.slf4j.LoggerFactory;

/**
 * Faults one request at a time: the client vanishing mid-stream, the device executor throwing mid-step, a full
 * queue, a missing or broken model at start. Each ends with a clear error for that request only, then no KV
 * cache is open, no server thread is left over, and the server keeps serving.
 */
class FaultsTest {
    private static final String COMPLETIONS = "/v1/completions";
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final FaultInjector faults = new FaultInjector();
    private static TestServer server;
    private ThreadWatch threads;

    @BeforeAll
    static void start() {
        server = TestServer.start(faults, "--set", "server.max_concurrent_sequences=4");
        // Netty starts its I/O threads with the first connections: start them all before any thread count.
        for (int i = 0; i < 4; i++) Probes.stillServing(server.server.port(), "warm-up");
    }

    @AfterAll
    static void stop() { server.close(); }

    @BeforeEach
    void watch() { threads = ThreadWatch.start(); }

    @AfterEach
    void nothingLeaked() throws Exception {
        faults.failAtStep(-1);
        Probes.awaitIdle(server);
        assertEquals(0, server.server.openKvCaches(), "KV caches leaked");
        threads.assertNoneLeaked(WAIT);
        Probes.stillServing(server.server.port(), "after the fault");
    }

    @Test
    void clientDisconnectsMidStream() throws Exception {
        double before = server.metric("mirrorsd_completion_tokens_total");
        try (StreamClient s = new StreamClient(server.server.port(), COMPLETIONS,
                "{\"prompt\":\"Once\",\"max_tokens\":400,\"ignore_eos\":true,\"n\":4,\"stream\":true}")) {
            assertTrue(s.statusLine.contains(" 200 "), s.statusLine);
            for (int i = 0; i < 3; i++) assertNotNull(s.nextEvent());
            assertTrue(server.server.openKvCaches() > 0, "sessions hold KV caches while streaming");
        }
        Probes.awaitIdle(server);
        assertTrue(server.metric("mirrorsd_completion_tokens_total") - before < 4 * 400, "decoding stopped early");
    }

    @Test
    void executorThrowsMidStepWithoutStreaming() {
        faults.failAtStep(3);
        int before = faults.injected();
        var r = server.post(COMPLETIONS, "{\"prompt\":\"Once\",\"max_tokens\":" + FaultInjector.FAULTY_MAX_TOKENS
                + ",\"ignore_eos\":true}");
        assertEquals("internal_error", org.mirrorsd.server.ErrorsTest.error(r, 500).get("code").asText());
        assertTrue(faults.injected() > before);
    }

    @Test
    void executorFailsToOpen() {
        faults.failAtStep(0);
        var r = server.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"max_tokens\":" + FaultInjector.FAULTY_MAX_TOKENS + "}");
        assertEquals("internal_error", org.mirrorsd.server.ErrorsTest.error(r, 500).get("code").asText());
    }

    /** One of two concurrent streams fails mid-way: it ends with an in-band error, the other completes intact. */
    @Test
    void executorThrowsMidStreamAndOnlyThatRequestFails() throws Exception {
        faults.failAtStep(5);
        String healthy = "{\"prompt\":\"Once upon a time\",\"max_tokens\":60,\"temperature\":0,\"stream\":true}";
        CompletableFuture<List<String>> other = CompletableFuture.supplyAsync(() -> {
            try (StreamClient s = new StreamClient(server.server.port(), COMPLETIONS, healthy)) {
                return s.rest();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (StreamClient s = new StreamClient(server.server.port(), COMPLETIONS, "{\"prompt\":\"Once\",\"max_tokens\":"
                + FaultInjector.FAULTY_MAX_TOKENS + ",\"ignore_eos\":true,\"n\":4,\"stream\":true}")) {
            assertTrue(s.statusLine.contains(" 200 "), s.statusLine);
            List<String> events = s.rest();
            assertEquals("[DONE]", events.getLast());
            JsonNode error = TestServer.parse(events.get(events.size() - 2)).get("error");
            assertNotNull(error, "in-band error before [DONE]: " + events);
            assertEquals("internal_error", error.get("code").asText());
        }
        List<String> ok = other.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("[DONE]", ok.getLast());
        assertTrue(ok.stream().noneMatch(e -> e.contains("\"error\"")), ok.toString());
        assertTrue(ok.stream().anyMatch(e -> e.contains("\"finish_reason\":\"length\"")), ok.toString());
    }

    @Test
    void fullQueueRefusesOnlyTheNewRequest() throws Exception {
        ThreadWatch own = ThreadWatch.start();
        try (TestServer small = TestServer.start("--set", "server.max_concurrent_sequences=1", "--set", "server.max_queue=0")) {
            try (StreamClient busy = new StreamClient(small.server.port(), COMPLETIONS,
                    "{\"prompt\":\"Once\",\"max_tokens\":300,\"ignore_eos\":true,\"stream\":true}")) {
                assertNotNull(busy.nextEvent());
                var refused = small.post(COMPLETIONS, "{\"prompt\":\"Hi\",\"max_tokens\":5}");
                assertEquals("rate_limit_exceeded", org.mirrorsd.server.ErrorsTest.error(refused, 429).get("code").asText());
                List<String> rest = busy.rest();
                assertEquals("[DONE]", rest.getLast(), "the admitted stream completes");
                assertTrue(rest.stream().noneMatch(e -> e.contains("\"error\"")));
            }
            Probes.awaitIdle(small);
            Probes.stillServing(small.server.port(), "after the full queue");
        }
        // Shutting that server down ends every thread it started.
        own.assertNoneLeaked(WAIT);
    }

    @Test
    void missingModelExitsWithStatus2AndSaysWhy() throws Exception {
        String missing = "/nonexistent/models/missing-" + ProcessHandle.current().pid() + ".bin";
        Result r = serve("--model", missing, "--host", "127.0.0.1", "--port", "0");
        assertEquals(2, r.status(), r.stderr());
        assertTrue(r.stderr().contains("model.path: file not found: " + missing), r.stderr());
        threads.assertNoneLeaked(WAIT);
    }

    @Test
    void corruptModelExitsWithStatus2AndFreesEverything(@TempDir Path dir) throws Exception {
        Path broken = Files.write(dir.resolve("broken.bin"), new byte[4096]);
        Result r = serve("--model", broken.toString(), "--tokenizer", SharedFiles.model("tok512.bin").toString(),
                "--host", "127.0.0.1", "--port", "0");
        // A start-up failure is the user's file, not a crash: one line naming it, exit 2 (StartupErrorsTest).
        assertEquals(2, r.status(), r.stderr());
        assertEquals(1, r.stderr().lines().count(), r.stderr());
        assertTrue(r.stderr().contains("broken.bin"), r.stderr());
        // The HTTP side was already up when loading failed: it must be gone again.
        threads.assertNoneLeaked(WAIT);
    }

    private record Result(int status, String stderr) {}

    /** Runs {@code serve} in this JVM with stderr captured; the root log level it sets is put back after. */
    private static Result serve(String... args) {
        var root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var level = root.getLevel();
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            return new Result(ServerMain.serve(args), captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(err);
            root.setLevel(level);
        }
    }
}
