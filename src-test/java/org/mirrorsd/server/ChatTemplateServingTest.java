package org.mirrorsd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorsd.models.gguf.GgufFile;
import org.mirrorsd.models.gguf.GgufTensorInfo;
import org.mirrorsd.models.gguf.GgufWriter;
import org.mirrorsd.models.tokenizer.Tokenizer;
import org.mirrorsd.models.tokenizer.Tokenizers;
import org.mirrorsd.testing.SharedFiles;

/**
 * A served GGUF whose {@code tokenizer.chat_template} we set renders every chat request through that template
 * (over real loopback HTTP): message fields, tool calls and {@code chat_template_kwargs} reach it, and a
 * template's {@code raise_exception} is a 400 with its message.
 */
class ChatTemplateServingTest {
    /** Writes what it saw so the prompt's token count tells us the template ran, with which inputs. */
    static final String TEMPLATE = "{{ bos_token }}{% for m in messages %}"
            + "{% if m.role == 'system' %}{{ raise_exception('This model takes no system messages.') }}{% endif %}"
            + "<{{ m.role }}>{{ m.content }}{% if m.tool_calls %} calls {{ m.tool_calls[0].function.name }}"
            + " with {{ m.tool_calls[0].function.arguments.city }}{% endif %}{% if m.name %} from {{ m.name }}{% endif %}"
            + "{{ '\\n' }}" // a newline right after a block tag would go (trim_blocks)
            + "{% endfor %}{% if mood is defined %}mood: {{ mood }}\n{% endif %}"
            + "{% if add_generation_prompt %}<assistant>{% endif %}";

    static TestServer server;
    static Tokenizer tokenizer;

    @BeforeAll
    static void start(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("stories260K-chat.gguf");
        try (GgufFile src = GgufFile.open(SharedFiles.model("stories260K.gguf"))) {
            GgufWriter w = new GgufWriter();
            src.metadata().forEach(w::put);
            w.put("tokenizer.chat_template", TEMPLATE);
            for (GgufTensorInfo t : src.tensors()) {
                w.tensor(t.name(), t.shape(), t.type(), out -> out.put(t.data().asByteBuffer()));
            }
            w.write(model);
        }
        try (GgufFile gguf = GgufFile.open(model)) {
            tokenizer = Tokenizers.fromGguf(gguf);
        }
        server = TestServer.startModel(model);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    /** What the server should feed the model for a rendered prompt: BOS (added by the tokenizer) and the text. */
    static int tokens(String renderedWithoutBos) {
        return 1 + tokenizer.encode(renderedWithoutBos, true).length;
    }

    static int promptTokens(String body) {
        JsonNode r = server.postJson("/v1/chat/completions", body, 200);
        return r.get("usage").get("prompt_tokens").asInt();
    }

    @Test
    void everyChatRequestGoesThroughTheModelsTemplate() {
        String messages = "\"messages\": [{\"role\": \"user\", \"content\": \"Once upon a time\"}]";
        assertEquals(tokens("<user>Once upon a time\n<assistant>"),
                promptTokens("{" + messages + ", \"max_tokens\": 1}"));
        assertEquals(tokens("<user>Once upon a time\nmood: sleepy\n<assistant>"),
                promptTokens("{" + messages + ", \"max_tokens\": 1, \"chat_template_kwargs\": {\"mood\": \"sleepy\"}}"));
    }

    @Test
    void toolCallsAndNamesReachTheTemplate() {
        String body = "{\"max_tokens\": 1, \"messages\": ["
                + "{\"role\": \"user\", \"content\": \"Weather?\", \"name\": \"tim\"},"
                + "{\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": [{\"id\": \"c1\", \"type\": \"function\","
                + " \"function\": {\"name\": \"weather\", \"arguments\": \"{\\\"city\\\": \\\"Oslo\\\"}\"}}]},"
                + "{\"role\": \"tool\", \"content\": \"rain\", \"tool_call_id\": \"c1\"}]}";
        // the arguments string arrives as an object, as templates expect (arguments.city)
        assertEquals(tokens("<user>Weather? from tim\n<assistant> calls weather with Oslo\n<tool>rain\n<assistant>"),
                promptTokens(body));
    }

    @Test
    void aTemplateErrorIsABadRequestWithItsMessage() {
        JsonNode r = server.postJson("/v1/chat/completions", "{\"max_tokens\": 1, \"messages\": ["
                + "{\"role\": \"system\", \"content\": \"Be nice.\"}, {\"role\": \"user\", \"content\": \"Hi\"}]}", 400);
        assertEquals("This model takes no system messages.", r.get("error").get("message").asText());
        assertEquals("messages", r.get("error").get("param").asText());

        r = server.postJson("/v1/chat/completions", "{\"max_tokens\": 1, \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}],"
                + " \"chat_template_kwargs\": [1]}", 400);
        assertEquals("chat_template_kwargs", r.get("error").get("param").asText());
        assertTrue(r.get("error").get("message").asText().contains("object"), r.toString());
    }

}
