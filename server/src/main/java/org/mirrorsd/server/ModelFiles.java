package org.mirrorsd.server;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.mirrorsd.config.ConfigException;
import org.mirrorsd.models.io.ModelFormatException;

/**
 * Loads a model file so that whatever goes wrong (missing, a directory, empty, truncated, random bytes, a bad
 * header) becomes one {@link ModelFormatException} naming the file and what to do, not a stack trace from deep
 * in a parser. Shared by {@code serve} and the command line.
 */
public final class ModelFiles {
    /** A loader step that may fail. */
    @FunctionalInterface
    public interface Load<T> {
        T run() throws IOException;
    }

    private ModelFiles() {}

    /** @param role what the file is for, as the user named it ("--model", "--draft", "draft.path") */
    public static <T> T load(Path path, String role, Load<T> load) {
        try {
            return load.run();
        } catch (ModelFormatException | ConfigException e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(path, "no such file (" + role + ")");
        } catch (AccessDeniedException e) {
            throw new ModelFormatException(path, "permission denied (" + role + ")");
        } catch (IOException | RuntimeException e) {
            if (Files.isDirectory(path)) {
                throw new ModelFormatException(path, "no usable model in this directory (" + role + "): " + reason(e));
            }
            String size = size(path);
            throw new ModelFormatException(path, "not a readable GGUF or llama2.c model (" + role + ", " + size + "): "
                    + reason(e) + "; is the file complete (a finished download or export)?");
        }
    }

    private static String size(Path path) {
        try {
            return Files.size(path) + " bytes";
        } catch (IOException e) {
            return "size unknown";
        }
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        String text = m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
        return text.lines().findFirst().orElse(text);
    }
}
