package org.mirrorsd.models.chat.jinja;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Python iteration and sequence rules for template values. */
final class PyCollections {
    private PyCollections() {}

    /** What {@code for x in value} visits: list items, dict keys, a string's characters. */
    static List<Object> iterate(Object value) {
        List<Object> out = new ArrayList<>();
        if (value == null) return out; // undefined iterates as empty in jinja2
        if (value instanceof Map<?, ?> m) out.addAll(m.keySet());
        else if (value instanceof Iterable<?> it) it.forEach(out::add);
        else if (value instanceof Iterator<?> it) it.forEachRemaining(out::add);
        else if (value instanceof Object[] arr) out.addAll(List.of(arr));
        else if (value instanceof CharSequence s) s.toString().codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
        else throw PyTemplateError.typeError("'" + PyRepr.typeName(value) + "' object is not iterable");
        return out;
    }

    /** Python's {@code x in container}. */
    static boolean contains(Object container, Object item) {
        if (container == null) return false; // undefined: an empty iterable
        if (container instanceof CharSequence s) {
            if (!(item instanceof CharSequence)) {
                throw PyTemplateError.typeError("'in <string>' requires string as left operand, not " + PyRepr.typeName(item));
            }
            return s.toString().contains(item.toString());
        }
        if (container instanceof Map<?, ?> m) return m.containsKey(item instanceof CharSequence c ? c.toString() : item);
        if (container instanceof Iterable<?> it) {
            for (Object o : it) if (PyOperators.equal(o, item)) return true;
            return false;
        }
        throw PyTemplateError.typeError("argument of type '" + PyRepr.typeName(container) + "' is not iterable");
    }

    /** Python's {@code len(x)}. */
    static int length(Object value) {
        if (value == null) return 0;
        if (value instanceof CharSequence s) return s.toString().codePointCount(0, s.length());
        if (value instanceof Map<?, ?> m) return m.size();
        if (value instanceof java.util.Collection<?> c) return c.size();
        if (value instanceof Iterable<?> || value instanceof Iterator<?>) return iterate(value).size();
        throw PyTemplateError.typeError("object of type '" + PyRepr.typeName(value) + "' has no len()");
    }

    /** Python slicing {@code x[start:stop:step]} of a list or a string (by code point). */
    static Object slice(Object value, Object start, Object stop, Object step) {
        int st = PyNone.isNone(step) ? 1 : ((Number) step).intValue();
        if (st == 0) throw new PyTemplateError("ValueError", "slice step cannot be zero");
        List<Object> items;
        int[] cps = null;
        if (value instanceof CharSequence s) {
            cps = PyStrings.codePoints(s.toString());
            items = null;
        } else {
            items = iterate(value);
        }
        int n = cps != null ? cps.length : items.size();
        int lo;
        int hi;
        if (st > 0) {
            lo = PyNone.isNone(start) ? 0 : clamp(((Number) start).intValue(), n, 0, n);
            hi = PyNone.isNone(stop) ? n : clamp(((Number) stop).intValue(), n, 0, n);
        } else {
            lo = PyNone.isNone(start) ? n - 1 : clamp(((Number) start).intValue(), n, -1, n - 1);
            hi = PyNone.isNone(stop) ? -1 : clamp(((Number) stop).intValue(), n, -1, n - 1);
        }
        List<Object> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (int i = lo; st > 0 ? i < hi : i > hi; i += st) {
            if (cps != null) sb.appendCodePoint(cps[i]);
            else out.add(items.get(i));
        }
        return cps != null ? sb.toString() : new FrozenList(out);
    }

    private static int clamp(int index, int n, int min, int max) {
        int i = index < 0 ? index + n : index;
        return Math.max(min, Math.min(max, i));
    }
}
