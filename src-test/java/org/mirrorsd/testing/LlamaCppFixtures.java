package org.mirrorsd.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.ModelLoader;

/** The llama.cpp reference models of {@code fixtures/llamacpp/}, loaded once per test JVM. */
public final class LlamaCppFixtures {
    private static final Map<String, LlamaModel> MODELS = new ConcurrentHashMap<>();
    private static final Map<String, CpuExecutor> EXECUTORS = new ConcurrentHashMap<>();

    private LlamaCppFixtures() {}

    public static Path dir() { return SharedFiles.file("fixtures/llamacpp"); }

    /** The GGUF file names in the folder whose names end with {@code suffix} (".gguf": all), sorted. */
    public static List<String> files(String suffix) {
        try (Stream<Path> s = Files.list(dir())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix) && n.endsWith(".gguf"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static LlamaModel model(String file) {
        return MODELS.computeIfAbsent(file, f -> {
            try {
                return ModelLoader.loadWeights(dir().resolve(f));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** A one-thread CPU executor for the file (kept for the whole test run). */
    public static CpuExecutor cpu(String file) {
        return EXECUTORS.computeIfAbsent(file, f -> new CpuExecutor(model(f), 1));
    }
}
