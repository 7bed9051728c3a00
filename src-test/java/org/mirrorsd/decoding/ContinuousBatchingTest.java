package org.mirrorsd.decoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mirrorsd.decoding.ar.AutoregressiveEngine;
import org.mirrorsd.decoding.sampling.SamplingParams;
import org.mirrorsd.decoding.speculative.SpecOptions;
import org.mirrorsd.decoding.speculative.SpeculativeEngine;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.testing.FailingExecutor;
import org.mirrorsd.testing.GreedyFixtures;
import org.mirrorsd.testing.Models;

/**
 * Sessions stepped together, their next tokens (or speculative windows) in one batch, decode exactly as each
 * would alone, for AR, draft-model SD and n-gram SD: the same
 * tokens and the same log-probabilities to the bit, greedy and sampled, while sessions join late and finish
 * early. A device failure in the fused pass fails that step and leaks nothing.
 */
class ContinuousBatchingTest {
    private static final String MODEL = "stories260K.bin";

    /** Tokens and the bits of each token's log-probability, one session decoded on its own. */
    private record Trace(List<Integer> tokens, List<Integer> logprobBits) {
        Trace() { this(new ArrayList<>(), new ArrayList<>()); }

        void add(StepResult step) {
            for (int i = 0; i < step.size(); i++) {
                tokens.add(step.tokens()[i]);
                logprobBits.add(Float.floatToIntBits(step.logprobs()[i]));
            }
        }
    }

    private static List<GenerationRequest> requests() {
        List<GenerationRequest> out = new ArrayList<>();
        var fixtures = GreedyFixtures.forModel(MODEL);
        for (int i = 0; i < 5; i++) {
            int[] prompt = fixtures.get(i % fixtures.size()).promptTokens();
            if (i >= fixtures.size()) prompt = Arrays.copyOf(prompt, Math.max(1, prompt.length - 1));
            SamplingParams sampling = i % 2 == 0 ? SamplingParams.greedy()
                    : new SamplingParams(0.9f, 40, 0.95f, 0.0f, 1.1f, 0.1f, 0.1f, 1000L + i);
            // Different lengths, so sessions leave the batch at different steps.
            out.add(new GenerationRequest(prompt, 20 + 13 * i, sampling, new int[0], 2));
        }
        return out;
    }

    private static Trace alone(DecodingEngine engine, GenerationRequest request) {
        Trace t = new Trace();
        try (DecodingSession s = engine.open(request)) {
            while (!s.finished()) t.add(s.step());
        }
        return t;
    }

    static Stream<Arguments> engines() {
        var options = SpecOptions.defaults().withGamma(4);
        return Stream.of(
                Arguments.of("ar", new AutoregressiveEngine(Models.cpu(MODEL))),
                Arguments.of("sd", SpeculativeEngine.withDraftModel(Models.cpu("llama2xs-280K.bin"), Models.cpu(MODEL), options)),
                Arguments.of("ngram", SpeculativeEngine.withNgrams(Models.cpu(MODEL), options)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void fusedStepsEqualSeparateDecodingBitForBit(String method, DecodingEngine engine) {
        List<GenerationRequest> requests = requests();
        List<Trace> expected = requests.stream().map(r -> alone(engine, r)).toList();

        List<DecodingSession> sessions = new ArrayList<>();
        List<Trace> actual = new ArrayList<>();
        int maxBatch = 0;
        for (int step = 0; ; step++) {
            // One more session joins every third step: continuous batching, not a batch fixed at the start.
            if (step % 3 == 0 && sessions.size() < requests.size()) {
                sessions.add(engine.open(requests.get(sessions.size())));
                actual.add(new Trace());
            }
            List<DecodingSession> live = new ArrayList<>();
            List<Trace> liveTraces = new ArrayList<>();
            for (int i = 0; i < sessions.size(); i++) {
                if (!sessions.get(i).finished()) {
                    live.add(sessions.get(i));
                    liveTraces.add(actual.get(i));
                }
            }
            if (live.isEmpty() && sessions.size() == requests.size()) break;
            maxBatch = Math.max(maxBatch, live.size());
            List<StepResult> results = engine.stepTogether(live);
            for (int i = 0; i < live.size(); i++) liveTraces.get(i).add(results.get(i));
        }
        sessions.forEach(DecodingSession::close);
        assertTrue(maxBatch >= 4, "sessions were really fused: at most " + maxBatch);
        for (int i = 0; i < requests.size(); i++) {
            assertEquals(expected.get(i).tokens(), actual.get(i).tokens(), "tokens of request " + i);
            assertEquals(expected.get(i).logprobBits(), actual.get(i).logprobBits(), "log-probabilities of request " + i);
        }
        assertEquals(0, Models.cpu(MODEL).openCaches());
        assertEquals(0, Models.cpu("llama2xs-280K.bin").openCaches());
    }

    @Test
    void aFailingFusedPassFailsTheStepAndLeaksNothing() {
        CpuExecutor cpu = Models.cpu(MODEL);
        // Calls 1-3 prefill the three prompts; the 5th is the second fused pass.
        AutoregressiveEngine engine = new AutoregressiveEngine(new FailingExecutor(cpu, 5));
        List<DecodingSession> sessions = new ArrayList<>();
        for (int i = 0; i < 3; i++) sessions.add(engine.open(GenerationRequest.greedy(new int[] {1, 403 + i}, 50)));
        engine.stepTogether(sessions);
        assertThrows(IllegalStateException.class, () -> engine.stepTogether(sessions));
        sessions.forEach(DecodingSession::close);
        assertEquals(0, cpu.openCaches());
    }

    @Test
    void sessionsOfAnotherEngineAreRefused() {
        AutoregressiveEngine a = new AutoregressiveEngine(Models.cpu(MODEL));
        AutoregressiveEngine b = new AutoregressiveEngine(Models.cpu(MODEL));
        try (DecodingSession s = a.open(GenerationRequest.greedy(new int[] {1}, 3));
             DecodingSession t = b.open(GenerationRequest.greedy(new int[] {1}, 3))) {
            assertThrows(IllegalArgumentException.class, () -> a.stepTogether(List.of(s, t)));
        }
    }
}
