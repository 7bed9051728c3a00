package org.mirrorsd.decoding.constraint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.brics.automaton.RegExp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.SequenceRunner;
import org.mirrorsd.decoding.sampling.LogitBias;
import org.mirrorsd.decoding.sampling.LogitProcessor;
import org.mirrorsd.decoding.sampling.SamplingParams;
import org.mirrorsd.decoding.sampling.TokenDistribution;
import org.mirrorsd.decoding.Engines;
import org.mirrorsd.decoding.speculative.SpecOptions;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.models.tokenizer.Tokenizer;
import org.mirrorsd.models.tokenizer.Tokenizers;
import org.mirrorsd.testing.Models;
import org.mirrorsd.testing.SharedFiles;

/**
 * A grammar constraint is part of the target distribution: under greedy decoding every speculative method gives
 * constrained AR's tokens exactly, and under sampling the next two tokens follow the constrained target
 * (chi-square, as SamplingLosslessTest does without a constraint).
 */
class ConstrainedDecodingTest {
    private static final String TARGET = "stories260K.bin";
    private static final String DRAFT = "llama2xs-280K.bin";
    private static final int EOS = 2;
    static final String[] SCHEMAS = {
        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":8},\"age\":{\"type\":\"integer\","
                + "\"minimum\":0,\"maximum\":120}},\"required\":[\"name\",\"age\"],\"additionalProperties\":false}",
        "{\"type\":\"array\",\"items\":{\"enum\":[\"cat\",\"dog\",\"bird\"]},\"minItems\":2,\"maxItems\":4}",
        "{\"type\":\"object\",\"properties\":{\"a\":{\"anyOf\":[{\"type\":\"boolean\"},{\"type\":\"string\",\"pattern\":\"^[a-z]{2,5}$\"}]}},"
                + "\"required\":[\"a\"]}",
    };

