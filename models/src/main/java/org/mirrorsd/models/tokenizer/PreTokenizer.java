package org.mirrorsd.models.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into words before byte-level BPE, by the regex of the model family ({@code tokenizer.ggml.pre}).
 * {@code \s} is Unicode whitespace here (UNICODE_CHARACTER_CLASS), as in llama.cpp's unicode tables.
 */
enum PreTokenizer {
    /** GPT-2's pattern; llama.cpp leaves unmatched whitespace as its own word, which the final {@code \s+} does. */
    GPT2("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+", false, true),
    /** Llama 3: case-insensitive contractions, numbers in groups of up to three, whole words looked up first. */
    LLAMA3("(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", true, true),
    /** Qwen 2: as Llama 3 but single digits, and no space cleaning on decode. */
    QWEN2("(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", false, false);

    private final Pattern pattern;
    private final boolean ignoreMerges;
    private final boolean cleanSpaces;

    PreTokenizer(String regex, boolean ignoreMerges, boolean cleanSpaces) {
        this.pattern = Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
        this.ignoreMerges = ignoreMerges;
        this.cleanSpaces = cleanSpaces;
    }

    /** Whether a word that is itself a vocabulary token skips the merges (llama.cpp's ignore_merges). */
    boolean ignoreMerges() { return ignoreMerges; }

    /** Whether decoding applies llama.cpp's clean_spaces. */
    boolean cleanSpaces() { return cleanSpaces; }

    /**
     * The pre-tokenizer for a {@code tokenizer.ggml.pre} value. A missing value or "default" gets GPT-2's pattern
     * (Hugging Face's ByteLevel default); unknown names are refused rather than tokenized subtly wrong.
     */
    static PreTokenizer forName(String name) {
        if (name == null) return GPT2;
        return switch (name) {
            case "default", "gpt-2", "gpt2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v1-en",
                 "jina-v2-es", "jina-v2-de", "jina-v2-code", "roberta-bpe" -> GPT2;
            case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2" -> LLAMA3;
            case "qwen2", "deepseek-r1-qwen", "megrez" -> QWEN2;
            default -> throw new IllegalArgumentException("unsupported pre-tokenizer '" + name
                    + "' (tokenizer.ggml.pre); supported: default, gpt-2, llama3/llama-bpe, qwen2 and aliases");
        };
    }

    /** The words of {@code text}, in order; every character belongs to exactly one word. */
    List<String> split(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) words.add(text.substring(last, m.start()));
            if (m.end() > m.start()) words.add(m.group());
            last = m.end();
        }
        if (last < text.length()) words.add(text.substring(last));
        return words;
    }
}
