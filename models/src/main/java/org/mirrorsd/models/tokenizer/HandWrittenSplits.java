package org.mirrorsd.models.tokenizer;

import static org.mirrorsd.models.tokenizer.CodepointFlags.LETTER;
import static org.mirrorsd.models.tokenizer.CodepointFlags.NUMBER;
import static org.mirrorsd.models.tokenizer.CodepointFlags.WHITESPACE;

/**
 * The two splitters llama.cpp writes by hand instead of running their regexes ({@code
 * unicode_regex_split_custom_gpt2} and {@code _llama3}). Ported step by step rather than left to a regex engine,
 * because their corner cases (a piece boundary counts as end of text, whitespace runs give back one character)
 * decide the token ids.
 */
final class HandWrittenSplits {
    private static final int OUT_OF_RANGE = -1;

    private HandWrittenSplits() {}

    /** {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+} */
    static void gpt2(RegexSplitter.Text text, int start, int length, TokenList out) {
        Piece p = new Piece(text, start, start + length, out);
        for (int pos = start; pos < p.end; ) {
            int cpt = p.cpt(pos);
            int flags = p.flags(pos);
            if (cpt == '\'' && pos + 1 < p.end) {
                int next = p.cpt(pos + 1);
                if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                    pos = p.emit(pos + 2);
                    continue;
                }
                if (pos + 2 < p.end) {
                    int next2 = p.cpt(pos + 2);
                    if ((next == 'r' && next2 == 'e') || (next == 'v' && next2 == 'e') || (next == 'l' && next2 == 'l')) {
                        pos = p.emit(pos + 3);
                        continue;
                    }
                }
            }
            int flags2 = cpt == ' ' ? p.flags(pos + 1) : flags;
            if ((flags2 & LETTER) != 0) { // <space>?\p{L}+
                if (cpt == ' ') pos++;
                while ((p.flags(pos) & LETTER) != 0) pos++;
                pos = p.emit(pos);
                continue;
            }
            if ((flags2 & NUMBER) != 0) { // <space>?\p{N}+
                if (cpt == ' ') pos++;
                while ((p.flags(pos) & NUMBER) != 0) pos++;
                pos = p.emit(pos);
                continue;
            }
            if (isOther(flags2)) { // <space>?[^\s\p{L}\p{N}]+
                if (cpt == ' ') pos++;
                while (isOther(p.flags(pos))) pos++;
                pos = p.emit(pos);
                continue;
            }
            pos = whitespace(p, pos, false);
        }
    }

    /**
     * {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+
     * |\s+(?!\S)|\s+}
     */
    static void llama3(RegexSplitter.Text text, int start, int length, TokenList out) {
        Piece p = new Piece(text, start, start + length, out);
        for (int pos = start; pos < p.end; ) {
            int cpt = p.cpt(pos);
            int flags = p.flags(pos);
            if (cpt == '\'' && pos + 1 < p.end) { // case-insensitive contractions
                int next = Character.toLowerCase(p.cpt(pos + 1));
                if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                    pos = p.emit(pos + 2);
                    continue;
                }
                if (pos + 2 < p.end) {
                    int next2 = Character.toLowerCase(p.cpt(pos + 2));
                    if ((next == 'r' && next2 == 'e') || (next == 'v' && next2 == 'e') || (next == 'l' && next2 == 'l')) {
                        pos = p.emit(pos + 3);
                        continue;
                    }
                }
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if (!(cpt == '\r' || cpt == '\n' || (flags & NUMBER) != 0)
                    && ((flags & LETTER) != 0 || (p.flags(pos + 1) & LETTER) != 0)) {
                pos++;
                while ((p.flags(pos) & LETTER) != 0) pos++;
                pos = p.emit(pos);
                continue;
            }
            if ((flags & NUMBER) != 0) { // \p{N}{1,3}
                int first = pos;
                while ((p.flags(pos) & NUMBER) != 0) {
                    if (++pos - first >= 3) {
                        p.emit(pos);
                        first = pos;
                    }
                }
                pos = p.emit(pos);
                continue;
            }
            // <space>?[^\s\p{L}\p{N}]+[\r\n]*
            int flags2 = cpt == ' ' ? p.flags(pos + 1) : flags;
            if ((flags2 & (WHITESPACE | LETTER | NUMBER)) == 0 && flags != 0) {
                if (cpt == ' ') pos++;
                while (isOther(p.flags(pos))) pos++;
                while (p.cpt(pos) == '\r' || p.cpt(pos) == '\n') pos++;
                pos = p.emit(pos);
                continue;
            }
            pos = whitespace(p, pos, true);
        }
    }

    /** Not whitespace, letter or number, and inside the piece. */
    private static boolean isOther(int flags) {
        return (flags & (WHITESPACE | LETTER | NUMBER)) == 0 && flags != 0;
    }

    /** {@code \s*[\r\n]+} (Llama 3 only), then {@code \s+(?!\S)}, then {@code \s+}, else one character alone. */
    private static int whitespace(Piece p, int pos, boolean newlines) {
        int count = 0;
        int lastNewlineEnd = 0;
        while ((p.flags(pos + count) & WHITESPACE) != 0) {
            int c = p.cpt(pos + count);
            if (c == '\r' || c == '\n') lastNewlineEnd = pos + count + 1;
            count++;
        }
        if (newlines && lastNewlineEnd > 0) return p.emit(lastNewlineEnd);
        if (count > 1 && p.cpt(pos + count) != OUT_OF_RANGE) return p.emit(pos + count - 1);
        if (count > 0) return p.emit(pos + count);
        return p.emit(pos + 1);
    }

    /** One piece of the text: positions outside it read as nothing, and emitted words must tile it. */
    private static final class Piece {
        final RegexSplitter.Text text;
        final int start;
        final int end;
        final TokenList out;
        int prevEnd;

        Piece(RegexSplitter.Text text, int start, int end, TokenList out) {
            this.text = text;
            this.start = start;
            this.end = end;
            this.out = out;
            this.prevEnd = start;
        }

        int cpt(int pos) {
            return pos >= start && pos < end ? text.cps[pos] : OUT_OF_RANGE;
        }

        int flags(int pos) {
            return pos >= start && pos < end ? text.flags(pos) : 0;
        }

        /** Ends the current word at {@code wordEnd} (nothing when empty); returns the new position. */
        int emit(int wordEnd) {
            if (wordEnd > prevEnd) out.add(wordEnd - prevEnd);
            prevEnd = wordEnd;
            return wordEnd;
        }
    }
}
