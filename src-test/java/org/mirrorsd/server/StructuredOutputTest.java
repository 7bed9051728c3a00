package org.mirrorsd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mirrorsd.testing.SharedFiles;

/**
 * {@code response_format} over loopback with the real models: 200 seeded requests over 20 schemas, greedy and
 * T = 1, every method. Every output parses and validates (networknt json-schema-validator), and under greedy
 * decoding sd, ngram and mirror write exactly what ar writes. Plus {@code logit_bias} and the 400s.
 */
class StructuredOutputTest {
    private static final String[] METHODS = {"ar", "sd", "ngram", "mirror"};
    static final String[] SCHEMAS = {
        // nested objects
        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":10},\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":120}},\"required\":[\"name\",\"age\"],\"additionalProperties\":false}",
        "{\"type\":\"object\",\"properties\":{\"hero\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":8},\"brave\":{\"type\":\"boolean\"}},\"required\":[\"name\",\"brave\"]},\"place\":{\"type\":\"string\",\"maxLength\":12}},\"required\":[\"hero\",\"place\"]}",
        "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"object\",\"properties\":{\"c\":{\"type\":\"integer\",\"minimum\":-5,\"maximum\":5}},\"required\":[\"c\"]}},\"required\":[\"b\"]}},\"required\":[\"a\"]}",
        // arrays
        "{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":99},\"minItems\":1,\"maxItems\":5}",
        "{\"type\":\"object\",\"properties\":{\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":6},\"maxItems\":3}},\"required\":[\"tags\"]}",
        "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\",\"maximum\":9,\"minimum\":0},\"y\":{\"type\":\"integer\",\"maximum\":9,\"minimum\":0}},\"required\":[\"x\",\"y\"]},\"minItems\":2,\"maxItems\":3}",
        // enums and consts
        "{\"type\":\"object\",\"properties\":{\"color\":{\"enum\":[\"red\",\"green\",\"blue\"]},\"size\":{\"enum\":[1,2,3,null]}},\"required\":[\"color\",\"size\"]}",
        "{\"enum\":[\"yes\",\"no\",\"maybe\"]}",
        "{\"type\":\"object\",\"properties\":{\"kind\":{\"const\":\"story\"},\"mood\":{\"type\":\"string\",\"enum\":[\"happy\",\"sad\"]}},\"required\":[\"kind\",\"mood\"]}",
        // anyOf / oneOf
        "{\"type\":\"object\",\"properties\":{\"value\":{\"anyOf\":[{\"type\":\"integer\",\"minimum\":0,\"maximum\":1000},{\"type\":\"string\",\"maxLength\":5},{\"type\":\"null\"}]}},\"required\":[\"value\"]}",
        "{\"anyOf\":[{\"type\":\"object\",\"properties\":{\"cat\":{\"type\":\"string\",\"maxLength\":6}},\"required\":[\"cat\"],\"additionalProperties\":false},{\"type\":\"object\",\"properties\":{\"dog\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":9}},\"required\":[\"dog\"],\"additionalProperties\":false}]}",
        "{\"oneOf\":[{\"type\":\"integer\",\"minimum\":0,\"maximum\":50},{\"type\":\"integer\",\"minimum\":40,\"maximum\":90}]}",
        // patterns and formats
        "{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\",\"pattern\":\"^[A-Z]{3}-[0-9]{2,4}$\"}},\"required\":[\"code\"]}",
        "{\"type\":\"object\",\"properties\":{\"word\":{\"type\":\"string\",\"pattern\":\"^[a-z]+$\",\"maxLength\":7},\"n\":{\"type\":\"string\",\"pattern\":\"^\\\\d{1,3}$\"}},\"required\":[\"word\",\"n\"]}",
        "{\"type\":\"object\",\"properties\":{\"day\":{\"type\":\"string\",\"format\":\"date\"},\"id\":{\"type\":\"string\",\"format\":\"uuid\"}},\"required\":[\"day\",\"id\"]}",
        "{\"type\":\"string\",\"pattern\":\"^(cat|dog|owl)s?( [a-z]{1,4}){0,2}$\"}",
        // $ref / $defs, optional properties, numbers
        "{\"$defs\":{\"pt\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"number\",\"minimum\":0,\"maximum\":10},\"y\":{\"type\":\"number\",\"minimum\":0,\"maximum\":10}},\"required\":[\"x\",\"y\"]}},\"type\":\"object\",\"properties\":{\"from\":{\"$ref\":\"#/$defs/pt\"},\"to\":{\"$ref\":\"#/$defs/pt\"}},\"required\":[\"from\",\"to\"]}",
        "{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\",\"maxLength\":10},\"pages\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":999},\"draft\":{\"type\":\"boolean\"}},\"required\":[\"title\"]}",
        "{\"type\":\"object\",\"properties\":{\"scores\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":10},\"propertyNames\":{\"pattern\":\"^[a-z]{1,6}$\"},\"maxProperties\":3}},\"required\":[\"scores\"]}",
        "{\"type\":[\"boolean\",\"null\"]}",
    };

    private static TestServer server;
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    @BeforeAll
    static void start() {
        server = TestServer.start("--draft", SharedFiles.model("llama2xs-280K.bin").toString(), "--gamma", "4");
    }

    @AfterAll
    static void stop() { server.close(); }

    private static String body(String schema, String method, boolean greedy, long seed, boolean chat) {
        String format = "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\",\"strict\":true,\"schema\":" + schema + "}}";
        String sampling = greedy ? "\"temperature\":0" : "\"temperature\":1,\"seed\":" + seed;
        String input = chat ? "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about Lily\"}]" : "\"prompt\":\"Once upon a time\"";
        return "{" + input + ",\"max_tokens\":160," + sampling + ",\"decoding\":\"" + method + "\"," + format + "}";
    }

    private static String text(JsonNode r) {
        JsonNode c = r.get("choices").get(0);
        return c.has("message") ? c.get("message").get("content").asText() : c.get("text").asText();
    }

    /** 20 schemas x (4 methods greedy + 4 methods T = 1 + 2 more seeds) = 200 requests. */
    @Test
    void everyOutputValidatesAndSpeculationEqualsArUnderGreedy() {
        int requests = 0;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < SCHEMAS.length; i++) {
            String schema = SCHEMAS[i];
            Schema validator = REGISTRY.getSchema(schema, InputFormat.JSON);
            boolean chat = i % 2 == 1;
            String path = chat ? "/v1/chat/completions" : "/v1/completions";
            String arText = null;
            for (String method : METHODS) {
                JsonNode r = server.postJson(path, body(schema, method, true, 0, chat), 200);
                requests++;
                String out = text(r);
                check(validator, schema, method + " greedy", out, r, failures);
                if (arText == null) arText = out;
                else if (!arText.equals(out)) failures.add(method + " greedy differs from ar on " + schema + ": " + out + " vs " + arText);
            }
            for (int k = 0; k < 6; k++) {
                String method = METHODS[k % METHODS.length];
                JsonNode r = server.postJson(path, body(schema, method, false, 1000L * i + k, chat), 200);
                requests++;
                check(validator, schema, method + " T=1 seed " + (1000L * i + k), text(r), r, failures);
            }
        }
        assertEquals(200, requests);
        assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n", failures));
    }

    private static void check(Schema validator, String schema, String what, String out, JsonNode r, List<String> failures) {
        String finish = r.get("choices").get(0).get("finish_reason").asText();
        if (!finish.equals("stop")) {
            failures.add(what + ": finish_reason " + finish + " on " + schema + ": " + out);
            return;
        }
        try {
            TestServer.JSON.readTree(out);
        } catch (Exception e) {
            failures.add(what + ": does not parse: " + out);
            return;
        }
        var errors = validator.validate(out, InputFormat.JSON);
        if (!errors.isEmpty()) failures.add(what + ": " + errors + " for " + out + " on " + schema);
    }

    /**
     * json_object: any object. Its strings are unbounded, and the tiny story model happily writes a story into
     * one, so a cut output is checked to be a prefix of some object; a finished one must parse as an object.
     */
    @Test
    void jsonObjectGivesAnObjectStreamedAndNot() throws Exception {
        for (String method : METHODS) {
            JsonNode r = server.postJson("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                    + "\"max_tokens\":120,\"temperature\":0,\"decoding\":\"" + method + "\",\"response_format\":{\"type\":\"json_object\"}}", 200);
            checkObject(text(r), r.get("choices").get(0).get("finish_reason").asText());
        }
        var sse = Sse.parse(server.post("/v1/completions", "{\"prompt\":\"Once\",\"max_tokens\":120,"
                + "\"temperature\":0,\"stream\":true,\"response_format\":{\"type\":\"json_object\"}}").body());
        checkObject(sse.text(0), null);
    }

    private static void checkObject(String out, String finish) throws Exception {
        if ("stop".equals(finish)) {
            assertTrue(TestServer.JSON.readTree(out).isObject(), out);
            return;
        }
        dk.brics.automaton.State s = org.mirrorsd.decoding.constraint.JsonSchemaCompiler.anyObject().getInitialState();
        for (char c : out.toCharArray()) {
            s = s.step(c);
            assertTrue(s != null, "not a prefix of a JSON object: " + out);
        }
        assertTrue(out.startsWith("{"), out);
    }

    @Test
    void logitBiasIsAppliedAndValidated() {
        String base = "{\"prompt\":\"Once upon\",\"max_tokens\":6,\"temperature\":0";
        JsonNode free = server.postJson("/v1/completions", base + ",\"logprobs\":0}", 200);
        String first = free.get("choices").get(0).get("logprobs").get("tokens").get(0).asText();
        int id = firstTokenId(base);
        for (String method : METHODS) {
            JsonNode r = server.postJson("/v1/completions", base + ",\"logprobs\":0,\"decoding\":\"" + method
                    + "\",\"logit_bias\":{\"" + id + "\":-100}}", 200);
            assertTrue(!r.get("choices").get(0).get("logprobs").get("tokens").get(0).asText().equals(first), method);
        }
        for (String bad : List.of("{\"abc\":5}", "{\"5\":1000}", "{\"99999\":5}", "[1,2]", "{\"1\":\"x\"}", "{\"-1\":1}")) {
            JsonNode err = TestServer.parse(server.post("/v1/completions", base + ",\"logit_bias\":" + bad + "}").body());
            assertEquals("logit_bias", err.get("error").get("param").asText(), bad);
        }
    }

    /** The greedy first token's id, from the reference decoder. */
    private static int firstTokenId(String base) {
        return ReferenceGeneration.completion("Once upon", 6).tokens()[0];
    }

    @Test
    void unsupportedSchemaFeaturesAre400NamingTheirPlace() {
        String[][] cases = {
            {"{\"type\":\"object\",\"properties\":{\"x\":{\"not\":{\"type\":\"string\"}}}}", "response_format.json_schema.schema.properties.x.not"},
            {"{\"type\":\"string\",\"pattern\":\"a(?=b)\"}", "response_format.json_schema.schema.pattern"},
            {"{\"type\":\"array\",\"uniqueItems\":true}", "response_format.json_schema.schema.uniqueItems"},
            {"{\"type\":\"string\",\"format\":\"iri\"}", "response_format.json_schema.schema.format"},
        };
        for (String[] c : cases) {
            var resp = server.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                    + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":" + c[0] + "}}}");
            assertEquals(400, resp.statusCode(), resp.body());
            assertEquals(c[1], TestServer.parse(resp.body()).get("error").get("param").asText(), resp.body());
        }
        var resp = server.post("/v1/completions", "{\"prompt\":\"x\",\"response_format\":{\"type\":\"xml\"}}");
        assertEquals(400, resp.statusCode());
        assertEquals("response_format.type", TestServer.parse(resp.body()).get("error").get("param").asText());
    }
}
