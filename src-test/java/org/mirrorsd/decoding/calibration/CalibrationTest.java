package org.mirrorsd.decoding.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.Engines;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.GreedyOracle;
import org.mirrorsd.decoding.SequenceRunner;
import org.mirrorsd.decoding.sampling.TokenDistribution;
import org.mirrorsd.decoding.speculative.SpecOptions;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.testing.GreedyFixtures;
import org.mirrorsd.testing.Models;

/**
 * The fitted heads: the exit head makes the early-exit signal agree more often with the target's own next
 * token on held-out text, and with exit and lookahead heads every method stays lossless.
 */
class CalibrationTest {
    private static final int EXIT = 2;
    private static Calibration calibration;

    @BeforeAll
    static void fit() {
        CpuExecutor target = Models.cpu("stories260K.bin");
        CpuExecutor draft = Models.cpu("llama2xs-280K.bin");
        List<int[]> targetText = Calibrator.selfGenerated(target, new int[] {1}, 1536, 256, 1, n -> { });
        List<int[]> draftText = Calibrator.selfGenerated(draft, new int[] {1}, 1536, 200, 7, n -> { });
        calibration = new Calibration(EXIT, Calibrator.fitExitHead(target, EXIT, targetText),
                Calibrator.fitLookahead(draft, 3, draftText));
    }

    @Test
    void exitHeadPredictsTheTargetBetterOnHeldOutText() {
        CpuExecutor target = Models.cpu("stories260K.bin");
        List<int[]> heldOut = Calibrator.selfGenerated(target, new int[] {1}, 768, 256, 1000, n -> { });
        int vocab = target.config().vocabSize(), dim = target.config().dim();
        int plain = 0, headed = 0, total = 0;
        for (int[] text : heldOut) {
            try (SequenceRunner r = new SequenceRunner(target, 512, 64)) {
                for (int from = 0; from < text.length; from += 64) {
                    int n = Math.min(64, text.length - from);
                    float[] early = new float[n * vocab];
                    r.forwardPrefix(text, from, n, EXIT, early);
                    float[] mapped = new float[n * dim];
                    calibration.exitHead().apply(r.hidden(), n, mapped);
                    float[] viaHead = new float[n * vocab];
                    target.logitsOfHidden(mapped, n, viaHead);
                    r.forwardSuffix(EXIT);
                    for (int i = 0; i < n; i++) {
                        int finalTop = TokenDistribution.argmax(r.logits(), i * vocab, vocab);
                        if (TokenDistribution.argmax(early, i * vocab, vocab) == finalTop) plain++;
                        if (TokenDistribution.argmax(viaHead, i * vocab, vocab) == finalTop) headed++;
                        total++;
                    }
                }
            }
        }
        assertTrue(headed > plain, "exit head top-1 agreement " + headed + " vs plain early exit " + plain + " of " + total);
    }

    @Test
    void saveAndLoadRoundTrip(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("calibration.gguf");
        calibration.save(file);
        Calibration back = Calibration.load(file);
        assertEquals(EXIT, back.exitLayer());
        assertArrayEquals(calibration.exitHead().weights(), back.exitHead().weights());
        assertEquals(2, back.lookahead().length);
        assertArrayEquals(calibration.lookahead()[1].weights(), back.lookahead()[1].weights());
        assertEquals(3, back.lookaheadTokens());
    }

    @Test
    void calibratedMethodsStayLossless() {
        SpecOptions o = SpecOptions.defaults().withExitLayer(EXIT).withMaxBranches(24);
        for (String method : new String[] {"sd", "mirror"}) {
            try (DecodingEngine engine = Engines.create(method, Models.cpu("stories260K.bin"),
                    Models.cpu("llama2xs-280K.bin"), o, calibration)) {
                for (GreedyFixtures.Record rec : GreedyFixtures.forModel("stories260K.bin")) {
                    int[] prompt = rec.promptTokens();
                    assertArrayEquals(rec.tokens(), GreedyOracle.run(engine, prompt, rec.tokens().length - prompt.length, 1),
                            method + " with calibration on " + rec);
                }
            }
        }
        assertEquals(0, Models.cpu("llama2xs-280K.bin").openCaches());
    }

    @Test
    void streamingDraftProposesSeveralTokensPerPass() {
        SpecOptions o = SpecOptions.defaults().withExitLayer(EXIT);
        try (DecodingEngine engine = Engines.create("sd", Models.cpu("stories260K.bin"), Models.cpu("llama2xs-280K.bin"), o,
                calibration);
             DecodingSession s = engine.open(GenerationRequest.greedy(GreedyFixtures.forModel("stories260K.bin").get(0).promptTokens(), 100))) {
            while (!s.finished()) s.step();
            assertTrue(s.stats().accepted > 0, "streamed drafts still get accepted");
        }
    }
}
