package org.mirrorsd.decoding.speculative;

/**
 * Prompt-lookup decoding: find the latest earlier occurrence of the sequence's last n tokens (longest n
 * first) and propose what followed it. No model, no state; strong on summarisation, RAG and code edits where
 * the output repeats the input.
 */
public final class NgramProposer implements Proposer {
    private final int minN;
    private final int maxN;

    public NgramProposer(int minN, int maxN) {
        if (minN < 1 || maxN < minN) throw new IllegalArgumentException("need 1 <= min <= max, got " + minN + ".." + maxN);
        this.minN = minN;
        this.maxN = maxN;
    }

    @Override
    public Draft propose(int[] sequence, int length, int n) {
        for (int size = Math.min(maxN, length - 1); size >= minN; size--) {
            int suffix = length - size;
            // Latest match first: recent context predicts best.
            for (int start = suffix - 1; start >= 0; start--) {
                if (matches(sequence, start, suffix, size)) {
                    int from = start + size;
                    int count = Math.min(n, length - from);
                    if (count <= 0) continue;
                    int[] tokens = new int[count];
                    System.arraycopy(sequence, from, tokens, 0, count);
                    return new Draft(tokens, null);
                }
            }
        }
        return Draft.EMPTY;
    }

    private static boolean matches(int[] s, int a, int b, int size) {
        for (int i = 0; i < size; i++) if (s[a + i] != s[b + i]) return false;
        return true;
    }

    @Override
    public void rollback(int length) {}

    @Override
    public void close() {}
}
