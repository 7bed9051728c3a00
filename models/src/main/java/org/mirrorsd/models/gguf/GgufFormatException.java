package org.mirrorsd.models.gguf;

/** A GGUF file that cannot be read as GGUF: wrong magic, truncated, an unknown type, inconsistent offsets. */
public final class GgufFormatException extends RuntimeException {
    public GgufFormatException(String message) {
        super(message);
    }
}
