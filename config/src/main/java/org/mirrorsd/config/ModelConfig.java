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
 * @param quant         quant tag (e.g. {@code Q4_K_M}) that picks the GGUF when {@code path} is a directory or a
 *                      Hugging Face {@code owner/repo}; {@code null} = the only one, else Q4_K_M, else a preference list
 */
public record ModelConfig(Path path, Path tokenizer, String name, Integer contextLength, ChatTemplate chatTemplate,
                          String quant) {

    public ModelConfig(Path path, Path tokenizer, String name, Integer contextLength, ChatTemplate chatTemplate) {
        this(path, tokenizer, name, contextLength, chatTemplate, null);
    }

    public static ModelConfig defaults() {
        return new ModelConfig(null, null, null, null, null, null);
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
        var hub = HubReference.parse(path.toString());
        if (hub.isPresent() && !java.nio.file.Files.exists(path)) {
            file = hub.get().repo().substring(hub.get().repo().indexOf('/') + 1);
            return hub.get().quant() == null ? file : file + ":" + hub.get().quant();
        }
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    public int contextLengthOr(int modelContextLength) {
        return contextLength != null ? contextLength : modelContextLength;
    }
}
