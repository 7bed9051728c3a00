package org.mirrorsd.models.chat.jinja;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code str()} and {@code repr()} of template values, and the conversion of request data (JSON maps,
 * lists, null) into the values a template sees.
 */
public final class PyRepr {
    private PyRepr() {}

    /** Request data (maps, lists, strings, numbers, booleans, null) as template values: null becomes None. */
    public static Object toPy(Object value) {
        if (value == null) return PyNone.NONE;
        if (value instanceof FrozenDict || value instanceof FrozenList || value instanceof PyNone) return value;
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), toPy(e.getValue()));
            return new FrozenDict(out);
        }
        if (value instanceof Iterable<?> it) {
            List<Object> out = new ArrayList<>();
            for (Object o : it) out.add(toPy(o));
            return new FrozenList(out);
        }
        if (value instanceof Object[] arr) return toPy(List.of(arr));
        if (value instanceof BigInteger b) return b.bitLength() < 64 ? (Object) b.longValue() : b;
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) return ((Number) value).longValue();
        if (value instanceof Float f) return f.doubleValue();
        if (value instanceof BigDecimal d) return d.doubleValue();
        return value;
    }

    /** Python's {@code str(x)}. Undefined (Java null) prints as the empty string, as jinja2's Undefined does. */
    public static String str(Object o) {
        if (o == null) return "";
        if (o instanceof CharSequence s) return s.toString();
        return repr(o);
    }

    /** Python's {@code repr(x)}: what a list or dict prints for its items. */
    public static String repr(Object o) {
        StringBuilder sb = new StringBuilder();
        appendRepr(sb, o);
        return sb.toString();
    }

    private static void appendRepr(StringBuilder sb, Object o) {
        if (o == null || o == PyNone.NONE) sb.append("None"); // inside a container, null is a None literal
        else if (o instanceof CharSequence s) appendStringRepr(sb, s.toString());
        else if (o instanceof Boolean b) sb.append(b ? "True" : "False");
        else if (o instanceof Double || o instanceof Float) sb.append(floatRepr(((Number) o).doubleValue()));
        else if (o instanceof Number n) sb.append(n);
        else if (o instanceof Map.Entry<?, ?> e) { // a (key, value) pair, as dictsort gives them
            sb.append('(');
            appendRepr(sb, e.getKey());
            sb.append(", ");
            appendRepr(sb, e.getValue());
            sb.append(')');
        } else if (o instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) sb.append(", ");
                first = false;
                appendRepr(sb, e.getKey());
                sb.append(": ");
                appendRepr(sb, e.getValue());
            }
            sb.append('}');
        } else if (o instanceof Iterable<?> it) {
            sb.append('[');
            boolean first = true;
            for (Object x : it) {
                if (!first) sb.append(", ");
                first = false;
                appendRepr(sb, x);
            }
            sb.append(']');
        } else sb.append(o);
    }

    /** Python's float repr: shortest round-trip digits, "1.0" for integral values, exponent past 1e16. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == Math.rint(d) && Math.abs(d) < 1e16) return new BigDecimal(d).toPlainString() + ".0";
        String s = Double.toString(d);
        int e = s.indexOf('E');
        if (e < 0) return s;
        String mant = s.substring(0, e);
        if (mant.endsWith(".0")) mant = mant.substring(0, mant.length() - 2);
        int exp = Integer.parseInt(s.substring(e + 1));
        if (exp >= -4 && exp < 16) return new BigDecimal(s).toPlainString();
        return mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }

    private static void appendStringRepr(StringBuilder sb, String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        sb.append(quote);
        s.codePoints().forEach(cp -> {
            if (cp == quote || cp == '\\') sb.append('\\').appendCodePoint(cp);
            else if (cp == '\n') sb.append("\\n");
            else if (cp == '\r') sb.append("\\r");
            else if (cp == '\t') sb.append("\\t");
            else if (cp < 0x20 || cp == 0x7f) sb.append(String.format("\\x%02x", cp));
            else if (!isPrintable(cp)) {
                if (cp <= 0xff) sb.append(String.format("\\x%02x", cp));
                else if (cp <= 0xffff) sb.append(String.format("\\u%04x", cp));
                else sb.append(String.format("\\U%08x", cp));
            } else sb.appendCodePoint(cp);
        });
        sb.append(quote);
    }

    /** Python's str.isprintable for one code point: not a control, format, separator (but space) or unassigned. */
    private static boolean isPrintable(int cp) {
        if (cp == ' ') return true;
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                 Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    /** Python's type name, for error messages ("can only concatenate str (not "list") to str"). */
    public static String typeName(Object o) {
        if (o == PyNone.NONE) return "NoneType";
        if (o == null) return "Undefined";
        if (o instanceof CharSequence) return "str";
        if (o instanceof Boolean) return "bool";
        if (o instanceof Double || o instanceof Float || o instanceof BigDecimal) return "float";
        if (o instanceof Number) return "int";
        if (o instanceof Map) return "dict";
        if (o instanceof List || o instanceof Iterable) return "list";
        return o.getClass().getSimpleName();
    }
}
