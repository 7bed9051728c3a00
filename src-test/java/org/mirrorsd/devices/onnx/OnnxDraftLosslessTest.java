package org.mirrorsd.devices.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.Engines;
import org.mirrorsd.decoding.GreedyOracle;
import org.mirrorsd.decoding.speculative.SpecOptions;
import org.mirrorsd.testing.GreedyFixtures;
import org.mirrorsd.testing.Models;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heterogeneous speculative decoding: target stories260K on the CPU, draft llama2xs-280K on ONNX Runtime.
 * Greedy classic SD and Mirror-SD must still reproduce the fixtures (run.c's greedy output) token for token.
 */
class OnnxDraftLosslessTest {
    private static final Logger log = LoggerFactory.getLogger(OnnxDraftLosslessTest.class);
    private static final String TARGET = "stories260K.bin";
    private static final String DRAFT = "llama2xs-280K.bin";

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (GreedyFixtures.Record rec : GreedyFixtures.forModel(TARGET)) {
            out.add(Arguments.of(rec, "sd", SpecOptions.defaults()));
            out.add(Arguments.of(rec, "mirror", SpecOptions.defaults()));
        }
        GreedyFixtures.Record first = GreedyFixtures.forModel(TARGET).get(0);
        out.add(Arguments.of(first, "mirror", SpecOptions.defaults().withGamma(4).withKappa(2).withExitLayer(1)));
        out.add(Arguments.of(first, "mirror", SpecOptions.defaults().withGamma(2).withKappa(16).withExitLayer(4).withMaxBranches(10)));
        return out.stream();
    }

    @ParameterizedTest(name = "{1} {2} on {0}")
    @MethodSource("cases")
    void reproducesTheFixture(GreedyFixtures.Record rec, String method, SpecOptions options) {
        OnnxExecutor draft = OnnxModels.onnx(DRAFT);
        TransferStats before = draft.transferStats();
        try (DecodingEngine engine = Engines.create(method, Models.cpu(TARGET), draft, options)) {
            int[] prompt = rec.promptTokens();
            int[] out = GreedyOracle.run(engine, prompt, rec.tokens().length - prompt.length, 1);
            assertArrayEquals(rec.tokens(), out, method + " " + options);
        }
        log.info("{} {} on \"{}\": draft on onnx: {}", method, options, rec.prompt(), draft.transferStats().minus(before));
        assertEquals(0, draft.openCaches(), "draft KV caches leaked");
        assertEquals(0, Models.cpu(TARGET).openCaches(), "target KV caches leaked");
    }
}
