package org.mirrorsd.models.tokenizer;

/**
 * Code point classes as llama.cpp's {@code unicode_cpt_flags} sees them: one general category bit (from
 * Python's {@code regex} module: {@code \p{N}}, {@code \p{L}}, ...; unassigned code points count as control)
 * plus whitespace, which is the Unicode White_Space property rather than Java's {@code Character.isWhitespace}.
 * Out-of-range positions have no flags at all, which the hand-written splitters rely on.
 */
final class CodepointFlags {
    static final int NUMBER = 1;
    static final int LETTER = 1 << 1;
    static final int SEPARATOR = 1 << 2;
    static final int ACCENT_MARK = 1 << 3;
    static final int PUNCTUATION = 1 << 4;
    static final int SYMBOL = 1 << 5;
    static final int CONTROL = 1 << 6;
    static final int WHITESPACE = 1 << 7;

    private CodepointFlags() {}

    static int of(int cp) {
        int category = switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> ACCENT_MARK;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> SEPARATOR;
            case Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                 Character.CONNECTOR_PUNCTUATION, Character.OTHER_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                 Character.FINAL_QUOTE_PUNCTUATION -> PUNCTUATION;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                 Character.OTHER_SYMBOL -> SYMBOL;
            default -> CONTROL; // Cc, Cf, Co, Cs and unassigned
        };
        return isWhitespace(cp) ? category | WHITESPACE : category;
    }

    /** Unicode White_Space (what Python's {@code regex} matches with {@code \s}). */
    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }

    /**
     * The one character llama.cpp puts in place of a code point before running a regex that uses Unicode
     * categories: ASCII stays, other whitespace becomes {@code \u000B}, the rest one private byte per category.
     */
    static char collapsed(int cp) {
        if (cp < 128) return (char) cp;
        int f = of(cp);
        if ((f & WHITESPACE) != 0) return '\u000B';
        if ((f & NUMBER) != 0) return '\u00D1';
        if ((f & LETTER) != 0) return '\u00D2';
        if ((f & PUNCTUATION) != 0) return '\u00D3';
        if ((f & ACCENT_MARK) != 0) return '\u00D4';
        if ((f & SYMBOL) != 0) return '\u00D5';
        return '\u00D0';
    }
}
