package org.mirrorsd.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.llama2c.Llama2cLoader;

/** The shared real models, loaded once per test JVM (they are read-only memory mappings). */
public final class Models {
    private static final Map<String, LlamaModel> MODELS = new ConcurrentHashMap<>();
    private static final Map<String, CpuExecutor> EXECUTORS = new ConcurrentHashMap<>();

    private Models() {}

    public static LlamaModel model(String file) {
        return MODELS.computeIfAbsent(file, f -> {
            try {
                return Llama2cLoader.load(SharedFiles.model(f));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** A CPU executor with one thread for the model (kept for the whole test run). */
    public static CpuExecutor cpu(String file) {
        return EXECUTORS.computeIfAbsent(file, f -> new CpuExecutor(model(f), 1));
    }
}
