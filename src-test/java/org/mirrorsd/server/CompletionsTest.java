package org.mirrorsd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mirrorsd.models.chat.ChatMessage;

/** Non-streamed chat and text completions: structure, usage, and greedy text equal to the engine's own. */
class CompletionsTest {
    private static TestServer server;

    @BeforeAll
    static void start() { server = TestServer.start(); }

    @AfterAll
    static void stop() { server.close(); }

    @Test
    void textCompletionMatchesTheEngine() {
        var expected = ReferenceGeneration.completion("Once upon a time", 40);
        JsonNode r = server.postJson("/v1/completions",
                "{\"model\":\"stories260K\",\"prompt\":\"Once upon a time\",\"max_tokens\":40,\"temperature\":0}", 200);
        assertTrue(r.get("id").asText().startsWith("cmpl-"));
        assertEquals("text_completion", r.get("object").asText());
        assertTrue(r.get("created").asLong() > 1_600_000_000L);
        assertEquals(TestServer.MODEL_ID, r.get("model").asText());
        JsonNode choice = r.get("choices").get(0);
        assertEquals(0, choice.get("index").asInt());
        assertEquals(expected.text(), choice.get("text").asText());
        assertEquals(expected.finishReason(), choice.get("finish_reason").asText());
        assertTrue(choice.get("logprobs").isNull());
        JsonNode usage = r.get("usage");
        assertEquals(expected.prompt().length, usage.get("prompt_tokens").asInt());
        assertEquals(expected.tokens().length, usage.get("completion_tokens").asInt());
        assertEquals(expected.prompt().length + expected.tokens().length, usage.get("total_tokens").asInt());
        JsonNode spec = r.get("speculative");
        assertEquals("ar", spec.get("method").asText());
        assertEquals(expected.tokens().length, spec.get("generated").asInt());
    }

    @Test
    void chatCompletionMatchesTheEngine() {
        var expected = ReferenceGeneration.chat(List.of(ChatMessage.user("Tell me a story about a cat.")), 60);
        JsonNode r = server.postJson("/v1/chat/completions", """
                {"model":"stories260K","messages":[{"role":"user","content":"Tell me a story about a cat."}],
                 "max_tokens":60,"temperature":0,"user":"someone"}""", 200);
        assertTrue(r.get("id").asText().startsWith("chatcmpl-"));
        assertEquals("chat.completion", r.get("object").asText());
        JsonNode choice = r.get("choices").get(0);
        assertEquals("assistant", choice.get("message").get("role").asText());
        assertEquals(expected.text(), choice.get("message").get("content").asText());
        assertEquals(expected.finishReason(), choice.get("finish_reason").asText());
        assertEquals(expected.prompt().length, r.get("usage").get("prompt_tokens").asInt());
        assertEquals(expected.tokens().length, r.get("usage").get("completion_tokens").asInt());
    }

    @Test
    void lengthFinishAndEmptyPrompt() {
        var expected = ReferenceGeneration.completion("", 5);
        JsonNode r = server.postJson("/v1/completions", "{\"prompt\":\"\",\"max_tokens\":5,\"temperature\":0}", 200);
        JsonNode choice = r.get("choices").get(0);
        assertEquals("length", choice.get("finish_reason").asText());
        assertEquals(5, r.get("usage").get("completion_tokens").asInt());
        // After a bare BOS the first word loses its SentencePiece space, as decode() does.
        assertEquals(expected.text(), choice.get("text").asText());
        assertTrue(!choice.get("text").asText().startsWith(" "));
    }

    @Test
    void tokenIdPromptsAndPromptArrays() {
        var expected = ReferenceGeneration.completion("Once upon a time", 20);
        StringBuilder ids = new StringBuilder();
        for (int t : expected.prompt()) ids.append(ids.isEmpty() ? "" : ",").append(t);
        JsonNode r = server.postJson("/v1/completions",
                "{\"prompt\":[" + ids + "],\"max_tokens\":20,\"temperature\":0}", 200);
        assertEquals(expected.text(), r.get("choices").get(0).get("text").asText());

        var other = ReferenceGeneration.completion("The dog", 20);
        JsonNode two = server.postJson("/v1/completions",
                "{\"prompt\":[\"Once upon a time\",\"The dog\"],\"max_tokens\":20,\"temperature\":0}", 200);
        assertEquals(2, two.get("choices").size());
        assertEquals(expected.text(), two.get("choices").get(0).get("text").asText());
        assertEquals(other.text(), two.get("choices").get(1).get("text").asText());
        assertEquals(expected.prompt().length + other.prompt().length, two.get("usage").get("prompt_tokens").asInt());
    }

    @Test
    void maxTokensPastTheContextIsClamped() {
        JsonNode r = server.postJson("/v1/completions",
                "{\"prompt\":\"Once\",\"max_tokens\":100000,\"temperature\":0,\"ignore_eos\":true}", 200);
        int prompt = r.get("usage").get("prompt_tokens").asInt();
        assertEquals(512 - prompt, r.get("usage").get("completion_tokens").asInt());
        assertEquals("length", r.get("choices").get(0).get("finish_reason").asText());
    }
}
