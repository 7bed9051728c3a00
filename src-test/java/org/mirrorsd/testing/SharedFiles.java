package org.mirrorsd.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates {@code ../shared} (models, fixtures, vocabularies) beside the project root. */
public final class SharedFiles {
    private SharedFiles() {}

    public static Path root() {
        String configured = System.getProperty("mirrorsd.shared");
        Path p = configured != null ? Path.of(configured) : Path.of("..", "shared");
        if (!Files.isDirectory(p) && Files.isDirectory(Path.of("..", "..", "shared"))) p = Path.of("..", "..", "shared");
        return p.toAbsolutePath().normalize();
    }

    /** A file under shared/; fails (not skips) when missing: CI always has shared/ beside the project. */
    public static Path file(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) throw new IllegalStateException("missing shared file " + p);
        return p;
    }

    public static Path model(String name) { return file("models/" + name); }

    /** For optional data: skips the test when the file is absent. */
    public static Path optional(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.exists(p), "shared file " + p + " not present");
        return p;
    }
}
