package org.mirrorsd.decoding;

import java.util.Arrays;
import org.mirrorsd.decoding.sampling.SamplingParams;

/** Runs a session to the end and returns BOS, prompt and generated tokens, like the fixtures' token lists. */
public final class GreedyOracle {
    private GreedyOracle() {}

    public static int[] run(DecodingEngine engine, int[] prompt, int maxTokens, int... stop) {
        return run(engine, new GenerationRequest(prompt, maxTokens, SamplingParams.greedy(), stop, 0));
    }

    public static int[] run(DecodingEngine engine, GenerationRequest request) {
        int[] out = Arrays.copyOf(request.prompt(), request.prompt().length + request.maxTokens());
        int n = request.prompt().length;
        try (DecodingSession s = engine.open(request)) {
            while (!s.finished()) {
                StepResult r = s.step();
                for (int t : r.tokens()) out[n++] = t;
            }
        }
        return Arrays.copyOf(out, n);
    }
}
