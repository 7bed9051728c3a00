package org.mirrorsd.server.openai;

/** The two generation endpoints: they share everything but the prompt and the response shape. */
public enum ApiKind {
    /** {@code POST /v1/chat/completions}. */
    CHAT,
    /** {@code POST /v1/completions} (legacy text completions). */
    TEXT
}
