package org.mirrorsd.models.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Byte-level BPE (GPT-2 family), as llama.cpp's {@code llm_tokenizer_bpe}: pre-tokenize by regex, write each
 * word's UTF-8 bytes as GPT-2 characters, then repeatedly merge the adjacent pair with the lowest merge rank
 * (leftmost on a tie) until no pair has a rank.
 */
final class BytePairTokenizer extends VocabularyTokenizer {
    private final Map<String, Integer> mergeRanks; // "left right" -> rank
    private final PreTokenizer preTokenizer;

    BytePairTokenizer(Vocabulary vocab, SpecialTokens special, SpecialTokenSplitter splitter,
                      Map<String, Integer> mergeRanks, PreTokenizer preTokenizer, boolean addSpacePrefix) {
        // add_space_prefix only matters to decoding here: llama.cpp's BPE never adds the space when encoding.
        super(vocab, special, splitter, addSpacePrefix, preTokenizer.cleanSpaces());
        this.mergeRanks = mergeRanks;
        this.preTokenizer = preTokenizer;
    }

    /** The same vocabulary and merges under another pre-tokenizer; the tables are shared, so this is cheap. */
    BytePairTokenizer withPreTokenizer(PreTokenizer other) {
        return new BytePairTokenizer(vocab, special(), splitter(), mergeRanks, other, addSpacePrefix());
    }

    @Override
    byte[] computeTokenBytes(int token) {
        String piece = vocab.piece(token);
        return switch (vocab.type(token)) {
            case USER_DEFINED -> piece.getBytes(StandardCharsets.UTF_8);
            case BYTE -> {
                byte[] b = parseByteToken(piece);
                yield b != null ? b : Gpt2Bytes.decode(piece);
            }
            default -> Gpt2Bytes.decode(piece);
        };
    }

    private record Bigram(int left, int right, int rank, String text) {}

    @Override
    void encodeText(String text, boolean afterSpecial, TokenList out) {
        for (String word : preTokenizer.split(text)) {
            encodeWord(Gpt2Bytes.encode(word), out);
        }
    }

    private void encodeWord(String word, TokenList out) {
        if (preTokenizer.ignoreMerges()) {
            int id = vocab.id(word);
            if (id >= 0) {
                out.add(id);
                return;
            }
        }
        Symbol[] symbols = Symbol.split(word);
        int count = symbols.length;
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) ->
                a.rank != b.rank ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 1; i < count; i++) addBigram(word, symbols, i - 1, i, queue);

        while (!queue.isEmpty()) {
            Bigram bigram = queue.poll();
            Symbol left = symbols[bigram.left];
            Symbol right = symbols[bigram.right];
            if (left.length == 0 || right.length == 0) continue;
            // Stale: the pair's text changed since it was queued.
            if (left.length + right.length != bigram.text.length()
                    || !word.startsWith(bigram.text, left.start) || right.start != left.start + left.length) continue;

            left.length += right.length;
            right.length = 0;
            left.next = right.next;
            if (right.next >= 0) symbols[right.next].prev = bigram.left;

            addBigram(word, symbols, left.prev, bigram.left, queue);
            addBigram(word, symbols, bigram.left, left.next, queue);
        }

        for (int i = count == 0 ? -1 : 0; i != -1; i = symbols[i].next) {
            Symbol s = symbols[i];
            String piece = word.substring(s.start, s.start + s.length);
            int id = vocab.id(piece);
            if (id >= 0) {
                out.add(id);
            } else {
                // A piece with no token: llama.cpp tries each byte on its own and drops what has no token.
                // (A lone byte of a multi-byte character is never a valid token string, so only ASCII can match.)
                for (int c = 0; c < piece.length(); c++) {
                    int single = piece.charAt(c) < 0x80 ? vocab.id(String.valueOf(piece.charAt(c))) : -1;
                    if (single >= 0) out.add(single);
                }
            }
        }
    }

    private void addBigram(String word, Symbol[] symbols, int left, int right, PriorityQueue<Bigram> queue) {
        if (left == -1 || right == -1) return;
        Symbol l = symbols[left];
        Symbol r = symbols[right];
        String leftText = word.substring(l.start, l.start + l.length);
        String rightText = word.substring(r.start, r.start + r.length);
        Integer rank = mergeRanks.get(leftText + " " + rightText);
        if (rank == null) return;
        queue.add(new Bigram(left, right, rank, leftText + rightText));
    }
}
