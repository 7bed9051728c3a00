package org.mirrorsd.decoding;

/** A sequence would grow past the model's context (or its cache's capacity). */
public final class ContextOverflowException extends RuntimeException {
    public ContextOverflowException(int needed, int capacity) {
        super("sequence needs " + needed + " positions but the context holds " + capacity);
    }
}
