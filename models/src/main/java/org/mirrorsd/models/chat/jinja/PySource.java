package org.mirrorsd.models.chat.jinja;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites a jinja2 template into the text jinjava should parse, for the few places where the two read the same
 * source differently. Only the lexical layer: comments, the trailing newline, and Python-only syntax.
 */
final class PySource {
    private PySource() {}

    /** {@code x[::-1]}: jinjava's slices have no step; reversing is the one real templates use. */
    private static final Pattern REVERSE_SLICE = Pattern.compile("\\[\\s*:\\s*:\\s*-1\\s*]");
    /** transformers' {@code {% generation %}} marks assistant text for masks; it renders its body unchanged. */
    private static final Pattern GENERATION_TAG = Pattern.compile("(\\{%-?\\s*)(end)?generation(\\s*-?%})");
    /** Stands where a comment was, so a neighbouring {@code -%}} strips no further than it would in jinja2. */
    private static final String BARRIER = "{{''}}";

    static String prepare(String source) {
        // keep_trailing_newline=False: jinja2's lexer drops one newline at the very end of the source
        String s = source.endsWith("\n") ? source.substring(0, source.length() - 1) : source;
        s = comments(s);
        s = REVERSE_SLICE.matcher(s).replaceAll("|reverse");
        Matcher m = GENERATION_TAG.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + (m.group(2) == null ? "if true" : "endif") + m.group(3)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /**
     * Removes comments with jinja2's whitespace rules ({@code {#-}/{@code -#}}, lstrip_blocks before a comment
     * that starts a line, trim_blocks after it); jinjava strips more around comments than jinja2 does.
     */
    static String comments(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        int n = s.length();
        while (i < n) {
            if (s.startsWith("{%", i) && rawTag(s, i)) {
                int end = s.indexOf("endraw", i + 2);
                int close = end < 0 ? -1 : s.indexOf("%}", end);
                int stop = close < 0 ? n : close + 2;
                out.append(s, i, stop);
                i = stop;
            } else if (s.startsWith("{{", i) || s.startsWith("{%", i)) {
                int stop = tagEnd(s, i + 2, s.charAt(i + 1) == '{' ? "}}" : "%}");
                out.append(s, i, stop);
                i = stop;
            } else if (s.startsWith("{#", i)) {
                int close = s.indexOf("#}", i + 2);
                if (close < 0) { out.append(s, i, n); break; }
                boolean stripBefore = i + 2 < n && s.charAt(i + 2) == '-';
                boolean keepBefore = i + 2 < n && s.charAt(i + 2) == '+';
                boolean stripAfter = close > i + 2 && s.charAt(close - 1) == '-';
                boolean keepAfter = close > i + 2 && s.charAt(close - 1) == '+';
                if (stripBefore) {
                    while (!out.isEmpty() && Character.isWhitespace(out.charAt(out.length() - 1))) out.setLength(out.length() - 1);
                } else if (!keepBefore) {
                    int k = out.length();
                    while (k > 0 && (out.charAt(k - 1) == ' ' || out.charAt(k - 1) == '\t')) k--;
                    if (k == 0 || out.charAt(k - 1) == '\n') out.setLength(k); // lstrip_blocks
                }
                out.append(BARRIER);
                i = close + 2;
                if (stripAfter) {
                    while (i < n && Character.isWhitespace(s.charAt(i))) i++;
                } else if (!keepAfter && i < n && s.charAt(i) == '\n') {
                    i++; // trim_blocks
                } else if (!keepAfter && s.startsWith("\r\n", i)) {
                    i += 2;
                }
            } else {
                out.append(s.charAt(i++));
            }
        }
        return out.toString();
    }

    private static boolean rawTag(String s, int i) {
        int j = i + 2;
        while (j < s.length() && (s.charAt(j) == '-' || s.charAt(j) == '+' || s.charAt(j) == ' ')) j++;
        return s.startsWith("raw", j) && !s.startsWith("raw_", j);
    }

    /** The index just past the end of a tag, skipping quoted strings inside it. */
    private static int tagEnd(String s, int from, String end) {
        char quote = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') quote = c;
            else if (s.startsWith(end, i)) return i + 2;
        }
        return s.length();
    }
}
