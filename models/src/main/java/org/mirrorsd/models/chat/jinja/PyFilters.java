package org.mirrorsd.models.chat.jinja;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;

/** jinja2's filters with Python's semantics, replacing jinjava's where they differ. */
final class PyFilters {
    private PyFilters() {}

    interface Body { Object apply(Object value, Object[] args, Map<String, Object> kwargs); }

    /** A filter under a name. */
    static Filter of(String name, Body body) {
        return new Filter() {
            @Override
            public String getName() { return name; }

            @Override
            public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
                return body.apply(var, args, Map.of());
            }

            @Override
            public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
                return body.apply(var, args == null ? new Object[0] : args, kwargs == null ? Map.of() : kwargs);
            }
        };
    }

    private static Object arg(Object[] args, Map<String, Object> kwargs, int i, String name) {
        if (kwargs.containsKey(name)) return kwargs.get(name);
        return i < args.length ? args[i] : null;
    }

    private static int intArg(Object value, int fallback) {
        return value instanceof Number n ? n.intValue() : fallback;
    }

    private static String string(Object value, String filter) {
        if (value instanceof CharSequence s) return s.toString();
        if (value == null) return "";
        throw PyTemplateError.undefined("'" + PyRepr.typeName(value) + " object' has no attribute '" + filter + "'");
    }

    /** max / min: the largest or smallest item (by an attribute), undefined for an empty sequence. */
    private static Object extreme(Object value, Object attribute, boolean max) {
        Object best = null;
        Object bestKey = null;
        for (Object o : PyCollections.iterate(value)) {
            Object key = attribute == null ? o : PyTests.attribute(o, attribute);
            if (best == null || (max ? PyOperators.compare(key, bestKey) > 0 : PyOperators.compare(key, bestKey) < 0)) {
                best = o;
                bestKey = key;
            }
        }
        return best;
    }

    static List<Filter> all() {
        List<Filter> f = new ArrayList<>();
        f.add(of("tojson", (v, a, k) -> {
            Object separators = arg(a, k, 1, "separators");
            Object sort = arg(a, k, 2, "sort_keys");
            return new PyJson(arg(a, k, 0, "indent"), separators instanceof List<?> l ? l : null,
                    sort != null && PyOperators.truthy(sort)).write(v);
        }));
        f.add(of("trim", (v, a, k) -> PyStrings.strip(PyRepr.str(v), arg(a, k, 0, "chars"), true, true)));
        f.add(of("string", (v, a, k) -> PyRepr.str(v)));
        f.add(of("items", (v, a, k) -> {
            if (!(v instanceof Map<?, ?> m)) {
                if (v == null) return new FrozenList(List.of());
                throw PyTemplateError.typeError("Can only get item pairs from a mapping.");
            }
            List<Object> pairs = new ArrayList<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                pairs.add(new com.hubspot.jinjava.objects.collections.PyList(new ArrayList<>(
                        java.util.Arrays.asList(e.getKey(), e.getValue() == null ? PyNone.NONE : e.getValue()))));
            }
            return new FrozenList(pairs);
        }));
        Body length = (v, a, k) -> (long) PyCollections.length(v == null ? "" : v);
        f.add(of("length", length));
        f.add(of("count", length));
        f.add(of("list", (v, a, k) -> new FrozenList(PyCollections.iterate(v))));
        f.add(of("join", (v, a, k) -> {
            Object sep = arg(a, k, 0, "d");
            Object attribute = arg(a, k, 1, "attribute");
            StringBuilder sb = new StringBuilder();
            boolean first = true;
            for (Object o : PyCollections.iterate(v)) {
                if (!first) sb.append(sep == null ? "" : PyRepr.str(sep));
                first = false;
                sb.append(PyRepr.str(attribute == null ? o : PyTests.attribute(o, attribute)));
            }
            return sb.toString();
        }));
        f.add(of("lower", (v, a, k) -> PyRepr.str(v).toLowerCase(Locale.ROOT)));
        f.add(of("upper", (v, a, k) -> PyRepr.str(v).toUpperCase(Locale.ROOT)));
        f.add(of("title", (v, a, k) -> PyStrings.title(PyRepr.str(v), false)));
        f.add(of("capitalize", (v, a, k) -> PyStrings.title(PyRepr.str(v), true)));
        f.add(of("replace", (v, a, k) -> PyStrings.replace(PyRepr.str(v), PyRepr.str(arg(a, k, 0, "old")),
                PyRepr.str(arg(a, k, 1, "new")), arg(a, k, 2, "count"))));
        Body dflt = (v, a, k) -> {
            Object fallback = arg(a, k, 0, "default_value");
            Object bool = arg(a, k, 1, "boolean");
            boolean useFalsy = bool != null && PyOperators.truthy(bool);
            if (v == null || (useFalsy && !PyOperators.truthy(v))) return fallback == null ? "" : fallback;
            return v;
        };
        f.add(of("default", dflt));
        f.add(of("d", dflt));
        f.add(of("reverse", (v, a, k) -> {
            if (v instanceof CharSequence s) return new StringBuilder(s).reverse().toString();
            List<Object> items = PyCollections.iterate(v);
            Collections.reverse(items);
            return new FrozenList(items);
        }));
        f.add(of("first", (v, a, k) -> {
            List<Object> items = PyCollections.iterate(v);
            return items.isEmpty() ? null : items.getFirst();
        }));
        f.add(of("last", (v, a, k) -> {
            List<Object> items = PyCollections.iterate(v);
            return items.isEmpty() ? null : items.getLast();
        }));
        f.add(of("safe", (v, a, k) -> v));
        f.add(of("strip", (v, a, k) -> PyStrings.strip(string(v, "strip"), arg(a, k, 0, "chars"), true, true)));
        f.add(of("int", (v, a, k) -> {
            try {
                return v instanceof Number n ? n.longValue() : Long.parseLong(PyStrings.strip(PyRepr.str(v), null, true, true));
            } catch (NumberFormatException e) {
                return 0L;
            }
        }));
        f.add(of("max", (v, a, k) -> extreme(v, k.get("attribute"), true)));
        f.add(of("min", (v, a, k) -> extreme(v, k.get("attribute"), false)));
        f.add(of("sum", (v, a, k) -> {
            Object attribute = arg(a, k, 0, "attribute");
            Object total = arg(a, k, 1, "start");
            if (total == null) total = 0L;
            for (Object o : PyCollections.iterate(v)) total = PyOperators.add(total, attribute == null ? o : PyTests.attribute(o, attribute));
            return total;
        }));
        f.add(of("truncate", (v, a, k) -> {
            String text = PyRepr.str(v);
            int max = intArg(arg(a, k, 0, "length"), 255);
            boolean killWords = PyOperators.truthy(arg(a, k, 1, "killwords"));
            Object endArg = arg(a, k, 2, "end");
            String end = endArg == null ? "..." : PyRepr.str(endArg);
            int leeway = intArg(arg(a, k, 3, "leeway"), 5);
            if (text.codePointCount(0, text.length()) <= max + leeway) return text;
            String head = (String) PyCollections.slice(text, 0L, (long) Math.max(0, max - end.length()), null);
            if (killWords) return head + end;
            int space = head.lastIndexOf(' ');
            return (space < 0 ? head : head.substring(0, space)) + end;
        }));
        f.add(of("batch", (v, a, k) -> {
            int size = Math.max(1, intArg(arg(a, k, 0, "linecount"), 1));
            Object fill = arg(a, k, 1, "fill_with");
            List<Object> out = new ArrayList<>();
            List<Object> row = new ArrayList<>();
            for (Object o : PyCollections.iterate(v)) {
                row.add(o);
                if (row.size() == size) {
                    out.add(new FrozenList(row));
                    row = new ArrayList<>();
                }
            }
            if (!row.isEmpty()) {
                while (fill != null && row.size() < size) row.add(fill);
                out.add(new FrozenList(row));
            }
            return new FrozenList(out);
        }));
        f.add(of("selectattr", (v, a, k) -> PyTests.select(v, a, true, true)));
        f.add(of("rejectattr", (v, a, k) -> PyTests.select(v, a, true, false)));
        f.add(of("select", (v, a, k) -> PyTests.select(v, a, false, true)));
        f.add(of("reject", (v, a, k) -> PyTests.select(v, a, false, false)));
        f.add(of("map", (v, a, k) -> {
            List<Object> out = new ArrayList<>();
            Object attribute = k.get("attribute");
            for (Object o : PyCollections.iterate(v)) {
                if (attribute != null) out.add(PyTests.attribute(o, attribute));
                else if (a.length > 0) out.add(PyTests.applyFilter(String.valueOf(a[0]), o, java.util.Arrays.copyOfRange(a, 1, a.length)));
                else out.add(o);
            }
            return new FrozenList(out);
        }));
        return f;
    }
}
