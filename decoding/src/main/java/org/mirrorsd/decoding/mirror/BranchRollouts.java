package org.mirrorsd.decoding.mirror;

import java.util.Arrays;
import java.util.List;
import org.mirrorsd.decoding.planning.DraftLength;
import org.mirrorsd.decoding.sampling.KeyedNoise;
import org.mirrorsd.decoding.sampling.ConstraintCursor;
import org.mirrorsd.decoding.sampling.LogitProcessor;
import org.mirrorsd.decoding.sampling.SamplingParams;
import org.mirrorsd.decoding.speculative.DraftModel;
import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.devices.KvCache;
import org.mirrorsd.devices.LayerExecutor;

/**
 * Branch-complete rollouts on the draft device: for every early-exit candidate (depth r, token c), the draft
 * continues (prefix, d₁..d_r, c) for γ tokens. Each branch forks the draft's cache at its depth (sharing the
 * prefix) and all branches advance together, one batched forward pass per token.
 *
 * <p>The scheduler may narrow the work while it runs: once verification knows the correction, only the
 * matching branch is still useful ({@link #keepOnly}), or none ({@link #abandon}); the next round drops the
 * rest and frees their caches.
 */
final class BranchRollouts {
    private static final int ALL = -2;
    private static final int NONE = -1;

    private final List<Candidate> candidates;
    private final int baseLength;
    private final int length;
    private final int[][] tokens;
    private final float[][][] probs;
    private final KvCache[] caches;
    /** Each branch's constraint state, advanced along its rollout. */
    private final ConstraintCursor[] constraints;
    private final int[] lengths;
    private final float[][] confidence;
    /** Rounds in which every branch was still live, and their time: a pass over all the rows, for the planner. */
    int fullRounds;
    long fullRoundNanos;
    private volatile int keep = ALL;
    long startNanos;
    long endNanos;

    /**
     * @param baseLength committed length: the window's first token (the last committed one) is at baseLength-1
     * @param length     tokens to roll out per branch (γ)
     */
    BranchRollouts(List<Candidate> candidates, int baseLength, int length) {
        this(candidates, baseLength, length, LogitProcessor.NONE, null);
    }

    /**
     * @param processor    the request's grammar / logit bias
     * @param windowStates its state at each window depth (null when {@code processor} is the identity): a
     *                     branch (r, c) starts from state r advanced by c
     */
    BranchRollouts(List<Candidate> candidates, int baseLength, int length, LogitProcessor processor, int[] windowStates) {
        this.constraints = new ConstraintCursor[candidates.size()];
        this.lengths = new int[candidates.size()];
        this.confidence = new float[candidates.size()][length];
        for (int b = 0; b < candidates.size(); b++) {
            Candidate c = candidates.get(b);
            if (windowStates == null) {
                constraints[b] = ConstraintCursor.none();
                lengths[b] = length;
                continue;
            }
            int from = windowStates[c.depth()];
            int next = from == LogitProcessor.DEAD ? LogitProcessor.DEAD : processor.advance(from, c.token());
            constraints[b] = new ConstraintCursor(processor, next);
            // A candidate the constraint forbids is never committed there, and one that completes the output
            // has nothing after it: no rollout for either.
            lengths[b] = next == LogitProcessor.DEAD || processor.finished(next) ? 0 : length;
        }
        this.candidates = candidates;
        this.baseLength = baseLength;
        this.length = length;
        this.tokens = new int[candidates.size()][length];
        this.probs = new float[candidates.size()][][];
        this.caches = new KvCache[candidates.size()];
    }

