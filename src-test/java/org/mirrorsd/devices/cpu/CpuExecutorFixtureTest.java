package org.mirrorsd.devices.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.llama2c.Llama2cLoader;
import org.mirrorsd.testing.GreedyFixtures;
import org.mirrorsd.testing.SharedFiles;

/** The CPU forward pass reproduces llama2.c's run.c: every greedy token and the top-5 logits within 1e-3. */
public class CpuExecutorFixtureTest {

    static Stream<GreedyFixtures.Record> records() {
        return GreedyFixtures.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    void reproducesRunC(GreedyFixtures.Record rec) throws Exception {
        try (LlamaModel model = Llama2cLoader.load(SharedFiles.model(rec.model()));
             CpuExecutor exec = new CpuExecutor(model, 1);
             CpuKvCache cache = exec.newCache(model.config().contextLength())) {
            assertFixture(exec, cache, rec, 1e-3f);
        }
    }

    /** Feeds the fixture's tokens one position at a time and checks each position's logits. */
    public static void assertFixture(CpuExecutor exec, CpuKvCache cache, GreedyFixtures.Record rec, float tolerance) {
        int vocab = exec.config().vocabSize();
        ForwardBatch batch = exec.newBatch(1);
        float[] logits = new float[vocab];
        for (int pos = 0; pos < rec.top5Tokens().length; pos++) {
            batch.clear();
            batch.add(rec.tokens()[pos], cache, pos);
            exec.embed(batch);
            exec.runLayers(0, exec.config().layers(), batch);
            exec.logits(batch, logits);
            for (int k = 0; k < rec.top5Tokens()[pos].length; k++) {
                int token = rec.top5Tokens()[pos][k];
                float expected = rec.top5Logits()[pos][k];
                assertEquals(expected, logits[token], tolerance,
                        rec + " position " + pos + " logit of token " + token);
            }
            if (pos + 1 < rec.tokens().length && pos + 1 >= rec.promptLength()) {
                assertEquals(rec.tokens()[pos + 1], argmax(logits), rec + " greedy token at position " + (pos + 1));
            }
        }
    }

    public static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    @org.junit.jupiter.api.Test
    void fixturesCoverBothModels() {
        List<GreedyFixtures.Record> all = GreedyFixtures.all();
        assertTrue(all.stream().anyMatch(r -> r.model().equals("stories260K.bin")));
        assertTrue(all.stream().anyMatch(r -> r.model().equals("llama2xs-280K.bin")));
    }
}
