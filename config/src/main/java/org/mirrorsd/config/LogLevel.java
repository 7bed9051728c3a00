package org.mirrorsd.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Root log level; mapped onto the logging backend by the server. */
public enum LogLevel {
    @JsonProperty("trace") TRACE,
    @JsonProperty("debug") DEBUG,
    @JsonProperty("info") INFO,
    @JsonProperty("warn") WARN,
    @JsonProperty("error") ERROR,
    @JsonProperty("off") OFF
}
