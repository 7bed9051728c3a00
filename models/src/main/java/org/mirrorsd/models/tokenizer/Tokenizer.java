package org.mirrorsd.models.tokenizer;

/**
 * Text to token ids and back, following llama.cpp's conventions so that ids match what llama.cpp feeds a model.
 *
 * <p>{@link #encode(String)} never adds BOS/EOS: callers consult {@link #special()} ({@code addBos}) and prepend
 * it themselves, as llama.cpp does with {@code add_special=true}.
 */
public interface Tokenizer {

    int vocabularySize();

    /** Like llama.cpp {@code llama_tokenize(add_special=false, parse_special=false)}. */
    default int[] encode(String text) {
        return encode(text, false);
    }

    /**
     * With {@code parseSpecial}, control and added tokens written in the text ({@code <|im_start|>}, {@code <s>})
     * become their ids; without it they are tokenized as ordinary text. User-defined tokens are always matched,
     * as in llama.cpp.
     */
    int[] encode(String text, boolean parseSpecial);

    /** The raw bytes {@code token} contributes to the text; control and unknown tokens contribute none. */
    byte[] tokenBytes(int token);

    /** UTF-8 of the concatenated token bytes, with llama.cpp's detokenize conventions (see implementations). */
    String decode(int[] tokens);

    /** The vocabulary string of {@code token}, for display and debugging. */
    String piece(int token);

    SpecialTokens special();
}
