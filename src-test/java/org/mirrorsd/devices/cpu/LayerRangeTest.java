package org.mirrorsd.devices.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.devices.KvCache;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.llama2c.Llama2cLoader;
import org.mirrorsd.testing.GreedyFixtures;
import org.mirrorsd.testing.SharedFiles;

/**
 * The pieces speculative decoding is built from agree bit for bit with the plain one-token-at-a-time pass:
 * batched multi-position forward, early-exit logits from any layer, truncation and forks of the KV cache.
 */
class LayerRangeTest {
    /** Exact: the CPU kernels are batch-invariant, so a row's logits do not depend on what else is in its batch. */
    private static final float TOL = 0f;
    private static LlamaModel model;
    private static CpuExecutor exec;
    private static int[] tokens;

    @BeforeAll
    static void load() throws Exception {
        model = Llama2cLoader.load(SharedFiles.model("stories260K.bin"));
        exec = new CpuExecutor(model, 2);
        tokens = Arrays.copyOf(GreedyFixtures.forModel("stories260K.bin").get(0).tokens(), 40);
    }

    @AfterAll
    static void close() {
        exec.close();
        model.close();
    }

    private int layers() { return model.config().layers(); }

    private int vocab() { return model.config().vocabSize(); }

    /** Logits of layer {@code exitLayer} at every position, one token per call. */
    private float[][] sequential(int exitLayer) {
        float[][] out = new float[tokens.length][vocab()];
        try (KvCache cache = exec.newCache(64)) {
            ForwardBatch b = exec.newBatch(1);
            for (int p = 0; p < tokens.length; p++) {
                b.clear();
                b.add(tokens[p], cache, p);
                exec.embed(b);
                exec.runLayers(0, exitLayer, b);
                exec.logits(b, out[p]);
                exec.runLayers(exitLayer, layers(), b);
            }
        }
        return out;
    }

    @Test
    void batchedForwardMatchesSequential() {
        float[][] expected = sequential(layers());
        try (KvCache cache = exec.newCache(64)) {
            // A prefill of 25 positions, then a verification-like window of 15 in one call.
            ForwardBatch b = exec.newBatch(25);
            float[] logits = new float[25 * vocab()];
            int done = 0;
            for (int chunk : new int[] {25, 15}) {
                b.clear();
                b.addSequence(tokens, done, chunk, cache, done);
                exec.embed(b);
                exec.runLayers(0, layers(), b);
                exec.logits(b, logits);
                for (int r = 0; r < chunk; r++) {
                    assertArrayEquals(expected[done + r], Arrays.copyOfRange(logits, r * vocab(), (r + 1) * vocab()), TOL,
                            "position " + (done + r));
                }
                done += chunk;
            }
            assertEquals(tokens.length, cache.length());
        }
    }

    @Test
    void earlyExitAtEveryLayerMatchesSequential() {
        for (int exit = 1; exit < layers(); exit++) {
            float[][] expected = sequential(exit);
            try (KvCache cache = exec.newCache(64)) {
                ForwardBatch b = exec.newBatch(tokens.length);
                b.addSequence(tokens, 0, tokens.length, cache, 0);
                exec.embed(b);
                exec.runLayers(0, exit, b);
                float[] logits = new float[tokens.length * vocab()];
                exec.logits(b, logits);
                for (int r = 0; r < tokens.length; r++) {
                    assertArrayEquals(expected[r], Arrays.copyOfRange(logits, r * vocab(), (r + 1) * vocab()), TOL,
                            "exit layer " + exit + " position " + r);
                }
            }
        }
    }

    @Test
    void truncateAndForkReproduceTheSameLogits() {
        float[][] expected = sequential(layers());
        try (CpuKvCache cache = exec.newCache(64)) {
            ForwardBatch b = exec.newBatch(tokens.length);
            float[] logits = new float[tokens.length * vocab()];
            // Prefill 20, then a "rejected draft" of wrong tokens at 20..27, then roll back and go on correctly.
            run(b, cache, 0, 20, tokens, logits);
            int[] wrong = new int[tokens.length];
            Arrays.fill(wrong, 7);
            run(b, cache, 20, 8, wrong, logits);
            cache.truncate(20);
            // Two forks continue from position 20: each must see only the shared prefix, never the other's writes.
            try (KvCache left = cache.fork(); KvCache right = cache.fork()) {
                run(b, left, 20, 6, wrong, logits);
                run(b, right, 20, 10, tokens, logits);
                for (int r = 0; r < 10; r++) {
                    assertArrayEquals(expected[20 + r], Arrays.copyOfRange(logits, r * vocab(), (r + 1) * vocab()), TOL);
                }
            }
            run(b, cache, 20, 20, tokens, logits);
            for (int r = 0; r < 20; r++) {
                assertArrayEquals(expected[20 + r], Arrays.copyOfRange(logits, r * vocab(), (r + 1) * vocab()), TOL);
            }
        }
    }

    @Test
    void rowsOfDifferentSequencesInOneBatch() {
        float[][] expected = sequential(layers());
        try (CpuKvCache a = exec.newCache(64); CpuKvCache c = exec.newCache(64)) {
            ForwardBatch b = exec.newBatch(40);
            float[] logits = new float[40 * vocab()];
            run(b, a, 0, 10, tokens, logits);
            run(b, c, 0, 5, tokens, logits);
            b.clear();
            b.addSequence(tokens, 10, 3, a, 10);
            b.addSequence(tokens, 5, 4, c, 5);
            exec.embed(b);
            exec.runLayers(0, layers(), b);
            exec.logits(b, logits);
            int[] positions = {10, 11, 12, 5, 6, 7, 8};
            for (int r = 0; r < positions.length; r++) {
                assertArrayEquals(expected[positions[r]], Arrays.copyOfRange(logits, r * vocab(), (r + 1) * vocab()), TOL);
            }
        }
    }

    @Test
    void gapsAndClosedCachesAreRejected() {
        CpuKvCache cache = exec.newCache(64);
        ForwardBatch b = exec.newBatch(1);
        b.add(tokens[0], cache, 3);
        exec.embed(b);
        assertThrows(IllegalArgumentException.class, () -> exec.runLayers(0, layers(), b));
        cache.close();
        b.clear();
        b.add(tokens[0], cache, 0);
        assertThrows(IllegalStateException.class, () -> exec.runLayers(0, layers(), b));
        assertEquals(0, cache.blocksInUse());
    }

    private void run(ForwardBatch b, KvCache cache, int start, int count, int[] seq, float[] logits) {
        b.clear();
        b.addSequence(seq, start, count, cache, start);
        exec.embed(b);
        exec.runLayers(0, layers(), b);
        exec.logits(b, logits);
    }
}
