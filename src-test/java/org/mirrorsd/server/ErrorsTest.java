package org.mirrorsd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every client mistake gets its status and an OpenAI error object; the server keeps serving. */
public class ErrorsTest {
    private static TestServer server;

    @BeforeAll
    static void start() { server = TestServer.start("--set", "server.max_body_bytes=4096"); }

    @AfterAll
    static void stop() { server.close(); }

    /** Checks the envelope and returns the inner error object. */
    public static JsonNode error(HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        JsonNode e = TestServer.parse(r.body()).get("error");
        for (String field : new String[] {"message", "type", "param", "code"}) assertTrue(e.has(field), field);
        assertTrue(e.get("message").asText().length() > 5);
        assertTrue(!r.body().contains("Exception") && !r.body().contains("\tat "), "no internals: " + r.body());
        return e;
    }

    @Test
    void malformedJson() {
        assertEquals("invalid_request_error",
                error(server.post("/v1/chat/completions", "{\"messages\": [}"), 400).get("type").asText());
        error(server.post("/v1/completions", "[1,2]"), 400);
        error(server.post("/v1/completions", ""), 400);
        error(server.post("/v1/completions", "{\"prompt\":\"a\"} trailing"), 400);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"prompt\":\"a\",\"temperature\":\"hot\"}              | temperature",
            "{\"prompt\":\"a\",\"temperature\":2.5}                  | temperature",
            "{\"prompt\":\"a\",\"top_p\":0}                          | top_p",
            "{\"prompt\":\"a\",\"top_k\":-2}                         | top_k",
            "{\"prompt\":\"a\",\"min_p\":1.5}                        | min_p",
            "{\"prompt\":\"a\",\"presence_penalty\":3}               | presence_penalty",
            "{\"prompt\":\"a\",\"frequency_penalty\":\"x\"}          | frequency_penalty",
            "{\"prompt\":\"a\",\"repetition_penalty\":0}             | repetition_penalty",
            "{\"prompt\":\"a\",\"max_tokens\":0}                     | max_tokens",
            "{\"prompt\":\"a\",\"max_tokens\":1.5}                   | max_tokens",
            "{\"prompt\":\"a\",\"max_completion_tokens\":-1}         | max_completion_tokens",
            "{\"prompt\":\"a\",\"n\":0}                              | n",
            "{\"prompt\":\"a\",\"n\":17}                             | n",
            "{\"prompt\":\"a\",\"seed\":\"1\"}                       | seed",
            "{\"prompt\":\"a\",\"stream\":\"yes\"}                   | stream",
            "{\"prompt\":\"a\",\"stream\":true,\"stream_options\":1} | stream_options",
            "{\"prompt\":\"a\",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]} | stop",
            "{\"prompt\":\"a\",\"stop\":[\"\"]}                      | stop",
            "{\"prompt\":\"a\",\"stop\":3}                           | stop",
            "{\"prompt\":\"a\",\"logprobs\":21}                      | logprobs",
            "{\"prompt\":\"a\",\"logprobs\":true}                    | logprobs",
            "{\"prompt\":\"a\",\"decoding\":\"warp\"}                | decoding",
            "{\"prompt\":\"a\",\"user\":5}                           | user",
            "{\"prompt\":5}                                          | prompt",
            "{\"prompt\":[]}                                         | prompt",
            "{\"prompt\":[1,99999]}                                  | prompt",
            "{\"prompt\":[1,\"a\"]}                                  | prompt",
            "{\"max_tokens\":5}                                      | prompt",
    })
    void badCompletionFields(String body, String param) {
        JsonNode e = error(server.post("/v1/completions", body), 400);
        assertEquals(param, e.get("param").asText(), e.toString());
        assertEquals("invalid_request_error", e.get("type").asText());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}                                                             | messages",
            "{\"messages\":\"hi\"}                                          | messages",
            "{\"messages\":[]}                                              | messages",
            "{\"messages\":[\"hi\"]}                                        | messages[0]",
            "{\"messages\":[{\"content\":\"hi\"}]}                          | messages[0].role",
            "{\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}      | messages[0].role",
            "{\"messages\":[{\"role\":\"user\",\"content\":5}]}             | messages[0].content",
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]} | messages[0].content",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"top_logprobs\":2}   | top_logprobs",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"logprobs\":true,\"top_logprobs\":21} | top_logprobs",
    })
    void badChatFields(String body, String param) {
        assertEquals(param, error(server.post("/v1/chat/completions", body), 400).get("param").asText());
    }

    @Test
    void promptLongerThanTheContext() {
        String prompt = "Once upon a time ".repeat(200);
        JsonNode e = error(server.post("/v1/completions", "{\"prompt\":\"" + prompt + "\"}"), 400);
        assertEquals("context_length_exceeded", e.get("code").asText());
        assertEquals("prompt", e.get("param").asText());
        JsonNode chat = error(server.post("/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}"), 400);
        assertEquals("context_length_exceeded", chat.get("code").asText());
    }

    @Test
    void unknownModelAndPath() {
        JsonNode e = error(server.post("/v1/completions", "{\"model\":\"gpt-9\",\"prompt\":\"a\"}"), 404);
        assertEquals("model_not_found", e.get("code").asText());
        assertEquals("model", e.get("param").asText());
        error(server.get("/v1/nothing"), 404);
        error(server.get("/"), 404);
    }

    @Test
    void wrongMethod() {
        HttpResponse<String> r = server.get("/v1/chat/completions");
        error(r, 405);
        assertEquals("POST", r.headers().firstValue("allow").orElse(""));
        error(server.post("/health", "{}"), 405);
        error(server.send(HttpRequest.newBuilder(server.uri("/v1/models")).DELETE().build()), 405);
    }

    @Test
    void bodyTooLarge() {
        String big = "{\"prompt\":\"" + "a".repeat(5000) + "\"}";
        assertEquals("request_too_large", error(server.post("/v1/completions", big), 413).get("code").asText());
        // The server is still fine afterwards.
        assertEquals(200, server.get("/health").statusCode());
    }

    @Test
    void serverSurvivesGarbage() throws Exception {
        try (var socket = new java.net.Socket("127.0.0.1", server.server.port())) {
            socket.getOutputStream().write("NOT HTTP AT ALL\r\n\r\n\u0000\u0001\u0002".getBytes());
            socket.getOutputStream().flush();
            socket.setSoTimeout(2000);
            try {
                socket.getInputStream().read(new byte[1024]);
            } catch (java.io.IOException expected) {
                // reset or timeout: either way the server did not crash
            }
        }
        assertEquals(200, server.get("/health").statusCode());
        assertEquals(200, server.post("/v1/completions", "{\"prompt\":\"a\",\"max_tokens\":2}").statusCode());
    }
}
