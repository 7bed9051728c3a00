package org.mirrorsd.models.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.mirrorsd.config.HubReference;

/**
 * Turns what a user passes as {@code --model} into one local model file: a file as it is (the first shard of a split
 * GGUF brings the others along when it is opened); a directory, by picking its GGUF by quant tag
 * ({@link GgufChoice}); an {@code owner/repo[:QUANT]} that names no local path, by downloading it from the Hub
 * into the cache ({@link HubClient}).
 */
public final class ModelLocator {
    private final HubSettings hub;

    public ModelLocator(HubSettings hub) {
        this.hub = hub;
    }

    public static ModelLocator fromEnvironment() {
        return new ModelLocator(HubSettings.fromEnvironment());
    }

    /**
     * @param spec  a path, or a Hub reference
     * @param quant the quant tag to choose among several GGUFs, or null
     */
    public Path locate(String spec, String quant) throws IOException {
        Path p = Path.of(spec);
        if (Files.isRegularFile(p)) return p;
        if (Files.isDirectory(p)) return inDirectory(p, quant);
        Optional<HubReference> ref = HubReference.parse(spec);
        if (ref.isPresent() && !spec.startsWith("/") && !spec.startsWith(".")) {
            return new HubClient(hub).fetch(ref.get(), quant);
        }
        throw new NoSuchFileException(spec, null, "model file not found (and not a Hugging Face owner/repo reference)");
    }

    private static Path inDirectory(Path dir, String quant) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile).forEach(f -> names.add(f.getFileName().toString()));
        }
        if (names.stream().noneMatch(n -> n.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf"))) {
            throw new NoSuchFileException(dir.toString(), null, "a directory with no .gguf model file in it; pass a file");
        }
        try {
            return dir.resolve(GgufChoice.pick(names, quant, dir.toString()));
        } catch (IllegalArgumentException e) {
            throw new NoSuchFileException(dir.toString(), null, e.getMessage().substring(dir.toString().length() + 2));
        }
    }
}
