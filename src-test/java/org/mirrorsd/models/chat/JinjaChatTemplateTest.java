package org.mirrorsd.models.chat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mirrorsd.models.chat.jinja.PyJinja;
import org.mirrorsd.models.chat.jinja.PyTemplateError;
import org.mirrorsd.models.gguf.GgufFile;
import org.mirrorsd.models.tokenizer.Tokenizer;
import org.mirrorsd.models.tokenizer.Tokenizers;
import org.mirrorsd.testing.SharedFiles;

/**
 * The model's own Jinja chat template rendered as Hugging Face transformers renders it: every record of
 * {@code shared/templates/cases.jsonl} (texts, and the errors where Python fails), and the Python behaviours
 * templates rely on, with expectations Python's jinja2 3.1 printed.
 */
class JinjaChatTemplateTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The clock the fixtures were rendered with. */
    static final Clock FIXTURE_CLOCK = Clock.fixed(LocalDateTime.of(2026, 1, 15, 0, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);

    static Stream<Arguments> cases() throws IOException {
        Path file = SharedFiles.file("templates/cases.jsonl");
        List<Arguments> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            Map<?, ?> r = JSON.readValue(line, Map.class);
            out.add(Arguments.of(Named.of(r.get("template") + " / " + r.get("conversation"), r)));
        }
        return out.stream();
    }

    @SuppressWarnings("unchecked")
    static ChatPrompt prompt(Map<?, ?> r) {
        return new ChatPrompt((List<Map<String, Object>>) r.get("messages"), (List<Map<String, Object>>) r.get("tools"),
                Boolean.TRUE.equals(r.get("add_generation_prompt")), (Map<String, Object>) r.get("extra"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void rendersEverySharedCaseAsTransformersDoes(Map<?, ?> r) throws IOException {
        String source = Files.readString(SharedFiles.file("templates/" + r.get("template")));
        JinjaChatTemplate t = new JinjaChatTemplate(source, (String) r.get("bos_token"), (String) r.get("eos_token"))
                .withClock(FIXTURE_CLOCK);
        if (r.get("expected") != null) {
            assertEquals(r.get("expected"), t.renderText(prompt(r)));
            return;
        }
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> t.renderText(prompt(r)));
        if ("raise_exception".equals(r.get("error_type"))) {
            assertEquals(r.get("error"), e.getMessage());
            assertTrue(e.raisedByTemplate());
        } else {
            assertFalse(e.raisedByTemplate(), "a runtime error (" + r.get("error_type") + "), not the template's own: " + e.getMessage());
        }
    }

    static Stream<Arguments> pythonBehaviours() throws IOException {
        List<Arguments> out = new ArrayList<>();
        try (InputStream in = JinjaChatTemplateTest.class.getResourceAsStream("jinja-python.jsonl")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) continue;
                Map<?, ?> r = JSON.readValue(line, Map.class);
                String name = (String) r.get("template");
                out.add(Arguments.of(Named.of(name.length() > 70 ? name.substring(0, 70) + "..." : name, r)));
            }
        }
        return out.stream();
    }

    /** Snippets whose expected text (or error class) Python's jinja2 3.1 produced under transformers' settings. */
    @ParameterizedTest
    @MethodSource("pythonBehaviours")
    @SuppressWarnings("unchecked")
    void behavesAsPythonsJinja2(Map<?, ?> r) {
        String template = (String) r.get("template");
        Map<String, Object> vars = (Map<String, Object>) r.get("vars");
        if (r.get("text") != null) {
            assertEquals(r.get("text"), PyJinja.instance().render(template, vars, FIXTURE_CLOCK));
        } else {
            String pythonError = ((String) r.get("error")).split(":")[0];
            PyTemplateError e = assertThrows(PyTemplateError.class, () -> PyJinja.instance().render(template, vars, FIXTURE_CLOCK));
            String expectedType = pythonError.equals("TemplateError") ? "raise_exception" : pythonError;
            assertEquals(expectedType, e.pythonType(), e.getMessage());
        }
    }

    @Test
    void promptDropsTheBosTheTokenizerAddsAndKeepsEverythingElse() {
        String source = "{{ bos_token }}{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}"
                + "{% if add_generation_prompt %}[assistant]{% endif %}{{ flavour | default('plain') }}";
        ChatPrompt p = new ChatPrompt(List.of(Map.of("role", "user", "content", "hi")), null, true, Map.of("flavour", "spicy"));
        JinjaChatTemplate addsBos = new JinjaChatTemplate(source, "<s>", "</s>", true, Clock.systemUTC());
        assertEquals("<s>[user] hi\n[assistant]spicy", addsBos.renderText(p));
        assertEquals("[user] hi\n[assistant]spicy", addsBos.render(p));
        JinjaChatTemplate keepsBos = new JinjaChatTemplate(source, "<s>", "</s>", false, Clock.systemUTC());
        assertEquals("<s>[user] hi\n[assistant]spicy", keepsBos.render(p));
        assertEquals("jinja", addsBos.name());
        assertEquals(source, addsBos.source());
    }

    @Test
    void toolsAreNoneButDefinedAndAbsentTokensUndefined() {
        JinjaChatTemplate t = new JinjaChatTemplate("{{ tools is defined }} {{ tools is none }} {{ tools }} "
                + "{{ bos_token is defined }} {{ documents is none }}", null, null);
        assertEquals("True True None False True", t.renderText(ChatPrompt.of(List.of(ChatMessage.user("x")), true)));
        ChatPrompt withTools = new ChatPrompt(List.of(Map.of("role", "user", "content", "x")),
                List.of(Map.of("type", "function")), true, Map.of());
        assertEquals("True False [{'type': 'function'}] False True", t.renderText(withTools));
    }

    @Test
    void strftimeNowReadsTheClock() {
        JinjaChatTemplate t = new JinjaChatTemplate("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%B %d, %Y') }}", null, null)
                .withClock(FIXTURE_CLOCK);
        assertEquals("15 Jan 2026|January 15, 2026", t.renderText(ChatPrompt.of(List.of(), false)));
    }

    @Test
    void messageTextIsNeverTemplateCode() {
        JinjaChatTemplate t = new JinjaChatTemplate("{% for m in messages %}{{ m.content }}{% endfor %}", null, null);
        assertEquals("{{ 7 * 7 }} {% raw %}", t.renderText(ChatPrompt.of(List.of(ChatMessage.user("{{ 7 * 7 }} {% raw %}")), false)));
    }

    @Test
    void aTemplateThatDoesNotParseIsATemplateError() {
        JinjaChatTemplate t = new JinjaChatTemplate("{% if %}", null, null);
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> t.renderText(ChatPrompt.of(List.of(), false)));
        assertFalse(e.raisedByTemplate());
    }

    @Test
    void theVocabularysOwnTemplateIsUsedAndRendersWhatLlamaCppTokenizes() throws IOException {
        try (GgufFile gguf = GgufFile.open(SharedFiles.file("vocab/ggml-vocab-phi-3.gguf"))) {
            Tokenizer tokenizer = Tokenizers.fromGguf(gguf);
            ChatTemplate t = ChatTemplates.detect(gguf.getString("tokenizer.chat_template"), tokenizer);
            JinjaChatTemplate jinja = assertInstanceOf(JinjaChatTemplate.class, t);
            ChatPrompt p = ChatPrompt.of(List.of(ChatMessage.user("SYS\nHI")), true);
            assertEquals("<s><|user|>\nSYS\nHI<|end|>\n<|assistant|>\n", jinja.renderText(p));
            // the tokenizer adds BOS itself, so the prompt leaves it out (as llama.cpp does)
            assertEquals("<|user|>\nSYS\nHI<|end|>\n<|assistant|>\n", t.render(p));
            assertArrayEquals(new int[] {32010, 317, 21554, 13, 17628, 32007, 32001}, tokenizer.encode(t.render(p), true));
        }
    }

    @Test
    void templatesThatCannotRenderFallBackToTheStyleTheirMarkersName() {
        // Jinja that fails on a plain conversation (undefined 'message'): the markers still choose a style
        assertEquals("llama3", ChatTemplates.detect("{{ '<|start_header_id|>' + message['role'] }}", null).name());
        assertEquals("chatml", ChatTemplates.detect("{% for %}<|im_start|>", null).name());
        // a template that renders, and one that only raises on this conversation, are used as they are
        assertEquals("jinja", ChatTemplates.detect("{{ messages }}", null).name());
        assertEquals("jinja", ChatTemplates.detect("{{ raise_exception('System role required') }}", null).name());
        assertNotEquals("jinja", ChatTemplates.detect(null, null).name());
    }
}
