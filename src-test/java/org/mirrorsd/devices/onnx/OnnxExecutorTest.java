package org.mirrorsd.devices.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.devices.KvCache;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.devices.onnx.export.OnnxExporter;
import org.mirrorsd.models.LlamaConfig;
import org.mirrorsd.testing.GreedyFixtures;
import org.mirrorsd.testing.Models;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opening sessions, provider fallback, the executor contract's edges, and a draft-step timing against the CPU. */
class OnnxExecutorTest {
    private static final Logger log = LoggerFactory.getLogger(OnnxExecutorTest.class);
    private static final String MODEL = "llama2xs-280K.bin";

    @Test
    void npuFirstListFallsBackToAProviderThisBuildHas() throws IOException {
        Path dir = OnnxModels.exportDir(MODEL);
        OnnxExporter.export(Models.model(MODEL), dir);
        try (OnnxExecutor e = OnnxExecutor.openExport(dir, OnnxOptions.defaults().withThreads(2))) {
            // The Maven Central build of ONNX Runtime has the CPU provider only; an NPU build would stop earlier.
            assertTrue(OnnxOptions.NPU_FIRST.stream().anyMatch(p -> p.equalsIgnoreCase(e.provider())), e.provider());
            log.info("NPU-first list on this machine: {}", e.describe());
            assertEquals(Models.model(MODEL).config(), e.config(), "config read back from the sidecar");
        }
    }

    @Test
    void unknownProvidersAndMismatchedGraphsAreRefused() throws IOException {
        Path dir = OnnxModels.exportDir(MODEL);
        OnnxExporter.export(Models.model(MODEL), dir);
        Path model = dir.resolve(OnnxExporter.MODEL_FILE);
        LlamaConfig c = Models.model(MODEL).config();
        IOException noProvider = assertThrows(IOException.class,
                () -> OnnxExecutor.open(model, c, new OnnxOptions(List.of("Warp9"), 1)));
        assertTrue(noProvider.getMessage().contains("unknown execution provider"), noProvider.getMessage());
        LlamaConfig fewerLayers = new LlamaConfig(c.dim(), c.hiddenDim(), c.layers() - 1, c.heads(), c.kvHeads(), c.headSize(),
                c.vocabSize(), c.contextLength(), c.rmsEps(), c.ropeTheta(), c.ropeScale(), c.ropeLayout());
        assertThrows(IllegalArgumentException.class, () -> OnnxExecutor.open(model, fewerLayers, OnnxOptions.cpu(1)));
        LlamaConfig otherHeads = new LlamaConfig(c.dim(), c.hiddenDim(), c.layers(), c.heads(), c.kvHeads() * 2, c.headSize() / 2,
                c.vocabSize(), c.contextLength(), c.rmsEps(), c.ropeTheta(), c.ropeScale(), c.ropeLayout());
        assertThrows(IllegalArgumentException.class, () -> OnnxExecutor.open(model, otherHeads, OnnxOptions.cpu(1)));
    }

    @Test
    void onlyTheWholeModelRunsAndLogitsNeedARun() {
        OnnxExecutor e = OnnxModels.onnx(MODEL);
        int layers = e.config().layers();
        try (KvCache c = e.newCache(8)) {
            ForwardBatch b = e.newBatch(1);
            b.add(1, c, 0);
            e.embed(b);
            UnsupportedOperationException partial = assertThrows(UnsupportedOperationException.class, () -> e.runLayers(0, 2, b));
            assertTrue(partial.getMessage().contains("runLayers(0, " + layers + ")"), partial.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> e.runLayers(2, layers, b));
            assertThrows(IllegalStateException.class, () -> e.logits(b, new float[e.config().vocabSize()]));
            e.runLayers(1, 1, b); // an empty range is a no-op, as on the CPU
            e.runLayers(0, layers, b);
            float[] logits = new float[e.config().vocabSize()];
            e.logits(b, logits);
            assertEquals(1, c.length());
            e.embed(b);
            assertThrows(IllegalStateException.class, () -> e.logits(b, 0, logits, 0), "stale after a new embed");
        }
        try (KvCache c = e.newCache(4)) {
            ForwardBatch b = e.newBatch(1);
            b.add(e.config().vocabSize(), c, 0);
            assertThrows(IllegalArgumentException.class, () -> e.embed(b), "token outside the vocabulary");
        }
    }

    /**
     * Draft-style work on both executors, one thread each: single-token steps and a batched branch step. Cores
     * are shared, so each figure is the best of several rounds (the first ones also warm up the JIT and ORT).
     */
    @Test
    void draftStepTimings() {
        CpuExecutor cpu = Models.cpu(MODEL);
        OnnxExecutor onnx = OnnxModels.onnx(MODEL);
        int[] tokens = GreedyFixtures.forModel(MODEL).get(0).tokens();
        double cpuStep = Double.MAX_VALUE, onnxStep = Double.MAX_VALUE, cpuBranches = Double.MAX_VALUE, onnxBranches = Double.MAX_VALUE;
        TransferStats before = onnx.transferStats();
        for (int round = 0; round < 6; round++) {
            cpuStep = Math.min(cpuStep, singleSteps(cpu, tokens));
            onnxStep = Math.min(onnxStep, singleSteps(onnx, tokens));
            cpuBranches = Math.min(cpuBranches, branchSteps(cpu, tokens));
            onnxBranches = Math.min(onnxBranches, branchSteps(onnx, tokens));
        }
        log.info("draft step, {} (positions 0..127, 1 thread, best of 6): cpu {} us, onnx {} us per token", MODEL,
                fmt(cpuStep), fmt(onnxStep));
        log.info("branch step, 8 forks at depths 96..103: cpu {} us, onnx {} us per step; onnx overall: {}", fmt(cpuBranches),
                fmt(onnxBranches), onnx.transferStats().minus(before));
        assertEquals(0, onnx.openCaches());
    }

    private static double singleSteps(org.mirrorsd.devices.LayerExecutor exec, int[] tokens) {
        float[] logits = new float[exec.config().vocabSize()];
        ForwardBatch b = exec.newBatch(1);
        try (KvCache c = exec.newCache(128)) {
            long t0 = System.nanoTime();
            for (int pos = 0; pos < 128; pos++) OnnxLogitsTest.step(exec, b, tokens[pos], c, pos, logits);
            return (System.nanoTime() - t0) / 1e3 / 128;
        }
    }

    private static double branchSteps(org.mirrorsd.devices.LayerExecutor exec, int[] tokens) {
        int n = 8, steps = 4;
        float[] logits = new float[n * exec.config().vocabSize()];
        try (KvCache main = exec.newCache(128)) {
            OnnxLogitsTest.forward(exec, tokens, 0, 104, main);
            KvCache[] forks = new KvCache[n];
            for (int i = 0; i < n; i++) {
                forks[i] = main.fork();
                forks[i].truncate(96 + i);
            }
            ForwardBatch b = exec.newBatch(n);
            long t0 = System.nanoTime();
            for (int k = 0; k < steps; k++) {
                b.clear();
                for (int i = 0; i < n; i++) b.add(tokens[96 + i + k], forks[i], 96 + i + k);
                exec.embed(b);
                exec.runLayers(0, exec.config().layers(), b);
                exec.logits(b, logits);
            }
            long t = System.nanoTime() - t0;
            for (KvCache f : forks) f.close();
            return t / 1e3 / steps;
        }
    }

    private static String fmt(double micros) {
        return String.format("%.0f", micros);
    }
}
