package org.mirrorsd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code stream: true}: data-only SSE chunks whose deltas add up to the non-streamed text. */
class StreamingTest {
    private static TestServer server;

    @BeforeAll
    static void start() { server = TestServer.start(); }

    @AfterAll
    static void stop() { server.close(); }

    @Test
    void chatStreamIsWellFormed() {
        String body = """
                {"messages":[{"role":"user","content":"Tell me a story."}],"max_tokens":50,"temperature":0,
                 "stream":true,"stream_options":{"include_usage":true}}""";
        HttpResponse<String> r = server.post("/v1/chat/completions", body);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        Sse sse = Sse.parse(r.body());
        assertTrue(sse.done(), "ends with [DONE]");

        JsonNode first = sse.events().getFirst();
        String id = first.get("id").asText();
        long created = first.get("created").asLong();
        assertEquals("assistant", first.get("choices").get(0).get("delta").get("role").asText());
        for (JsonNode e : sse.events()) {
            assertEquals(id, e.get("id").asText());
            assertEquals(created, e.get("created").asLong());
            assertEquals("chat.completion.chunk", e.get("object").asText());
        }
        // All but the last two events: no finish_reason. Then the finishing chunk, then usage.
        int n = sse.events().size();
        for (int i = 0; i < n - 2; i++) {
            assertTrue(sse.events().get(i).get("choices").get(0).get("finish_reason").isNull());
        }
        JsonNode last = sse.events().get(n - 2);
        assertFalse(last.get("choices").get(0).get("finish_reason").isNull());
        JsonNode usage = sse.events().get(n - 1);
        assertEquals(0, usage.get("choices").size());
        assertTrue(usage.get("usage").get("completion_tokens").asInt() > 0);

        JsonNode full = server.postJson("/v1/chat/completions", body.replace("\"stream\":true", "\"stream\":false"), 200);
        assertEquals(full.get("choices").get(0).get("message").get("content").asText(), sse.text(0));
        assertEquals(full.get("choices").get(0).get("finish_reason").asText(),
                last.get("choices").get(0).get("finish_reason").asText());
        for (String field : new String[] {"prompt_tokens", "completion_tokens", "total_tokens"}) {
            assertEquals(full.get("usage").get(field), usage.get("usage").get(field), field);
        }
        // The same prompt again: all of it but its last token comes from the prefix cache.
        assertEquals(full.get("usage").get("prompt_tokens").asInt() - 1,
                full.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt());
    }

    @Test
    void textCompletionStreamMatchesNonStreamed() {
        var expected = ReferenceGeneration.completion("Once upon a time", 64);
        HttpResponse<String> r = server.post("/v1/completions",
                "{\"prompt\":\"Once upon a time\",\"max_tokens\":64,\"temperature\":0,\"stream\":true}");
        Sse sse = Sse.parse(r.body());
        assertTrue(sse.done());
        assertEquals(expected.text(), sse.text(0));
        for (JsonNode e : sse.events()) assertEquals("text_completion", e.get("object").asText());
        JsonNode last = sse.events().getLast();
        assertEquals(expected.finishReason(), last.get("choices").get(0).get("finish_reason").asText());
        assertNull(last.get("usage"), "no usage chunk unless asked");
    }

    @Test
    void streamedChoicesEachOpenAndFinish() {
        HttpResponse<String> r = server.post("/v1/chat/completions", """
                {"messages":[{"role":"user","content":"Hi"}],"max_tokens":30,"temperature":0.8,"seed":7,"n":3,
                 "stream":true}""");
        Sse sse = Sse.parse(r.body());
        for (int c = 0; c < 3; c++) {
            boolean seen = false;
            int finishes = 0;
            for (JsonNode e : sse.events()) {
                JsonNode choice = e.get("choices").get(0);
                if (choice.get("index").asInt() != c) continue;
                if (!seen) assertEquals("assistant", choice.get("delta").get("role").asText());
                else assertFalse(choice.get("delta").has("role"));
                seen = true;
                if (!choice.get("finish_reason").isNull()) finishes++;
            }
            assertTrue(seen);
            assertEquals(1, finishes);
        }
    }
}
