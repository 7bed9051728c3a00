package org.mirrorsd.models.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * llama.cpp's {@code unicode_regex_split}: the regexes of a pre-tokenizer run one after the other, each
 * splitting the pieces the previous one left (the text between matches stays a piece of its own). Two regexes
 * have hand-written splitters in llama.cpp (GPT-2's and Llama 3's); the others run on a "collapsed" text where
 * every non-ASCII code point is one character standing for its Unicode category, and {@code \p{..}} in the
 * regex becomes a class of those characters plus the ASCII members. Regexes without categories run on the code
 * points, with non-ASCII whitespace turned into {@code \u000B}. The quirks of that scheme (non-ASCII upper and
 * lower case letters are the same letter, so {@code [^a-z]} matches any of them) are kept, since they decide the
 * ids. Checked against llama.cpp b11669's llama-tokenize for each type with a re-labelled vocabulary.
 *
 * <p>Patterns are compiled once, when the splitter is built.
 */
final class RegexSplitter {
    static final String GPT2_REGEX =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    static final String LLAMA3_REGEX = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** The categories llama.cpp collapses, with the collapsed character and the ASCII members (as a class body). */
    private static final String[][] CATEGORIES = {
        {"\\p{N}", "\u00D1", "0-9"},
        {"\\p{L}", "\u00D2", "A-Za-z"},
        {"\\p{P}", "\u00D3", "!-#%-*,-/:-;?-@\\[-\\]_\\{\\}"},
        {"\\p{M}", "\u00D4", ""},
        {"\\p{S}", "\u00D5", "\\$\\+<->\\^`\\|~"},
        {"\\p{Lu}", "\u00D2", "A-Za-z"},
        {"\\p{Ll}", "\u00D2", "A-Za-z"},
        {"\\p{Lt}", "\u00D2", "A-Za-z"},
        {"\\p{Lm}", "\u00D2", "A-Za-z"},
        {"\\p{Lo}", "\u00D2", "A-Za-z"},
    };
    /** "((?=[X])([^Y]))": a letter that is not Y; as one class it cannot recurse per character in Java. */
    private static final Pattern LOOKAHEAD_CLASS = Pattern.compile("\\(\\(\\?=\\[([^\\]]*)\\]\\)\\(\\[\\^([^\\]]*)\\]\\)\\)");

    /** One regex of the chain: it refines the pieces (lengths in code points) of the text. */
    private interface Rule {
        void split(Text text, int start, int length, TokenList out);
    }

    private final List<Rule> rules;

    RegexSplitter(List<String> regexes) {
        List<Rule> r = new ArrayList<>();
        for (String regex : regexes) r.add(rule(regex));
        this.rules = List.copyOf(r);
    }

    /** The words of {@code text}, in order; together they are the whole text. */
    List<String> split(String text) {
        Text t = new Text(text);
        int[] lengths = {t.cps.length};
        for (Rule rule : rules) {
            TokenList out = new TokenList();
            int start = 0;
            for (int length : lengths) {
                rule.split(t, start, length, out);
                start += length;
            }
            lengths = out.toArray();
        }
        List<String> words = new ArrayList<>(lengths.length);
        int start = 0;
        for (int length : lengths) {
            if (length > 0) words.add(new String(t.cps, start, length));
            start += length;
        }
        return words;
    }

    private static Rule rule(String regex) {
        if (regex.equals(GPT2_REGEX)) return HandWrittenSplits::gpt2;
        if (regex.equals(LLAMA3_REGEX)) return HandWrittenSplits::llama3;
        for (String[] category : CATEGORIES) {
            if (regex.contains(category[0])) return new PatternRule(Pattern.compile(collapse(regex)), true);
        }
        return new PatternRule(Pattern.compile(regex), false);
    }

