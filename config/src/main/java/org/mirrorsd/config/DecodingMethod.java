package org.mirrorsd.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How tokens are produced. */
public enum DecodingMethod {
    /** Plain autoregressive decoding: one target forward pass per token. */
    @JsonProperty("ar") AR(false),
    /** Classic speculative decoding with a draft model. */
    @JsonProperty("sd") SD(true),
    /** Prompt-lookup drafting from n-grams already in the context; no draft model. */
    @JsonProperty("ngram") NGRAM(false),
    /** Mirror speculative decoding: draft and target run in parallel, exchanging early-exit candidates. */
    @JsonProperty("mirror") MIRROR(true);

    private final boolean needsDraftModel;

    DecodingMethod(boolean needsDraftModel) {
        this.needsDraftModel = needsDraftModel;
    }

    public boolean needsDraftModel() {
        return needsDraftModel;
    }

    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
