package org.mirrorsd.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.devices.KvCache;
import org.mirrorsd.devices.LayerExecutor;

/** Feeds the same tokens, one position at a time, to an executor and to a reference one and compares logits. */
public final class ExecutorParity {
    private ExecutorParity() {}

    public static void assertSameLogits(LayerExecutor exec, LayerExecutor reference, int[] tokens, float tolerance,
                                        String what) {
        int vocab = reference.config().vocabSize(), layers = reference.config().layers();
        try (KvCache c = exec.newCache(tokens.length); KvCache rc = reference.newCache(tokens.length)) {
            ForwardBatch b = exec.newBatch(1), rb = reference.newBatch(1);
            float[] got = new float[vocab], expected = new float[vocab];
            for (int pos = 0; pos < tokens.length; pos++) {
                step(exec, b, c, tokens[pos], pos, layers, got);
                step(reference, rb, rc, tokens[pos], pos, layers, expected);
                assertArrayEquals(expected, got, tolerance, what + " position " + pos);
            }
        }
    }

    private static void step(LayerExecutor e, ForwardBatch b, KvCache c, int token, int pos, int layers, float[] out) {
        b.clear();
        b.add(token, c, pos);
        e.embed(b);
        e.runLayers(0, layers, b);
        e.logits(b, out);
    }

    /** BOS then a fixed spread of ids below 512 (the llama.cpp fixtures' vocabulary). */
    public static int[] tokens(int n) {
        int[] t = new int[n];
        t[0] = 1;
        for (int i = 1; i < n; i++) t[i] = 3 + (i * 53) % 509;
        return t;
    }
}