    static Tokenizer tokenizer() {
        try {
            return Tokenizers.fromLlama2cFile(SharedFiles.model("tok512.bin"), 512);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static TokenTrie trie() {
        Tokenizer tok = tokenizer();
        byte[][] bytes = new byte[512][];
        for (int t = 0; t < 512; t++) bytes[t] = tok.tokenBytes(t);
        return new TokenTrie(bytes);
    }

    static DecodingEngine engine(String method, String target, String draft, SpecOptions o) {
        return Engines.create(method, Models.cpu(target), Models.cpu(draft), o);
    }

    static int[] run(DecodingEngine engine, int[] prompt, int max, LogitProcessor p, SamplingParams sampling) {
        List<Integer> out = new ArrayList<>();
        try (DecodingSession s = engine.open(new GenerationRequest(prompt, max, sampling, new int[] {EOS}, 0, p))) {
            while (!s.finished()) for (int t : s.step().tokens()) out.add(t);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd", "ngram", "mirror", "mirror-wide"})
    void greedySpeculationGivesConstrainedArTokens(String method) {
        TokenTrie trie = trie();
        Tokenizer tok = tokenizer();
        int[][] prompts = {{1}, {1, 403, 407, 261}, withBos(tok.encode("Tom said"))};
        SpecOptions options = method.equals("mirror-wide") ? SpecOptions.defaults().withGamma(4).withKappa(8).withExitLayer(2)
                : SpecOptions.defaults().withGamma(4);
        String m = method.startsWith("mirror") ? "mirror" : method;
        try (DecodingEngine ar = engine("ar", TARGET, DRAFT, options);
             DecodingEngine spec = engine(m, TARGET, DRAFT, options)) {
            for (String schema : SCHEMAS) {
                Grammar g = new Grammar(JsonSchemaCompilerTest.compile(schema), trie);
                for (int[] prompt : prompts) {
                    LogitProcessor p = new GrammarProcessor(g, new int[] {EOS}, prompt[prompt.length - 1] == 1);
                    int[] expected = run(ar, prompt, 48, p, SamplingParams.greedy());
                    assertArrayEquals(expected, run(spec, prompt, 48, p, SamplingParams.greedy()), method + " " + schema);
                    // What AR wrote parses as far as it got: a complete instance unless max_tokens cut it.
                    String text = tok.decode(expected);
                    assertTrue(expected.length == 48 || JsonSchemaCompilerTest.compile(schema).run(text.strip()), text);
                }
            }
        }
        assertEquals(0, Models.cpu(TARGET).openCaches(), "target KV caches leaked");
    }

    @Test
    void logitBiasBansATokenInEveryMethod() {
        int[] prompt = {1, 403, 407, 261};
        try (DecodingEngine ar = engine("ar", TARGET, DRAFT, SpecOptions.defaults())) {
            int[] free = run(ar, prompt, 12, LogitProcessor.NONE, SamplingParams.greedy());
            LogitProcessor ban = new LogitBias(Map.of(free[0], -100f)).processor();
            int[] banned = run(ar, prompt, 12, ban, SamplingParams.greedy());
            assertTrue(banned[0] != free[0]);
            for (int t : banned) assertTrue(t != free[0], "banned token " + free[0] + " came out");
            for (String m : List.of("sd", "ngram", "mirror")) {
                try (DecodingEngine e = engine(m, TARGET, DRAFT, SpecOptions.defaults())) {
                    assertArrayEquals(banned, run(e, prompt, 12, ban, SamplingParams.greedy()), m);
                }
            }
        }
    }

    private static final int SAMPLES = 20_000;
    private static final SamplingParams PARAMS = SamplingParams.of(1.0f, 0, 1f, 0L);
    private static final int[] PROMPT = {1, 403, 407, 261};

    /** Lower-case words and spaces only: a constraint that leaves many tokens, so the pairs test has power. */
    static Grammar letters() {
        return new Grammar(new RegExp("[a-h ]{1,12}").toAutomaton(), trie());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd", "ngram", "mirror"})
    void constrainedSamplingFollowsTheConstrainedTarget(String method) {
        CpuExecutor target = Models.cpu(TARGET);
        LogitProcessor p = new GrammarProcessor(letters(), new int[] {EOS}, false);
        Map<Long, Double> exact = exactPairs(target, p);
        Map<Long, Integer> observed = new HashMap<>();
        SpecOptions options = SpecOptions.defaults().withGamma(2).withKappa(4).withExitLayer(2);
        try (DecodingEngine engine = engine(method, TARGET, DRAFT, options)) {
            for (int i = 0; i < SAMPLES; i++) {
                SamplingParams sp = new SamplingParams(1f, 0, 1f, 0f, 1f, 0f, 0f, i);
                int[] out = run(engine, PROMPT, 2, p, sp);
                observed.merge(key(out[0], out.length > 1 ? out[1] : -1), 1, Integer::sum);
            }
        }
        double chi2 = 0;
        int cells = 0;
        double pooledExpected = 0;
        int pooledObserved = 0;
        for (Map.Entry<Long, Double> e : exact.entrySet()) {
            double expected = e.getValue() * SAMPLES;
            int o = observed.getOrDefault(e.getKey(), 0);
            if (expected < 5) { // pool the rare cells so the chi-square approximation holds
                pooledExpected += expected;
                pooledObserved += o;
                continue;
            }
            chi2 += (o - expected) * (o - expected) / expected;
            cells++;
        }
        if (pooledExpected > 0) {
            chi2 += (pooledObserved - pooledExpected) * (pooledObserved - pooledExpected) / pooledExpected;
            cells++;
        }
        for (Long k : observed.keySet()) assertTrue(exact.containsKey(k), method + " produced a pair the constrained target cannot: " + k);
        double critical = chiSquareQuantile(cells - 1, 1e-4);
        assertTrue(chi2 < critical, method + ": chi2 " + chi2 + " >= " + critical + " with " + (cells - 1) + " dof");
    }

    private static long key(int a, int b) { return ((long) a << 32) | (b & 0xFFFFFFFFL); }

    private static Map<Long, Double> exactPairs(CpuExecutor target, LogitProcessor proc) {
        int vocab = target.config().vocabSize();
        Map<Long, Double> out = new HashMap<>();
        float[] p1 = new float[vocab];
        float[] p2 = new float[vocab];
        try (SequenceRunner runner = new SequenceRunner(target, 64, 8)) {
            runner.prefill(PROMPT);
            int s0 = proc.initialState();
            float[] l = runner.logits().clone();
            proc.apply(s0, l, 0, vocab);
            TokenDistribution.probabilities(l, 0, vocab, PARAMS, p1);
            for (int a = 0; a < vocab; a++) {
                if (p1[a] == 0) continue;
                int s1 = proc.advance(s0, a);
                if (a == EOS || proc.finished(s1)) {
                    out.put(key(a, -1), (double) p1[a]);
                    continue;
                }
                runner.truncate(PROMPT.length);
                runner.forward(new int[] {a}, 0, 1);
                float[] l2 = runner.logits().clone();
                proc.apply(s1, l2, 0, vocab);
                TokenDistribution.probabilities(l2, 0, vocab, PARAMS, p2);
                for (int b = 0; b < vocab; b++) if (p2[b] > 0) out.put(key(a, b), (double) p1[a] * p2[b]);
            }
        }
        return out;
    }

    private static double chiSquareQuantile(int dof, double alpha) {
        double z = 3.719; // upper 1e-4 quantile of the standard normal
        double h = 2.0 / (9.0 * dof);
        return dof * Math.pow(1 - h + z * Math.sqrt(h), 3);
    }

    private static int[] withBos(int[] ids) {
        int[] out = new int[ids.length + 1];
        out[0] = 1;
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }
}
