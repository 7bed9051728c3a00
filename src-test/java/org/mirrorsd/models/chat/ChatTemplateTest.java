package org.mirrorsd.models.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.mirrorsd.models.gguf.GgufFile;
import org.mirrorsd.models.tokenizer.Tokenizers;

class ChatTemplateTest {
    static final Path SHARED = Path.of(System.getProperty("mirrorsd.shared", "../shared"));

    static final List<ChatMessage> ONE_TURN = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi!"));
    static final List<ChatMessage> TWO_TURNS = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi!"),
            ChatMessage.assistant("Hello."), ChatMessage.user("Name a colour."));

    @Test
    void llama2() {
        ChatTemplate t = ChatTemplates.byName("llama2");
        assertEquals("[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi! [/INST]", t.render(ONE_TURN, true));
        assertEquals("[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi! [/INST] Hello. </s><s>[INST] Name a colour. [/INST]",
                t.render(TWO_TURNS, true));
        assertEquals("[INST] Hi! [/INST]", t.render(List.of(ChatMessage.user(" Hi! ")), true));
        assertThrows(IllegalArgumentException.class,
                () -> t.render(List.of(ChatMessage.user("a"), ChatMessage.system("late")), true));
    }

    @Test
    void llama3() {
        ChatTemplate t = ChatTemplates.byName("llama3");
        assertEquals("<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nName a colour.<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", t.render(TWO_TURNS, true));
        assertEquals("<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>", t.render(ONE_TURN, false));
    }

    @Test
    void chatMl() {
        ChatTemplate t = ChatTemplates.byName("chatml");
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n"
                + "<|im_start|>assistant\nHello.<|im_end|>\n<|im_start|>user\nName a colour.<|im_end|>\n"
                + "<|im_start|>assistant\n", t.render(TWO_TURNS, true));
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n",
                t.render(ONE_TURN, false));
    }

    @Test
    void zephyrAndPhi3() {
        assertEquals("<|system|>\nBe brief.</s>\n<|user|>\nHi!</s>\n<|assistant|>\nHello.</s>\n"
                + "<|user|>\nName a colour.</s>\n<|assistant|>\n", ChatTemplates.byName("zephyr").render(TWO_TURNS, true));
        assertEquals("<|system|>\nBe brief.<|end|>\n<|user|>\nHi!<|end|>\n<|assistant|>\n",
                ChatTemplates.byName("phi3").render(ONE_TURN, true));
    }

    @Test
    void plain() {
        ChatTemplate t = ChatTemplates.byName("plain");
        assertEquals("System: Be brief.\nUser: Hi!\nAssistant: Hello.\nUser: Name a colour.\nAssistant:",
                t.render(TWO_TURNS, true));
        assertEquals("System: Be brief.\nUser: Hi!\n", t.render(ONE_TURN, false));
    }

    @Test
    void unknownNameIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChatTemplates.byName("vicuna"));
        assertEquals(true, e.getMessage().contains("vicuna"));
    }

    @Test
    void withoutTemplateTheVocabularyDecides() throws IOException {
        try (GgufFile gguf = GgufFile.open(SHARED.resolve("vocab/ggml-vocab-phi-3.gguf"))) {
            assertEquals("phi3", ChatTemplates.detect(null, Tokenizers.fromGguf(gguf)).name());
        }
        try (GgufFile gguf = GgufFile.open(SHARED.resolve("vocab/ggml-vocab-llama-spm.gguf"))) {
            assertEquals("plain", ChatTemplates.detect(null, Tokenizers.fromGguf(gguf)).name());
        }
    }

    @Test
    void builtInStylesOfferToolsInOneDocumentedFormat() {
        Map<String, Object> tool = new java.util.LinkedHashMap<>();
        tool.put("type", "function");
        tool.put("function", Map.of("name", "get_weather"));
        List<Map<String, Object>> messages = List.of(
                Map.of("role", "system", "content", "Be brief."),
                Map.of("role", "user", "content", List.of(Map.of("type", "text", "text", "Weather in "), Map.of("type", "text", "text", "Paris?"))),
                Map.of("role", "assistant", "content", "", "tool_calls", List.of(Map.of("type", "function",
                        "function", Map.of("name", "get_weather", "arguments", "{\"city\": \"Paris\"}")))),
                Map.of("role", "tool", "content", "18C", "tool_call_id", "1"));
        String prompt = ChatTemplates.byName("chatml").render(new ChatPrompt(messages, List.of(tool), true, Map.of()));
        assertEquals("<|im_start|>system\nBe brief.\n\nYou may call one or more functions to assist with the user query.\n\n"
                + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
                + "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\"}}\n</tools>\n\n"
                + "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n"
                + "<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n"
                + "<|im_start|>user\nWeather in Paris?<|im_end|>\n"
                + "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n"
                + "<|im_start|>user\n<tool_response>\n18C\n</tool_response><|im_end|>\n<|im_start|>assistant\n", prompt);
        // without tools nothing is added
        assertEquals("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
                ChatTemplates.byName("chatml").render(ChatPrompt.of(List.of(ChatMessage.user("hi")), true)));
    }
}
