package org.mirrorsd.decoding;

/** Why a generation ended (OpenAI's finish_reason names, plus cancellation). */
public enum FinishReason {
    /** A stop token (or, in the server, a stop string) was produced. */
    STOP,
    /** max_tokens or the context length was reached. */
    LENGTH,
    /** The client went away or the server is shutting down. */
    CANCELLED;

    public String apiName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
