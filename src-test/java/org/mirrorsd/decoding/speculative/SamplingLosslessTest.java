package org.mirrorsd.decoding.speculative;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.SequenceRunner;
import org.mirrorsd.decoding.sampling.SamplingParams;
import org.mirrorsd.decoding.sampling.TokenDistribution;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.testing.Models;

/**
 * Under sampling, the speculative methods draw the next two tokens from exactly the target's distribution.
 * The exact distribution of (t1, t2) is computed from the target; 20,000 seeded samples of each method are
 * compared with a chi-square goodness-of-fit test at a false-alarm rate of 1e-4 (per method).
 */
class SamplingLosslessTest {
    private static final int SAMPLES = 20_000;
    private static final SamplingParams PARAMS = SamplingParams.of(1.0f, 4, 1f, 0L);
    private static final int[] PROMPT = {1, 403, 407, 261};

    @ParameterizedTest
    @ValueSource(strings = {"sd", "ngram", "mirror", "mirror-paper", "sd+streaming", "mirror+calibrated"})
    void nextTwoTokensFollowTheTarget(String method) {
        CpuExecutor target = Models.cpu("stories260K.bin");
        Map<Long, Double> exact = exactPairs(target);
        Map<Long, Integer> observed = new HashMap<>();
        SpecOptions options = SpecOptions.defaults().withGamma(2).withKappa(4).withExitLayer(2);
        if (method.equals("mirror-paper")) {
            options = options.withPlan(org.mirrorsd.decoding.planning.PlanMode.FIXED); // every step a Mirror step
            method = "mirror";
        }
        try (DecodingEngine engine = method.contains("+")
                ? org.mirrorsd.decoding.Engines.create(method.substring(0, method.indexOf('+')), target,
                        Models.cpu("llama2xs-280K.bin"), options, calibration())
                : GreedyLosslessTest.engine(method, "stories260K.bin", "llama2xs-280K.bin", options)) {
            for (int i = 0; i < SAMPLES; i++) {
                SamplingParams p = new SamplingParams(PARAMS.temperature(), PARAMS.topK(), PARAMS.topP(), 0f, 1f, 0f, 0f, i);
                int[] out = new int[2];
                int n = 0;
                try (DecodingSession s = engine.open(new GenerationRequest(PROMPT, 2, p, new int[0], 0))) {
                    while (!s.finished()) for (int t : s.step().tokens()) out[n++] = t;
                }
                observed.merge(key(out[0], out[1]), 1, Integer::sum);
            }
        }
        double chi2 = 0;
        int cells = 0;
        for (Map.Entry<Long, Double> e : exact.entrySet()) {
            double expected = e.getValue() * SAMPLES;
            int o = observed.getOrDefault(e.getKey(), 0);
            chi2 += (o - expected) * (o - expected) / expected;
            cells++;
        }
        for (Long k : observed.keySet()) {
            assertTrue(exact.containsKey(k), method + " produced a pair the target cannot: " + k);
        }
        double critical = chiSquareQuantile(cells - 1, 1e-4);
        assertTrue(chi2 < critical, method + ": chi2 " + chi2 + " >= " + critical + " with " + (cells - 1) + " dof");
    }

    /** Exit head at layer 2 and two lookahead heads (speculative streaming: sampled q of streamed tokens too). */
    private static org.mirrorsd.decoding.calibration.Calibration calibration() {
        var target = Models.cpu("stories260K.bin");
        var draft = Models.cpu("llama2xs-280K.bin");
        var texts = org.mirrorsd.decoding.calibration.Calibrator.selfGenerated(target, new int[] {1}, 768, 256, 3, n -> { });
        var draftTexts = org.mirrorsd.decoding.calibration.Calibrator.selfGenerated(draft, new int[] {1}, 768, 200, 4, n -> { });
        return new org.mirrorsd.decoding.calibration.Calibration(2,
                org.mirrorsd.decoding.calibration.Calibrator.fitExitHead(target, 2, texts),
                org.mirrorsd.decoding.calibration.Calibrator.fitLookahead(draft, 3, draftTexts));
    }

    private static long key(int a, int b) { return ((long) a << 32) | b; }

    /** P(t1, t2) = p(t1 | prompt) p(t2 | prompt, t1) under the request's top-k/temperature transform. */
    private static Map<Long, Double> exactPairs(CpuExecutor target) {
        int vocab = target.config().vocabSize();
        Map<Long, Double> out = new HashMap<>();
        float[] p1 = new float[vocab];
        float[] p2 = new float[vocab];
        try (SequenceRunner runner = new SequenceRunner(target, 64, 8)) {
            runner.prefill(PROMPT);
            TokenDistribution.probabilities(runner.logits(), 0, vocab, PARAMS, p1);
            for (int a = 0; a < vocab; a++) {
                if (p1[a] == 0) continue;
                runner.truncate(PROMPT.length);
                runner.forward(new int[] {a}, 0, 1);
                TokenDistribution.probabilities(runner.logits(), 0, vocab, PARAMS, p2);
                for (int b = 0; b < vocab; b++) {
                    if (p2[b] > 0) out.put(key(a, b), (double) p1[a] * p2[b]);
                }
            }
        }
        return out;
    }

    /** Upper quantile of chi-square (Wilson-Hilferty approximation; accurate to ~1% for dof >= 3). */
    static double chiSquareQuantile(int dof, double alpha) {
        double z = normalUpperQuantile(alpha);
        double h = 2.0 / (9.0 * dof);
        return dof * Math.pow(1 - h + z * Math.sqrt(h), 3);
    }

    private static double normalUpperQuantile(double alpha) {
        // Acklam-style rational approximation is overkill here: bisection on erfc is exact enough.
        double lo = 0, hi = 10;
        for (int i = 0; i < 100; i++) {
            double mid = (lo + hi) / 2;
            if (upperTail(mid) > alpha) lo = mid; else hi = mid;
        }
        return lo;
    }

    private static double upperTail(double z) {
        // Q(z) by numerical integration of the normal density from z to z + 12.
        int steps = 20_000;
        double h = 12.0 / steps, sum = 0;
        for (int i = 0; i <= steps; i++) {
            double x = z + i * h;
            double w = (i == 0 || i == steps) ? 0.5 : 1;
            sum += w * Math.exp(-x * x / 2);
        }
        return sum * h / Math.sqrt(2 * Math.PI);
    }
}
