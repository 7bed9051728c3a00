package org.mirrorsd.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mirrorsd.server.TestServer;

/**
 * server.read_timeout bounds how long a client may take to send a request and how long an idle keep-alive
 * connection stays open, but never cuts a response the server is still writing.
 */
class ReadTimeoutTest {
    private static final int TIMEOUT_MS = 300;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("--set", "server.read_timeout=" + TIMEOUT_MS + "ms");
    }

    @AfterAll
    static void stop() { server.close(); }

    @Test
    void aStreamLongerThanTheReadTimeoutIsNotCut() throws Exception {
        long t0 = System.nanoTime();
        try (StreamClient s = new StreamClient(server.server.port(), "/v1/completions",
                "{\"prompt\":\"Once\",\"max_tokens\":400,\"ignore_eos\":true,\"n\":8,\"stream\":true}")) {
            List<String> events = s.rest();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("[DONE]", events.getLast());
            assertTrue(events.stream().noneMatch(e -> e.contains("\"error\"")));
            assertTrue(ms > TIMEOUT_MS, "the stream took only " + ms + " ms: not a test of the timeout");
        }
    }

    @Test
    void idleKeepAliveConnectionsAreClosedSilently() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.server.port())) {
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            send(s, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            String first = readResponse(in);
            assertTrue(first.startsWith("HTTP/1.1 200"), first);
            // Within the timeout the connection is reused; the deadline starts again after each response.
            Thread.sleep(TIMEOUT_MS / 5);
            send(s, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(readResponse(in).startsWith("HTTP/1.1 200"));
            long t0 = System.nanoTime();
            assertEquals(-1, in.read(), "closed without a response");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= TIMEOUT_MS / 2 && ms < 3000, "closed after " + ms + " ms");
        }
    }

    @Test
    void aBodyTrickledInWithinTheTimeoutIsServed() throws Exception {
        String body = "{\"prompt\":\"Once\",\"max_tokens\":2}";
        byte[][] parts = {("POST /v1/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
                + body.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
                body.substring(0, 10).getBytes(StandardCharsets.US_ASCII), body.substring(10).getBytes(StandardCharsets.US_ASCII)};
        var r = RawHttp.exchange(server.server.port(), parts, java.time.Duration.ofMillis(TIMEOUT_MS / 5),
                java.time.Duration.ofSeconds(10));
        assertEquals(200, r.status(), r.body());
    }

    private static void send(Socket s, String request) throws Exception {
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    /** One response with a Content-Length body. */
    private static String readResponse(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) throw new AssertionError("closed mid-response: " + head);
            head.append((char) c);
        }
        int length = Integer.parseInt(head.toString().lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .findFirst().orElseThrow().substring(15).strip());
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
