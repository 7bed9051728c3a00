package org.mirrorsd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mirrorsd.testing.SharedFiles;

/** With a draft model every method is served; each is picked per request and keeps greedy output lossless. */
class SpeculativeServingTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("--draft", SharedFiles.model("llama2xs-280K.bin").toString(), "--gamma", "4");
    }

    @AfterAll
    static void stop() { server.close(); }

    @ParameterizedTest
    @ValueSource(strings = {"ar", "ngram", "sd", "mirror"})
    void greedyOutputIsTheSameForEveryMethod(String method) {
        var expected = ReferenceGeneration.completion("Once upon a time", 40);
        JsonNode r = server.postJson("/v1/completions", "{\"prompt\":\"Once upon a time\",\"max_tokens\":40,"
                + "\"temperature\":0,\"decoding\":\"" + method + "\"}", 200);
        assertEquals(expected.text(), r.get("choices").get(0).get("text").asText());
        JsonNode spec = r.get("speculative");
        assertEquals(method, spec.get("method").asText());
        if (method.equals("sd") || method.equals("mirror")) {
            assertTrue(spec.get("drafted").asInt() > 0, spec.toString());
            assertTrue(spec.get("target_passes").asInt() <= expected.tokens().length, spec.toString());
        }
        Sse sse = Sse.parse(server.post("/v1/completions", "{\"prompt\":\"Once upon a time\",\"max_tokens\":40,"
                + "\"temperature\":0,\"stream\":true,\"decoding\":\"" + method + "\"}").body());
        assertEquals(expected.text(), sse.text(0));
    }

    @Test
    void modelsListsEveryMethod() {
        JsonNode methods = TestServer.parse(server.get("/v1/models").body()).get("data").get(0).get("decoding_methods");
        List<String> names = new ArrayList<>();
        methods.forEach(m -> names.add(m.asText()));
        assertEquals(List.of("ar", "mirror", "ngram", "sd"), names);
        assertTrue(server.metric("mirrorsd_speculative_drafted_tokens_total") >= 0);
    }
}
