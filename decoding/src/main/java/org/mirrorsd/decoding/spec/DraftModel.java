package org.mirrorsd.decoding.spec;

import java.util.SplittableRandom;
import org.mirrorsd.decoding.calibration.LinearHead;
import org.mirrorsd.decoding.sampling.ConstraintCursor;
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

    private final LinearHead[] lookahead;
    private final float[] lastHidden;
    private final float[] headHidden;
    private final float[] headLogits;

    public DraftModel(LayerExecutor exec) {
        this(exec, null);
    }

    /**
     * @param lookahead speculative-streaming heads (token t+2, t+3, ... from the hidden state at t), or null;
     *                  ignored on executors that do not expose hidden states
     */
    public DraftModel(LayerExecutor exec, LinearHead[] lookahead) {
        this.exec = exec;
        this.batch = exec.newBatch(CHUNK);
        this.vocab = exec.config().vocabSize();
        this.logits = new float[vocab];
        this.lookahead = lookahead != null && lookahead.length > 0 && exec.exposesHidden() ? lookahead : null;
        int dim = exec.config().dim();
        if (this.lookahead != null && this.lookahead[0].dim() != dim) {
            throw new IllegalArgumentException("lookahead heads have width " + this.lookahead[0].dim() + ", the draft " + dim);
        }
        this.lastHidden = new float[dim];
        int heads = this.lookahead == null ? 0 : this.lookahead.length;
        this.headHidden = new float[heads * dim];
        this.headLogits = new float[heads * vocab];
    }

    /** Tokens one draft pass proposes: 1, or 1 + the number of lookahead heads. */
    public int tokensPerPass() { return lookahead == null ? 1 : lookahead.length + 1; }

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
        if (wantLogits) {
            int last = batch.size() - 1;
            exec.logits(batch, last, logits, 0);
            System.arraycopy(batch.hidden(), last * lastHidden.length, lastHidden, 0, lastHidden.length);
        }
    }

    public float[] logits() { return logits; }

    /**
     * Drafts up to {@code n} tokens after {@code sequence[0..length)} using {@code cache}, which must hold a
     * prefix of that sequence. Greedy: argmax; otherwise sampled from the request's transformed distribution.
     */
    public Draft draft(KvCache cache, int[] sequence, int length, int n, SamplingParams sampling, SplittableRandom random) {
        return draft(cache, sequence, length, n, sampling, random, ConstraintCursor.none());
    }

    /**
     * As above, each row masked by {@code constraint} (at the committed state, advanced along the draft); the
     * draft ends early where the constraint says nothing can follow.
     */
    public Draft draft(KvCache cache, int[] sequence, int length, int n, SamplingParams sampling, SplittableRandom random,
                       ConstraintCursor constraint) {
        n = Math.min(n, cache.capacity() - length);
        if (n <= 0) return Draft.EMPTY;
        catchUp(cache, sequence, length, true);
        int[] tokens = new int[n];
        float[][] probs = sampling.isGreedy() ? null : new float[n][];
        int made = 0;
        int fed = 0;
        boolean alive = true;
        while (made < n && alive) {
            tokens[made] = pick(logits, 0, sampling, random, probs, made, constraint);
            alive = constraint.advance(tokens[made]);
            made++;
            if (alive) {
                int streamed = stream(lastHidden, 0, n - made, sampling, random, tokens, made, probs, constraint);
                made += Math.abs(streamed);
                alive = streamed >= 0;
            }
            if (made < n && alive) {
                // Feed what this pass proposed (several tokens when streaming) and read the last one's logits.
                batch.clear();
                batch.addSequence(tokens, fed, made - fed, cache, length + fed);
                exec.embed(batch);
                exec.runLayers(0, exec.config().layers(), batch);
                int last = batch.size() - 1;
                exec.logits(batch, last, logits, 0);
                System.arraycopy(batch.hidden(), last * lastHidden.length, lastHidden, 0, lastHidden.length);
                fed = made;
            }
        }
        if (made < n) {
            tokens = java.util.Arrays.copyOf(tokens, made);
            if (probs != null) probs = java.util.Arrays.copyOf(probs, made);
        }
        return new Draft(tokens, probs);
    }

    /**
     * Speculative streaming: up to {@code max} more tokens from the lookahead heads applied to one hidden state
     * (the one whose own logits gave the token just proposed), written to {@code out[outOff..]}. Returns how many.
     */
    public int stream(float[] hidden, int hOff, int max, SamplingParams sampling, SplittableRandom random, int[] out,
                      int outOff, float[][] probs) {
        return Math.abs(stream(hidden, hOff, max, sampling, random, out, outOff, probs, ConstraintCursor.none()));
    }

    /**
     * As above with each head's row masked by {@code constraint}, advanced along. Returns how many tokens were
     * made, negated when the constraint says nothing can follow the last one (the caller stops drafting).
     */
    public int stream(float[] hidden, int hOff, int max, SamplingParams sampling, SplittableRandom random, int[] out,
                      int outOff, float[][] probs, ConstraintCursor constraint) {
        if (lookahead == null || max <= 0) return 0;
        int heads = Math.min(max, lookahead.length);
        int dim = lastHidden.length;
        float[] h = hOff == 0 && hidden.length == dim ? hidden : java.util.Arrays.copyOfRange(hidden, hOff, hOff + dim);
        for (int j = 0; j < heads; j++) {
            lookahead[j].applyRow(h, j, headHidden);
        }
        exec.logitsOfHidden(headHidden, heads, headLogits);
        for (int j = 0; j < heads; j++) {
            out[outOff + j] = pick(headLogits, j * vocab, sampling, random, probs, outOff + j, constraint);
            if (!constraint.advance(out[outOff + j])) return -(j + 1);
        }
        return heads;
    }

    /** Chooses a draft token from logits at {@code off}; when sampling, records q in {@code probs[k]}. */
    public int pick(float[] rowLogits, int off, SamplingParams sampling, SplittableRandom random, float[][] probs, int k) {
        return pick(rowLogits, off, sampling, random, probs, k, ConstraintCursor.none());
    }

    /** As above after masking the row (in place) with the constraint's current state. */
    public int pick(float[] rowLogits, int off, SamplingParams sampling, SplittableRandom random, float[][] probs, int k,
                    ConstraintCursor constraint) {
        constraint.apply(rowLogits, off, vocab);
        if (sampling.isGreedy()) return TokenDistribution.argmax(rowLogits, off, vocab);
        float[] q = new float[vocab];
        TokenDistribution.probabilities(rowLogits, off, vocab, sampling, q);
        probs[k] = q;
        return TokenDistribution.sample(q, vocab, random.nextDouble());
    }
}