    int indexOf(int depth, int token) {
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            if (c.depth() == depth && c.token() == token) return i;
        }
        return -1;
    }

    int size() { return candidates.size(); }

    void keepOnly(int branch) { keep = branch; }

    void abandon() { keep = NONE; }

    /**
     * Runs on the draft pipeline. {@code main} holds the prefix and the whole window; it is only forked.
     * Every round feeds each live branch what it proposed last round (its candidate first) in one batched
     * pass; with lookahead heads a round proposes several tokens per branch (speculative streaming), so a
     * branch needs ⌈γ / K⌉ rounds instead of γ. A branch stops early where {@code stop} would stop a fresh
     * window (the planner's draft-length rule). Draft tokens are drawn with the keyed noise of their output
     * position, so which branches ran, and in what order, never changes a token.
     */
    void run(DraftModel draft, ForwardBatch batch, KvCache main, SamplingParams sampling, KeyedNoise noise,
             DraftLength stop) {
        startNanos = System.nanoTime();
        LayerExecutor exec = draft.executor();
        int vocab = exec.config().vocabSize();
        int dim = exec.config().dim();
        int n = candidates.size();
        boolean[] active = new boolean[n];
        int[] made = new int[n];
        int[] fed = new int[n];
        for (int b = 0; b < n; b++) {
            Candidate c = candidates.get(b);
            if (baseLength + c.depth() + length > main.capacity()) continue; // would run past the draft's context
            if (lengths[b] == 0) continue; // the constraint ends or forbids this branch
            caches[b] = main.fork();
            caches[b].truncate(baseLength + c.depth());
            if (!sampling.isGreedy()) probs[b] = new float[length][];
            active[b] = true;
            fed[b] = -1; // the candidate itself is not fed yet
        }
        boolean gather = exec.exposesHidden();
        float[] logits = new float[batch.capacity() * vocab];
        float[] lastHidden = gather ? new float[n * dim] : null;
        int[] lastRow = new int[n];
        int[] order = new int[n];
        while (narrow(active)) {
            batch.clear();
            int live = 0;
            for (int b = 0; b < n; b++) {
                if (!active[b] || made[b] >= lengths[b]) continue;
                int start = baseLength + candidates.get(b).depth();
                if (fed[b] < 0) {
                    batch.add(candidates.get(b).token(), caches[b], start);
                    fed[b] = 0;
                } else {
                    batch.addSequence(tokens[b], fed[b], made[b] - fed[b], caches[b], start + 1 + fed[b]);
                    fed[b] = made[b];
                }
                lastRow[b] = batch.size() - 1;
                order[live++] = b;
            }
            if (live == 0) break;
            long r0 = System.nanoTime();
            exec.embed(batch);
            exec.runLayers(0, exec.config().layers(), batch);
            if (gather) {
                // Only each branch's last row needs logits: classify just those.
                for (int i = 0; i < live; i++) {
                    System.arraycopy(batch.hidden(), lastRow[order[i]] * dim, lastHidden, i * dim, dim);
                }
                exec.logitsOfHidden(lastHidden, live, logits);
            } else {
                exec.logits(batch, logits);
            }
            for (int i = 0; i < live; i++) {
                int b = order[i];
                int off = (gather ? i : lastRow[b]) * vocab;
                int first = baseLength + candidates.get(b).depth() + 1; // output position of the branch's token 0
                tokens[b][made[b]] = draft.pick(logits, off, sampling, noise, first + made[b], probs[b], made[b],
                        confidence[b], constraints[b]);
                boolean alive = constraints[b].advance(tokens[b][made[b]]);
                made[b]++;
                if (alive) {
                    int streamed = draft.stream(batch.hidden(), lastRow[b] * dim, lengths[b] - made[b], sampling,
                            noise, tokens[b], made[b], first, probs[b], confidence[b], constraints[b]);
                    made[b] += Math.abs(streamed);
                    alive = streamed >= 0;
                }
                if (!alive) lengths[b] = made[b]; // nothing the constraint allows follows: the rollout ends here
                else if (made[b] < lengths[b] && !stop.more(made[b], confidence[b])) lengths[b] = made[b];
            }
            if (live == n) {
                fullRounds++;
                fullRoundNanos += System.nanoTime() - r0;
            }
        }
        endNanos = System.nanoTime();
    }

    /** Applies keepOnly/abandon: closes the caches of branches no longer wanted. False when none is left. */
    private boolean narrow(boolean[] active) {
        int k = keep;
        if (k == ALL) return true;
        boolean any = false;
        for (int b = 0; b < active.length; b++) {
            if (active[b] && b != k) {
                active[b] = false;
                caches[b].close();
                caches[b] = null;
            }
            any |= active[b];
        }
        return any;
    }

    /** Hands over branch b's cache (the caller now owns it) and its tokens; frees every other branch. */
    Branch take(int b) {
        int k = lengths[b];
        Branch out = caches[b] == null ? null : new Branch(Arrays.copyOf(tokens[b], k),
                probs[b] == null ? null : Arrays.copyOf(probs[b], k), Arrays.copyOf(confidence[b], k), caches[b]);
        caches[b] = null;
        closeAll();
        return out;
    }

    void closeAll() {
        for (int i = 0; i < caches.length; i++) {
            if (caches[i] != null) caches[i].close();
            caches[i] = null;
        }
    }

    /** A finished rollout: the next draft window and the draft cache that produced it. */
    record Branch(int[] tokens, float[][] probs, float[] confidence, KvCache cache) {}
}
