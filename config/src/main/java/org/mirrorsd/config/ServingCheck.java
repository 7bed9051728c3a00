package org.mirrorsd.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that only matter when serving: the files the config names must exist. Kept apart from
 * {@link ConfigValidator} so commands that never load a model (dumping the config, say) do not need them.
 */
final class ServingCheck {

    private ServingCheck() {
    }

    static List<String> problems(MirrorSdConfig config) {
        List<String> problems = new ArrayList<>();
        if (config.model().path() == null) {
            problems.add("model.path: required to serve (set it with --model, "
                    + EnvOverrides.variableFor("model", "path") + " or model.path in the config file)");
        } else if (!isHubReference(config.model().path())) {
            requireFile(problems, "model.path", config.model().path());
        }
        requireFileIfSet(problems, "model.tokenizer", config.model().tokenizer());
        if (!isHubReference(config.draft().path())) requireFileIfSet(problems, "draft.path", config.draft().path());
        requireFileIfSet(problems, "draft.tokenizer", config.draft().tokenizer());
        requireFileIfSet(problems, "decoding.calibration", config.decoding().calibration());
        return problems;
    }

    /** {@code owner/repo[:QUANT]} naming no local path: the model is downloaded from the Hub when it loads. */
    private static boolean isHubReference(Path path) {
        return path != null && !Files.exists(path) && !path.isAbsolute() && !path.toString().startsWith(".")
                && HubReference.parse(path.toString()).isPresent();
    }

    private static void requireFileIfSet(List<String> problems, String key, Path path) {
        if (path != null) {
            requireFile(problems, key, path);
        }
    }

    private static void requireFile(List<String> problems, String key, Path path) {
        if (!Files.exists(path)) {
            problems.add(key + ": file not found: " + path.toAbsolutePath());
        } else if (!Files.isRegularFile(path) && !Files.isDirectory(path)) {
            // Directories are fine: ONNX and safetensors models come as folders.
            problems.add(key + ": not a file or directory: " + path.toAbsolutePath());
        } else if (!Files.isReadable(path)) {
            problems.add(key + ": not readable: " + path.toAbsolutePath());
        }
    }
}
