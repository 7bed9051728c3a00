package org.mirrorsd.models.chat.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Python's {@code str} methods that chat templates call ({@code .strip()}, {@code .split()},
 * {@code .startswith()}, ...), with Python's semantics: whitespace is Unicode whitespace (U+00A0 included),
 * {@code split()} without a separator splits on runs of whitespace, tuples of prefixes are accepted.
 */
final class PyStrings {
    private PyStrings() {}

    /** Python's {@code str.isspace} for one code point (Java's {@code isWhitespace} misses U+00A0 and friends). */
    static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }

    static String strip(String s, Object chars, boolean left, boolean right) {
        String set = PyNone.isNone(chars) ? null : String.valueOf(chars);
        int start = 0;
        int end = s.length();
        while (left && start < end) {
            int cp = s.codePointAt(start);
            if (!(set == null ? isSpace(cp) : set.indexOf(cp) >= 0)) break;
            start += Character.charCount(cp);
        }
        while (right && end > start) {
            int cp = s.codePointBefore(end);
            if (!(set == null ? isSpace(cp) : set.indexOf(cp) >= 0)) break;
            end -= Character.charCount(cp);
        }
        return s.substring(start, end);
    }

    static List<Object> split(String s, Object sep, Object max) {
        int maxSplit = PyNone.isNone(max) ? -1 : ((Number) max).intValue();
        List<Object> out = new ArrayList<>();
        if (PyNone.isNone(sep)) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && isSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
                if (i >= n) break;
                if (maxSplit >= 0 && out.size() == maxSplit) {
                    out.add(strip(s.substring(i), null, false, true));
                    break;
                }
                int j = i;
                while (j < n && !isSpace(s.codePointAt(j))) j += Character.charCount(s.codePointAt(j));
                out.add(s.substring(i, j));
                i = j;
            }
            return out;
        }
        String d = String.valueOf(sep);
        if (d.isEmpty()) throw new PyTemplateError("ValueError", "empty separator");
        int from = 0;
        while (maxSplit < 0 || out.size() < maxSplit) {
            int at = s.indexOf(d, from);
            if (at < 0) break;
            out.add(s.substring(from, at));
            from = at + d.length();
        }
        out.add(s.substring(from));
        return out;
    }

    static List<Object> rsplit(String s, Object sep, Object max) {
        int maxSplit = PyNone.isNone(max) ? -1 : ((Number) max).intValue();
        if (maxSplit < 0 || PyNone.isNone(sep)) return split(s, sep, max);
        String d = String.valueOf(sep);
        List<Object> out = new ArrayList<>();
        int end = s.length();
        while (out.size() < maxSplit) {
            int at = s.lastIndexOf(d, end - d.length());
            if (at < 0) break;
            out.addFirst(s.substring(at + d.length(), end));
            end = at;
        }
        out.addFirst(s.substring(0, end));
        return out;
    }

    static boolean startsOrEndsWith(String s, Object affix, boolean start) {
        if (affix instanceof Iterable<?> options) {
            for (Object o : options) if (startsOrEndsWith(s, o, start)) return true;
            return false;
        }
        if (!(affix instanceof CharSequence)) {
            throw PyTemplateError.typeError((start ? "startswith" : "endswith")
                    + " first arg must be str or a tuple of str, not " + PyRepr.typeName(affix));
        }
        return start ? s.startsWith(affix.toString()) : s.endsWith(affix.toString());
    }

    static String title(String s, boolean capitalizeOnly) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean prevCased = false;
        boolean first = true;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (capitalizeOnly) {
                sb.append(first ? new String(Character.toChars(cp)).toUpperCase(Locale.ROOT)
                        : new String(Character.toChars(cp)).toLowerCase(Locale.ROOT));
            } else {
                String c = new String(Character.toChars(cp));
                sb.append(prevCased ? c.toLowerCase(Locale.ROOT) : c.toUpperCase(Locale.ROOT));
                prevCased = Character.isLetter(cp);
            }
            first = false;
        }
        return sb.toString();
    }

    static String replace(String s, String old, String replacement, Object count) {
        int max = PyNone.isNone(count) ? -1 : ((Number) count).intValue();
        if (max < 0) return s.replace(old, replacement);
        StringBuilder sb = new StringBuilder();
        int from = 0;
        for (int n = 0; n < max; n++) {
            int at = s.indexOf(old, from);
            if (at < 0) break;
            sb.append(s, from, at).append(replacement);
            from = at + old.length();
            if (old.isEmpty()) {
                if (from < s.length()) sb.append(s.charAt(from));
                from++;
                if (from > s.length()) break;
            }
        }
        if (from <= s.length()) sb.append(s.substring(Math.min(from, s.length())));
        return sb.toString();
    }

    static String join(String sep, Object items) {
        StringBuilder sb = new StringBuilder();
        boolean first = true;
        for (Object o : PyCollections.iterate(items)) {
            if (!(o instanceof CharSequence)) {
                throw PyTemplateError.typeError("sequence item: expected str instance, " + PyRepr.typeName(o) + " found");
            }
            if (!first) sb.append(sep);
            first = false;
            sb.append(o);
        }
        return sb.toString();
    }

    /** Code points of a string (Python indexes and slices strings by code point). */
    static int[] codePoints(String s) { return s.codePoints().toArray(); }
}
