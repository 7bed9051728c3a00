package org.mirrorsd.models.chat.jinja;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.hubspot.jinjava.objects.collections.PyList;
import com.hubspot.jinjava.util.ForLoop;

import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Method calls on template values with Python's names and meaning: {@code str} methods ({@code .strip()},
 * {@code .split()}, {@code .startswith()}, ...), {@code dict.items()/.keys()/.values()/.get()}. Mutating a list or
 * dict fails, as in jinja2's immutable sandbox; any other method on a plain value is an error, as calling an
 * undefined attribute is in Python. Objects of jinjava's own (loop, namespace, filters) fall through to its resolvers.
 */
final class PyMethodResolver extends ELResolver {
    private static final Set<String> MUTATORS = Set.of("append", "extend", "insert", "pop", "remove", "clear", "sort",
            "reverse", "update", "setdefault", "popitem", "add", "discard");

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (base == null || method == null) return null;
        String name = method.toString();
        Object[] args = params == null ? new Object[0] : params;
        Object result;
        if (base instanceof CharSequence s) result = stringMethod(s.toString(), name, args);
        else if (base instanceof Map<?, ?> m && !(base instanceof com.hubspot.jinjava.objects.Namespace)) {
            result = dictMethod(m, name, args);
        } else if (base instanceof List<?> l) result = listMethod(l, name, args);
        else if (base instanceof Number || base instanceof Boolean || base == PyNone.NONE) {
            throw noAttribute(base, name);
        } else return null;
        context.setPropertyResolved(true);
        return result;
    }

    private static PyTemplateError noAttribute(Object base, String name) {
        return PyTemplateError.undefined("'" + PyRepr.typeName(base) + " object' has no attribute '" + name + "'");
    }

    private static Object arg(Object[] args, int i) { return i < args.length ? args[i] : null; }

    private static String strArg(Object[] args, int i, String method) {
        Object a = arg(args, i);
        if (!(a instanceof CharSequence)) {
            throw PyTemplateError.typeError(method + "() argument " + (i + 1) + " must be str, not " + PyRepr.typeName(a));
        }
        return a.toString();
    }

    private static Object stringMethod(String s, String name, Object[] args) {
        return switch (name) {
            case "strip" -> PyStrings.strip(s, arg(args, 0), true, true);
            case "lstrip" -> PyStrings.strip(s, arg(args, 0), true, false);
            case "rstrip" -> PyStrings.strip(s, arg(args, 0), false, true);
            case "split" -> new FrozenList(PyStrings.split(s, arg(args, 0), arg(args, 1)));
            case "rsplit" -> new FrozenList(PyStrings.rsplit(s, arg(args, 0), arg(args, 1)));
            case "splitlines" -> {
                List<Object> lines = new ArrayList<>(List.of((Object[]) s.split("\r\n|\r|\n", -1)));
                if (!lines.isEmpty() && lines.getLast().equals("")) lines.removeLast(); // no empty line after the last break
                yield new FrozenList(lines);
            }
            case "startswith" -> PyStrings.startsOrEndsWith(s, arg(args, 0), true);
            case "endswith" -> PyStrings.startsOrEndsWith(s, arg(args, 0), false);
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> PyStrings.title(s, false);
            case "capitalize" -> PyStrings.title(s, true);
            case "replace" -> PyStrings.replace(s, strArg(args, 0, name), strArg(args, 1, name), arg(args, 2));
            case "find" -> (long) s.indexOf(strArg(args, 0, name));
            case "rfind" -> (long) s.lastIndexOf(strArg(args, 0, name));
            case "index" -> {
                int at = s.indexOf(strArg(args, 0, name));
                if (at < 0) throw new PyTemplateError("ValueError", "substring not found");
                yield (long) at;
            }
            case "count" -> {
                String sub = strArg(args, 0, name);
                long n = 0;
                if (sub.isEmpty()) yield (long) s.codePointCount(0, s.length()) + 1;
                for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) n++;
                yield n;
            }
            case "join" -> PyStrings.join(s, arg(args, 0));
            case "isdigit" -> !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
            case "isalpha" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
            case "isalnum" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetterOrDigit);
            case "isspace" -> !s.isEmpty() && s.codePoints().allMatch(PyStrings::isSpace);
            case "isupper" -> s.codePoints().anyMatch(Character::isLetter) && s.equals(s.toUpperCase(Locale.ROOT));
            case "islower" -> s.codePoints().anyMatch(Character::isLetter) && s.equals(s.toLowerCase(Locale.ROOT));
            case "format" -> format(s, args);
            default -> throw noAttribute(s, name);
        };
    }

    /** {@code "...{}...{0}...".format(a, b)} with plain positional fields. */
    private static String format(String s, Object[] args) {
        StringBuilder sb = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' && i + 1 < s.length() && s.charAt(i + 1) == '{') { sb.append('{'); i++; continue; }
            if (c == '}' && i + 1 < s.length() && s.charAt(i + 1) == '}') { sb.append('}'); i++; continue; }
            if (c == '{') {
                int close = s.indexOf('}', i);
                if (close < 0) throw new PyTemplateError("ValueError", "Single '{' encountered in format string");
                String field = s.substring(i + 1, close);
                int index = field.isEmpty() ? auto++ : Integer.parseInt(field);
                if (index >= args.length) throw new PyTemplateError("IndexError", "Replacement index " + index + " out of range");
                sb.append(PyRepr.str(args[index]));
                i = close;
            } else sb.append(c);
        }
        return sb.toString();
    }

    private static Object dictMethod(Map<?, ?> m, String name, Object[] args) {
        return switch (name) {
            case "items" -> {
                List<Object> pairs = new ArrayList<>();
                for (Map.Entry<?, ?> e : m.entrySet()) pairs.add(new PyList(new ArrayList<>(List.of(e.getKey(), value(e.getValue())))));
                yield new FrozenList(pairs);
            }
            case "keys" -> new FrozenList(new ArrayList<>(m.keySet()));
            case "values" -> {
                List<Object> values = new ArrayList<>();
                for (Object v : m.values()) values.add(value(v));
                yield new FrozenList(values);
            }
            case "get" -> {
                Object key = arg(args, 0);
                Object k = key instanceof CharSequence c ? c.toString() : key;
                yield m.containsKey(k) ? value(m.get(k)) : (args.length > 1 ? args[1] : PyNone.NONE);
            }
            default -> {
                if (MUTATORS.contains(name)) throw unsafe("dict", name);
                throw noAttribute(m, name);
            }
        };
    }

    private static Object listMethod(List<?> l, String name, Object[] args) {
        return switch (name) {
            case "index" -> {
                for (int i = 0; i < l.size(); i++) if (PyOperators.equal(l.get(i), arg(args, 0))) yield (long) i;
                throw new PyTemplateError("ValueError", PyRepr.repr(arg(args, 0)) + " is not in list");
            }
            case "count" -> l.stream().filter(o -> PyOperators.equal(o, arg(args, 0))).count();
            default -> {
                if (MUTATORS.contains(name)) throw unsafe("list", name);
                throw noAttribute(l, name);
            }
        };
    }

    private static PyTemplateError unsafe(String type, String name) {
        return new PyTemplateError("SecurityError", "access to attribute '" + name + "' of '" + type + "' object is unsafe.");
    }

    private static Object value(Object v) { return v == null ? PyNone.NONE : v; }

    /** {@code loop.previtem} / {@code loop.nextitem}, which jinjava's loop object lacks. */
    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        if (base instanceof ForLoop loop && ("previtem".equals(property) || "nextitem".equals(property))) {
            context.setPropertyResolved(true);
            return PyForTag.neighbour(loop, "nextitem".equals(property));
        }
        // s[i], by code point (jinjava hands the index over as a string)
        if (base instanceof CharSequence s && property != null && property.toString().matches("-?\\d{1,9}")) {
            context.setPropertyResolved(true);
            int[] cps = s.toString().codePoints().toArray();
            int n = Integer.parseInt(property.toString());
            int i = n < 0 ? n + cps.length : n;
            return i >= 0 && i < cps.length ? new String(Character.toChars(cps[i])) : null;
        }
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) { return null; }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {}

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) { return true; }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) { return null; }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) { return null; }
}
