package org.mirrorsd.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorsd.server.ErrorsTest;
import org.mirrorsd.server.TestServer;
import org.mirrorsd.testing.SharedFiles;
import org.slf4j.LoggerFactory;

/** Authentication, CORS, model selection, size limits and logs, as a client or an operator sees them. */
class SecurityTest {
    private static final String KEY = "sk-mirrorsd-secret-7f3a9c2e41";

    private static HttpResponse<String> models(TestServer s, String authorization) {
        var b = HttpRequest.newBuilder(s.uri("/v1/models")).GET();
        if (authorization != null) b.header("Authorization", authorization);
        return s.send(b.build());
    }

    /**
     * The handler compares SHA-256 digests with MessageDigest.isEqual; here only its behaviour: every near
     * miss (prefix, extension, one character off, other case, empty) is refused alike, and no 401 echoes a key.
     */
    @Test
    void apiKeyNearMissesAreAllRefused() {
        try (TestServer s = TestServer.start("--api-key", KEY)) {
            String oneOff = KEY.substring(0, KEY.length() - 1) + (KEY.endsWith("1") ? "2" : "1");
            for (String attempt : List.of("", KEY.substring(0, 1), KEY.substring(0, KEY.length() - 1), KEY + "0",
                    oneOff, KEY.toUpperCase(), "x".repeat(KEY.length()), "x".repeat(5_000))) {
                HttpResponse<String> r = models(s, "Bearer " + attempt);
                assertEquals("invalid_api_key", ErrorsTest.error(r, 401).get("code").asText(), attempt);
                assertFalse(attempt.length() > 8 && r.body().contains(attempt), "the 401 echoes the attempt");
            }
            ErrorsTest.error(models(s, "Basic " + KEY), 401);
            ErrorsTest.error(models(s, KEY), 401);
            assertEquals(200, models(s, "Bearer " + KEY).statusCode());
            assertEquals(200, models(s, "bearer " + KEY).statusCode(), "the scheme is case-insensitive");
        }
    }

