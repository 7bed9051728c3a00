package org.mirrorsd.devices;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.mirrorsd.config.DevicePlacement;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.devices.cuda.CudaExecutor;
import org.mirrorsd.devices.onnx.OnnxExecutor;
import org.mirrorsd.devices.onnx.OnnxOptions;
import org.mirrorsd.models.LlamaModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the executor a placement names ({@code cpu}, {@code onnx}, {@code cuda}). A device that cannot start
 * falls back to the CPU with a warning, unless the configuration says it is required.
 */
public final class Devices {
    private static final Logger log = LoggerFactory.getLogger(Devices.class);

    private Devices() {}

    /**
     * @param role          "target" or "draft", for messages
     * @param onnxProviders ONNX Runtime execution providers in order of preference (empty: NPU first, then CPU)
     */
    public static LayerExecutor open(String role, DevicePlacement placement, LlamaModel model, int threads,
                                     List<String> onnxProviders, boolean required) throws IOException {
        if (placement.layers() != null && (placement.layers().start() != 0
                || placement.layers().endOr(model.config().layers()) != model.config().layers())) {
            throw new IllegalArgumentException(role + " device " + placement + ": splitting a model's layers across "
                    + "devices is not supported yet; give the whole model to one device");
        }
        LayerExecutor exec;
        try {
            DeviceTensorTypes.check(placement.kind(), model);
            exec = switch (placement.kind()) {
                case CPU -> new CpuExecutor(model, threads);
                case ONNX -> openOnnx(model, threads, onnxProviders);
                case CUDA -> CudaExecutor.open(model);
            };
        } catch (IOException | RuntimeException | LinkageError e) {
            if (required || placement.kind() == DevicePlacement.Kind.CPU) throw e;
            log.warn("{} device {} unavailable ({}); falling back to cpu", role, placement, e.getMessage());
            exec = new CpuExecutor(model, threads);
        }
        log.info("{} {} on {}", role, model.name(), exec.describe());
        return exec;
    }

    private static LayerExecutor openOnnx(LlamaModel model, int threads, List<String> providers) throws IOException {
        Path dir = Files.createTempDirectory("mirror-sd-onnx-");
        dir.toFile().deleteOnExit();
        OnnxOptions options = providers == null || providers.isEmpty()
                ? new OnnxOptions(OnnxOptions.NPU_FIRST, threads) : new OnnxOptions(providers, threads);
        return OnnxExecutor.exportAndOpen(model, dir, options);
    }
}
