package org.mirrorsd.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mirrorsd.server.Sse;
import org.mirrorsd.server.TestServer;

/**
 * HTTP/1.1 framing by the book (RFC 9110/9112), over raw loopback sockets where a client library would hide
 * the bug: no body the server refused is ever parsed as a second request, {@code Connection: close} closes,
 * HTTP/1.0 streams are delimited by closing, absolute-form targets and HEAD work, compressed bodies decode
 * within the limit.
 */
class HttpConformanceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int LIMIT = 16384;
    /** A complete request hidden in a body: if the server ever answers it, the body was parsed as a request. */
    private static final String SMUGGLED = "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String COMPLETION = "{\"prompt\":\"Once\",\"max_tokens\":4,\"temperature\":0}";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("--set", "server.max_body_bytes=" + LIMIT);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static int port() {
        return server.server.port();
    }

    @Test
    void unknownExpectationIsRefusedAndItsBodyNeverBecomesARequest() throws IOException {
        try (RawConnection c = new RawConnection(port(), WAIT)) {
            c.send("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + SMUGGLED.length() + "\r\nExpect: tea\r\n\r\n" + SMUGGLED);
            assertTrue(c.readToEnd(), "the connection closes after the 417");
            assertEquals(List.of(417), c.statuses(), c.text());
            assertTrue(c.text().toLowerCase().contains("connection: close"), c.text());
        }
    }

    @Test
    void oversizedBodyAfter100ContinueIsRefusedAndNeverParsed() throws IOException {
        try (RawConnection c = new RawConnection(port(), WAIT)) {
            c.send("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + (LIMIT * 4) + "\r\nExpect: 100-continue\r\n\r\n");
            c.readSome(1);
            // The client sends its body anyway, made of requests.
            c.send(SMUGGLED.repeat(LIMIT * 4 / SMUGGLED.length() + 1));
            assertTrue(c.readToEnd(), "the connection closes after the 413");
            assertEquals(List.of(413), c.statuses(), c.text());
        }
    }

    @Test
    void oversizedBodyWithoutExpectIsRefusedAndNeverParsed() throws IOException {
        try (RawConnection c = new RawConnection(port(), WAIT)) {
            String body = SMUGGLED.repeat(LIMIT / SMUGGLED.length() + 2);
            c.send("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body);
            assertTrue(c.readToEnd());
            assertEquals(List.of(413), c.statuses(), c.text());
        }
    }

    @Test
    void connectionCloseIsHonouredAndPipelinedRequestsAfterItAreNotAnswered() throws IOException {
        for (String first : List.of("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "POST /v1/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
                        + COMPLETION.length() + "\r\n\r\n" + COMPLETION,
                "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /health HTTP/1.0\r\n\r\n")) {
            try (RawConnection c = new RawConnection(port(), WAIT)) {
                c.send(first + SMUGGLED);
                assertTrue(c.readToEnd(), first);
                assertEquals(1, c.statuses().size(), c.text());
                assertTrue(c.text().toLowerCase().contains("connection: close"), c.text());
            }
        }
    }

    @Test
    void http10StreamIsDelimitedByClosingTheConnection() throws IOException {
        String body = "{\"prompt\":\"Once\",\"max_tokens\":8,\"stream\":true}";
        for (String connection : List.of("", "Connection: keep-alive\r\n")) {
            try (RawConnection c = new RawConnection(port(), WAIT)) {
                c.send("POST /v1/completions HTTP/1.0\r\nHost: x\r\n" + connection + "Content-Type: application/json\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body);
                assertTrue(c.readToEnd(), "the stream ends by closing");
                String text = c.text();
                String head = text.substring(0, text.indexOf("\r\n\r\n")).toLowerCase();
                assertEquals(List.of(200), c.statuses(), text);
                assertFalse(head.contains("transfer-encoding"), head);
                assertFalse(head.contains("content-length"), head);
                assertTrue(head.contains("connection: close"), head);
                Sse sse = Sse.parse(new String(text.substring(text.indexOf("\r\n\r\n") + 4)
                        .getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
                assertTrue(sse.done(), text);
                assertFalse(sse.text(0).isEmpty());
            }
        }
    }

    @Test
    void http10KeepAliveIsAnsweredAsKeepAlive() throws IOException {
        try (RawConnection c = new RawConnection(port(), WAIT)) {
            c.send("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            String text = c.readSome(100);
            assertTrue(text.toLowerCase().contains("connection: keep-alive"), text);
            c.send("GET /health HTTP/1.0\r\n\r\n");
            assertTrue(c.readToEnd());
            assertEquals(List.of(200, 200), c.statuses(), c.text());
        }
    }

    @Test
    void absoluteFormTargetsAreAccepted() {
        String target = "http://127.0.0.1:" + port() + "/v1/chat/completions";
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":3}";
        var r = RawHttp.exchange(port(), RawHttp.request("POST", target, body), WAIT);
        assertEquals(200, r.status(), r.body());
        assertEquals("chat.completion", TestServer.parse(r.body()).get("object").asText());
        assertEquals(200, RawHttp.exchange(port(), RawHttp.request("GET", "HTTP://localhost/health?x=1", (String) null),
                WAIT).status());
        assertEquals(200, RawHttp.exchange(port(), RawHttp.request("GET", "http://localhost:1/v1/models", (String) null),
                WAIT).status());
    }

    @Test
    void headOnGetRoutesIsAGetWithoutTheBody() throws IOException {
        for (String path : List.of("/health", "/v1/models", "/metrics", "/v1/models/" + TestServer.MODEL_ID)) {
            int getLength = RawHttp.exchange(port(), RawHttp.request("GET", path, (String) null), WAIT).body().length();
            try (RawConnection c = new RawConnection(port(), WAIT)) {
                // HEAD, then GET on the same connection: a body after the HEAD's head would show up as garbage.
                c.send("HEAD " + path + " HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertTrue(c.readToEnd());
                String text = c.text();
                assertEquals(List.of(200, 200), c.statuses(), text);
                int second = text.indexOf("HTTP/1.1 200", 1);
                String headResponse = text.substring(0, second);
                assertTrue(headResponse.endsWith("\r\n\r\n"), "no body after the HEAD's headers: " + headResponse);
                if (!path.equals("/metrics")) {
                    assertTrue(headResponse.toLowerCase().contains("content-length: " + getLength), headResponse);
                }
            }
        }
        var post = RawHttp.exchange(port(), RawHttp.request("HEAD", "/v1/completions", (String) null), WAIT);
        assertEquals(405, post.status());
        var allow = RawHttp.exchange(port(), RawHttp.request("DELETE", "/health", (String) null), WAIT);
        assertEquals("GET, HEAD", allow.header("allow"));
    }

    @Test
    void gzipAndDeflateBodiesAreDecoded() throws IOException {
        byte[] json = COMPLETION.getBytes(StandardCharsets.UTF_8);
        String plain = TestServer.parse(RawHttp.exchange(port(), RawHttp.request("POST", "/v1/completions", json), WAIT)
                .body()).get("choices").get(0).get("text").asText();
        for (var encoded : List.of(new Object[] {"gzip", gzip(json)}, new Object[] {"deflate", deflate(json)},
                new Object[] {"x-gzip", gzip(json)}, new Object[] {"gzip, gzip", gzip(gzip(json))},
                new Object[] {"identity", json})) {
            var r = RawHttp.exchange(port(), RawHttp.request("POST", "/v1/completions", (byte[]) encoded[1],
                    "Content-Encoding: " + encoded[0]), WAIT);
            assertEquals(200, r.status(), encoded[0] + ": " + r.body());
            assertEquals(plain, TestServer.parse(r.body()).get("choices").get(0).get("text").asText());
        }
    }

    @Test
    void gzipBombIsA413AndOtherEncodingsA415() throws IOException {
        // 4 MB of spaces inside a JSON string compress to a few kB, under the limit; decoded, far over it.
        byte[] bomb = gzip(("{\"prompt\":\"" + " ".repeat(4 << 20) + "\"}").getBytes(StandardCharsets.UTF_8));
        assertTrue(bomb.length < LIMIT, "bomb of " + bomb.length + " bytes");
        var r = RawHttp.exchange(port(), RawHttp.request("POST", "/v1/completions", bomb, "Content-Encoding: gzip"), WAIT);
        assertEquals(413, r.status(), r.body());
        assertEquals("request_too_large", ErrorBodies.check(r, "bomb").get("code").asText());
        for (String coding : List.of("br", "zstd", "compress", "gzip, br")) {
            var u = RawHttp.exchange(port(), RawHttp.request("POST", "/v1/completions", gzip(COMPLETION.getBytes()),
                    "Content-Encoding: " + coding), WAIT);
            assertEquals(415, u.status(), coding + ": " + u.body());
            assertEquals("unsupported_content_encoding", ErrorBodies.check(u, coding).get("code").asText());
        }
        var bad = RawHttp.exchange(port(), RawHttp.request("POST", "/v1/completions", COMPLETION.getBytes(),
                "Content-Encoding: gzip"), WAIT);
        assertEquals(400, bad.status(), bad.body());
        ErrorBodies.check(bad, "not gzip");
        Probes.stillServing(port(), "after the encodings");
    }

    @Test
    void apiKeyIsCheckedBefore100Continue() throws IOException {
        try (TestServer s = TestServer.start("--api-key", "k-123")) {
            try (RawConnection c = new RawConnection(s.server.port(), WAIT)) {
                c.send("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                        + COMPLETION.length() + "\r\nExpect: 100-continue\r\n\r\n");
                // No body sent: the 401 must come anyway, with no 100 before it, and the connection must close.
                assertTrue(c.readToEnd(), "closed after the 401");
                assertEquals(List.of(401), c.statuses(), c.text());
            }
            try (RawConnection c = new RawConnection(s.server.port(), WAIT)) {
                c.send("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                        + COMPLETION.length() + "\r\nExpect: 100-continue\r\nAuthorization: Bearer k-123\r\n\r\n");
                assertTrue(c.readSome(20).startsWith("HTTP/1.1 100"), c.text());
            }
            // Without Expect, a small refused body is skipped exactly: the next request on the connection works.
            try (RawConnection c = new RawConnection(s.server.port(), WAIT)) {
                c.send("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: " + SMUGGLED.length() + "\r\n\r\n"
                        + SMUGGLED + "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertTrue(c.readToEnd());
                assertEquals(List.of(401, 200), c.statuses(), c.text());
            }
        }
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }
}
