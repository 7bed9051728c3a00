package org.mirrorsd.decoding.ar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.FinishReason;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.GreedyOracle;
import org.mirrorsd.decoding.sampling.SamplingParams;
import org.mirrorsd.testing.GreedyFixtures;
import org.mirrorsd.testing.Models;

class AutoregressiveEngineTest {

    static Stream<GreedyFixtures.Record> records() {
        return GreedyFixtures.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    void greedyMatchesRunC(GreedyFixtures.Record rec) {
        AutoregressiveEngine engine = new AutoregressiveEngine(Models.cpu(rec.model()));
        int[] prompt = rec.promptTokens();
        int max = rec.tokens().length - prompt.length;
        // run.c stops when the model emits BOS (1); the fixture with 223 tokens ends that way.
        int[] out = GreedyOracle.run(engine, prompt, max, 1);
        assertArrayEquals(rec.tokens(), out);
    }

    @Test
    void sameSeedSameSample() {
        AutoregressiveEngine engine = new AutoregressiveEngine(Models.cpu("stories260K.bin"));
        SamplingParams p = new SamplingParams(0.9f, 40, 0.95f, 0.02f, 1.1f, 0.1f, 0.1f, 1234L);
        int[] prompt = {1, 403, 407};
        int[] a = GreedyOracle.run(engine, new GenerationRequest(prompt, 60, p, new int[0], 0));
        int[] b = GreedyOracle.run(engine, new GenerationRequest(prompt, 60, p, new int[0], 0));
        int[] c = GreedyOracle.run(engine, new GenerationRequest(prompt, 60,
                new SamplingParams(0.9f, 40, 0.95f, 0.02f, 1.1f, 0.1f, 0.1f, 99L), new int[0], 0));
        assertArrayEquals(a, b);
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
    }

    @Test
    void finishReasons() {
        AutoregressiveEngine engine = new AutoregressiveEngine(Models.cpu("stories260K.bin"));
        try (DecodingSession s = engine.open(GenerationRequest.greedy(new int[] {1}, 5))) {
            int n = 0;
            while (!s.finished()) n += s.step().size();
            assertEquals(5, n);
            assertEquals(FinishReason.LENGTH, s.finishReason());
            assertEquals(1.0, s.stats().meanAcceptedLength(), 1e-9);
        }
        // Token 403 ("Once") is the greedy first token after BOS: as a stop token it ends at once.
        try (DecodingSession s = engine.open(GenerationRequest.greedy(new int[] {1}, 5, 403))) {
            assertArrayEquals(new int[] {403}, s.step().tokens());
            assertEquals(FinishReason.STOP, s.finishReason());
        }
    }
}
