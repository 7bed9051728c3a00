package org.mirrorsd.models.io;

import java.nio.file.Path;

/** A model or tokenizer file that cannot be read as what it claims to be; the message names the file and field. */
public class ModelFormatException extends RuntimeException {
    private final Path path;

    public ModelFormatException(Path path, String message) {
        super(path + ": " + message);
        this.path = path;
    }

    public Path path() { return path; }
}
