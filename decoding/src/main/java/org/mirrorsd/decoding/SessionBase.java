package org.mirrorsd.decoding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.mirrorsd.decoding.sampling.LogitProcessor;
import org.mirrorsd.decoding.sampling.SamplingParams;
import org.mirrorsd.decoding.sampling.TokenDistribution;

/**
 * What every decoding method shares: the request's sampling state (seeded RNG, penalty counts), committing
 * tokens with their log-probabilities, and finishing on a stop token, max_tokens or the context limit.
 * Methods implement {@link #decode()}, which commits tokens through {@link #commit}.
 */
public abstract class SessionBase implements DecodingSession {
    protected final GenerationRequest request;
    protected final SamplingParams sampling;
    protected final SplittableRandom random;
    protected final DecodingStats stats = new DecodingStats();
    protected final int vocab;
    /** The request's grammar / logit bias; {@link #constraintState} is its state after the committed tokens. */
    protected final LogitProcessor processor;
    protected int constraintState;
    private final int[] counts;
    private final boolean[] seen;
    private final float[] scratchLogits;
    private final List<Integer> stepTokens = new ArrayList<>();
    private final List<Float> stepLogprobs = new ArrayList<>();
    private final List<int[]> stepTopTokens = new ArrayList<>();
    private final List<float[]> stepTopLogprobs = new ArrayList<>();
    /** Every token of the sequence so far: the prompt, then what was committed. */
    protected int[] sequence;
    protected int sequenceLength;
    private int generated;
    private FinishReason finish;
    private boolean started;
    private boolean closed;
    private long stepStartNanos;

    protected SessionBase(GenerationRequest request, int vocab, int contextLength) {
        this.request = request;
        this.sampling = request.sampling();
        this.random = new SplittableRandom(sampling.seed());
        this.vocab = vocab;
        this.processor = request.logitProcessor();
        this.constraintState = processor.initialState();
        this.counts = new int[vocab];
        this.seen = new boolean[vocab];
        this.scratchLogits = new float[vocab];
        if (request.prompt().length >= contextLength) {
            throw new ContextOverflowException(request.prompt().length + 1, contextLength);
        }
        // One more than the context: the token chosen at the last position can be returned, never fed back.
        this.sequence = Arrays.copyOf(request.prompt(), contextLength + 1);
        this.sequenceLength = request.prompt().length;
        for (int t : request.prompt()) {
            if (t < 0 || t >= vocab) throw new IllegalArgumentException("prompt token " + t + " outside the vocabulary");
            seen[t] = true;
        }
        if (request.maxTokens() == 0) finish = FinishReason.LENGTH;
    }

    /** Runs the prompt through the model(s); called once, on the first step. */
    protected abstract void prefill();

    /** One decoding step: must commit at least one token unless the session finished. */
    protected abstract void decode();

    /** Frees method-specific resources (caches, pending work). */
    protected abstract void release();

    @Override
    public final StepResult step() {
        if (!begin()) return StepResult.EMPTY;
        decode();
        return end();
    }

    /**
     * Opens a step, prefilling the prompt on the first: false when the session has finished and there is nothing
     * to do. {@link #step} is {@code begin}, {@link #decode}, {@link #end}; an engine that runs the forward passes
     * of several sessions as one batch calls the two ends itself around its fused middle
     * ({@link FusedSteps}). Not for callers that only decode: they call {@link #step}.
     */
    public final boolean begin() {
        if (closed) throw new IllegalStateException("session is closed");
        if (finish != null) return false;
        stepStartNanos = System.nanoTime();
        clearStep();
        if (!started) {
            started = true;
            prefill();
            stats.targetPasses++; // the prompt pass yields the first token's logits
            stats.prefillNanos += System.nanoTime() - stepStartNanos;
        }
        return true;
    }

    /** Closes a step opened by {@link #begin}: the tokens it committed. */
    public final StepResult end() {
        stats.totalNanos += System.nanoTime() - stepStartNanos;
        return collectStep();
    }

    /**
     * The request's distribution at the next position: penalties and the logit processor (in the committed
     * state) applied to a copy of the logits, then temperature/top-k/top-p/min-p. {@code probs} receives it (one-hot for greedy).
     */
    protected void distribution(float[] logits, int off, float[] probs) {
        float[] l = penalised(logits, off);
        TokenDistribution.probabilities(l, l == logits ? off : 0, vocab, sampling, probs);
    }

