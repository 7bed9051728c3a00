package org.mirrorsd.models.tokenizer;

/** Token types as GGUF's {@code tokenizer.ggml.token_type} numbers them (llama.cpp's llama_token_type). */
public enum TokenType {
    UNDEFINED, NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE;

    static TokenType byId(int id) {
        TokenType[] all = values();
        return id >= 0 && id < all.length ? all[id] : null;
    }

    /** Types matched in the text before tokenizing (llama.cpp's cache_special_tokens). */
    boolean isSpecial() {
        return this == CONTROL || this == USER_DEFINED || this == UNKNOWN;
    }
}
