package org.mirrorsd.bench;

import java.util.Arrays;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.DecodingStats;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.models.LoadedModel;

/** One greedy generation of a prompt with one engine, timed: the unit every decode benchmark repeats. */
public record GreedyRun(int[] tokens, String text, DecodingStats stats, long nanos) {

    public int generated() { return tokens.length; }

    public static GreedyRun of(DecodingEngine engine, LoadedModel target, String prompt, int maxTokens) {
        int[] ids = target.encodePrompt(prompt);
        GenerationRequest req = GenerationRequest.greedy(ids, Math.min(maxTokens, target.config().contextLength() - ids.length));
        int[] out = new int[req.maxTokens()];
        int n = 0;
        long t0 = System.nanoTime();
        try (DecodingSession s = engine.open(req)) {
            while (!s.finished()) for (int t : s.step().tokens()) out[n++] = t;
            long nanos = System.nanoTime() - t0;
            int[] tokens = Arrays.copyOf(out, n);
            return new GreedyRun(tokens, target.tokenizer().decode(tokens), s.stats(), nanos);
        }
    }
}
