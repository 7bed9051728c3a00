package org.mirrorsd.models.tokenizer;

import static org.mirrorsd.models.tokenizer.PreTokenizerType.*;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@code tokenizer.ggml.pre} value as llama.cpp reads it ({@code llama_vocab::impl::load}): the splitting
 * regexes, and the flags that name sets: {@code ignore_merges} (a word that is a token skips the merges),
 * {@code clean_spaces} (decoding drops the space before punctuation and contractions) and the default for
 * {@code add_bos} when the file does not say. Every regex type was checked against llama.cpp b11669's
 * llama-tokenize with the Llama 3 vocabulary re-labelled to one name per type (texts of test-tokenizer-0 plus
 * Unicode, digit and contraction cases).
 *
 * @param name         the value in the file
 * @param type         its regexes
 * @param ignoreMerges whether a word that is itself a vocabulary token is emitted without merging
 * @param cleanSpaces  whether decoding applies llama.cpp's clean_spaces
 * @param addBos       the add_bos default
 */
record PreTokenizer(String name, PreTokenizerType type, boolean ignoreMerges, boolean cleanSpaces, boolean addBos) {
    private static final int IGNORE_MERGES = 1, KEEP_SPACES = 2, ADD_BOS = 4;
    private static final Map<String, PreTokenizer> BY_NAME = new HashMap<>();
    /** Names llama.cpp knows whose tokenizers are not byte-level BPE over regex words; refused by name. */
    private static final Set<String> NOT_SUPPORTED = Set.of("kimi-k2", "superbpe", "afmoe", "gemma4",
            "granite-embed-multi-311m", "sarvam-moe", "whitespace");

    static {
        define(DEFAULT, 0, "default");
        define(LLAMA3, IGNORE_MERGES | ADD_BOS, "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral",
                "midm-2.0", "lfm2", "jina-v5-nano");
        define(LLAMA3, 0, "dbrx", "smaug-bpe", "chatglm-bpe");
        define(LLAMA3, IGNORE_MERGES, "glm4"); // llama.cpp b11669 skips the merges of whole-token words for glm4
        define(MINICPM5, IGNORE_MERGES, "minicpm5");
        define(DEEPSEEK_LLM, KEEP_SPACES, "deepseek-llm");
        define(DEEPSEEK_CODER, KEEP_SPACES, "deepseek-coder");
        define(DEEPSEEK3_LLM, KEEP_SPACES, "deepseek-v3", "hunyuan-dense", "hy_v4", "joyai-llm");
        define(SPARK2_5, KEEP_SPACES, "spark2_5");
        define(YOUTU, KEEP_SPACES | IGNORE_MERGES, "youtu");
        define(FALCON, 0, "falcon");
        define(GPT2, 0, "mpt", "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de",
                "a.x-4.0", "mellum", "modern-bert", "jina-v1-en", "jina-v2-code", "roberta-bpe", "olmo", "jais",
                "exaone4");
        define(GPT2, KEEP_SPACES, "trillion", "granite-docling");
        define(JAIS2, 0, "jais-2");
        define(STARCODER, 0, "starcoder", "refact", "codeshell", "exaone", "minerva-7b", "mellum2");
        define(STARCODER, KEEP_SPACES, "command-r", "smollm");
        define(QWEN2, KEEP_SPACES, "qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "hunyuan", "grok-2", "solar-open");
        define(QWEN2, 0, "stablelm2", "megrez");
        define(QWEN35, KEEP_SPACES, "qwen35");
        define(PORO, KEEP_SPACES, "poro-chat");
        define(PORO, 0, "bloom", "gpt3-finnish");
        define(VIKING, KEEP_SPACES, "viking");
        define(TEKKEN, KEEP_SPACES | IGNORE_MERGES | ADD_BOS, "tekken");
        define(CHAMELEON, KEEP_SPACES | ADD_BOS, "chameleon");
        define(GPT4O, KEEP_SPACES, "gpt-4o", "llama4", "kanana2", "talkie", "minimax-m2");
        define(GRANITE_EMB_MULTI, KEEP_SPACES | IGNORE_MERGES, "granite-embed-multi-97m");
        define(TINY_AYA, KEEP_SPACES, "tiny_aya", "cohere2moe");
        define(BAILINGMOE, KEEP_SPACES, "bailingmoe", "bailingmoe2", "llada-moe");
        define(SEED_CODER, KEEP_SPACES, "seed-coder");
        define(UFAKZEKA, KEEP_SPACES, "ufakzeka");
        define(LAGUNA, KEEP_SPACES, "laguna");
        define(EXAONE_MOE, 0, "exaone-moe");
    }

    private static void define(PreTokenizerType type, int flags, String... names) {
        for (String name : names) {
            PreTokenizer previous = BY_NAME.put(name, new PreTokenizer(name, type, (flags & IGNORE_MERGES) != 0,
                    (flags & KEEP_SPACES) == 0, (flags & ADD_BOS) != 0));
            if (previous != null) throw new IllegalStateException("pre-tokenizer '" + name + "' defined twice");
        }
    }

    /**
     * The pre-tokenizer for a {@code tokenizer.ggml.pre} value (llama.cpp's spelling). Unknown names are refused
     * rather than tokenized subtly wrong, as llama.cpp does; the message lists what is known.
     */
    static PreTokenizer forName(String name) {
        PreTokenizer pre = BY_NAME.get(name);
        if (pre != null) return pre;
        if (NOT_SUPPORTED.contains(name)) {
            throw new IllegalArgumentException("pre-tokenizer '" + name + "' (tokenizer.ggml.pre) is not supported"
                    + " here: it is not a regex-split byte-level BPE");
        }
        throw new IllegalArgumentException("unknown pre-tokenizer '" + name + "' (tokenizer.ggml.pre); known: "
                + String.join(", ", new TreeSet<>(BY_NAME.keySet())));
    }

    /** What llama.cpp uses when the file names no pre-tokenizer (it warns that quality will suffer). */
    static PreTokenizer missing() {
        return BY_NAME.get("default");
    }

    /** The words of {@code text}, in order; every character belongs to exactly one word. */
    List<String> split(String text) {
        return type.splitter().split(text);
    }
}
