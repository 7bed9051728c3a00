package org.mirrorsd.devices.cuda;

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
 * Heterogeneous speculative decoding: target stories260K on the CUDA executor, draft llama2xs-280K on the CPU.
 * Greedy classic SD and Mirror-SD must reproduce run.c's greedy output token for token.
 */
class CudaLosslessTest {
    private static final Logger log = LoggerFactory.getLogger(CudaLosslessTest.class);
    private static final String TARGET = "stories260K.bin";
    private static final String DRAFT = "llama2xs-280K.bin";

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String device : CudaTestModels.devices().toList()) {
            List<GreedyFixtures.Record> recs = GreedyFixtures.forModel(TARGET);
            for (GreedyFixtures.Record rec : device.equals("sim") ? recs.subList(0, 1) : recs) {
                out.add(Arguments.of(device, rec, "mirror", SpecOptions.defaults()));
                if (device.equals("cuda")) out.add(Arguments.of(device, rec, "sd", SpecOptions.defaults()));
            }
            out.add(Arguments.of(device, recs.get(0), "mirror",
                    SpecOptions.defaults().withGamma(4).withKappa(2).withExitLayer(1)));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {2} {3} on {1}")
    @MethodSource("cases")
    void reproducesTheFixture(String device, GreedyFixtures.Record rec, String method, SpecOptions options) {
        try (CudaExecutor target = CudaTestModels.open(device, Models.model(TARGET))) {
            try (DecodingEngine engine = Engines.create(method, target, Models.cpu(DRAFT), options)) {
                int[] prompt = rec.promptTokens();
                int[] out = GreedyOracle.run(engine, prompt, rec.tokens().length - prompt.length, 1);
                assertArrayEquals(rec.tokens(), out, method + " " + options);
            }
            log.info("{} {} {} on \"{}\": target {}", device, method, options, rec.prompt(), target.stats());
            assertEquals(0, target.openCaches(), "target KV caches leaked");
            assertEquals(0, target.kvBlocksInUse(), "target KV blocks leaked");
            assertEquals(0, Models.cpu(DRAFT).openCaches(), "draft KV caches leaked");
        }
    }
}
