package org.mirrorsd.models.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;

/**
 * SentencePiece BPE with byte fallback, as llama.cpp's {@code llm_tokenizer_spm} does it: spaces become
 * {@code ▁} (after an optional dummy-prefix space), the text is split into characters, and the adjacent pair
 * whose concatenation is the highest-scoring vocabulary token is merged until no pair is a token. Characters
 * that are not tokens fall back to their UTF-8 bytes ({@code <0xAB>} tokens).
 */
final class SentencePieceTokenizer extends VocabularyTokenizer {
    private static final char SPACE_MARK = '\u2581'; // ▁

    private final boolean addSpacePrefix;

    SentencePieceTokenizer(Vocabulary vocab, SpecialTokens special, SpecialTokenSplitter splitter,
                           boolean addSpacePrefix) {
        super(vocab, special, splitter, addSpacePrefix, false);
        this.addSpacePrefix = addSpacePrefix;
    }

    @Override
    byte[] computeTokenBytes(int token) {
        String piece = vocab.piece(token);
        return switch (vocab.type(token)) {
            case BYTE -> {
                byte[] b = parseByteToken(piece);
                yield b != null ? b : piece.getBytes(StandardCharsets.UTF_8);
            }
            case USER_DEFINED -> piece.getBytes(StandardCharsets.UTF_8);
            default -> piece.replace(SPACE_MARK, ' ').getBytes(StandardCharsets.UTF_8);
        };
    }

    /** One symbol of the text being merged: a [start, start+length) range, linked to its live neighbours. */
    private record Bigram(int left, int right, float score, int length) {}

    @Override
    void encodeText(String fragment, boolean afterSpecial, TokenList out) {
        String text = (addSpacePrefix && afterSpecial ? " " : "") + fragment;
        text = text.replace(' ', SPACE_MARK);

        // Split into characters (code points: a surrogate pair is one UTF-8 character).
        Symbol[] symbols = Symbol.split(text);
        int count = symbols.length;

        // Highest score first; on a tie the leftmost pair.
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) ->
                a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 1; i < count; i++) tryAddBigram(text, symbols, i - 1, i, queue);

        while (!queue.isEmpty()) {
            Bigram bigram = queue.poll();
            Symbol left = symbols[bigram.left];
            Symbol right = symbols[bigram.right];
            // Stale: one side has been merged since this pair was queued.
            if (left.length == 0 || right.length == 0 || left.length + right.length != bigram.length) continue;

            left.length += right.length;
            right.length = 0;
            left.next = right.next;
            if (right.next >= 0) symbols[right.next].prev = bigram.left;

            tryAddBigram(text, symbols, left.prev, bigram.left, queue);
            tryAddBigram(text, symbols, bigram.left, left.next, queue);
        }

        for (int i = count == 0 ? -1 : 0; i != -1; i = symbols[i].next) {
            Symbol s = symbols[i];
            String piece = text.substring(s.start, s.start + s.length);
            int id = vocab.id(piece);
            if (id >= 0) {
                out.add(id);
            } else {
                // Only single characters can miss: every merge produced a vocabulary token.
                for (byte b : piece.getBytes(StandardCharsets.UTF_8)) out.add(byteToken(b));
            }
        }
    }

    private void tryAddBigram(String text, Symbol[] symbols, int left, int right, PriorityQueue<Bigram> queue) {
        if (left == -1 || right == -1) return;
        Symbol l = symbols[left];
        int length = l.length + symbols[right].length;
        int id = vocab.id(text.substring(l.start, l.start + length));
        if (id < 0) return;
        queue.add(new Bigram(left, right, vocab.score(id), length));
    }
}
