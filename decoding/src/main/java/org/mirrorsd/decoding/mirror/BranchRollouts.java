package org.mirrorsd.decoding.mirror;

import java.util.List;
import java.util.SplittableRandom;
import org.mirrorsd.decoding.sampling.SamplingParams;
import org.mirrorsd.decoding.spec.DraftModel;
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
    private volatile int keep = ALL;
    long startNanos;
    long endNanos;

    /**
     * @param baseLength committed length: the window's first token (the last committed one) is at baseLength-1
     * @param length     tokens to roll out per branch (γ)
     */
    BranchRollouts(List<Candidate> candidates, int baseLength, int length) {
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
     */
    void run(DraftModel draft, ForwardBatch batch, KvCache main, SamplingParams sampling, SplittableRandom random) {
        startNanos = System.nanoTime();
        LayerExecutor exec = draft.executor();
        int vocab = exec.config().vocabSize();
        int n = candidates.size();
        boolean[] active = new boolean[n];
        for (int b = 0; b < n; b++) {
            Candidate c = candidates.get(b);
            if (baseLength + c.depth() + length > main.capacity()) continue; // would run past the draft's context
            caches[b] = main.fork();
            caches[b].truncate(baseLength + c.depth());
            if (!sampling.isGreedy()) probs[b] = new float[length][];
            active[b] = true;
        }
        float[] logits = new float[batch.capacity() * vocab];
        int[] rowBranch = new int[batch.capacity()];
        for (int k = 0; k < length; k++) {
            if (!narrow(active)) break;
            batch.clear();
            int rows = 0;
            for (int b = 0; b < n; b++) {
                if (!active[b]) continue;
                Candidate c = candidates.get(b);
                int token = k == 0 ? c.token() : tokens[b][k - 1];
                batch.add(token, caches[b], baseLength + c.depth() + k);
                rowBranch[rows++] = b;
            }
            if (rows == 0) break;
            exec.embed(batch);
            exec.runLayers(0, exec.config().layers(), batch);
            exec.logits(batch, logits);
            for (int r = 0; r < rows; r++) {
                int b = rowBranch[r];
                tokens[b][k] = draft.pick(logits, r * vocab, sampling, random, probs[b], k);
            }
        }
        narrow(active);
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
        Branch out = caches[b] == null ? null : new Branch(tokens[b], probs[b], caches[b]);
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
    record Branch(int[] tokens, float[][] probs, KvCache cache) {}
}
