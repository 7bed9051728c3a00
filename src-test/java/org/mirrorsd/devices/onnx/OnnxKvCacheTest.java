package org.mirrorsd.devices.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.devices.KvCache;
import org.mirrorsd.devices.LayerExecutor;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.testing.GreedyFixtures;
import org.mirrorsd.testing.Models;

/** Fork and truncate of the ONNX executor's host cache behave like the CPU cache's. */
class OnnxKvCacheTest {
    private static final String MODEL = "stories260K.bin";
    private static final float TOLERANCE = 1e-4f;

    private final CpuExecutor cpu = Models.cpu(MODEL);
    private final OnnxExecutor onnx = OnnxModels.onnx(MODEL);
    private final int[] tokens = GreedyFixtures.forModel(MODEL).get(1).tokens();

    /** The same script of forks, truncations and writes on both executors; every step's logits must agree. */
    @Test
    void forkAndTruncateGiveTheCpuLogits() {
        float[] cpuLogits = script(cpu);
        float[] onnxLogits = script(onnx);
        assertEquals(cpuLogits.length, onnxLogits.length);
        float worst = OnnxLogitsTest.maxDiff(cpuLogits, 0, onnxLogits, 0, cpuLogits.length);
        assertTrue(worst < TOLERANCE, "max logit difference " + worst);
        assertEquals(0, onnx.openCaches(), "ONNX caches leaked");
    }

    private float[] script(LayerExecutor exec) {
        int v = exec.config().vocabSize();
        float[] out = new float[6 * v];
        ForwardBatch b = exec.newBatch(1);
        try (KvCache main = exec.newCache(64)) {
            OnnxLogitsTest.forward(exec, tokens, 0, 20, main);
            try (KvCache x = main.fork(); KvCache y = main.fork()) {
                // x rewrites the end of a shared, partly filled block; y goes on past it; main is truncated.
                x.truncate(17);
                OnnxLogitsTest.step(exec, b, 99, x, 17, out, 0);
                OnnxLogitsTest.step(exec, b, tokens[20], y, 20, out, v);
                main.truncate(9);
                OnnxLogitsTest.step(exec, b, 7, main, 9, out, 2 * v);
                // The forks still see the original prefix.
                OnnxLogitsTest.step(exec, b, tokens[18], x, 18, out, 3 * v);
                OnnxLogitsTest.step(exec, b, tokens[21], y, 21, out, 4 * v);
                assertEquals(19, x.length());
                assertEquals(22, y.length());
                assertEquals(10, main.length());
            }
            // Re-running a position overwrites it without truncation, as on the CPU.
            OnnxLogitsTest.step(exec, b, tokens[9], main, 9, out, 5 * v);
        }
        return out;
    }

    @Test
    void forksShareBlocksUntilTheyWrite() {
        try (OnnxKvCache main = onnx.newCache(64)) {
            OnnxLogitsTest.forward(onnx, tokens, 0, 40, main); // blocks 0..2, the last partly filled
            assertEquals(3, main.blocksInUse());
            try (OnnxKvCache fork = main.fork()) {
                assertEquals(40, fork.length());
                assertEquals(3, fork.blocksInUse());
                fork.truncate(33);
                assertEquals(3, fork.blocksInUse());
                fork.truncate(32);
                assertEquals(2, fork.blocksInUse(), "a block past the new length is released");
                assertEquals(3, main.blocksInUse(), "the parent keeps its blocks");
            }
        }
        assertEquals(0, onnx.openCaches());
    }

    @Test
    void misuseIsRefused() {
        OnnxKvCache c = onnx.newCache(16);
        assertThrows(IllegalArgumentException.class, () -> c.truncate(1), "cannot grow by truncating");
        var b = onnx.newBatch(1);
        b.add(5, c, 3);
        onnx.embed(b);
        assertThrows(IllegalArgumentException.class, () -> onnx.runLayers(0, onnx.config().layers(), b), "gap");
        c.close();
        assertThrows(IllegalStateException.class, c::fork);
        assertThrows(IllegalArgumentException.class, () -> onnx.newCache(onnx.config().contextLength() + 1));
        try (KvCache cpuCache = cpu.newCache(16)) {
            var ob = onnx.newBatch(1);
            ob.add(5, cpuCache, 0);
            assertThrows(IllegalArgumentException.class, () -> onnx.runLayers(0, onnx.config().layers(), ob));
        }
    }
}
