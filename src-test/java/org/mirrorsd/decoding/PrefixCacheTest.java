package org.mirrorsd.decoding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorsd.decoding.ar.AutoregressiveEngine;
import org.mirrorsd.decoding.mirror.MirrorEngine;
import org.mirrorsd.decoding.sampling.SamplingParams;
import org.mirrorsd.decoding.speculative.SpecOptions;
import org.mirrorsd.decoding.speculative.SpeculativeEngine;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.testing.GreedyFixtures;
import org.mirrorsd.testing.Models;

/**
 * A prompt that starts like a finished sequence reuses its KV: fewer positions prefilled, and (the kernels
 * being batch-invariant) exactly the tokens and log-probabilities a fresh prefill gives. Entries stay within
 * the budget, cancelled sequences are not kept, and closing the cache frees every fork.
 */
class PrefixCacheTest {
    private static final String MODEL = "stories260K.bin";

    private record Run(int[] sequence, List<Integer> logprobBits, long cached) {}

    private static Run run(DecodingEngine engine, GenerationRequest request) {
        List<Integer> tokens = new ArrayList<>(Arrays.stream(request.prompt()).boxed().toList());
        List<Integer> bits = new ArrayList<>();
        try (DecodingSession s = engine.open(request)) {
            while (!s.finished()) {
                StepResult r = s.step();
                for (int i = 0; i < r.size(); i++) {
                    tokens.add(r.tokens()[i]);
                    bits.add(Float.floatToIntBits(r.logprobs()[i]));
                }
            }
            return new Run(tokens.stream().mapToInt(Integer::intValue).toArray(), bits, s.stats().cachedPromptTokens);
        }
    }

    /** A second turn: the first turn's whole sequence, then a few more prompt tokens. */
    private static int[] nextTurn(int[] firstSequence) {
        int[] prompt = Arrays.copyOf(firstSequence, firstSequence.length + 3);
        prompt[firstSequence.length] = 1;
        prompt[firstSequence.length + 1] = 403;
        prompt[firstSequence.length + 2] = 407;
        return prompt;
    }

    @Test
    void aSecondTurnReusesTheFirstAndDecodesTheSame() {
        CpuExecutor cpu = Models.cpu(MODEL);
        int[] prompt = GreedyFixtures.forModel(MODEL).get(0).promptTokens();
        SamplingParams sampled = new SamplingParams(0.9f, 40, 0.95f, 0f, 1.1f, 0f, 0f, 7L);
        for (SamplingParams sampling : List.of(SamplingParams.greedy(), sampled)) {
            try (PrefixCache prefixes = new PrefixCache(512)) {
                DecodingEngine cached = new AutoregressiveEngine(cpu, prefixes);
                DecodingEngine plain = new AutoregressiveEngine(cpu);
                Run first = run(cached, new GenerationRequest(prompt, 40, sampling, new int[0], 0));
                assertEquals(0, first.cached());
                assertEquals(1, prefixes.entries());
                var second = new GenerationRequest(nextTurn(first.sequence()), 30, sampling, new int[0], 0);
                Run reused = run(cached, second);
                Run fresh = run(plain, second);
                assertEquals(first.sequence().length - 1, reused.cached(), "all of the first turn but its last token");
                assertEquals(Arrays.toString(fresh.sequence()), Arrays.toString(reused.sequence()));
                assertEquals(fresh.logprobBits(), reused.logprobBits());
                assertEquals(1, prefixes.entries(), "the second turn replaced the first, which it extends");
                assertEquals(1, prefixes.hits());
            }
        }
        assertEquals(0, cpu.openCaches());
    }

    @Test
    void speculativeSessionsShareTheCacheAndStayLossless() {
        String target = "llama2xs-280K.bin";
        int[] prompt = GreedyFixtures.forModel(target).get(1).promptTokens();
        DecodingEngine ar = new AutoregressiveEngine(Models.cpu(target));
        try (PrefixCache prefixes = new PrefixCache(512)) {
            var options = SpecOptions.defaults().withGamma(4).withKappa(2).withExitLayer(2);
            List<DecodingEngine> engines = List.of(
                    SpeculativeEngine.withDraftModel(Models.cpu(target), Models.cpu(MODEL), options, null, prefixes),
                    new MirrorEngine(Models.cpu(target), Models.cpu(MODEL), options, null, prefixes));
            for (DecodingEngine engine : engines) {
                Run first = run(engine, GenerationRequest.greedy(prompt, 50));
                var second = GenerationRequest.greedy(nextTurn(first.sequence()), 40);
                Run reused = run(engine, second);
                assertTrue(reused.cached() >= first.sequence().length - 1 - 4, engine.method() + " cached " + reused.cached());
                assertEquals(Arrays.toString(run(ar, second).sequence()), Arrays.toString(reused.sequence()), engine.method());
            }
            engines.forEach(DecodingEngine::close);
        }
        assertEquals(0, Models.cpu(target).openCaches());
        assertEquals(0, Models.cpu(MODEL).openCaches());
    }

    @Test
    void entriesOfAnotherExecutorAreNeverReused() {
        int[] prompt = GreedyFixtures.forModel(MODEL).get(0).promptTokens();
        try (PrefixCache prefixes = new PrefixCache(512)) {
            Run first = run(new AutoregressiveEngine(Models.cpu(MODEL), prefixes), GenerationRequest.greedy(prompt, 30));
            // Same vocabulary, other model: its caches cannot hold the first model's keys and values.
            Run other = run(new AutoregressiveEngine(Models.cpu("llama2xs-280K.bin"), prefixes),
                    GenerationRequest.greedy(nextTurn(first.sequence()), 10));
            assertEquals(0, other.cached());
            assertEquals(2, prefixes.entries());
        }
    }

    @Test
    void budgetCancelledSequencesAndClose() {
        CpuExecutor cpu = Models.cpu(MODEL);
        int before = cpu.openCaches();
        PrefixCache prefixes = new PrefixCache(100);
        DecodingEngine engine = new AutoregressiveEngine(cpu, prefixes);
        for (int i = 0; i < 4; i++) run(engine, GenerationRequest.greedy(new int[] {1, 300 + i}, 40));
        assertEquals(2, prefixes.entries(), "41 positions each: two fit in 100");
        // A sequence closed before it finished may hold half-written KV: it is not kept.
        try (DecodingSession s = engine.open(GenerationRequest.greedy(new int[] {1, 350}, 40))) {
            for (int i = 0; i < 30; i++) s.step();
        }
        assertEquals(2, prefixes.entries());
        assertEquals(before + 2, cpu.openCaches());
        prefixes.close();
        assertEquals(before, cpu.openCaches());
    }
}
