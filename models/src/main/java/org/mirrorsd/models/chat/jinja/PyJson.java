package org.mirrorsd.models.chat.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps(x, ensure_ascii=False, indent=..., separators=..., sort_keys=...)}, the {@code tojson}
 * filter Hugging Face installs for chat templates: non-ASCII text as is, keys in insertion order, only quote,
 * backslash and control characters escaped (no HTML escaping).
 */
public final class PyJson {
    private final String indent;
    private final String itemSeparator;
    private final String keySeparator;
    private final boolean sortKeys;

    /**
     * @param indent     null for one line; a number of spaces (or the indent string itself)
     * @param separators null for the defaults ({@code ", "} and {@code ": "}, or {@code ","} when indenting)
     */
    public PyJson(Object indent, List<?> separators, boolean sortKeys) {
        if (indent == null || indent == PyNone.NONE) this.indent = null;
        else if (indent instanceof Number n) this.indent = " ".repeat(Math.max(0, n.intValue()));
        else this.indent = String.valueOf(indent);
        if (separators != null && separators.size() == 2) {
            this.itemSeparator = String.valueOf(separators.get(0));
            this.keySeparator = String.valueOf(separators.get(1));
        } else {
            this.itemSeparator = this.indent == null ? ", " : ",";
            this.keySeparator = ": ";
        }
        this.sortKeys = sortKeys;
    }

    public static String dumps(Object value) { return new PyJson(null, null, false).write(value); }

    public String write(Object value) {
        StringBuilder sb = new StringBuilder();
        append(sb, value, 0);
        return sb.toString();
    }

    private void append(StringBuilder sb, Object o, int depth) {
        if (o == null || o == PyNone.NONE) sb.append("null");
        else if (o instanceof CharSequence s) quote(sb, s.toString());
        else if (o instanceof Boolean b) sb.append(b);
        else if (o instanceof Double || o instanceof Float) {
            double d = ((Number) o).doubleValue();
            sb.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : PyRepr.floatRepr(d));
        } else if (o instanceof Number n) sb.append(n);
        else if (o instanceof Map<?, ?> m) {
            List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
            if (sortKeys) entries.sort((a, b) -> String.valueOf(a.getKey()).compareTo(String.valueOf(b.getKey())));
            if (entries.isEmpty()) { sb.append("{}"); return; }
            sb.append('{');
            for (int i = 0; i < entries.size(); i++) {
                if (i > 0) sb.append(itemSeparator);
                newline(sb, depth + 1);
                quote(sb, String.valueOf(entries.get(i).getKey()));
                sb.append(keySeparator);
                append(sb, entries.get(i).getValue(), depth + 1);
            }
            newline(sb, depth);
            sb.append('}');
        } else if (o instanceof Iterable<?> it) {
            List<Object> items = new ArrayList<>();
            it.forEach(items::add);
            if (items.isEmpty()) { sb.append("[]"); return; }
            sb.append('[');
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) sb.append(itemSeparator);
                newline(sb, depth + 1);
                append(sb, items.get(i), depth + 1);
            }
            newline(sb, depth);
            sb.append(']');
        } else quote(sb, String.valueOf(o));
    }

    private void newline(StringBuilder sb, int depth) {
        if (indent == null) return;
        sb.append('\n');
        for (int i = 0; i < depth; i++) sb.append(indent);
    }

    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
