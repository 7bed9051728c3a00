package org.mirrorsd.models.tokenizer;

/**
 * One piece of a word during BPE merging: a span of the text in a doubly linked list of its neighbours.
 * Both tokenizers merge the same way; they differ only in how they rank pairs.
 */
final class Symbol {
    int start;
    int length; // 0 once merged into its left neighbour
    int prev;
    int next;

    /** The text split into code points (a surrogate pair is one character), linked left to right. */
    static Symbol[] split(String text) {
        int count = text.codePointCount(0, text.length());
        Symbol[] symbols = new Symbol[count];
        for (int i = 0, offset = 0; i < count; i++) {
            Symbol s = new Symbol();
            s.start = offset;
            s.length = Character.charCount(text.codePointAt(offset));
            offset += s.length;
            s.prev = i - 1;
            s.next = i + 1 < count ? i + 1 : -1;
            symbols[i] = s;
        }
        return symbols;
    }
}
