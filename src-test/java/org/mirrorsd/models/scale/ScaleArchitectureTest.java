package org.mirrorsd.models.scale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mirrorsd.decoding.GreedyOracle;
import org.mirrorsd.decoding.ar.AutoregressiveEngine;
import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.devices.cpu.CpuKvCache;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.ModelLoader;
import org.mirrorsd.models.tensor.GgmlType;
import org.mirrorsd.testing.LlamaCppFixtures;

/**
 * scale enlarges every supported family in its own layout (biases, q/k norms, post norms, fused tensors, gemma's
 * embedding scale and sliding-window layer pattern) and the bigger model still computes what the original does.
 */
class ScaleArchitectureTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"llama-F32.gguf", "qwen2-F16.gguf", "qwen3-F16.gguf", "phi3-F16.gguf", "gemma2-F16.gguf",
            "gemma3-F16.gguf"})
    void theScaledModelComputesWhatTheOriginalComputes(String file) throws Exception {
        LlamaModel real = LlamaCppFixtures.model(file);
        Path out = dir.resolve("scaled-" + file);
        int layers = real.config().layers() + 2;
        ModelScaler.writeGguf(real, new ModelScaler.Shape(512, 1024, layers, 8), GgmlType.F32, 5, out);
        int[] prompt = {1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 300, 271, 290};
        try (LlamaModel scaled = ModelLoader.loadWeights(out); CpuExecutor a = new CpuExecutor(real, 1);
             CpuExecutor b = new CpuExecutor(scaled, 1)) {
            assertEquals(real.config().arch().name(), scaled.config().arch().name());
            assertEquals(512, scaled.config().dim());
            assertEquals(layers, scaled.config().layers());
            float[] la = lastLogits(a, prompt), lb = lastLogits(b, prompt);
            double worst = 0;
            for (int t = 0; t < la.length; t++) worst = Math.max(worst, Math.abs(la[t] - lb[t]));
            // Not bit-exact: the file has one RMS epsilon, scaled by d/D for the wider norms, which the per-head q/k
            // norms (qwen3, gemma3) then also see; gemma's F16 GELU table turns such rounding into table steps.
            assertTrue(worst < 5e-3, file + ": logits differ by " + worst);
            assertArrayEquals(GreedyOracle.run(new AutoregressiveEngine(a), prompt, 12),
                    GreedyOracle.run(new AutoregressiveEngine(b), prompt, 12), file);
        }
    }

    /** The logits after the whole prompt, fed as one batch (past gemma's sliding windows of 16 and 24 it is not). */
    private static float[] lastLogits(CpuExecutor e, int[] prompt) {
        try (CpuKvCache cache = e.newCache(64)) {
            ForwardBatch batch = e.newBatch(prompt.length);
            for (int i = 0; i < prompt.length; i++) batch.add(prompt[i], cache, i);
            e.embed(batch);
            e.runLayers(0, e.config().layers(), batch);
            float[] out = new float[e.config().vocabSize()];
            e.logits(batch, prompt.length - 1, out, 0);
            return out;
        }
    }
}
