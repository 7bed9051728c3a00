package org.mirrorsd.devices.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.mirrorsd.testing.Models;

/** The shared models exported to ONNX once per test JVM (into a temporary directory) and opened on ORT's CPU EP. */
public final class OnnxModels {
    private static final Map<String, OnnxExecutor> EXECUTORS = new ConcurrentHashMap<>();
    private static Path root;

    private OnnxModels() {}

    /** One intra-op thread, like {@link Models#cpu}'s single worker, so timings compare like for like. */
    public static OnnxExecutor onnx(String file) {
        return EXECUTORS.computeIfAbsent(file, f -> {
            try {
                return OnnxExecutor.exportAndOpen(Models.model(f), exportDir(f), OnnxOptions.cpu(1));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** A fresh directory for an export of {@code file} (removed when the JVM exits). */
    public static synchronized Path exportDir(String file) throws IOException {
        if (root == null) {
            root = Files.createTempDirectory("mirror-sd-onnx-test");
            Path r = root;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(r)));
        }
        return Files.createTempDirectory(root, file.replace('.', '_'));
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }
}
