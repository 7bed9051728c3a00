package org.mirrorsd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorsd.testing.SharedFiles;

/** {@code mirror-sd chat-template} end to end: every shared case through the command, model files, bad input. */
class ChatTemplateCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    record Run(int code, String out, String err) {}

    static synchronized Run run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            int code = Main.run(args, o, e);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void rendersEverySharedCaseAsRecorded() throws Exception {
        Path cases = SharedFiles.file("templates/cases.jsonl");
        Run r = run("chat-template", "--template", SharedFiles.file("templates").toString(), "--cases", cases.toString(),
                "--now", "2026-01-15T00:00:00");
        assertEquals(0, r.code(), r.err());
        List<String> expected = Files.readAllLines(cases, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        List<String> got = r.out().lines().toList();
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < expected.size(); i++) {
            Map<?, ?> want = JSON.readValue(expected.get(i), Map.class);
            Map<?, ?> line = JSON.readValue(got.get(i), Map.class);
            String name = want.get("template") + " / " + want.get("conversation");
            if (want.get("expected") != null) {
                assertEquals(want.get("expected"), line.get("text"), name);
            } else {
                assertTrue(line.containsKey("error"), name + ": " + line);
                if ("raise_exception".equals(want.get("error_type"))) assertEquals(want.get("error"), line.get("error"), name);
                else assertFalse("raise_exception".equals(line.get("error_type")), name);
            }
        }
    }

    @Test
    void aVocabularyOnlyModelGivesItsTemplateAndTokens(@TempDir Path dir) throws Exception {
        Path model = SharedFiles.file("vocab/ggml-vocab-phi-3.gguf");
        Path messages = Files.writeString(dir.resolve("m.json"), "[{\"role\": \"user\", \"content\": \"SYS\\nHI\"}]");
        Run r = run("chat-template", "--model", model.toString(), "--messages", messages.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("<s><|user|>\nSYS\nHI<|end|>\n<|assistant|>\n", r.out());

        // a record that leaves bos_token null gets the model's; one that sets it keeps its own
        // (Phi-3's template opens the assistant turn after every user turn, generation prompt or not)
        Path cases = Files.writeString(dir.resolve("c.jsonl"),
                "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}], \"add_generation_prompt\": false, \"bos_token\": null}\n"
                + "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}], \"add_generation_prompt\": false, \"bos_token\": \"[B]\"}\n");
        r = run("chat-template", "--model", model.toString(), "--cases", cases.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("{\"text\":\"<s><|user|>\\na<|end|>\\n<|assistant|>\\n\"}",
                        "{\"text\":\"[B]<|user|>\\na<|end|>\\n<|assistant|>\\n\"}"),
                r.out().lines().toList());
    }

    @Test
    void aRequestBodyRendersWithItsTemplateKwargs(@TempDir Path dir) throws Exception {
        Path template = SharedFiles.file("templates/Qwen-Qwen3-0.6B.jinja");
        Path body = Files.writeString(dir.resolve("body.json"), "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                + " \"chat_template_kwargs\": {\"enable_thinking\": false}}");
        Run r = run("chat-template", "--template", template.toString(), "--messages", body.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n", r.out());
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo(@TempDir Path dir) throws Exception {
        Path template = SharedFiles.file("templates/google-gemma-2-2b-it.jinja");
        Path cases = Files.writeString(dir.resolve("bad.jsonl"), "{\"messages\": [}\n");
        Run r = run("chat-template", "--template", template.toString(), "--cases", cases.toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("bad.jsonl:1"), r.err());

        r = run("chat-template", "--template", template.toString());
        assertEquals(2, r.code());
        r = run("chat-template", "--model", dir.resolve("missing.gguf").toString(), "--messages", cases.toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
    }
}