    /** Picks the next token from the target's logits at {@code off}: argmax for greedy, else a seeded draw. */
    protected int choose(float[] logits, int off) {
        float[] l = penalised(logits, off);
        int o = l == logits ? off : 0;
        if (sampling.isGreedy()) return TokenDistribution.argmax(l, o, vocab);
        float[] probs = new float[vocab];
        TokenDistribution.probabilities(l, o, vocab, sampling, probs);
        return TokenDistribution.sample(probs, vocab, random.nextDouble());
    }

    private float[] penalised(float[] logits, int off) {
        if (!sampling.hasPenalties() && processor.isIdentity()) return logits;
        System.arraycopy(logits, off, scratchLogits, 0, vocab);
        TokenDistribution.applyPenalties(scratchLogits, 0, vocab, sampling, counts, seen);
        processor.apply(constraintState, scratchLogits, 0, vocab);
        return scratchLogits;
    }

    /**
     * Commits {@code token}, chosen from the target logits at {@code logits[off..]}. Returns false when the
     * session has now finished (stop token, max_tokens, context full): the caller must stop committing.
     */
    protected boolean commit(int token, float[] logits, int off) {
        if (finish != null) return false;
        stepTokens.add(token);
        stepLogprobs.add(TokenDistribution.logProb(logits, off, vocab, token));
        if (request.topLogprobs() > 0) addTopLogprobs(logits, off);
        sequence[sequenceLength++] = token;
        counts[token]++;
        seen[token] = true;
        generated++;
        stats.generated++;
        if (!request.isStop(token)) constraintState = processor.advance(constraintState, token);
        // A finished grammar (the JSON closed) ends the output as a stop token would.
        if (request.isStop(token) || processor.finished(constraintState)) finish = FinishReason.STOP;
        else if (generated >= request.maxTokens() || sequenceLength >= sequence.length) finish = FinishReason.LENGTH;
        return finish == null;
    }

    private void addTopLogprobs(float[] logits, int off) {
        int k = Math.min(request.topLogprobs(), vocab);
        int[] ids = new int[k];
        float[] lps = new float[k];
        Arrays.fill(ids, -1);
        for (int t = 0; t < vocab; t++) {
            float v = logits[off + t];
            int pos = k;
            while (pos > 0 && (ids[pos - 1] < 0 || logits[off + ids[pos - 1]] < v)) pos--;
            if (pos < k) {
                System.arraycopy(ids, pos, ids, pos + 1, k - pos - 1);
                ids[pos] = t;
            }
        }
        for (int i = 0; i < k; i++) lps[i] = TokenDistribution.logProb(logits, off, vocab, ids[i]);
        stepTopTokens.add(ids);
        stepTopLogprobs.add(lps);
    }

    /**
     * Offers the target's keys and values to {@code prefixes} when the sequence ended normally; after a
     * cancelled or failed step they may be half-written, and are not kept.
     */
    protected void offerPrefix(PrefixCache prefixes, SequenceRunner runner) {
        if (finish == FinishReason.STOP || finish == FinishReason.LENGTH) {
            prefixes.offer(runner.executor(), sequence, sequenceLength, runner.cache());
        }
    }

    /** Tokens still allowed before max_tokens or the context end (speculative windows are capped by it). */
    protected int remainingBudget() {
        return Math.min(request.maxTokens() - generated, sequence.length - sequenceLength);
    }

    protected int lastToken() { return sequence[sequenceLength - 1]; }

    private void clearStep() {
        stepTokens.clear();
        stepLogprobs.clear();
        stepTopTokens.clear();
        stepTopLogprobs.clear();
    }

    private StepResult collectStep() {
        int n = stepTokens.size();
        int[] tokens = new int[n];
        float[] lps = new float[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = stepTokens.get(i);
            lps[i] = stepLogprobs.get(i);
        }
        return new StepResult(tokens, lps, stepTopTokens.toArray(new int[0][]), stepTopLogprobs.toArray(new float[0][]));
    }

    @Override
    public boolean finished() { return finish != null; }

    @Override
    public FinishReason finishReason() { return finish; }

    @Override
    public int generatedCount() { return generated; }

    @Override
    public DecodingStats stats() { return stats; }

    /** Marks the session finished as cancelled (used by close before completion). */
    protected void cancel() {
        if (finish == null) finish = FinishReason.CANCELLED;
    }

    @Override
    public final void close() {
        if (closed) return;
        closed = true;
        cancel();
        release();
    }
}
