package org.mirrorsd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Stop strings end the generation, are not returned, and are caught when split across tokens. */
class StopStringsTest {
    private static TestServer server;
    private static ReferenceGeneration.Result reference;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        reference = ReferenceGeneration.completion("Once upon a time", 80);
    }

    @AfterAll
    static void stop() { server.close(); }

    /** A stop string made of the end of one token and the start of the next. */
    private static String acrossTokens() {
        String text = reference.text();
        var tok = ReferenceGeneration.TOKENIZER;
        int offset = 0;
        for (int i = 0; i + 1 < reference.tokens().length; i++) {
            String piece = new String(tok.tokenBytes(reference.tokens()[i]), java.nio.charset.StandardCharsets.UTF_8);
            String next = new String(tok.tokenBytes(reference.tokens()[i + 1]), java.nio.charset.StandardCharsets.UTF_8);
            offset += piece.length();
            if (i >= 5 && piece.length() >= 2 && next.length() >= 2) {
                String stop = text.substring(offset - 2, offset + 2);
                if (text.indexOf(stop) == offset - 2) return stop;
            }
        }
        throw new AssertionError("no suitable stop string in " + text);
    }

    @Test
    void stopSplitAcrossTokens() {
        String stop = acrossTokens();
        String expected = reference.text().substring(0, reference.text().indexOf(stop));
        String body = "{\"prompt\":\"Once upon a time\",\"max_tokens\":80,\"temperature\":0,\"stop\":"
                + TestServer.JSON.valueToTree(stop) + "}";
        JsonNode r = server.postJson("/v1/completions", body, 200);
        assertEquals(expected, r.get("choices").get(0).get("text").asText());
        assertEquals("stop", r.get("choices").get(0).get("finish_reason").asText());

        Sse sse = Sse.parse(server.post("/v1/completions", body.replace("}", ",\"stream\":true}")).body());
        assertEquals(expected, sse.text(0));
        assertEquals("stop", sse.events().getLast().get("choices").get(0).get("finish_reason").asText());
    }

    @Test
    void earliestOfSeveralStopsWins() {
        String text = reference.text();
        String late = text.substring(text.length() / 2, text.length() / 2 + 5);
        String early = text.substring(10, 14);
        JsonNode r = server.postJson("/v1/completions",
                "{\"prompt\":\"Once upon a time\",\"max_tokens\":80,\"temperature\":0,\"stop\":["
                        + TestServer.JSON.valueToTree(late) + "," + TestServer.JSON.valueToTree(early) + "]}", 200);
        assertEquals(text.substring(0, text.indexOf(early)), r.get("choices").get(0).get("text").asText());
        assertTrue(r.get("usage").get("completion_tokens").asInt() < reference.tokens().length);
    }

    @Test
    void unmatchedStopReleasesHeldText() {
        // "Once upon a timeX" never appears, but its prefixes are held back along the way and must come out.
        JsonNode r = server.postJson("/v1/completions",
                "{\"prompt\":\"Once upon a time\",\"max_tokens\":80,\"temperature\":0,\"stop\":\"" + "zzq" + "\"}", 200);
        assertEquals(reference.text(), r.get("choices").get(0).get("text").asText());
        String tail = reference.text().substring(reference.text().length() - 3);
        JsonNode r2 = server.postJson("/v1/completions",
                "{\"prompt\":\"Once upon a time\",\"max_tokens\":80,\"temperature\":0,\"stop\":"
                        + TestServer.JSON.valueToTree(tail + "\u0001") + "}", 200);
        assertEquals(reference.text(), r2.get("choices").get(0).get("text").asText());
    }
}
