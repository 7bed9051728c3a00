package org.mirrorsd.models.tokenizer;

import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token texts llama.cpp recognises by spelling because converters do not always mark them
 * ({@code llama_vocab::impl::load}): end-of-turn and end-of-generation markers and FIM markers become control
 * tokens (so they print nothing and are only matched with parse_special), and gpt-oss's channel markers become
 * user-defined (always printed).
 */
final class SpecialTexts {
    private static final Logger LOG = LoggerFactory.getLogger(SpecialTexts.class);

    /** End-of-turn texts, in our order of preference when the file names no EOT token. */
    static final List<String> EOT = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
            "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>");
    /** Texts that end generation. */
    static final List<String> EOG = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>",
            "<|flush|>", "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>",
            "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
            "<｜end▁of▁sentence｜>", "[e~[");
    private static final Set<String> FIM = Set.of("<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>",
            "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>", "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>",
            "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>", "<|fim_middle|>", "<fim-middle>",
            "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>", "<|fim_pad|>",
            "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]", "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>",
            "<reponame>", "<|file_sep|>", "<|eom_id|>");
    private static final Set<String> ALWAYS_PRINTED = Set.of("<|channel|>", "<|message|>", "<|start|>", "<|constrain|>");

    private SpecialTexts() {}

    /** Retypes the tokens llama.cpp retypes by their text, in place. */
    static void fixTypes(String path, String[] pieces, TokenType[] types, boolean fileNamesEot) {
        Set<String> eot = fileNamesEot ? Set.of() : Set.copyOf(EOT);
        Set<String> eog = Set.copyOf(EOG);
        for (int i = 0; i < pieces.length; i++) {
            String text = pieces[i];
            if (ALWAYS_PRINTED.contains(text)) {
                types[i] = TokenType.USER_DEFINED;
            } else if (types[i] != TokenType.CONTROL && (eot.contains(text) || eog.contains(text) || FIM.contains(text))) {
                LOG.debug("{}: control-looking token {} '{}' was {}; treated as control, as llama.cpp does",
                        path, i, text, types[i]);
                types[i] = TokenType.CONTROL;
            }
        }
    }
}
