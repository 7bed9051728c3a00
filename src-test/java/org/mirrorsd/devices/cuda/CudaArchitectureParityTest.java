package org.mirrorsd.devices.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.testing.ExecutorParity;
import org.mirrorsd.testing.LlamaCppFixtures;

/**
 * The llama.cpp fixtures the CUDA executor accepts (Llama 3 with rope_freqs; phi3 with its fused tensors split
 * at load and NEOX rope) give the CPU's logits within 1e-3: on the emulated device, and on a GPU when present.
 */
class CudaArchitectureParityTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String device : CudaTestModels.devices().toList()) {
            for (String f : List.of("llama-F16.gguf", "phi3-F16.gguf")) out.add(Arguments.of(device, f));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void matchesTheCpu(String device, String file) {
        LlamaModel model = LlamaCppFixtures.model(file);
        try (CudaExecutor gpu = CudaTestModels.open(device, model)) {
            ExecutorParity.assertSameLogits(gpu, LlamaCppFixtures.cpu(file), ExecutorParity.tokens(20), 1e-3f,
                    device + " " + file);
        }
    }
}
