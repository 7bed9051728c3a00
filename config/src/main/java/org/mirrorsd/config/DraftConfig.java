package org.mirrorsd.config;

import java.nio.file.Path;

/**
 * The draft model used by speculative methods.
 *
 * @param path      draft model file; {@code null} = no draft model
 * @param tokenizer separate tokenizer file; {@code null} = use the one embedded in the draft model
 */
public record DraftConfig(Path path, Path tokenizer) {

    public static DraftConfig defaults() {
        return new DraftConfig(null, null);
    }

    public boolean configured() {
        return path != null;
    }
}
