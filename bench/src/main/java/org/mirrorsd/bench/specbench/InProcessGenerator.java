package org.mirrorsd.bench.specbench;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.StepResult;
import org.mirrorsd.decoding.sampling.SamplingParams;
import org.mirrorsd.models.chat.ChatMessage;
import org.mirrorsd.models.tokenizer.Tokenizer;

/**
 * Answers with engines in this process, stepping each session to its end; generation stops at the
 * vocabulary's end-of-generation tokens or after max-tokens. The caller owns the engines and models.
 */
public final class InProcessGenerator implements Generator {
    private final Tokenizer tokenizer;
    private final Map<String, DecodingEngine> engines;
    private final PromptFitter fitter;
    private final int maxTokens;
    private final SamplingParams sampling;
    private final int[] stopTokens;

    public InProcessGenerator(Tokenizer tokenizer, Map<String, DecodingEngine> engines, PromptFitter fitter,
                              int maxTokens, SamplingParams sampling) {
        this.tokenizer = tokenizer;
        this.engines = Map.copyOf(engines);
        this.fitter = fitter;
        this.maxTokens = maxTokens;
        this.sampling = sampling;
        this.stopTokens = tokenizer.special().endOfGeneration().stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String description() { return "in-process"; }

    @Override
    public TurnResult generate(String method, List<ChatMessage> conversation) {
        DecodingEngine engine = engines.get(method);
        if (engine == null) throw new IllegalArgumentException("no engine for method " + method);
        PromptFitter.Fitted fitted = fitter.fit(conversation);
        GenerationRequest req = new GenerationRequest(fitted.promptIds(), maxTokens, sampling, stopTokens, 0);
        int[] out = new int[maxTokens];
        int n = 0;
        long firstToken = -1;
        long t0 = System.nanoTime();
        try (DecodingSession s = engine.open(req)) {
            while (!s.finished()) {
                StepResult r = s.step();
                if (r.size() > 0 && firstToken < 0) firstToken = System.nanoTime() - t0;
                for (int t : r.tokens()) {
                    if (n < out.length) out[n++] = t;
                }
            }
            long nanos = System.nanoTime() - t0;
            int[] tokens = Arrays.copyOf(out, n);
            // End-of-generation tokens are not text.
            int textLength = n > 0 && isStop(tokens[n - 1]) ? n - 1 : n;
            String text = tokenizer.decode(Arrays.copyOf(tokens, textLength)).strip();
            return new TurnResult(text, n, fitted.promptIds().length, fitted.truncated(), nanos,
                    firstToken < 0 ? nanos : firstToken, Counts.of(s.stats()));
        }
    }

    private boolean isStop(int token) {
        for (int s : stopTokens) if (s == token) return true;
        return false;
    }
}
