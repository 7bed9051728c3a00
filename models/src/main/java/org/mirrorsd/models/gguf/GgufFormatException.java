package org.mirrorsd.models.gguf;

import org.mirrorsd.models.io.ModelFormatException;

/**
 * A GGUF file that cannot be read as GGUF (wrong magic, truncated, an unknown type, inconsistent offsets) or not
 * as a model the engine runs (an unsupported architecture, a missing or unused tensor). A ModelFormatException,
 * so the command line reports it as one line naming the file.
 */
public final class GgufFormatException extends ModelFormatException {
    public GgufFormatException(String message) {
        super(message);
    }
}
