package org.mirrorsd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** API key and CORS, both off unless configured. */
class AccessControlTest {
    private static final String KEY = "sk-test-0123456789";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("--api-key", KEY, "--set", "server.cors_origins=http://app.example");
    }

    @AfterAll
    static void stop() { server.close(); }

    private HttpResponse<String> models(String authorization) {
        var b = HttpRequest.newBuilder(server.uri("/v1/models")).GET();
        if (authorization != null) b.header("Authorization", authorization);
        return server.send(b.build());
    }

    @Test
    void apiKeyRequiredOnTheApi() {
        assertEquals("invalid_api_key", ErrorsTest.error(models(null), 401).get("code").asText());
        ErrorsTest.error(models("Bearer wrong"), 401);
        ErrorsTest.error(models("Bearer " + KEY + "x"), 401);
        ErrorsTest.error(models(KEY), 401);
        assertEquals(200, models("Bearer " + KEY).statusCode());
        var chat = HttpRequest.newBuilder(server.uri("/v1/completions")).header("Authorization", "Bearer nope")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"a\"}")).build();
        ErrorsTest.error(server.send(chat), 401);
        // Probes and scrapers need no key.
        assertEquals(200, server.get("/health").statusCode());
        assertEquals(200, server.get("/metrics").statusCode());
    }

    @Test
    void corsPreflightAndHeaders() {
        HttpResponse<String> pre = server.send(HttpRequest.newBuilder(server.uri("/v1/chat/completions"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://app.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type").build());
        assertEquals(200, pre.statusCode());
        assertEquals("http://app.example", pre.headers().firstValue("access-control-allow-origin").orElse(""));
        assertTrue(pre.headers().firstValue("access-control-allow-methods").orElse("").contains("POST"));

        HttpResponse<String> ok = server.send(HttpRequest.newBuilder(server.uri("/v1/models"))
                .header("Origin", "http://app.example").header("Authorization", "Bearer " + KEY).GET().build());
        assertEquals("http://app.example", ok.headers().firstValue("access-control-allow-origin").orElse(""));

        HttpResponse<String> other = server.send(HttpRequest.newBuilder(server.uri("/v1/models"))
                .header("Origin", "http://evil.example").header("Authorization", "Bearer " + KEY).GET().build());
        assertTrue(other.headers().firstValue("access-control-allow-origin").isEmpty());
    }
}
