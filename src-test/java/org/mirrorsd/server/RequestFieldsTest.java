package org.mirrorsd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every request field is honoured or refused with a 400 naming it: echo is honoured, suffix and best_of > n
 * are refused, user content null is refused (assistant null allowed), unknown fields are refused, and an
 * out-of-range max_tokens says the real limit.
 */
class RequestFieldsTest {
    private static final String TEXT = "/v1/completions";
    private static final String CHAT = "/v1/chat/completions";
    private static TestServer server;

    @BeforeAll
    static void start() { server = TestServer.start(); }

    @AfterAll
    static void stop() { server.close(); }

    private static JsonNode refused(String path, String body, String param) {
        JsonNode e = ErrorsTest.error(server.post(path, body), 400);
        assertEquals(param, e.get("param").asText(), e.toString());
        return e;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/v1/completions      | {\"prompt\":\"a\",\"suffix\":\"end\"}                     | suffix",
            "/v1/completions      | {\"prompt\":\"a\",\"best_of\":3}                          | best_of",
            "/v1/completions      | {\"prompt\":\"a\",\"best_of\":1,\"n\":2}                  | best_of",
            "/v1/completions      | {\"prompt\":\"a\",\"best_of\":0}                          | best_of",
            "/v1/completions      | {\"prompt\":\"a\",\"best_of\":\"2\"}                      | best_of",
            "/v1/completions      | {\"prompt\":\"a\",\"echo\":\"yes\"}                       | echo",
            "/v1/completions      | {\"prompt\":\"a\",\"foo\":1}                              | foo",
            "/v1/completions      | {\"prompt\":\"a\",\"top_logprobs\":2}                     | top_logprobs",
            "/v1/completions      | {\"prompt\":\"a\",\"stop_token_ids\":[2]}                 | stop_token_ids",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"echo\":true}    | echo",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"suffix\":\"x\"}  | suffix",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"best_of\":2}    | best_of",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"functions\":[]} | functions",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\",\"content\":null}]}                   | messages[0].content",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"user\"}]}                                   | messages[0].content",
            "/v1/chat/completions | {\"messages\":[{\"role\":\"system\",\"content\":null},{\"role\":\"user\",\"content\":\"a\"}]} | messages[0].content",
    })
    void refusedWithTheirParam(String path, String body, String param) {
        refused(path, body, param);
    }

    @Test
    void trivialValuesOfUnsupportedFieldsAreAccepted() {
        server.postJson(TEXT, "{\"prompt\":\"a\",\"max_tokens\":2,\"suffix\":\"\",\"best_of\":2,\"n\":2}", 200);
        server.postJson(TEXT, "{\"prompt\":\"a\",\"max_tokens\":2,\"echo\":false,\"suffix\":null}", 200);
        // An assistant turn may have null content (it made tool calls); the conversation still renders.
        server.postJson(CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\","
                + "\"content\":null},{\"role\":\"user\",\"content\":\"go on\"}],\"max_tokens\":2}", 200);
    }

    @Test
    void hugeMaxTokensSaysTheRealLimit() {
        for (String v : new String[] {"1e12", "1000000000000", "99999999999999999999"}) {
            JsonNode e = refused(TEXT, "{\"prompt\":\"a\",\"max_tokens\":" + v + "}", "max_tokens");
            assertTrue(e.get("message").asText().contains("between 1 and 2147483647"), e.toString());
        }
    }

    @Test
    void echoPrependsThePrompt() {
        String plain = server.postJson(TEXT, "{\"prompt\":\"Once upon a time\",\"max_tokens\":8,\"temperature\":0}", 200)
                .get("choices").get(0).get("text").asText();
        JsonNode r = server.postJson(TEXT, "{\"prompt\":\"Once upon a time\",\"max_tokens\":8,\"temperature\":0,"
                + "\"echo\":true}", 200);
        assertEquals("Once upon a time" + plain, r.get("choices").get(0).get("text").asText());
        assertEquals(8, r.get("usage").get("completion_tokens").asInt());

        var stream = server.post(TEXT, "{\"prompt\":\"Once upon a time\",\"max_tokens\":8,\"temperature\":0,"
                + "\"echo\":true,\"stream\":true}");
        assertEquals(200, stream.statusCode());
        Sse sse = Sse.parse(stream.body());
        assertEquals("Once upon a time" + plain, sse.text(0));
        assertTrue(sse.events().getFirst().get("choices").get(0).get("text").asText().startsWith("Once upon a time"));

        // Two prompts, n = 2: every choice echoes its own prompt.
        JsonNode multi = server.postJson(TEXT, "{\"prompt\":[\"Once\",\"The dog\"],\"n\":2,\"max_tokens\":3,"
                + "\"echo\":true}", 200);
        for (int i = 0; i < 4; i++) {
            assertTrue(multi.get("choices").get(i).get("text").asText().startsWith(i < 2 ? "Once" : "The dog"),
                    multi.toString());
        }
    }

    /**
     * echo with logprobs reports the prompt's tokens first, the first with a null logprob (as vLLM does), each
     * later one with the target's logprob given the tokens before it: the same numbers generation reports when
     * it produces those tokens.
     */
    @Test
    void echoWithLogprobsScoresThePrompt() {
        JsonNode gen = server.postJson(TEXT, "{\"prompt\":\"Once\",\"max_tokens\":5,\"temperature\":0,\"logprobs\":0}", 200);
        String generated = gen.get("choices").get(0).get("text").asText();
        JsonNode genLp = gen.get("choices").get(0).get("logprobs");

        JsonNode echo = server.postJson(TEXT, "{\"prompt\":" + TestServer.JSON.valueToTree("Once" + generated)
                + ",\"max_tokens\":1,\"temperature\":0,\"logprobs\":2,\"echo\":true}", 200);
        JsonNode c = echo.get("choices").get(0);
        assertTrue(c.get("text").asText().startsWith("Once" + generated), c.toString());
        JsonNode lp = c.get("logprobs");
        int promptTokens = echo.get("usage").get("prompt_tokens").asInt();
        assertEquals(promptTokens + 1, lp.get("tokens").size(), lp.toString());
        assertTrue(lp.get("token_logprobs").get(0).isNull(), "the first prompt token has no logprob");
        assertTrue(lp.get("top_logprobs").get(0).isNull());
        // BOS, "Once", then the generated tokens again: scored as the prompt, the same logprobs as generated.
        assertEquals(promptTokens, 2 + genLp.get("tokens").size(), lp.toString());
        for (int i = 0; i < genLp.get("tokens").size(); i++) {
            assertEquals(genLp.get("tokens").get(i).asText(), lp.get("tokens").get(2 + i).asText());
            assertEquals(genLp.get("token_logprobs").get(i).asDouble(), lp.get("token_logprobs").get(2 + i).asDouble(),
                    1e-4, "prompt token " + (2 + i));
        }
        for (int i = 1; i < promptTokens; i++) {
            double v = lp.get("token_logprobs").get(i).asDouble();
            assertTrue(v <= 0 && lp.get("top_logprobs").get(i).size() >= 1, lp.toString());
        }

        // Streamed: the first chunk carries the echoed text and the prompt's logprobs.
        var stream = server.post(TEXT, "{\"prompt\":\"Once upon\",\"max_tokens\":2,\"logprobs\":1,\"echo\":true,"
                + "\"stream\":true}");
        JsonNode first = Sse.parse(stream.body()).events().getFirst().get("choices").get(0);
        assertTrue(first.get("text").asText().startsWith("Once upon"), first.toString());
        assertTrue(first.get("logprobs").get("token_logprobs").get(0).isNull(), first.toString());
    }
}
