package org.mirrorsd.decoding.constraint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The vocabulary's token byte strings as a trie, so one walk against an automaton state decides every token
 * sharing a prefix at once (a dead prefix prunes its whole subtree). Tokens with no bytes (control tokens)
 * are not in it. Children are stored contiguously: node n's children are {@code first[n] .. first[n+1]}.
 */
public final class TokenTrie {
    final int vocab;
    final byte[][] bytes;
    final int[] childStart;  // per node, index of its first child in the child arrays; nodes are numbered in BFS order
    final int[] childEnd;
    final byte[] label;      // per node, the byte on the edge into it
    final int[] tokenStart;  // per node, first index into tokens
    final int[] tokens;      // tokens ending at each node, grouped by node

    public TokenTrie(byte[][] tokenBytes) {
        this.vocab = tokenBytes.length;
        this.bytes = tokenBytes;
        // Build with maps, then flatten breadth-first so children are contiguous.
        List<Map<Byte, Integer>> kids = new ArrayList<>();
        List<List<Integer>> ends = new ArrayList<>();
        kids.add(new HashMap<>());
        ends.add(new ArrayList<>());
        List<Byte> labels = new ArrayList<>();
        labels.add((byte) 0);
        for (int t = 0; t < tokenBytes.length; t++) {
            byte[] b = tokenBytes[t];
            if (b == null || b.length == 0) continue;
            int node = 0;
            for (byte x : b) {
                Integer next = kids.get(node).get(x);
                if (next == null) {
                    next = kids.size();
                    kids.add(new HashMap<>());
                    ends.add(new ArrayList<>());
                    labels.add(x);
                    kids.get(node).put(x, next);
                }
                node = next;
            }
            ends.get(node).add(t);
        }
        int n = kids.size();
        int[] newId = new int[n];
        int[] bfs = new int[n];
        int head = 0;
        int tail = 0;
        bfs[tail++] = 0;
        newId[0] = 0;
        while (head < tail) {
            int node = bfs[head++];
            Byte[] keys = kids.get(node).keySet().toArray(new Byte[0]);
            Arrays.sort(keys, (x, y) -> Integer.compare(x & 0xFF, y & 0xFF));
            for (Byte k : keys) {
                int child = kids.get(node).get(k);
                newId[child] = tail;
                bfs[tail++] = child;
            }
        }
        childStart = new int[n];
        childEnd = new int[n];
        label = new byte[n];
        tokenStart = new int[n + 1];
        int totalTokens = 0;
        for (List<Integer> e : ends) totalTokens += e.size();
        tokens = new int[totalTokens];
        int k = 0;
        for (int i = 0; i < n; i++) {
            int old = bfs[i];
            label[i] = labels.get(old);
            tokenStart[i] = k;
            for (int t : ends.get(old)) tokens[k++] = t;
            int first = Integer.MAX_VALUE;
            int last = -1;
            for (int child : kids.get(old).values()) {
                first = Math.min(first, newId[child]);
                last = Math.max(last, newId[child]);
            }
            childStart[i] = last < 0 ? 0 : first;
            childEnd[i] = last < 0 ? 0 : last + 1;
        }
        tokenStart[n] = k;
    }

    public int vocabularySize() { return vocab; }

    public int nodes() { return label.length; }

    byte[] bytes(int token) { return token >= 0 && token < vocab && bytes[token] != null ? bytes[token] : new byte[0]; }
}
