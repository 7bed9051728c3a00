package org.mirrorsd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mirrorsd.testing.SharedFiles;

/**
 * Tool calling with the official OpenAI Java SDK over loopback: a request with tools gets {@code tool_calls}
 * (forced by {@code tool_choice} required or named, arguments valid for the parameters' schema), the call's
 * result goes back as a {@code tool} message, and the model answers. Streamed (the SDK's accumulator) and not.
 */
class ToolCallTest {
    private static final String PARAMS = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":12},"
            + "\"unit\":{\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"city\",\"unit\"],\"additionalProperties\":false}";
    private static TestServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        server = TestServer.start("--draft", SharedFiles.model("llama2xs-280K.bin").toString(), "--gamma", "4");
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.server.port() + "/v1").apiKey("unused").build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private static FunctionDefinition weather() {
        FunctionParameters.Builder p = FunctionParameters.builder();
        TestServer.parse(PARAMS).fields().forEachRemaining(e -> p.putAdditionalProperty(e.getKey(),
                JsonValue.from(TestServer.JSON.convertValue(e.getValue(), Object.class))));
        return FunctionDefinition.builder().name("get_weather").description("Current weather in a city").parameters(p.build()).build();
    }

    private static FunctionDefinition time() {
        return FunctionDefinition.builder().name("get_time").parameters(FunctionParameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("zone", Map.of("enum", List.of("utc", "cet")))))
                .putAdditionalProperty("required", JsonValue.from(List.of("zone"))).build()).build();
    }

    private static ChatCompletionCreateParams.Builder ask(String method) {
        return ChatCompletionCreateParams.builder().model(TestServer.MODEL_ID)
                .addUserMessage("What is the weather in Paris?")
                .addFunctionTool(weather()).addFunctionTool(time())
                .maxCompletionTokens(160).temperature(0.0)
                // One call per turn: the tiny model, allowed more, writes calls until max_tokens.
                .parallelToolCalls(false)
                .putAdditionalBodyProperty("decoding", JsonValue.from(method));
    }

    private static ChatCompletion streamed(ChatCompletionCreateParams params) {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            s.stream().forEach(acc::accumulate);
        }
        return acc.chatCompletion();
    }

    @Test
    void roundTripRequiredStreamedAndNot() {
        for (String method : List.of("ar", "sd", "mirror")) {
            ChatCompletionCreateParams first = ask(method).toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build();
            ChatCompletion plain = client.chat().completions().create(first);
            ChatCompletion stream = streamed(first);
            for (ChatCompletion c : List.of(plain, stream)) {
                assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, c.choices().get(0).finishReason(), method);
                ChatCompletionMessage m = c.choices().get(0).message();
                assertFalse(m.toolCalls().orElseThrow().isEmpty());
                for (var call : m.toolCalls().get()) checkCall(call.asFunction());
            }
            // Greedy: the streamed call is the same call.
            assertEquals(calls(plain), calls(stream), method);

            // The tool's result goes back; the model answers in text.
            ChatCompletionMessageFunctionToolCall call = plain.choices().get(0).message().toolCalls().get().get(0).asFunction();
            ChatCompletionCreateParams second = ask(method)
                    .addMessage(plain.choices().get(0).message())
                    .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("{\"temp\":21}").build())
                    .toolChoice(ChatCompletionToolChoiceOption.Auto.NONE).maxCompletionTokens(24).build();
            for (ChatCompletion answer : List.of(client.chat().completions().create(second), streamed(second))) {
                ChatCompletionMessage m = answer.choices().get(0).message();
                assertTrue(m.toolCalls().map(List::isEmpty).orElse(true), method);
                assertFalse(m.content().orElse("").isEmpty(), method);
            }
        }
    }

    @Test
    void namedChoiceCallsThatFunction() {
        ChatCompletionCreateParams p = ask("ngram").toolChoice(ChatCompletionNamedToolChoice.builder()
                .function(ChatCompletionNamedToolChoice.Function.builder().name("get_time").build()).build()).build();
        for (ChatCompletion c : List.of(client.chat().completions().create(p), streamed(p))) {
            var call = c.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
            assertEquals("get_time", call.function().name());
            String zone = TestServer.parse(call.function().arguments()).get("zone").asText();
            assertTrue(zone.equals("utc") || zone.equals("cet"), call.function().arguments());
        }
    }

    /** The raw stream is shaped like OpenAI's: a head chunk per call (id, type, name, "" arguments), then fragments. */
    @Test
    void streamedCallsComeAsHeadAndArgumentFragments() {
        String body = "{\"model\":\"" + TestServer.MODEL_ID + "\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":" + PARAMS + "}}],"
                + "\"tool_choice\":\"required\",\"parallel_tool_calls\":false,\"temperature\":0,\"max_tokens\":120,\"stream\":true}";
        List<JsonNode> deltas = new ArrayList<>();
        String finish = null;
        for (String line : server.post("/v1/chat/completions", body).body().split("\n")) {
            if (!line.startsWith("data: {")) continue;
            JsonNode choice = TestServer.parse(line.substring(6)).get("choices").get(0);
            deltas.add(choice.get("delta"));
            if (!choice.get("finish_reason").isNull()) finish = choice.get("finish_reason").asText();
        }
        assertEquals("tool_calls", finish);
        JsonNode head = deltas.get(0).get("tool_calls").get(0);
        assertEquals(0, head.get("index").asInt());
        assertTrue(head.get("id").asText().startsWith("call_"));
        assertEquals("function", head.get("type").asText());
        assertEquals("get_weather", head.get("function").get("name").asText());
        assertEquals("", head.get("function").get("arguments").asText());
        StringBuilder args = new StringBuilder();
        for (JsonNode d : deltas.subList(1, deltas.size())) {
            if (d.has("tool_calls")) {
                JsonNode frag = d.get("tool_calls").get(0);
                assertFalse(frag.has("id"));
                args.append(frag.get("function").get("arguments").asText());
            }
        }
        assertTrue(SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(PARAMS, InputFormat.JSON)
                .validate(args.toString(), InputFormat.JSON).isEmpty(), args.toString());
    }

    @Test
    void badToolRequestsAre400NamingTheParam() {
        String[][] cases = {
            {"/v1/chat/completions", "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"g\"}}", "tool_choice"},
            {"/v1/completions", "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]", "tools"},
            {"/v1/chat/completions", "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\",\"properties\":{\"x\":{\"not\":{}}}}}}],\"tool_choice\":\"required\"",
                "tools[0].function.parameters.properties.x.not"},
            {"/v1/chat/completions", "\"tool_choice\":\"required\"", "tool_choice"},
        };
        for (String[] c : cases) {
            String input = c[0].contains("chat") ? "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" : "\"prompt\":\"hi\"";
            var r = server.post(c[0], "{" + input + "," + c[1] + "}");
            assertEquals(400, r.statusCode(), r.body());
            assertEquals(c[2], TestServer.parse(r.body()).get("error").get("param").asText(), r.body());
        }
    }

    private static void checkCall(ChatCompletionMessageFunctionToolCall call) {
        assertTrue(call.id().startsWith("call_"));
        String name = call.function().name();
        assertTrue(name.equals("get_weather") || name.equals("get_time"), name);
        if (name.equals("get_weather")) {
            var errors = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(PARAMS, InputFormat.JSON)
                    .validate(call.function().arguments(), InputFormat.JSON);
            assertTrue(errors.isEmpty(), errors + " " + call.function().arguments());
        }
    }

    private static List<String> calls(ChatCompletion c) {
        List<String> out = new ArrayList<>();
        for (var call : c.choices().get(0).message().toolCalls().orElseThrow()) {
            out.add(call.asFunction().function().name() + call.asFunction().function().arguments());
        }
        return out;
    }
}
