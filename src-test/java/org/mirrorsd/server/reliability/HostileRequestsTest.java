package org.mirrorsd.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mirrorsd.server.TestServer;

/**
 * The hostile corpus against one server: each request gets its status and an OpenAI error body, and after each
 * the server still answers {@code /health} and generates. At the end no request got a 50x (only 505 for a
 * foreign HTTP version) and no KV cache is open.
 */
class HostileRequestsTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("--set", "server.max_body_bytes=" + HostileCorpus.BODY_LIMIT,
                "--set", "server.read_timeout=1s");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        try {
            Probes.awaitIdle(server);
            String metrics = server.get("/metrics").body();
            assertTrue(metrics.lines().noneMatch(l -> l.startsWith("mirrorsd_requests_total")
                    && l.contains("status=\"50") && !l.contains("status=\"505")), metrics);
        } finally {
            server.close();
        }
    }

    static List<HostileRequest> corpus() {
        return HostileCorpus.all();
    }

    @Test
    void corpusHasAtLeastAHundredRequests() {
        assertTrue(corpus().size() >= 100, "corpus size " + corpus().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void answeredAndTheServerSurvives(HostileRequest r) {
        RawHttp.Response res = RawHttp.exchange(server.server.port(), r.parts(), r.pause(), Duration.ofSeconds(10));
        assertEquals(r.status(), res.status(), r.name() + ": " + res.body());
        if (r.status() >= 400) {
            JsonNode e = ErrorBodies.check(res, r.name());
            if (r.code() != null) assertEquals(r.code(), e.get("code").asText(), r.name() + ": " + e);
            if (r.param() != null) assertEquals(r.param(), e.get("param").asText(), r.name() + ": " + e);
        } else if (r.status() == 200 && res.header("content-type").startsWith("application/json")) {
            // Only the clamped max_tokens cases answer 200: cut at the context, not refused.
            assertEquals("length", TestServer.parse(res.body()).get("choices").get(0).get("finish_reason").asText());
        }
        Probes.stillServing(server.server.port(), r.name());
    }
}
