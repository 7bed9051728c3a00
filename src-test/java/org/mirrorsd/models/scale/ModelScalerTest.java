package org.mirrorsd.models.scale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorsd.decoding.GreedyOracle;
import org.mirrorsd.decoding.ar.AutoregressiveEngine;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.devices.cpu.CpuExecutorFixtureTest;
import org.mirrorsd.devices.cpu.CpuKvCache;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.ModelLoader;
import org.mirrorsd.models.tensor.GgmlType;
import org.mirrorsd.testing.GreedyFixtures;
import org.mirrorsd.testing.Models;

/** A scaled stories260K costs what its shape costs and still generates exactly what the original generates. */
class ModelScalerTest {

    @Test
    void scaledModelReproducesTheFixtures(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("scaled.gguf");
        LlamaModel real = Models.model("stories260K.bin");
        ModelScaler.writeGguf(real, new ModelScaler.Shape(256, 688, 12, 32), GgmlType.F32, 7, out);
        try (LlamaModel scaled = ModelLoader.loadWeights(out); CpuExecutor exec = new CpuExecutor(scaled, 2)) {
            assertEquals(256, scaled.config().dim());
            assertEquals(12, scaled.config().layers());
            assertEquals(16, scaled.config().kvHeads());
            for (GreedyFixtures.Record rec : GreedyFixtures.forModel("stories260K.bin")) {
                try (CpuKvCache cache = exec.newCache(scaled.config().contextLength())) {
                    CpuExecutorFixtureTest.assertFixture(exec, cache, rec, 1e-3f);
                }
                int[] prompt = rec.promptTokens();
                assertArrayEquals(rec.tokens(),
                        GreedyOracle.run(new AutoregressiveEngine(exec), prompt, rec.tokens().length - prompt.length, 1));
            }
        }
    }

    @Test
    void q8ScaledModelLoadsAndMostlyAgrees(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("scaled-q8.gguf");
        ModelScaler.writeGguf(Models.model("stories260K.bin"), new ModelScaler.Shape(128, 352, 6, 16), GgmlType.Q8_0, 1, out);
        GreedyFixtures.Record rec = GreedyFixtures.forModel("stories260K.bin").get(0);
        try (LlamaModel scaled = ModelLoader.loadWeights(out); CpuExecutor exec = new CpuExecutor(scaled, 1)) {
            int[] prompt = rec.promptTokens();
            int[] got = GreedyOracle.run(new AutoregressiveEngine(exec), prompt, 40);
            int agree = 0;
            for (int i = prompt.length; i < got.length; i++) if (got[i] == rec.tokens()[i]) agree++;
            // Quantised weights may drift after a few dozen tokens, but start identical.
            assertEquals(rec.tokens()[prompt.length], got[prompt.length]);
            org.junit.jupiter.api.Assertions.assertTrue(agree >= 10, agree + " of 40");
        }
    }

    @Test
    void headSizeMustBeKept() {
        LlamaModel real = Models.model("stories260K.bin");
        assertThrows(IllegalArgumentException.class,
                () -> ModelScaler.scaledConfig(real.config(), new ModelScaler.Shape(256, 688, 12, 8)));
    }

    @Test
    void scaledGgufKeepsTheTokenizerAndChatMetadata(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("scaled-tok.gguf");
        try (LlamaModel real = ModelLoader.loadWeights(org.mirrorsd.testing.SharedFiles.model("stories260K.gguf"))) {
            ModelScaler.writeGguf(real, new ModelScaler.Shape(128, 352, 6, 16), GgmlType.F32, 3, out);
            try (org.mirrorsd.models.LoadedModel scaled = ModelLoader.load(out, null, null)) {
                for (String key : new String[] {"tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type",
                        "tokenizer.ggml.model", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id"}) {
                    org.junit.jupiter.api.Assertions.assertTrue(scaled.model().metadata().containsKey(key), key);
                    Object a = real.metadata().get(key), b = scaled.model().metadata().get(key);
                    if (a instanceof Object[] x) assertArrayEquals(x, (Object[]) b, key);
                    else if (a instanceof float[] x) assertArrayEquals(x, (float[]) b, key);
                    else if (a instanceof int[] x) assertArrayEquals(x, (int[]) b, key);
                    else assertEquals(a, b, key);
                }
                assertEquals(128, scaled.config().dim());
                // The embedded tokenizer is used: no tokenizer.bin lies beside the temp file.
                try (org.mirrorsd.models.LoadedModel original = ModelLoader.load(
                        org.mirrorsd.testing.SharedFiles.model("stories260K.gguf"), null, null)) {
                    assertArrayEquals(original.tokenizer().encode("Once upon a time"), scaled.tokenizer().encode("Once upon a time"));
                }
            }
        }
    }
}
