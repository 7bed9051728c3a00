package org.mirrorsd.devices;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mirrorsd.config.DevicePlacement;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.devices.cuda.CudaExecutor;
import org.mirrorsd.devices.onnx.export.OnnxExporter;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.testing.LlamaCppFixtures;

/**
 * The CUDA and ONNX executors implement Llama's forward pass only: a model that needs more is refused at
 * placement with a message naming the architecture and what it lacks, and runs on the CPU instead unless the
 * device is required.
 */
class ArchitecturePlacementTest {

    @ParameterizedTest
    @ValueSource(strings = {"qwen2-F16.gguf", "qwen3-F16.gguf", "gemma2-F16.gguf", "gemma3-F16.gguf"})
    void nonLlamaFeaturesAreRefusedAndFallBackToCpu(String file, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        LlamaModel model = LlamaCppFixtures.model(file);
        String arch = model.config().arch().name();
        for (DevicePlacement.Kind kind : List.of(DevicePlacement.Kind.ONNX, DevicePlacement.Kind.CUDA)) {
            DevicePlacement placement = DevicePlacement.whole(kind);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> Devices.open("draft", placement, model, 1, List.of(), true));
            assertTrue(e.getMessage().contains("does not support architecture '" + arch + "'"), e.getMessage());
            try (LayerExecutor exec = Devices.open("draft", placement, model, 1, List.of(), false)) {
                assertInstanceOf(CpuExecutor.class, exec);
            }
        }
        assertThrows(UnsupportedOperationException.class, () -> CudaExecutor.open(model));
        assertThrows(UnsupportedOperationException.class,
                () -> OnnxExporter.export(model, dir));
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-F16.gguf", "phi3-F16.gguf"})
    void llamaShapedArchitecturesAreNotRefused(String file) {
        LlamaModel model = LlamaCppFixtures.model(file);
        ArchitectureSupport.requirePlainLlama("cuda", model); // phi3: fused tensors are split at load, NEOX rope
    }
}
