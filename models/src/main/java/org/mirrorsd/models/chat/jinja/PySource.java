package org.mirrorsd.models.chat.jinja;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites a jinja2 template into the text jinjava should parse, for the few places where the two read the same
 * source differently. Only the lexical layer: whitespace control, comments, the trailing newline, and
 * Python-only syntax.
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
        s = whitespace(s);
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
     * Applies jinja2's whitespace rules to the text itself, as jinja2's lexer does, and hands jinjava tags without
     * markers: {@code lstrip_blocks} and {@code trim_blocks} for block tags and comments, {@code -} and {@code +}
     * on every tag; comments are removed. jinjava's own versions strip differently (spaces before a tag that does
     * not start a line, around comments, before {@code {%- elif %}}).
     */
    static String whitespace(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        int n = s.length();
        int lineStart = 0; // where out's current line starts, also after a newline trim_blocks removed
        while (i < n) {
            if (s.startsWith("{%", i) && rawTag(s, i)) {
                lstrip(out, lineStart);
                int end = s.indexOf("endraw", i + 2);
                int close = end < 0 ? -1 : s.indexOf("%}", end);
                int stop = close < 0 ? n : close + 2;
                out.append(s, i, stop);
                i = trimBlock(s, stop);
                if (i > stop) lineStart = out.length();
            } else if (s.startsWith("{{", i) || s.startsWith("{%", i)) {
                boolean block = s.charAt(i + 1) == '%';
                String close = block ? "%}" : "}}";
                int stop = tagEnd(s, i + 2, close);
                String body = s.substring(i + 2, Math.max(i + 2, stop - 2));
                char open = body.isEmpty() ? ' ' : body.charAt(0);
                char end = body.length() < 2 ? ' ' : body.charAt(body.length() - 1);
                if (open == '-') lineStart = stripTrailing(out, lineStart);
                else if (block && open != '+') lstrip(out, lineStart);
                if (open == '-' || (block && open == '+')) body = body.substring(1);
                if (end == '-' || (block && end == '+')) body = body.substring(0, body.length() - 1);
                out.append(s, i, i + 2).append(block ? body : splitClosingBraces(body)).append(close);
                i = stop;
                if (end == '-') {
                    while (i < n && PyStrings.isSpace(s.charAt(i))) i++;
                } else if (block && end != '+') {
                    i = trimBlock(s, i);
                    if (i > stop) lineStart = out.length();
                }
            } else if (s.startsWith("{#", i)) {
                int close = s.indexOf("#}", i + 2);
                if (close < 0) { out.append(s, i, n); break; }
                boolean stripBefore = i + 2 < n && s.charAt(i + 2) == '-';
                boolean keepBefore = i + 2 < n && s.charAt(i + 2) == '+';
                boolean stripAfter = close > i + 2 && s.charAt(close - 1) == '-';
                boolean keepAfter = close > i + 2 && s.charAt(close - 1) == '+';
                if (stripBefore) {
                    lineStart = stripTrailing(out, lineStart);
                } else if (!keepBefore) {
                    lstrip(out, lineStart);
                }
                out.append(BARRIER);
                i = close + 2;
                if (stripAfter) {
                    while (i < n && PyStrings.isSpace(s.charAt(i))) i++;
                } else if (!keepAfter) {
                    int at = i;
                    i = trimBlock(s, i);
                    if (i > at) lineStart = out.length();
                }
            } else {
                char c = s.charAt(i++);
                out.append(c);
                if (c == '\n') lineStart = out.length();
            }
        }
        return out.toString();
    }

    /** {@code {%-}, {@code {{-}, {@code {#-}: all whitespace before the tag goes. */
    private static int stripTrailing(StringBuilder out, int lineStart) {
        while (!out.isEmpty() && PyStrings.isSpace(out.charAt(out.length() - 1))) out.setLength(out.length() - 1);
        // what follows no longer starts a line (unless nothing is left)
        return lineStart <= out.length() ? lineStart : out.isEmpty() ? 0 : -1;
    }

    /** lstrip_blocks: the spaces and tabs between a line's start and a block tag go. */
    private static void lstrip(StringBuilder out, int lineStart) {
        int k = out.length();
        while (k > lineStart && (out.charAt(k - 1) == ' ' || out.charAt(k - 1) == '\t')) k--;
        if (k == lineStart) out.setLength(k);
    }

    /** trim_blocks: the one newline right after a block tag goes. */
    private static int trimBlock(String s, int i) {
        if (s.startsWith("\r\n", i)) return i + 2;
        return i < s.length() && s.charAt(i) == '\n' ? i + 1 : i;
    }

    private static boolean rawTag(String s, int i) {
        int j = i + 2;
        while (j < s.length() && (s.charAt(j) == '-' || s.charAt(j) == '+' || s.charAt(j) == ' ')) j++;
        return s.startsWith("raw", j) && !s.startsWith("raw_", j);
    }

    /**
     * The index just past the end of a tag, skipping quoted strings and, in {@code {{ }}}, balanced braces
     * ({@code {{ {"a": {"b": 1}} }}} ends at the last pair, as jinja2's lexer reads it).
     */
    private static int tagEnd(String s, int from, String end) {
        char quote = 0;
        int depth = 0;
        boolean braces = end.equals("}}");
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') quote = c;
            else if (braces && depth > 0 && c == '}') depth--;
            else if (s.startsWith(end, i)) return i + 2;
            else if (braces && c == '{') depth++;
        }
        return s.length();
    }

    /** Separates {@code }}} inside an expression (nested dict literals) so jinjava does not end the tag there. */
    private static String splitClosingBraces(String body) {
        if (!body.contains("}}")) return body;
        StringBuilder sb = new StringBuilder(body.length() + 4);
        char quote = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            sb.append(c);
            if (quote != 0) {
                if (c == '\\' && i + 1 < body.length()) sb.append(body.charAt(++i));
                else if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') quote = c;
            else if (c == '}' && i + 1 < body.length() && body.charAt(i + 1) == '}') sb.append(' ');
        }
        return sb.toString();
    }
}
