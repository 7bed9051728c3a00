package org.mirrorsd.decoding.constraint;

import dk.brics.automaton.Automaton;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A character automaton compiled against one vocabulary: the token-level view of a constraint. A state is the
 * automaton state plus the bytes of a UTF-8 character a token ended in the middle of (byte-level vocabularies
 * split characters; SentencePiece has byte-fallback tokens), plus whether a leading space is still to be dropped
 * (SentencePiece's first token after BOS, whose space the text omits). States are interned to small ints.
 *
 * <p>The allowed-token mask of a state is computed once, by walking the token trie against it (a dead prefix
 * prunes all its tokens), and cached: a constraint revisits few states, so most masks cost one lookup and a
 * pass over the logits. Thread-safe; shared by every request with the same schema on the same vocabulary.
 */
public final class Grammar {
    private static final int STRIP = 1 << 28;
    private final CharDfa dfa;
    private final TokenTrie trie;
    private final Map<Long, Integer> ids = new HashMap<>();
    private long[] keys = new long[64];
    private int count;
    private final ConcurrentHashMap<Integer, long[]> masks = new ConcurrentHashMap<>();

    public Grammar(Automaton automaton, TokenTrie trie) {
        this.dfa = new CharDfa(automaton);
        this.trie = trie;
    }

    public TokenTrie trie() { return trie; }

    /** Automaton states (characters), for reports. */
    public int automatonStates() { return dfa.size(); }

    /** Token-level states seen so far. */
    public synchronized int states() { return count; }

    /** The state before any output; {@code dropLeadingSpace} when the text will omit the first token's space. */
    public int initial(boolean dropLeadingSpace) {
        return intern(dropLeadingSpace ? STRIP : 0L);
    }

    /** The state after {@code token}, or -1 when the constraint forbids it. */
    public int advance(int state, int token) {
        long key = key(state);
        byte[] b = trie.bytes(token);
        if (b.length == 0) return -1;
        for (byte x : b) {
            key = step(key, x & 0xFF);
            if (key < 0) return -1;
        }
        return intern(key);
    }

    /** Whether the text so far is a complete instance (the output may end here). */
    public boolean complete(int state) {
        long key = key(state);
        return (key & (3 << 24)) == 0 && dfa.accepts((int) (key >>> 32));
    }

    /** Complete, and no character may follow. */
    public boolean terminal(int state) {
        long key = key(state);
        return complete(state) && dfa.isFinal((int) (key >>> 32));
    }

    /** Bit t set when token t may come next in {@code state}. Cached per state. */
    public long[] mask(int state) {
        long[] m = masks.get(state);
        if (m != null) return m;
        m = computeMask(key(state));
        long[] prev = masks.putIfAbsent(state, m);
        return prev != null ? prev : m;
    }

    /** Masks computed so far. */
    public int cachedMasks() { return masks.size(); }

    long[] computeMask(long key) {
        long[] bits = new long[(trie.vocab + 63) >>> 6];
        int[] nodeStack = new int[64];
        long[] keyStack = new long[64];
        int sp = 0;
        nodeStack[sp] = 0;
        keyStack[sp++] = key;
        while (sp > 0) {
            int node = nodeStack[--sp];
            long k = keyStack[sp];
            for (int c = trie.childStart[node]; c < trie.childEnd[node]; c++) {
                long nk = step(k, trie.label[c] & 0xFF);
                if (nk < 0) continue;
                for (int i = trie.tokenStart[c]; i < trie.tokenStart[c + 1]; i++) {
                    int t = trie.tokens[i];
                    bits[t >>> 6] |= 1L << t;
                }
                if (trie.childEnd[c] > trie.childStart[c]) {
                    if (sp == nodeStack.length) {
                        nodeStack = Arrays.copyOf(nodeStack, sp * 2);
                        keyStack = Arrays.copyOf(keyStack, sp * 2);
                    }
                    nodeStack[sp] = c;
                    keyStack[sp++] = nk;
                }
            }
        }
        return bits;
    }

    /**
     * One byte: the automaton steps when a character completes; a partial UTF-8 character stays pending as long
     * as some completion of it is allowed. Only BMP characters (1-3 bytes) exist for the automaton. -1 = dead.
     */
    long step(long key, int b) {
        int cs = (int) (key >>> 32);
        int low = (int) key;
        if ((low & STRIP) != 0) {
            if (b == ' ') return (long) cs << 32;
            low &= ~STRIP;
        }
        int pending = (low >>> 24) & 3;
        if (pending == 0) {
            if (b < 0x80) return state(dfa.step(cs, b));
            if (b < 0xC2 || b >= 0xF0) return -1;
            int from = b < 0xE0 ? (b & 0x1F) << 6 : Math.max(0x800, (b & 0x0F) << 12);
            int to = b < 0xE0 ? from | 0x3F : ((b & 0x0F) << 12) | 0xFFF;
            if (!dfa.anyIn(cs, from, to)) return -1;
            return ((long) cs << 32) | (1 << 24) | (b << 16);
        }
        if ((b & 0xC0) != 0x80) return -1;
        int lead = (low >>> 16) & 0xFF;
        if (lead < 0xE0) return state(dfa.step(cs, ((lead & 0x1F) << 6) | (b & 0x3F)));
        if (pending == 1) {
            int from = ((lead & 0x0F) << 12) | ((b & 0x3F) << 6);
            if (from < 0x800 || !dfa.anyIn(cs, from, from | 0x3F)) return -1;
            return ((long) cs << 32) | (2 << 24) | (lead << 16) | (b << 8);
        }
        int second = (low >>> 8) & 0xFF;
        return state(dfa.step(cs, ((lead & 0x0F) << 12) | ((second & 0x3F) << 6) | (b & 0x3F)));
    }

    private static long state(int cs) {
        return cs < 0 ? -1 : (long) cs << 32;
    }

    private synchronized int intern(long key) {
        Integer id = ids.get(key);
        if (id != null) return id;
        if (count == keys.length) keys = Arrays.copyOf(keys, count * 2);
        keys[count] = key;
        ids.put(key, count);
        return count++;
    }

    private synchronized long key(int state) {
        return keys[state];
    }
}