    /**
     * An Authorization header past the codec's header limit: 431 and the connection closes. (It used to get a
     * keep-alive 401 on a connection the codec had given up on, so the client's next request on it hung.)
     */
    @Test
    void oversizedAuthorizationHeaderIsRefusedAndTheConnectionRecovers() {
        try (TestServer s = TestServer.start("--api-key", KEY)) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = s.send(HttpRequest.newBuilder(s.uri("/v1/models")).timeout(Duration.ofSeconds(5))
                        .header("Authorization", "Bearer " + "x".repeat(10_000)).GET().build());
                assertEquals("headers_too_large", ErrorsTest.error(r, 431).get("code").asText());
                assertEquals(200, s.send(HttpRequest.newBuilder(s.uri("/v1/models")).timeout(Duration.ofSeconds(5))
                        .header("Authorization", "Bearer " + KEY).GET().build()).statusCode());
            }
        }
    }

    @Test
    void corsIsOffUnlessConfigured() {
        try (TestServer s = TestServer.start()) {
            HttpResponse<String> r = s.send(HttpRequest.newBuilder(s.uri("/v1/models"))
                    .header("Origin", "http://evil.example").GET().build());
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().map().keySet().stream().noneMatch(h -> h.toLowerCase().startsWith("access-control-")),
                    r.headers().map().toString());
            HttpResponse<String> preflight = s.send(HttpRequest.newBuilder(s.uri("/v1/chat/completions"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://evil.example")
                    .header("Access-Control-Request-Method", "POST").build());
            ErrorsTest.error(preflight, 405);
            assertTrue(preflight.headers().firstValue("access-control-allow-origin").isEmpty());
        }
    }

    /**
     * The model is chosen at start only: a path in "model" is just a name that does not match. A FIFO proves
     * nothing is opened: opening one for reading blocks until a writer comes, so a server that tried would hang.
     */
    @Test
    void noModelPathCanBeChosenThroughTheApi(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("model.bin");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo unavailable");
        try (TestServer s = TestServer.start()) {
            for (String model : List.of("/etc/passwd", fifo.toString(), SharedFiles.model("stories260K.bin").toString(),
                    "../../../../etc/passwd", "file://" + fifo)) {
                for (String path : List.of("/v1/completions", "/v1/chat/completions")) {
                    String body = path.endsWith("chat/completions")
                            ? "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}"
                            : "{\"model\":\"" + model + "\",\"prompt\":\"a\"}";
                    var r = RawHttp.exchange(s.server.port(), RawHttp.request("POST", path, body), Duration.ofSeconds(5));
                    assertEquals(404, r.status(), model + ": " + r.body());
                    JsonNode e = ErrorBodies.check(r, model);
                    assertEquals("model_not_found", e.get("code").asText());
                    assertFalse(r.body().contains("root:"), "file content leaked");
                }
            }
            assertEquals(TestServer.MODEL_ID, TestServer.parse(s.get("/v1/models").body()).get("data").get(0).get("id").asText());
            assertTrue(Files.exists(fifo));
        }
    }

    @Test
    void requestAndResponseSizesAreBounded() {
        try (TestServer s = TestServer.start()) {
            // Default limit, 4 MiB: a larger declared body is refused before it is read.
            var big = RawHttp.exchange(s.server.port(), ("POST /v1/completions HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: " + (5L << 20) + "\r\n\r\n{").getBytes(), Duration.ofSeconds(5));
            assertEquals(413, big.status());
            assertEquals("request_too_large", ErrorBodies.check(big, "5 MiB").get("code").asText());

            // The largest answer a client can ask for is bounded by n, the context and top_logprobs.
            int n = 4;
            var r = s.postJson("/v1/completions", "{\"prompt\":\"Once\",\"max_tokens\":2147483647,\"ignore_eos\":true,"
                    + "\"n\":" + n + ",\"logprobs\":20}", 200);
            int context = 512;
            assertTrue(r.get("usage").get("completion_tokens").asInt() <= n * context, r.get("usage").toString());
            for (JsonNode c : r.get("choices")) assertEquals("length", c.get("finish_reason").asText());
            assertTrue(r.toString().length() < n * context * 4096, "response of " + r.toString().length() + " bytes");
        }
    }

    @Test
    void logsNeverContainTheApiKey() {
        // Everything the server and Netty log, at DEBUG, into a list only (not the console).
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger("org.mirrorsd"), (Logger) LoggerFactory.getLogger("io.netty"));
        for (Logger l : loggers) {
            l.addAppender(captured);
            l.setLevel(Level.DEBUG);
            l.setAdditive(false);
        }
        FaultInjector faults = new FaultInjector();
        try (TestServer s = TestServer.start(faults, "--api-key", KEY, "--set", "logging.level=debug")) {
            models(s, "Bearer " + KEY);
            models(s, "Bearer " + KEY + "-wrong");
            var auth = "Bearer " + KEY;
            s.send(HttpRequest.newBuilder(s.uri("/v1/completions")).header("Authorization", auth)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"Once\",\"max_tokens\":3}")).build());
            s.send(HttpRequest.newBuilder(s.uri("/v1/" + KEY)).header("Authorization", auth).GET().build());
            // A failing generation logs its error: that must not carry the key either.
            faults.failAtStep(1);
            s.send(HttpRequest.newBuilder(s.uri("/v1/completions")).header("Authorization", auth)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"Once\",\"max_tokens\":"
                            + FaultInjector.FAULTY_MAX_TOKENS + "}")).build());
        } finally {
            for (Logger l : loggers) {
                l.detachAppender(captured);
                l.setLevel(null);
                l.setAdditive(true);
            }
        }
        assertTrue(captured.list.size() > 3, "logging was captured: " + captured.list.size() + " events");
        for (ILoggingEvent e : captured.list) {
            String text = e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                    : ThrowableProxyUtil.asString(e.getThrowableProxy()));
            assertFalse(text.contains(KEY), "the key is in a log line: " + text);
        }
    }
}
