package org.mirrorsd.config;

import java.nio.file.Path;

/**
 * The target model.
 *
 * @param path          model file; required to serve, optional for commands that only read the config
 * @param tokenizer     separate tokenizer file; {@code null} = use the one embedded in the model
 * @param name          model id reported by the API; {@code null} = derived from the file name
 * @param contextLength context length override; {@code null} = the model's own
 * @param chatTemplate  chat template override; {@code null} = detect from the model
 */
public record ModelConfig(Path path, Path tokenizer, String name, Integer contextLength, ChatTemplate chatTemplate) {

    public static ModelConfig defaults() {
        return new ModelConfig(null, null, null, null, null);
    }

    /** The model id clients see: the configured name, else the file name without its extension. */
    public String servedName() {
        if (name != null && !name.isBlank()) {
            return name;
        }
        if (path == null || path.getFileName() == null) {
            return "model";
        }
        String file = path.getFileName().toString();
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    public int contextLengthOr(int modelContextLength) {
        return contextLength != null ? contextLength : modelContextLength;
    }
}
