package org.mirrorsd.devices;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mirrorsd.config.DevicePlacement;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.ModelLoader;
import org.mirrorsd.testing.SharedFiles;

/** CUDA and ONNX refuse K-quant models at placement, naming tensor and type, and the target falls back to cpu. */
class DeviceTensorTypesTest {

    @ParameterizedTest
    @ValueSource(strings = {"cuda", "onnx"})
    void kQuantsFallBackToCpuOrFailWhenRequired(String device) throws Exception {
        try (LlamaModel model = ModelLoader.loadWeights(SharedFiles.file("fixtures/llamacpp/llama-Q4_K_M.gguf"))) {
            DevicePlacement placement = DevicePlacement.parse(device);
            var e = assertThrows(UnsupportedOperationException.class,
                    () -> Devices.open("target", placement, model, 1, List.of(), true));
            assertTrue(e.getMessage().startsWith(device + " cannot run tensor 'token_embd.weight' of type Q4_K"), e.getMessage());
            try (LayerExecutor exec = Devices.open("target", placement, model, 1, List.of(), false)) {
                assertInstanceOf(CpuExecutor.class, exec);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-Q8_0.gguf", "llama-F16.gguf"})
    void typesTheAcceleratorsReadPassTheCheck(String file) throws Exception {
        try (LlamaModel model = ModelLoader.loadWeights(SharedFiles.file("fixtures/llamacpp/" + file))) {
            assertDoesNotThrow(() -> DeviceTensorTypes.check(DevicePlacement.Kind.CUDA, model));
            assertDoesNotThrow(() -> DeviceTensorTypes.check(DevicePlacement.Kind.ONNX, model));
        }
    }
}
