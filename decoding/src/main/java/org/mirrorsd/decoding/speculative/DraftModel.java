package org.mirrorsd.decoding.speculative;

import java.util.Arrays;
import org.mirrorsd.decoding.calibration.LinearHead;
import org.mirrorsd.decoding.planning.DraftLength;
import org.mirrorsd.decoding.sampling.ConstraintCursor;
import org.mirrorsd.decoding.sampling.KeyedNoise;
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
    private LayerExecutor exec;
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

    /** Runs the following passes on {@code sibling}: the same weights on other threads (a core placement). */
    public void runOn(LayerExecutor sibling) { this.exec = sibling; }

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
     * prefix of that sequence, stopping early when {@code stop} says so. Greedy: argmax; otherwise the keyed
     * draw of each token's output position over the request's transformed distribution.
     */
    public Draft draft(KvCache cache, int[] sequence, int length, int n, SamplingParams sampling, KeyedNoise noise,
                       DraftLength stop) {
        return draft(cache, sequence, length, n, sampling, noise, stop, ConstraintCursor.none());
    }

    /**
     * As above, each row masked by {@code constraint} (at the committed state, advanced along the draft); the
     * draft ends early where the constraint says nothing can follow.
     */
    public Draft draft(KvCache cache, int[] sequence, int length, int n, SamplingParams sampling, KeyedNoise noise,
                       DraftLength stop, ConstraintCursor constraint) {
        n = Math.min(n, cache.capacity() - length);
        if (n <= 0) return Draft.EMPTY;
        catchUp(cache, sequence, length, true);
        int[] tokens = new int[n];
        float[] confidence = new float[n];
        float[][] probs = sampling.isGreedy() ? null : new float[n][];
        int made = 0;
        int fed = 0;
        boolean alive = true;
        while (made < n && alive) {
            tokens[made] = pick(logits, 0, sampling, noise, length + made, probs, made, confidence, constraint);
            alive = constraint.advance(tokens[made]);
            made++;
            if (alive) {
                int streamed = stream(lastHidden, 0, n - made, sampling, noise, tokens, made, length, probs, confidence,
                        constraint);
                made += Math.abs(streamed);
                alive = streamed >= 0;
            }
            if (made < n && alive && !stop.more(made, confidence)) break;
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
            return new Draft(Arrays.copyOf(tokens, made), probs == null ? null : Arrays.copyOf(probs, made),
                    Arrays.copyOf(confidence, made));
        }
        return new Draft(tokens, probs, confidence);
    }

    /**
     * Speculative streaming: up to {@code max} more tokens from the lookahead heads applied to one hidden state
     * (the one whose own logits gave the token just proposed), written to {@code out[outOff..]}; token
     * {@code out[i]} is the one at output position {@code base + i}. Each head's row is masked by
     * {@code constraint}, advanced along. Returns how many tokens were made, negated when the constraint says
     * nothing can follow the last one (the caller stops drafting).
     */
    public int stream(float[] hidden, int hOff, int max, SamplingParams sampling, KeyedNoise noise, int[] out,
                      int outOff, int base, float[][] probs, float[] confidence, ConstraintCursor constraint) {
        if (lookahead == null || max <= 0) return 0;
        int heads = Math.min(max, lookahead.length);
        int dim = lastHidden.length;
        float[] h = hOff == 0 && hidden.length == dim ? hidden : Arrays.copyOfRange(hidden, hOff, hOff + dim);
        for (int j = 0; j < heads; j++) {
            lookahead[j].applyRow(h, j, headHidden);
        }
        exec.logitsOfHidden(headHidden, heads, headLogits);
        for (int j = 0; j < heads; j++) {
            out[outOff + j] = pick(headLogits, j * vocab, sampling, noise, base + outOff + j, probs, outOff + j,
                    confidence, constraint);
            if (!constraint.advance(out[outOff + j])) return -(j + 1);
        }
        return heads;
    }

    /**
     * Chooses the draft token at output position {@code position} from logits at {@code off}, after masking the
     * row (in place) with the constraint's current state; when sampling, records q in {@code probs[k]}.
     * {@code confidence[k]} gets the draft's probability of its token (raw softmax under greedy), the planner's
     * signal for the draft length.
     */
    public int pick(float[] rowLogits, int off, SamplingParams sampling, KeyedNoise noise, int position,
                    float[][] probs, int k, float[] confidence, ConstraintCursor constraint) {
        constraint.apply(rowLogits, off, vocab);
        if (sampling.isGreedy()) {
            int t = TokenDistribution.argmax(rowLogits, off, vocab);
            confidence[k] = (float) Math.exp(TokenDistribution.logProb(rowLogits, off, vocab, t));
            return t;
        }
        float[] q = new float[vocab];
        TokenDistribution.probabilities(rowLogits, off, vocab, sampling, q);
        probs[k] = q;
        int t = noise.sample(q, vocab, position);
        confidence[k] = q[t];
        return t;
    }
}
