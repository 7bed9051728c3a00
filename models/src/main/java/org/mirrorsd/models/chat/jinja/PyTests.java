package org.mirrorsd.models.chat.jinja;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;

/** jinja2's tests ({@code is defined}, {@code is none}, {@code is string}, ...) where None and undefined differ. */
final class PyTests {
    private PyTests() {}

    interface Body { boolean test(Object value, Object[] args); }

    static ExpTest of(String name, Body body) {
        return new ExpTest() {
            @Override
            public String getName() { return name; }

            @Override
            public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
                return body.test(var, args == null ? new Object[0] : args);
            }
        };
    }

    static List<ExpTest> all() {
        List<ExpTest> t = new ArrayList<>();
        t.add(of("defined", (v, a) -> v != null));
        t.add(of("undefined", (v, a) -> v == null));
        t.add(of("none", (v, a) -> v == PyNone.NONE));
        t.add(of("string", (v, a) -> v instanceof CharSequence));
        t.add(of("mapping", (v, a) -> v instanceof Map));
        // undefined iterates as empty in jinja2, so it passes both
        t.add(of("iterable", (v, a) -> v == null || v instanceof Iterable || v instanceof CharSequence || v instanceof Map));
        t.add(of("sequence", (v, a) -> v == null || v instanceof List || v instanceof CharSequence || v instanceof Map));
        t.add(of("number", (v, a) -> v instanceof Number));
        t.add(of("integer", (v, a) -> v instanceof Long || v instanceof Integer || v instanceof java.math.BigInteger));
        t.add(of("float", (v, a) -> v instanceof Double || v instanceof Float));
        t.add(of("boolean", (v, a) -> v instanceof Boolean));
        t.add(of("true", (v, a) -> Boolean.TRUE.equals(v)));
        t.add(of("false", (v, a) -> Boolean.FALSE.equals(v)));
        Body eq = (v, a) -> PyOperators.equal(v, a.length > 0 ? a[0] : null);
        for (String name : List.of("equalto", "eq", "==", "sameas")) t.add(of(name, eq));
        Body ne = (v, a) -> !PyOperators.equal(v, a.length > 0 ? a[0] : null);
        for (String name : List.of("ne", "!=")) t.add(of(name, ne));
        t.add(of("in", (v, a) -> PyCollections.contains(a.length > 0 ? a[0] : null, v)));
        return t;
    }

    /** {@code obj.attr} / {@code obj['attr']} for selectattr and map: a dict key, dotted paths allowed. */
    static Object attribute(Object o, Object attribute) {
        Object cur = o;
        for (String part : String.valueOf(attribute).split("\\.")) {
            if (cur instanceof Map<?, ?> m) cur = m.get(part);
            else if (cur instanceof List<?> l && part.matches("-?\\d+")) {
                int i = Integer.parseInt(part);
                cur = i < l.size() ? l.get(i) : null;
            } else return null;
        }
        return cur;
    }

    /** select / reject / selectattr / rejectattr. */
    static Object select(Object value, Object[] args, boolean byAttribute, boolean keep) {
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        int testAt = byAttribute ? 1 : 0;
        String testName = args.length > testAt ? String.valueOf(args[testAt]) : null;
        Object[] testArgs = args.length > testAt + 1 ? Arrays.copyOfRange(args, testAt + 1, args.length) : new Object[0];
        ExpTest test = testName == null ? null : interpreter.getContext().getExpTest(testName);
        if (testName != null && test == null) throw new PyTemplateError("TemplateRuntimeError", "No test named '" + testName + "'.");
        List<Object> out = new ArrayList<>();
        for (Object o : PyCollections.iterate(value)) {
            Object subject = byAttribute ? attribute(o, args[0]) : o;
            boolean pass = test == null ? PyOperators.truthy(subject) : test.evaluate(subject, interpreter, testArgs);
            if (pass == keep) out.add(o);
        }
        return new FrozenList(out);
    }

    static Object applyFilter(String name, Object value, Object[] args) {
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        Filter filter = interpreter.getContext().getFilter(name);
        if (filter == null) throw new PyTemplateError("TemplateRuntimeError", "No filter named '" + name + "'.");
        return filter.filter(value, interpreter, args, Map.of());
    }
}
