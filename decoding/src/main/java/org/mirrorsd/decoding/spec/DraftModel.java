package org.mirrorsd.decoding.spec;

import java.util.SplittableRandom;
import org.mirrorsd.decoding.sampling.SamplingParams;
import org.mirrorsd.decoding.sampling.TokenDistribution;
import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.devices.KvCache;
import org.mirrorsd.devices.LayerExecutor;

/**
 * The draft model's forward calls on a cache: catching a cache up with the committed sequence, and rolling
 * it forward token by token to make a draft. Shared by classic SD and by Mirror-SD's fresh (miss) drafts.
 */
public final class DraftModel {
    private static final int CHUNK = 64;
    private final LayerExecutor exec;
    private final ForwardBatch batch;
    private final float[] logits;
    private final int vocab;

    public DraftModel(LayerExecutor exec) {
        this.exec = exec;
        this.batch = exec.newBatch(CHUNK);
        this.vocab = exec.config().vocabSize();
        this.logits = new float[vocab];
    }

    public LayerExecutor executor() { return exec; }

    /**
     * Feeds {@code sequence[cache.length() .. length)} into the cache. With {@code wantLogits} the logits of
     * position {@code length - 1} are left in {@link #logits()} (the last token must then be fed here).
     */
    public void catchUp(KvCache cache, int[] sequence, int length, boolean wantLogits) {
        int from = cache.length();
        if (wantLogits && from >= length) {
            // The last token is already in the cache: re-run it to get its logits.
            cache.truncate(length - 1);
            from = length - 1;
        }
        while (from < length) {
            int n = Math.min(CHUNK, length - from);
            batch.clear();
            batch.addSequence(sequence, from, n, cache, from);
            exec.embed(batch);
            exec.runLayers(0, exec.config().layers(), batch);
            from += n;
        }
        if (wantLogits) exec.logits(batch, batch.size() - 1, logits, 0);
    }

    public float[] logits() { return logits; }

    /**
     * Drafts up to {@code n} tokens after {@code sequence[0..length)} using {@code cache}, which must hold a
     * prefix of that sequence. Greedy: argmax; otherwise sampled from the request's transformed distribution.
     */
    public Draft draft(KvCache cache, int[] sequence, int length, int n, SamplingParams sampling, SplittableRandom random) {
        n = Math.min(n, cache.capacity() - length);
        if (n <= 0) return Draft.EMPTY;
        catchUp(cache, sequence, length, true);
        int[] tokens = new int[n];
        float[][] probs = sampling.isGreedy() ? null : new float[n][];
        for (int k = 0; k < n; k++) {
            tokens[k] = pick(logits, 0, sampling, random, probs, k);
            if (k + 1 < n) {
                batch.clear();
                batch.add(tokens[k], cache, length + k);
                exec.embed(batch);
                exec.runLayers(0, exec.config().layers(), batch);
                exec.logits(batch, 0, logits, 0);
            }
        }
        return new Draft(tokens, probs);
    }

    /** Chooses a draft token from logits at {@code off}; when sampling, records q in {@code probs[k]}. */
    public int pick(float[] rowLogits, int off, SamplingParams sampling, SplittableRandom random, float[][] probs, int k) {
        if (sampling.isGreedy()) return TokenDistribution.argmax(rowLogits, off, vocab);
        float[] q = new float[vocab];
        TokenDistribution.probabilities(rowLogits, off, vocab, sampling, q);
        probs[k] = q;
        return TokenDistribution.sample(q, vocab, random.nextDouble());
    }
}
