package org.mirrorsd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** n choices, seeds, and both log-probability formats. */
class ChoicesAndLogprobsTest {
    private static TestServer server;

    @BeforeAll
    static void start() { server = TestServer.start(); }

    @AfterAll
    static void stop() { server.close(); }

    @Test
    void twoGreedyChoicesAreIdentical() {
        var expected = ReferenceGeneration.completion("The cat", 30);
        JsonNode r = server.postJson("/v1/completions",
                "{\"prompt\":\"The cat\",\"max_tokens\":30,\"temperature\":0,\"n\":2}", 200);
        assertEquals(2, r.get("choices").size());
        for (int i = 0; i < 2; i++) {
            assertEquals(i, r.get("choices").get(i).get("index").asInt());
            assertEquals(expected.text(), r.get("choices").get(i).get("text").asText());
        }
        assertEquals(expected.prompt().length, r.get("usage").get("prompt_tokens").asInt());
        assertEquals(2 * expected.tokens().length, r.get("usage").get("completion_tokens").asInt());
        assertEquals(2 * expected.tokens().length, r.get("speculative").get("generated").asInt());
    }

    @Test
    void seededSamplingIsReproducible() {
        String body = "{\"prompt\":\"The cat\",\"max_tokens\":30,\"temperature\":1.0,\"top_p\":0.9,\"seed\":42,\"n\":2}";
        JsonNode a = server.postJson("/v1/completions", body, 200);
        JsonNode b = server.postJson("/v1/completions", body, 200);
        assertEquals(a.get("choices"), b.get("choices"));
    }

    @Test
    void chatLogprobs() {
        JsonNode r = server.postJson("/v1/chat/completions", """
                {"messages":[{"role":"user","content":"Hi"}],"max_tokens":12,"temperature":0,
                 "logprobs":true,"top_logprobs":3}""", 200);
        JsonNode content = r.get("choices").get(0).get("logprobs").get("content");
        assertEquals(r.get("usage").get("completion_tokens").asInt(), content.size());
        StringBuilder text = new StringBuilder();
        for (JsonNode t : content) {
            assertTrue(t.get("logprob").asDouble() <= 0);
            assertTrue(t.get("bytes").isArray());
            assertEquals(3, t.get("top_logprobs").size());
            // Greedy: the chosen token is the most likely one.
            assertEquals(t.get("token").asText(), t.get("top_logprobs").get(0).get("token").asText());
            assertEquals(t.get("logprob").asDouble(), t.get("top_logprobs").get(0).get("logprob").asDouble(), 1e-6);
            text.append(t.get("token").asText());
        }
        assertEquals(r.get("choices").get(0).get("message").get("content").asText(), text.toString());
    }

    @Test
    void legacyCompletionLogprobs() {
        JsonNode r = server.postJson("/v1/completions",
                "{\"prompt\":\"Once upon a time\",\"max_tokens\":10,\"temperature\":0,\"logprobs\":2}", 200);
        JsonNode lp = r.get("choices").get(0).get("logprobs");
        int n = r.get("usage").get("completion_tokens").asInt();
        assertEquals(n, lp.get("tokens").size());
        assertEquals(n, lp.get("token_logprobs").size());
        assertEquals(n, lp.get("top_logprobs").size());
        assertEquals(n, lp.get("text_offset").size());
        for (JsonNode top : lp.get("top_logprobs")) assertTrue(top.size() >= 1 && top.size() <= 2);
        StringBuilder joined = new StringBuilder();
        for (JsonNode t : lp.get("tokens")) joined.append(t.asText());
        assertEquals(r.get("choices").get(0).get("text").asText(), joined.toString());
    }

    @Test
    void streamedLogprobsCoverEveryToken() {
        Sse sse = Sse.parse(server.post("/v1/chat/completions", """
                {"messages":[{"role":"user","content":"Hi"}],"max_tokens":12,"temperature":0,
                 "logprobs":true,"stream":true,"stream_options":{"include_usage":true}}""").body());
        int entries = 0;
        for (JsonNode e : sse.events()) {
            for (JsonNode c : e.get("choices")) {
                JsonNode lp = c.get("logprobs");
                if (lp != null && !lp.isNull()) entries += lp.get("content").size();
            }
        }
        assertEquals(sse.events().getLast().get("usage").get("completion_tokens").asInt(), entries);
    }
}
