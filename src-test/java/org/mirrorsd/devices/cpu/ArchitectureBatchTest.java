package org.mirrorsd.devices.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.testing.LlamaCppFixtures;

/**
 * For every architecture (the F16 model of each family in fixtures/llamacpp): a row's logits are the same bits
 * whatever else is in its batch, and the early-exit pieces compose: runLayers(0, e), logits (with gemma's
 * soft-capping and tied embeddings), runLayers(e, L) give the plain pass's logits exactly. Sequences run past
 * gemma's sliding windows.
 */
class ArchitectureBatchTest {
    private static final int LENGTH = 40;

    static List<String> files() {
        List<String> f = LlamaCppFixtures.files("-F16.gguf");
        assertFalse(f.isEmpty());
        return f;
    }

    private static int[] sequence(int seed) {
        int[] t = new int[LENGTH];
        t[0] = 1;
        for (int i = 1; i < LENGTH; i++) t[i] = 3 + (i * 37 + seed * 101) % 509;
        return t;
    }

    /** Logits of every position, feeding one token at a time. */
    private static List<float[]> alone(CpuExecutor exec, int[] tokens) {
        List<float[]> out = new ArrayList<>();
        try (CpuKvCache cache = exec.newCache(LENGTH)) {
            ForwardBatch b = exec.newBatch(1);
            for (int p = 0; p < tokens.length; p++) {
                b.clear();
                b.add(tokens[p], cache, p);
                exec.embed(b);
                exec.runLayers(0, exec.config().layers(), b);
                float[] l = new float[exec.config().vocabSize()];
                exec.logits(b, l);
                out.add(l);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void rowsAreBatchInvariantAndEarlyExitComposes(String file) {
        CpuExecutor exec = LlamaCppFixtures.cpu(file);
        int vocab = exec.config().vocabSize(), layers = exec.config().layers(), exit = layers / 2;
        int[] a = sequence(1), c = sequence(2);
        List<float[]> refA = alone(exec, a), refC = alone(exec, c);
        try (CpuKvCache ca = exec.newCache(LENGTH); CpuKvCache cc = exec.newCache(LENGTH)) {
            // Both sequences prefilled together in one batch, in uneven chunks, with an early exit in between.
            int[][] chunks = {{0, 7}, {7, 20}, {20, LENGTH}};
            for (int[] ch : chunks) {
                int n = ch[1] - ch[0];
                ForwardBatch b = exec.newBatch(2 * n);
                b.addSequence(a, ch[0], n, ca, ch[0]);
                b.addSequence(c, ch[0], n, cc, ch[0]);
                exec.embed(b);
                exec.runLayers(0, exit, b);
                float[] early = new float[b.size() * vocab];
                exec.logits(b, early);
                float[] fromHidden = new float[b.size() * vocab];
                exec.logitsOfHidden(b.hidden().clone(), b.size(), fromHidden);
                assertArrayEquals(early, fromHidden, file + ": early-exit logits two ways");
                exec.runLayers(exit, layers, b);
                float[] out = new float[b.size() * vocab];
                exec.logits(b, out);
                for (int i = 0; i < n; i++) {
                    int p = ch[0] + i;
                    assertArrayEquals(refA.get(p), java.util.Arrays.copyOfRange(out, i * vocab, (i + 1) * vocab),
                            file + ": sequence a, position " + p);
                    assertArrayEquals(refC.get(p), java.util.Arrays.copyOfRange(out, (n + i) * vocab, (n + i + 1) * vocab),
                            file + ": sequence c, position " + p);
                }
            }
        }
    }
}
