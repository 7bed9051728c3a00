package org.mirrorsd.bench.peer;

import java.util.Arrays;
import org.mirrorsd.decoding.SequenceRunner;
import org.mirrorsd.devices.LayerExecutor;

/**
 * What {@code llama-bench} measures, done with our executor: {@code tgN} decodes N tokens of one sequence from
 * an empty context, each the greedy choice of the previous step's logits, one forward pass per token; {@code ppN}
 * runs an N-token prompt into an empty cache in the chunks plain decoding uses, and the last position's logits.
 */
final class OwnRuns {
    private final LayerExecutor exec;
    private final int chunk;

    OwnRuns(LayerExecutor exec, int chunk) {
        this.exec = exec;
        this.chunk = chunk;
    }

    /** Tokens per second of greedy decoding, {@code n} steps from position 0. */
    double decode(int n) {
        try (SequenceRunner r = new SequenceRunner(exec, n, 1)) {
            int[] token = {1};
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                r.forward(token, 0, 1);
                token[0] = argmax(r.logits(), r.vocab());
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** Tokens per second of prefilling an {@code n}-token prompt. */
    double prefill(int n) {
        int[] prompt = prompt(n, exec.config().vocabSize());
        try (SequenceRunner r = new SequenceRunner(exec, n, Math.min(chunk, n))) {
            long t0 = System.nanoTime();
            r.prefill(prompt);
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /**
     * Milliseconds of one forward pass of {@code rows} tokens with every row's logits, what verifying a
     * speculative window costs, at position {@code at} (after an {@code at}-token prompt): the median of
     * {@code repeats} passes, the window's positions dropped from the cache after each.
     */
    double windowMs(int rows, int at, int repeats) {
        int[] prompt = prompt(at + rows, exec.config().vocabSize());
        try (SequenceRunner r = new SequenceRunner(exec, at + rows, Math.max(rows, Math.min(chunk, at)))) {
            r.prefill(Arrays.copyOf(prompt, at));
            double[] ms = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                r.forward(prompt, at, rows);
                ms[i] = (System.nanoTime() - t0) / 1e6;
                r.truncate(at);
            }
            Arrays.sort(ms);
            return ms[repeats / 2];
        }
    }

    /** A fixed pseudo-random prompt (what a prompt holds does not change what a prefill costs). */
    static int[] prompt(int n, int vocab) {
        int[] ids = new int[n];
        ids[0] = 1;
        long s = 0x9E3779B97F4A7C15L;
        for (int i = 1; i < n; i++) {
            s = s * 6364136223846793005L + 1442695040888963407L;
            ids[i] = 3 + (int) Long.remainderUnsigned(s >>> 17, vocab - 3);
        }
        return ids;
    }

    static int argmax(float[] logits, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
