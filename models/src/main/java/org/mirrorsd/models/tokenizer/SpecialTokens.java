package org.mirrorsd.models.tokenizer;

import java.util.Set;

/**
 * The vocabulary's special tokens; an id of -1 means the vocabulary has none.
 *
 * @param bos             beginning of sequence
 * @param eos             end of sequence
 * @param eot             end of turn (chat models), or -1
 * @param unk             unknown token, or -1
 * @param pad             padding, or -1
 * @param addBos          whether prompts should start with BOS
 * @param addEos          whether prompts should end with EOS
 * @param control         every token of type CONTROL (never produced by encoding plain text)
 * @param endOfGeneration tokens that end generation: EOS, EOT and their chat-template relatives
 */
public record SpecialTokens(int bos, int eos, int eot, int unk, int pad, boolean addBos, boolean addEos,
                            Set<Integer> control, Set<Integer> endOfGeneration) {

    public SpecialTokens {
        control = Set.copyOf(control);
        endOfGeneration = Set.copyOf(endOfGeneration);
    }

    public boolean isEndOfGeneration(int token) {
        return endOfGeneration.contains(token);
    }

    public boolean isControl(int token) {
        return control.contains(token);
    }
}
