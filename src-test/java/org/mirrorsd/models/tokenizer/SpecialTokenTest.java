package org.mirrorsd.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.mirrorsd.models.gguf.GgufFile;

class SpecialTokenTest {
    static final Path VOCAB = Path.of(System.getProperty("mirrorsd.shared", "../shared"), "vocab");

    private static Tokenizer load(String file) throws IOException {
        try (GgufFile gguf = GgufFile.open(VOCAB.resolve(file))) {
            return Tokenizers.fromGguf(gguf); // the tokenizer copies what it needs: usable after close
        }
    }

    @Test
    void llamaSpecialTokens() throws IOException {
        Tokenizer t = load("ggml-vocab-llama-spm.gguf");
        assertEquals(new SpecialTokens(1, 2, -1, 0, -1, true, false, Set.of(1, 2), Set.of(2)), t.special());
        // parse_special: "<s>" is BOS, and the text after it gets the dummy-prefix space again.
        assertArrayEquals(new int[] {1, 15043, 2}, t.encode("<s>Hello</s>", true));
        int[] literal = t.encode("<s>Hello");
        assertTrue(literal.length > 2 && literal[0] != 1);
        assertEquals("<s>Hello", t.decode(literal));
        // Control tokens decode to nothing.
        assertEquals("Hello", t.decode(new int[] {15043, 2}));
        assertArrayEquals(new byte[0], t.tokenBytes(1));
        assertEquals("▁Hello", t.piece(15043));
        assertArrayEquals(" Hello".getBytes(), t.tokenBytes(15043));
        assertArrayEquals(new byte[] {(byte) 0xF0}, t.tokenBytes(243)); // <0xF0>
        assertThrows(IllegalArgumentException.class, () -> t.tokenBytes(32000));
    }

    @Test
    void phi3SpecialTokensSwallowTheWhitespaceAfterThem() throws IOException {
        Tokenizer t = load("ggml-vocab-phi-3.gguf");
        assertEquals(32000, t.special().eos());
        assertEquals(32007, t.special().eot());
        assertTrue(t.special().isEndOfGeneration(32007) && t.special().isEndOfGeneration(32000));
        // llama.cpp output for this prompt (minus BOS): the newlines after <|user|>, <|end|>, <|assistant|> vanish,
        // because llama.cpp gives Phi-3's special tokens the RSTRIP attribute (keyed on general.name).
        assertArrayEquals(new int[] {32010, 317, 21554, 13, 17628, 32007, 32001},
                t.encode("<|user|>\nSYS\nHI<|end|>\n<|assistant|>\n", true));
        // Without parse_special the control tokens are plain text.
        int[] literal = t.encode("<|user|>");
        assertTrue(literal.length > 1, () -> java.util.Arrays.toString(literal));
    }

    @Test
    void gpt2EndOfText() throws IOException {
        Tokenizer t = load("ggml-vocab-gpt-2.gguf");
        assertEquals(50257, t.vocabularySize());
        assertEquals(50256, t.special().eos());
        assertEquals(false, t.special().addBos());
        assertArrayEquals(new int[] {15496, 50256, 15496}, t.encode("Hello<|endoftext|>Hello", true));
        assertEquals("Hello", t.decode(new int[] {15496, 50256}));
        assertEquals("Ġworld", t.piece(995));
        assertArrayEquals(" world".getBytes(), t.tokenBytes(995));
    }

    @Test
    void refusesUnknownAndUnsupportedPreTokenizersByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PreTokenizer.forName("tekken-9"));
        assertTrue(e.getMessage().contains("unknown pre-tokenizer 'tekken-9'"), e.getMessage());
        assertTrue(e.getMessage().contains("smollm"), "lists the known names: " + e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PreTokenizer.forName("kimi-k2"));
        assertTrue(e.getMessage().contains("'kimi-k2'") && e.getMessage().contains("not supported"), e.getMessage());
    }

    @Test
    void llama3PreTokenizerSplitsNumbersInThreesAndKeepsNewlinesApart() {
        assertEquals(List.of("Hello", " world", " ", "123", "45", "'S", " ok", "!\n\n", "x"),
                PreTokenizer.forName("llama-bpe").split("Hello world 12345'S ok!\n\nx"));
        // GPT-2 gives a newline before a word its own piece: "\s+(?!\S)" backs off one character.
        assertEquals(List.of("Hello", " world", " 12345", "'s", " ok", "!", "\n", "\n", "x"),
                PreTokenizer.forName("gpt-2").split("Hello world 12345's ok!\n\nx"));
    }

    @Test
    void spaceCleaningMatchesLlamaCpp() {
        // A lone apostrophe between spaces loses both; " 'd" keeps its space (llama.cpp leaves 't, 'd, 'll alone).
        assertEquals("Hi, you? I'm here'n there's 'd.", new String(SpaceCleaner.clean(
                "Hi , you ? I 'm here ' n there 's 'd .".getBytes())));
    }
}
