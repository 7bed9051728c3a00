package org.mirrorsd.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Named chat prompt formats the server knows how to render. */
public enum ChatTemplate {
    @JsonProperty("llama2") LLAMA2,
    @JsonProperty("llama3") LLAMA3,
    @JsonProperty("chatml") CHATML,
    @JsonProperty("zephyr") ZEPHYR,
    @JsonProperty("plain") PLAIN;

    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
