package org.mirrorsd.devices.onnx;

import org.mirrorsd.devices.ForwardBatch;
import org.mirrorsd.devices.KvCache;

/**
 * Cuts a batch into sequences (the rows of one cache, consecutive positions) and groups sequences into
 * session calls. A call's tensors are rectangular: every sequence in it feeds the same number of new tokens.
 * Pasts of different lengths are left-padded to the longest one and the padding hidden by attention_mask, so
 * Mirror-SD's branches (forks at depths 0..γ, one token each) run as a single call. A graph without an
 * attention_mask input cannot hide padding; its calls then also need equal past lengths.
 *
 * <p>Arrays are sized by the batch's capacity once and reused, so planning allocates nothing per step.
 */
final class BatchPlan {
    final OnnxKvCache[] cache;
    /** Position of the sequence's first new row: the past the session sees is [0, start). */
    final int[] start;
    final int[] count;
    /** Rows of sequence j are order[first[j] .. first[j] + count[j]). */
    final int[] first;
    final int[] order;
    private final int[] sequenceOfRow;
    private final boolean[] planned;
    /** The sequences of the current call. */
    final int[] call;
    int sequences;
    int callSize;

    BatchPlan(int capacity) {
        cache = new OnnxKvCache[capacity];
        start = new int[capacity];
        count = new int[capacity];
        first = new int[capacity];
        order = new int[capacity];
        sequenceOfRow = new int[capacity];
        planned = new boolean[capacity];
        call = new int[capacity];
    }

    void plan(ForwardBatch b, Object executor) {
        java.util.Arrays.fill(cache, 0, sequences, null);
        sequences = 0;
        int last = -1;
        for (int r = 0; r < b.size(); r++) {
            KvCache kc = b.cache(r);
            if (!(kc instanceof OnnxKvCache c) || !c.ownedBy(executor)) {
                throw new IllegalArgumentException("row " + r + " has a cache not made by this executor");
            }
            int j = last >= 0 && cache[last] == c ? last : find(c);
            if (j < 0) {
                j = sequences++;
                cache[j] = c;
                start[j] = b.position(r);
                count[j] = 0;
            } else if (b.position(r) != start[j] + count[j]) {
                throw new IllegalArgumentException("row " + r + " is at position " + b.position(r) + " but its cache's"
                        + " previous row is at " + (start[j] + count[j] - 1) + ": rows of one cache must be consecutive");
            }
            count[j]++;
            sequenceOfRow[r] = j;
            last = j;
        }
        int offset = 0;
        for (int j = 0; j < sequences; j++) {
            cache[j].checkWritable(start[j], count[j]);
            first[j] = offset;
            offset += count[j];
            planned[j] = false;
        }
        int[] filled = call; // scratch use before any call is formed
        for (int j = 0; j < sequences; j++) filled[j] = 0;
        for (int r = 0; r < b.size(); r++) {
            int j = sequenceOfRow[r];
            order[first[j] + filled[j]++] = r;
        }
    }

    /** Forms the next call from sequences not yet run; false when all have been. */
    boolean nextCall(boolean padding) {
        callSize = 0;
        for (int j = 0; j < sequences; j++) {
            if (planned[j]) continue;
            if (callSize == 0 || (count[j] == count[call[0]] && (padding || start[j] == start[call[0]]))) {
                call[callSize++] = j;
                planned[j] = true;
            }
        }
        return callSize > 0;
    }

    /** New tokens per sequence in the current call. */
    int callTokens() { return count[call[0]]; }

    /** Past length the current call's tensors have (the longest past; shorter ones are left-padded). */
    int callPast() {
        int p = 0;
        for (int i = 0; i < callSize; i++) p = Math.max(p, start[call[i]]);
        return p;
    }

    private int find(OnnxKvCache c) {
        for (int j = 0; j < sequences; j++) if (cache[j] == c) return j;
        return -1;
    }
}
