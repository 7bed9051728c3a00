package org.mirrorsd.decoding.speculative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.GreedyOracle;
import org.mirrorsd.decoding.ar.AutoregressiveEngine;
import org.mirrorsd.decoding.mirror.MirrorEngine;
import org.mirrorsd.devices.cpu.CpuExecutor;
import org.mirrorsd.testing.LlamaCppFixtures;

/**
 * Target and draft of different architectures sharing the 512-token vocabulary: draft-model SD and Mirror-SD
 * reproduce plain greedy decoding of the target token for token, which for these float models is llama.cpp's own
 * greedy continuation (its top-2 margins are far above our differences from it).
 */
class CrossArchitectureLosslessTest {

    static Stream<Arguments> cases() throws Exception {
        String[][] pairs = {{"llama-F32.gguf", "qwen3-F16.gguf"}, {"qwen2-F16.gguf", "gemma2-F16.gguf"},
                {"gemma3-F16.gguf", "phi3-F16.gguf"}, {"gemma2-F16.gguf", "llama-F16.gguf"}};
        List<Arguments> out = new ArrayList<>();
        for (String[] p : pairs) {
            List<String> lines = java.nio.file.Files.readAllLines(
                    LlamaCppFixtures.dir().resolve(p[0].replace(".gguf", ".jsonl")));
            JsonNode rec = new ObjectMapper().readTree(lines.get(1));
            int[] prompt = ints(rec.get("prompt_tokens"));
            int[] completion = ints(rec.get("completion_tokens"));
            int[] expected = new int[prompt.length + completion.length];
            System.arraycopy(prompt, 0, expected, 0, prompt.length);
            System.arraycopy(completion, 0, expected, prompt.length, completion.length);
            for (String method : List.of("ar", "sd", "mirror")) out.add(Arguments.of(p[0], p[1], method, prompt, expected));
        }
        return out.stream();
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }

    @ParameterizedTest(name = "{2}: {0} drafted by {1}")
    @MethodSource("cases")
    void reproducesLlamaCppGreedy(String target, String draft, String method, int[] prompt, int[] expected) {
        CpuExecutor t = LlamaCppFixtures.cpu(target);
        CpuExecutor d = LlamaCppFixtures.cpu(draft);
        SpecOptions o = SpecOptions.defaults().withGamma(3);
        try (DecodingEngine engine = switch (method) {
            case "sd" -> SpeculativeEngine.withDraftModel(t, d, o);
            case "mirror" -> new MirrorEngine(t, d, o.withExitLayer(t.config().layers() / 2));
            default -> new AutoregressiveEngine(t);
        }) {
            int[] out = GreedyOracle.run(engine, prompt, expected.length - prompt.length);
            assertArrayEquals(expected, out, method + " " + target + " / " + draft);
        }
    }
}
