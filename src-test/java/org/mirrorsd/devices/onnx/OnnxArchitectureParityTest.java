package org.mirrorsd.devices.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mirrorsd.testing.ExecutorParity;
import org.mirrorsd.testing.LlamaCppFixtures;

/**
 * The llama.cpp fixtures the ONNX exporter accepts (Llama 3 with rope_freqs; phi3 with fused tensors split at
 * load and NEOX rope), exported and run by ONNX Runtime, give the CPU's logits within 1e-3; the export's
 * sidecar gives back the same config.
 */
class OnnxArchitectureParityTest {
    @ParameterizedTest
    @ValueSource(strings = {"llama-F16.gguf", "phi3-F16.gguf"})
    void matchesTheCpu(String file) throws Exception {
        java.nio.file.Path dir = OnnxModels.exportDir(file);
        try (OnnxExecutor onnx = OnnxExecutor.exportAndOpen(LlamaCppFixtures.model(file), dir, OnnxOptions.cpu(1))) {
            ExecutorParity.assertSameLogits(onnx, LlamaCppFixtures.cpu(file), ExecutorParity.tokens(20), 1e-3f,
                    "onnx " + file);
        }
        try (OnnxExecutor reopened = OnnxExecutor.openExport(dir, OnnxOptions.cpu(1))) {
            assertEquals(LlamaCppFixtures.model(file).config(), reopened.config(), "config (architecture included) from the sidecar");
        }
    }
}
