package org.mirrorsd.decoding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mirrorsd.devices.KvCache;
import org.mirrorsd.devices.LayerExecutor;

/**
 * The target's KV of finished sequences, kept so that a later prompt starting the same way skips that part of
 * its prefill: a chat's next turn, a shared system prompt (vLLM's automatic prefix caching, llama.cpp's
 * {@code cache_prompt}). Entries are forks, sharing blocks copy-on-write; a new session forks the entry with the
 * longest common prefix and truncates it there. The CPU kernels are batch-invariant, so reused keys and values
 * are the very bits a fresh prefill would write: output does not change, only the time to first token.
 *
 * <p>Bounded by a budget of positions (counted per entry, so shared blocks count more than once, never less);
 * the least recently used entries go first. Thread-safe.
 */
public final class PrefixCache implements AutoCloseable {
    /** Shorter matches are not worth a fork: a prefill chunk costs about the same. */
    private static final int MIN_REUSE = 16;
    private final int budgetPositions;
    /** Most recently used first. */
    private final List<Entry> entries = new ArrayList<>();
    private int heldPositions;
    private long hits;
    private long reusedPositions;

    /** A kept sequence: its tokens, and their KV in a cache of {@code exec} (caches only work on their own executor). */
    private record Entry(LayerExecutor exec, int[] tokens, KvCache cache) {}

    /** @param budgetPositions most positions kept over all entries; 0 disables the cache */
    public PrefixCache(int budgetPositions) {
        if (budgetPositions < 0) throw new IllegalArgumentException("prefix cache budget must be >= 0");
        this.budgetPositions = budgetPositions;
    }

    public static PrefixCache disabled() {
        return new PrefixCache(0);
    }

    /**
     * A runner for a new sequence on {@code exec}, its cache already holding the longest cached prefix of
     * {@code prompt} (never the whole prompt: its last token must still run, for its logits).
     */
    public SequenceRunner runnerFor(LayerExecutor exec, int[] prompt, int maxWindow) {
        KvCache reused = fork(exec, prompt);
        return reused == null ? new SequenceRunner(exec, exec.config().contextLength(), maxWindow)
                : new SequenceRunner(exec, reused, maxWindow);
    }

    private synchronized KvCache fork(LayerExecutor exec, int[] prompt) {
        Entry best = null;
        int bestLength = 0;
        for (Entry e : entries) {
            if (e.exec() != exec) continue;
            int n = commonPrefix(e.tokens(), prompt, Math.min(e.cache().length(), prompt.length - 1));
            if (n > bestLength) {
                best = e;
                bestLength = n;
            }
        }
        if (best == null || bestLength < MIN_REUSE || best.cache().capacity() < exec.config().contextLength()) return null;
        KvCache fork = best.cache().fork();
        fork.truncate(bestLength);
        entries.remove(best);
        entries.addFirst(best);
        hits++;
        reusedPositions += bestLength;
        return fork;
    }

    /**
     * Offers a finished sequence's KV: {@code tokens[0..length)} with their keys and values in {@code cache}, a
     * cache of {@code exec} (which stays the caller's to close). Entries it extends are replaced by it.
     */
    public synchronized void offer(LayerExecutor exec, int[] tokens, int length, KvCache cache) {
        length = Math.min(length, cache.length());
        if (budgetPositions == 0 || length < MIN_REUSE || length > budgetPositions) return;
        int[] key = Arrays.copyOf(tokens, length);
        for (var it = entries.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.exec() == exec && commonPrefix(e.tokens(), key, e.tokens().length) == e.tokens().length) {
                drop(e);
                it.remove();
            }
        }
        KvCache fork = cache.fork();
        fork.truncate(length);
        entries.addFirst(new Entry(exec, key, fork));
        heldPositions += length;
        while (heldPositions > budgetPositions) drop(entries.removeLast());
    }

    private void drop(Entry e) {
        heldPositions -= e.tokens().length;
        e.cache().close();
    }

    private static int commonPrefix(int[] a, int[] b, int limit) {
        int n = Math.min(limit, Math.min(a.length, b.length));
        int i = 0;
        while (i < n && a[i] == b[i]) i++;
        return i;
    }

    /** KV caches this cache holds open (excluded when counting leaks: they are kept on purpose). */
    public synchronized int entries() { return entries.size(); }

    /** Sessions that started from a cached prefix. */
    public synchronized long hits() { return hits; }

    /** Prompt positions those sessions did not have to prefill. */
    public synchronized long reusedPositions() { return reusedPositions; }

    @Override
    public synchronized void close() {
        for (Entry e : entries) e.cache().close();
        entries.clear();
        heldPositions = 0;
    }
}
