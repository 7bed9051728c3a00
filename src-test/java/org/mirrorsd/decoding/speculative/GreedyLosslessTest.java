package org.mirrorsd.decoding.speculative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.GreedyOracle;
import org.mirrorsd.decoding.ar.AutoregressiveEngine;
import org.mirrorsd.decoding.mirror.MirrorEngine;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.testing.GreedyFixtures;
import org.mirrorsd.testing.Models;

/**
 * Every speculative method yields, token for token, what plain greedy decoding of the target yields: the
 * fixtures' sequences (run.c's output), for both model pairs, several γ, κ and every early-exit layer.
 */
class GreedyLosslessTest {
    private static final String A = "stories260K.bin";
    private static final String B = "llama2xs-280K.bin";

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (GreedyFixtures.Record rec : GreedyFixtures.all()) {
            String draft = rec.model().equals(A) ? B : A;
            out.add(Arguments.of(rec, "sd", draft, SpecOptions.defaults()));
            out.add(Arguments.of(rec, "sd", draft, SpecOptions.defaults().withGamma(3)));
            out.add(Arguments.of(rec, "ngram", draft, SpecOptions.defaults()));
            out.add(Arguments.of(rec, "mirror", draft, SpecOptions.defaults()));
            out.add(Arguments.of(rec, "mirror", draft, SpecOptions.paper())); // every step a Mirror step, all branches
            out.add(Arguments.of(rec, "sd", draft, SpecOptions.paper()));
            out.add(Arguments.of(rec, "mirror", draft, SpecOptions.defaults().withGamma(4).withKappa(2).withExitLayer(1)));
            out.add(Arguments.of(rec, "mirror", draft, SpecOptions.defaults().withGamma(2).withKappa(16).withExitLayer(4)
                    .withMaxBranches(10)));
        }
        return out.stream();
    }

    static DecodingEngine engine(String method, String target, String draft, SpecOptions o) {
        CpuExecutor t = Models.cpu(target);
        CpuExecutor d = Models.cpu(draft);
        return switch (method) {
            case "sd" -> SpeculativeEngine.withDraftModel(t, d, o);
            case "ngram" -> SpeculativeEngine.withNgrams(t, o);
            case "mirror" -> new MirrorEngine(t, d, o);
            default -> new AutoregressiveEngine(t);
        };
    }

    @ParameterizedTest(name = "{1} {3} on {0}")
    @MethodSource("cases")
    void reproducesTheFixture(GreedyFixtures.Record rec, String method, String draft, SpecOptions o) {
        try (DecodingEngine engine = engine(method, rec.model(), draft, o)) {
            int[] prompt = rec.promptTokens();
            int[] out = GreedyOracle.run(engine, prompt, rec.tokens().length - prompt.length, 1);
            assertArrayEquals(rec.tokens(), out, method + " " + o);
        }
        assertEquals(0, Models.cpu(rec.model()).openCaches(), "target KV caches leaked");
        assertEquals(0, Models.cpu(draft).openCaches(), "draft KV caches leaked");
    }

    @Test
    void everyEarlyExitLayerStaysLossless() {
        GreedyFixtures.Record rec = GreedyFixtures.forModel(A).get(1);
        int layers = Models.model(A).config().layers();
        for (int exit = 1; exit < layers; exit++) {
            try (DecodingEngine engine = engine("mirror", A, B, SpecOptions.defaults().withExitLayer(exit).withKappa(4))) {
                int[] prompt = rec.promptTokens();
                assertArrayEquals(rec.tokens(), GreedyOracle.run(engine, prompt, rec.tokens().length - prompt.length, 1),
                        "exit layer " + exit);
            }
        }
    }

    @Test
    void speculationActuallyHappens() {
        GreedyFixtures.Record rec = GreedyFixtures.forModel(A).get(0);
        // The paper's schedule, every step a Mirror step: planned, these tiny models may never need a branch.
        try (DecodingEngine engine = engine("mirror", A, B, SpecOptions.paper());
             DecodingSession s = engine.open(GenerationRequest.greedy(rec.promptTokens(), 200))) {
            while (!s.finished()) s.step();
            assertTrue(s.stats().accepted > 0, "some drafts accepted");
            assertTrue(s.stats().meanAcceptedLength() > 1.2, "tau " + s.stats().meanAcceptedLength());
            assertTrue(s.stats().branchHits > 0, "some branch reused");
            assertTrue(s.stats().targetPasses < 200);
        }
    }
}
