package org.mirrorsd.models.io;

import java.nio.file.Path;

/** A model or tokenizer file that cannot be read as what it claims to be; the message names the file and field. */
public class ModelFormatException extends RuntimeException {
    private final Path path;

    public ModelFormatException(Path path, String message) {
        super(path + ": " + message);
        this.path = path;
    }

    /** For subclasses whose messages already name the file (path() is then null). */
    protected ModelFormatException(String message) {
        super(message);
        this.path = null;
    }

    public Path path() { return path; }
}
