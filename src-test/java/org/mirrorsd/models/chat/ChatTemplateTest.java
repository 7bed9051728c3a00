package org.mirrorsd.models.chat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mirrorsd.models.gguf.GgufFile;
import org.mirrorsd.models.tokenizer.Tokenizer;
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
    void detectsStyleFromJinjaMarkers() {
        assertEquals("llama3", ChatTemplates.detect("{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' }}", null).name());
        assertEquals("chatml", ChatTemplates.detect("{{'<|im_start|>' + message['role'] + '\n'}}", null).name());
        assertEquals("zephyr", ChatTemplates.detect("{{ '<|user|>\n' + message['content'] + eos_token }}", null).name());
        assertEquals("llama2", ChatTemplates.detect("{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}", null).name());
        assertEquals("plain", ChatTemplates.detect("{{ messages }}", null).name());
        assertEquals("plain", ChatTemplates.detect(null, null).name());
    }

    @Test
    void detectsPhi3FromItsGgufAndRendersTheTokensLlamaCppWould() throws IOException {
        try (GgufFile gguf = GgufFile.open(SHARED.resolve("vocab/ggml-vocab-phi-3.gguf"))) {
            Tokenizer tokenizer = Tokenizers.fromGguf(gguf);
            ChatTemplate t = ChatTemplates.detect(gguf.getString("tokenizer.chat_template"), tokenizer);
            assertInstanceOf(ZephyrChatTemplate.class, t);
            assertEquals("phi3", t.name());
            String prompt = t.render(List.of(ChatMessage.user("SYS\nHI")), true);
            assertEquals("<|user|>\nSYS\nHI<|end|>\n<|assistant|>\n", prompt);
            assertArrayEquals(new int[] {32010, 317, 21554, 13, 17628, 32007, 32001}, tokenizer.encode(prompt, true));
        }
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
}