    /** The regex rewritten for the collapsed text, as llama.cpp does it (a category inside [] adds no brackets). */
    static String collapse(String regex) {
        for (int i = 0; i < regex.length(); i++) {
            if (regex.charAt(i) >= 128) {
                throw new IllegalArgumentException("regex mixes Unicode categories and non-ASCII characters: " + regex);
            }
        }
        StringBuilder out = new StringBuilder();
        boolean inside = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '[' && (i == 0 || regex.charAt(i - 1) != '\\')) {
                out.append('[');
                inside = true;
                continue;
            }
            if (inside && c == ']' && regex.charAt(i - 1) != '\\') {
                out.append(']');
                inside = false;
                continue;
            }
            String[] category = categoryAt(regex, i);
            if (category != null) {
                if (!inside) out.append('[');
                out.append(category[1]).append(category[2]);
                if (!inside) out.append(']');
                i += category[0].length() - 1;
                continue;
            }
            out.append(c);
        }
        return LOOKAHEAD_CLASS.matcher(out).replaceAll("[$1&&[^$2]]");
    }

    private static String[] categoryAt(String regex, int i) {
        if (!regex.startsWith("\\p{", i)) return null;
        for (String[] category : CATEGORIES) if (regex.startsWith(category[0], i)) return category;
        return null;
    }

    /** A compiled regex; the text between its matches stays a piece too (llama.cpp's unicode_regex_split_stl). */
    private record PatternRule(Pattern pattern, boolean collapsed) implements Rule {
        @Override
        public void split(Text text, int start, int length, TokenList out) {
            String subject = collapsed ? text.collapsed() : text.wide();
            int[] toChar = collapsed ? null : text.cpToChar;
            int end = start + length;
            Matcher m = pattern.matcher(subject);
            m.region(toChar == null ? start : toChar[start], toChar == null ? end : toChar[end]);
            int last = start;
            try {
                while (m.find()) {
                    int ms = toChar == null ? m.start() : text.charToCp[m.start()];
                    int me = toChar == null ? m.end() : text.charToCp[m.end()];
                    if (ms > last) out.add(ms - last);
                    if (me > ms) out.add(me - ms);
                    last = me;
                }
            } catch (StackOverflowError e) {
                // Nested repetitions recurse once per repeat in java.util.regex (as in llama.cpp's std::regex):
                // a very long run of one pattern is refused with a message rather than taking the thread down.
                throw new IllegalArgumentException("text too long for pre-tokenizer regex '" + pattern.pattern()
                        + "': a run of " + (end - last) + " characters from position " + last + " exhausts the stack");
            }
            if (last < end) out.add(end - last);
        }
    }

    /** The text being split, as code points with their flags, and the two regex subjects, made when needed. */
    static final class Text {
        final int[] cps;
        private int[] flags;
        private String collapsed;
        private String wide;
        private int[] cpToChar;
        private int[] charToCp;

        Text(String text) {
            this.cps = text.codePoints().toArray();
        }

        int flags(int pos) {
            if (flags == null) {
                flags = new int[cps.length];
                for (int i = 0; i < cps.length; i++) flags[i] = CodepointFlags.of(cps[i]);
            }
            return flags[pos];
        }

        String collapsed() {
            if (collapsed == null) {
                char[] c = new char[cps.length];
                for (int i = 0; i < cps.length; i++) c[i] = CodepointFlags.collapsed(cps[i]);
                collapsed = new String(c);
            }
            return collapsed;
        }

        String wide() {
            if (wide == null) {
                StringBuilder sb = new StringBuilder(cps.length);
                cpToChar = new int[cps.length + 1];
                for (int i = 0; i < cps.length; i++) {
                    cpToChar[i] = sb.length();
                    int cp = cps[i];
                    sb.appendCodePoint(cp > 0x7F && CodepointFlags.isWhitespace(cp) ? 0x0B : cp);
                }
                cpToChar[cps.length] = sb.length();
                charToCp = new int[sb.length() + 1];
                for (int i = 0; i < cps.length; i++) {
                    for (int c = cpToChar[i]; c < cpToChar[i + 1]; c++) charToCp[c] = i;
                }
                charToCp[sb.length()] = cps.length;
                wide = sb.toString();
            }
            return wide;
        }
    }
}
