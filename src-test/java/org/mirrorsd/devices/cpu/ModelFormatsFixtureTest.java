package org.mirrorsd.devices.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mirrorsd.decoding.GreedyOracle;
import org.mirrorsd.decoding.ar.AutoregressiveEngine;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.ModelFormat;
import org.mirrorsd.models.ModelLoader;
import org.mirrorsd.testing.GreedyFixtures;
import org.mirrorsd.testing.SharedFiles;

/** The GGUF copy reproduces the fixtures like the .bin; the Q8_0 export agrees on at least 95% of tokens. */
class ModelFormatsFixtureTest {

    static Stream<GreedyFixtures.Record> stories() {
        return GreedyFixtures.forModel("stories260K.bin").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stories")
    void ggufMatchesRunC(GreedyFixtures.Record rec) throws Exception {
        try (LlamaModel model = ModelLoader.loadWeights(SharedFiles.model("stories260K.gguf"));
             CpuExecutor exec = new CpuExecutor(model, 1);
             CpuKvCache cache = exec.newCache(Math.min(256, model.config().contextLength()))) {
            assertEquals(ModelFormat.GGUF, model.format());
            // The GGUF declares a 128-token context: check the positions it can hold.
            GreedyFixtures.Record cut = truncate(rec, model.config().contextLength());
            CpuExecutorFixtureTest.assertFixture(exec, cache, cut, 1e-3f);
        }
    }

    static GreedyFixtures.Record truncate(GreedyFixtures.Record r, int positions) {
        int n = Math.min(positions, r.top5Tokens().length);
        return new GreedyFixtures.Record(r.model(), r.tokenizer(), r.prompt(), java.util.Arrays.copyOf(r.tokens(), n + 1),
                r.text(), java.util.Arrays.copyOf(r.top5Tokens(), n), java.util.Arrays.copyOf(r.top5Logits(), n));
    }

    @Test
    void q8ExportAgreesOnMostTokens() throws Exception {
        int agree = 0, total = 0;
        try (LlamaModel model = ModelLoader.loadWeights(SharedFiles.model("stories260K-q8_0-gs8.bin"));
             CpuExecutor exec = new CpuExecutor(model, 1)) {
            assertEquals(ModelFormat.LLAMA2C_V2, model.format());
            for (GreedyFixtures.Record rec : GreedyFixtures.forModel("stories260K.bin")) {
                // Teacher-forced: at every position, does the int8 model pick the fixture's next token?
                try (CpuKvCache cache = exec.newCache(model.config().contextLength())) {
                    var b = exec.newBatch(1);
                    float[] logits = new float[model.config().vocabSize()];
                    for (int pos = 0; pos < rec.top5Tokens().length; pos++) {
                        b.clear();
                        b.add(rec.tokens()[pos], cache, pos);
                        exec.embed(b);
                        exec.runLayers(0, model.config().layers(), b);
                        exec.logits(b, logits);
                        if (pos + 1 >= rec.promptLength()) {
                            total++;
                            if (CpuExecutorFixtureTest.argmax(logits) == rec.tokens()[pos + 1]) agree++;
                        }
                    }
                }
            }
        }
        assertTrue(agree >= 0.95 * total, agree + " of " + total + " tokens agree");
    }

    @Test
    void freeRunningGgufGreedyEqualsFixturePrefix() throws Exception {
        GreedyFixtures.Record rec = GreedyFixtures.forModel("stories260K.bin").get(0);
        try (LlamaModel model = ModelLoader.loadWeights(SharedFiles.model("stories260K.gguf"));
             CpuExecutor exec = new CpuExecutor(model, 1)) {
            int[] prompt = rec.promptTokens();
            int max = model.config().contextLength() - prompt.length;
            int[] out = GreedyOracle.run(new AutoregressiveEngine(exec), prompt, max);
            assertEquals(java.util.Arrays.toString(java.util.Arrays.copyOf(rec.tokens(), out.length)),
                    java.util.Arrays.toString(out));
        }
    }
}
