package org.mirrorsd.decoding.calibration;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.SequenceRunner;
import org.mirrorsd.decoding.ar.AutoregressiveEngine;
import org.mirrorsd.decoding.sampling.SamplingParams;
import org.mirrorsd.devices.LayerExecutor;

/**
 * Fits calibration heads by self-distillation: a model generates text (sampled, so it covers more than its
 * greedy path), then is run teacher-forced over that text while hidden states are collected for ridge fits.
 */
public final class Calibrator {
    private static final int CHUNK = 64;
    private static final double RELATIVE_LAMBDA = 1e-3;

    private Calibrator() {}

    /** Text the model itself samples from {@code start} (e.g. BOS), about {@code positions} tokens in all. */
    public static List<int[]> selfGenerated(LayerExecutor model, int[] start, int positions, int maxLength, long seed,
                                            IntConsumer progress) {
        List<int[]> texts = new ArrayList<>();
        AutoregressiveEngine engine = new AutoregressiveEngine(model);
        int total = 0;
        int length = Math.min(maxLength, model.config().contextLength() - start.length);
        for (long s = seed; total < positions; s++) {
            SamplingParams p = new SamplingParams(0.8f, 40, 0.95f, 0f, 1f, 0f, 0f, s);
            int[] seq = java.util.Arrays.copyOf(start, start.length + length);
            int n = start.length;
            try (DecodingSession session = engine.open(new GenerationRequest(start, length, p, new int[0], 0))) {
                while (!session.finished()) for (int t : session.step().tokens()) seq[n++] = t;
            }
            texts.add(java.util.Arrays.copyOf(seq, n));
            total += n;
            progress.accept(total);
        }
        return texts;
    }

    /** The target's exit head for {@code exitLayer}: layer-ℓₑ hidden state -> final hidden state. */
    public static LinearHead fitExitHead(LayerExecutor target, int exitLayer, List<int[]> texts) {
        int dim = target.config().dim();
        Ridge ridge = new Ridge(dim);
        float[] early = new float[CHUNK * target.config().vocabSize()];
        for (int[] text : texts) {
            try (SequenceRunner runner = new SequenceRunner(target, target.config().contextLength(), CHUNK)) {
                for (int from = 0; from < text.length; from += CHUNK) {
                    int n = Math.min(CHUNK, text.length - from);
                    runner.forwardPrefix(text, from, n, exitLayer, early);
                    float[] atExit = java.util.Arrays.copyOf(runner.hidden(), n * dim);
                    runner.forwardSuffix(exitLayer);
                    float[] last = runner.hidden();
                    for (int r = 0; r < n; r++) ridge.add(atExit, r * dim, last, r * dim);
                }
            }
        }
        return new LinearHead(dim, ridge.solve(RELATIVE_LAMBDA));
    }

    /** Lookahead heads k = 2..K of a draft: its final hidden state at t -> the one at t + k - 1. */
    public static LinearHead[] fitLookahead(LayerExecutor draft, int tokens, List<int[]> texts) {
        int dim = draft.config().dim();
        int layers = draft.config().layers();
        Ridge[] ridges = new Ridge[tokens - 1];
        for (int k = 0; k < ridges.length; k++) ridges[k] = new Ridge(dim);
        float[] unused = new float[CHUNK * draft.config().vocabSize()];
        for (int[] text : texts) {
            float[] hidden = new float[text.length * dim];
            try (SequenceRunner runner = new SequenceRunner(draft, draft.config().contextLength(), CHUNK)) {
                for (int from = 0; from < text.length; from += CHUNK) {
                    int n = Math.min(CHUNK, text.length - from);
                    runner.forwardPrefix(text, from, n, layers, unused);
                    System.arraycopy(runner.hidden(), 0, hidden, from * dim, n * dim);
                }
            }
            for (int t = 0; t < text.length; t++) {
                for (int k = 2; k <= tokens; k++) {
                    int target = t + k - 1;
                    if (target < text.length) ridges[k - 2].add(hidden, t * dim, hidden, target * dim);
                }
            }
        }
        LinearHead[] heads = new LinearHead[ridges.length];
        for (int k = 0; k < heads.length; k++) heads[k] = new LinearHead(dim, ridges[k].solve(RELATIVE_LAMBDA));
        return heads;
    }
}
