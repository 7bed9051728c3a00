package org.mirrorsd.decoding.sampling;

import java.util.Arrays;
import java.util.Map;

/**
 * OpenAI's {@code logit_bias}: a number in [-100, 100] added to chosen tokens' logits before sampling (−100
 * in effect bans a token, 100 all but forces it). Validation of the request's values is the caller's job.
 */
public final class LogitBias {
    private final int[] tokens;
    private final float[] values;

    public LogitBias(Map<Integer, Float> bias) {
        this.tokens = bias.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        this.values = new float[tokens.length];
        for (int i = 0; i < tokens.length; i++) values[i] = bias.get(tokens[i]);
    }

    public boolean isEmpty() { return tokens.length == 0; }

    public void apply(float[] logits, int off, int vocab) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < vocab) logits[off + tokens[i]] += values[i];
        }
    }

    /** The bias as a processor of its own (no grammar). */
    public LogitProcessor processor() {
        if (isEmpty()) return LogitProcessor.NONE;
        return new LogitProcessor() {
            @Override public int initialState() { return 0; }
            @Override public int advance(int state, int token) { return state; }
            @Override public void apply(int state, float[] logits, int off, int vocab) { LogitBias.this.apply(logits, off, vocab); }
        };
    }

    @Override
    public String toString() { return "LogitBias" + Arrays.toString(tokens); }
}
