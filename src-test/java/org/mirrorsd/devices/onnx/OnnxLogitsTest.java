package org.mirrorsd.devices.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.devices.KvCache;
import org.mirrorsd.devices.LayerExecutor;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.testing.GreedyFixtures;
import org.mirrorsd.testing.Models;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The exported graph on ONNX Runtime computes the CPU executor's logits, to 1e-4, however rows are batched. */
class OnnxLogitsTest {
    private static final Logger log = LoggerFactory.getLogger(OnnxLogitsTest.class);
    private static final float TOLERANCE = 1e-4f;
    private static final int POSITIONS = 64;

    private static int[] fixtureTokens(String model) {
        int[] tokens = GreedyFixtures.forModel(model).get(0).tokens();
        return java.util.Arrays.copyOf(tokens, Math.min(POSITIONS, tokens.length));
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K.bin", "llama2xs-280K.bin"})
    void singleTokenStepsMatchTheCpu(String model) {
        CpuExecutor cpu = Models.cpu(model);
        OnnxExecutor onnx = OnnxModels.onnx(model);
        int vocab = cpu.config().vocabSize();
        int[] tokens = fixtureTokens(model);
        float[] expected = new float[vocab], actual = new float[vocab];
        float worst = 0;
        try (KvCache cc = cpu.newCache(POSITIONS); KvCache oc = onnx.newCache(POSITIONS)) {
            ForwardBatch cb = cpu.newBatch(1), ob = onnx.newBatch(1);
            for (int pos = 0; pos < tokens.length; pos++) {
                step(cpu, cb, tokens[pos], cc, pos, expected);
                step(onnx, ob, tokens[pos], oc, pos, actual);
                worst = Math.max(worst, maxDiff(expected, 0, actual, 0, vocab));
            }
            assertEquals(tokens.length, oc.length());
        }
        log.info("{}: single-token steps over {} positions, max |onnx - cpu| logit difference {}", model, tokens.length, worst);
        assertTrue(worst < TOLERANCE, "max logit difference " + worst);
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K.bin", "llama2xs-280K.bin"})
    void aMultiTokenStepMatchesTheCpu(String model) {
        CpuExecutor cpu = Models.cpu(model);
        OnnxExecutor onnx = OnnxModels.onnx(model);
        int vocab = cpu.config().vocabSize();
        int[] tokens = fixtureTokens(model);
        int half = tokens.length / 2;
        float worst = 0;
        try (KvCache cc = cpu.newCache(POSITIONS); KvCache oc = onnx.newCache(POSITIONS)) {
            // Two chunks: one with an empty past, one on top of it.
            for (int[] chunk : new int[][] {{0, half}, {half, tokens.length}}) {
                int n = chunk[1] - chunk[0];
                float[] expected = forward(cpu, tokens, chunk[0], n, cc);
                float[] actual = forward(onnx, tokens, chunk[0], n, oc);
                worst = Math.max(worst, maxDiff(expected, 0, actual, 0, n * vocab));
            }
        }
        log.info("{}: batched steps of {} tokens, max logit difference {}", model, half, worst);
        assertTrue(worst < TOLERANCE, "max logit difference " + worst);
    }

    /** Forks at different depths in one batch: the padded single-call path agrees with the CPU too. */
    @ParameterizedTest
    @ValueSource(strings = {"stories260K.bin", "llama2xs-280K.bin"})
    void branchesAtDifferentDepthsMatchTheCpu(String model) {
        CpuExecutor cpu = Models.cpu(model);
        OnnxExecutor onnx = OnnxModels.onnx(model);
        int vocab = cpu.config().vocabSize();
        int[] tokens = fixtureTokens(model);
        List<Integer> depths = List.of(20, 23, 23, 27, 31);
        float worst = 0;
        TransferStats before = onnx.transferStats();
        try (KvCache cc = cpu.newCache(POSITIONS); KvCache oc = onnx.newCache(POSITIONS)) {
            forward(cpu, tokens, 0, 32, cc);
            forward(onnx, tokens, 0, 32, oc);
            before = onnx.transferStats();
            float[] expected = branches(cpu, cc, depths, tokens);
            float[] actual = branches(onnx, oc, depths, tokens);
            worst = maxDiff(expected, 0, actual, 0, depths.size() * 3 * vocab);
        }
        TransferStats used = onnx.transferStats().minus(before);
        log.info("{}: {} branches x 3 steps, max logit difference {}; {}", model, depths.size(), worst, used);
        assertEquals(3, used.calls(), "one session call per step for all branches");
        assertTrue(worst < TOLERANCE, "max logit difference " + worst);
        assertEquals(0, onnx.openCaches());
    }

    /** Each branch forks the main cache at its depth and then feeds 3 fixture tokens, all branches per call. */
    private static float[] branches(LayerExecutor exec, KvCache main, List<Integer> depths, int[] tokens) {
        int vocab = exec.config().vocabSize(), n = depths.size();
        KvCache[] forks = new KvCache[n];
        for (int i = 0; i < n; i++) {
            forks[i] = main.fork();
            forks[i].truncate(depths.get(i));
        }
        float[] out = new float[3 * n * vocab];
        ForwardBatch b = exec.newBatch(n);
        for (int k = 0; k < 3; k++) {
            b.clear();
            for (int i = 0; i < n; i++) b.add(tokens[depths.get(i) + k + i], forks[i], depths.get(i) + k);
            exec.embed(b);
            exec.runLayers(0, exec.config().layers(), b);
            float[] step = new float[n * vocab];
            exec.logits(b, step);
            System.arraycopy(step, 0, out, k * n * vocab, n * vocab);
        }
        for (KvCache f : forks) f.close();
        return out;
    }

    static float[] forward(LayerExecutor exec, int[] tokens, int from, int n, KvCache cache) {
        ForwardBatch b = exec.newBatch(n);
        b.addSequence(tokens, from, n, cache, from);
        exec.embed(b);
        exec.runLayers(0, exec.config().layers(), b);
        float[] out = new float[n * exec.config().vocabSize()];
        exec.logits(b, out);
        return out;
    }

    static void step(LayerExecutor exec, ForwardBatch b, int token, KvCache cache, int pos, float[] out) {
        step(exec, b, token, cache, pos, out, 0);
    }

    static void step(LayerExecutor exec, ForwardBatch b, int token, KvCache cache, int pos, float[] out, int outOffset) {
        b.clear();
        b.add(token, cache, pos);
        exec.embed(b);
        exec.runLayers(0, exec.config().layers(), b);
        exec.logits(b, 0, out, outOffset);
    }

    static float maxDiff(float[] a, int aOff, float[] b, int bOff, int n) {
        float worst = 0;
        for (int i = 0; i < n; i++) worst = Math.max(worst, Math.abs(a[aOff + i] - b[bOff + i]));
        return worst;
    }
}
