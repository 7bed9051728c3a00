package org.mirrorsd.models.chat.jinja;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.hubspot.jinjava.util.ObjectTruthValue;

import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstUnary;
import jinjava.javax.el.ELContext;

/**
 * Python's binary operators where jinjava's differ: {@code +} refuses to mix a string with a non-string (jinjava
 * would concatenate "null"), {@code and}/{@code or} return an operand rather than a boolean, {@code ==} treats None
 * as None and compares numbers by value, {@code in} fails on None, {@code ~} prints Python's {@code str()}.
 */
final class PyOperators {
    private PyOperators() {}

    static final AstBinary.Operator ADD = simple(PyOperators::add);
    /** {@code *}: numbers, and Python's repetition of a string or list by an integer. */
    static final AstBinary.Operator MUL = simple(PyOperators::multiply);
    /** {@code %} on numbers: Python's floored modulo (the result takes the divisor's sign). */
    static final AstBinary.Operator MOD = simple(PyOperators::modulo);
    static final AstBinary.Operator EQ = simple((a, b) -> equal(a, b));
    static final AstBinary.Operator NE = simple((a, b) -> !equal(a, b));
    static final AstBinary.Operator IN = simple((a, b) -> PyCollections.contains(b, a));
    static final AstBinary.Operator NOT_IN = simple((a, b) -> !PyCollections.contains(b, a));
    static final AstBinary.Operator CONCAT = simple((a, b) -> PyRepr.str(a) + PyRepr.str(b));

    static final AstUnary.Operator NOT = new AstUnary.Operator() {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode node) { return !truthy(node.eval(bindings, context)); }

        @Override
        public String toString() { return "not"; }
    };

    static final AstBinary.Operator AND = new AstBinary.Operator() {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            Object a = left.eval(bindings, context);
            return truthy(a) ? right.eval(bindings, context) : a;
        }

        @Override
        public String toString() { return "and"; }
    };

    static final AstBinary.Operator OR = new AstBinary.Operator() {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            Object a = left.eval(bindings, context);
            return truthy(a) ? a : right.eval(bindings, context);
        }

        @Override
        public String toString() { return "or"; }
    };

    private interface Binary { Object apply(Object a, Object b); }

    private static AstBinary.Operator simple(Binary op) {
        return new AstBinary.Operator() {
            @Override
            public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
                return op.apply(left.eval(bindings, context), right.eval(bindings, context));
            }
        };
    }

    /** Python truth: jinjava would also call the string "false" false. */
    static boolean truthy(Object o) {
        if (o instanceof CharSequence s) return s.length() > 0;
        return o != PyNone.NONE && ObjectTruthValue.evaluate(o);
    }

    static Object add(Object a, Object b) {
        if (a == null || b == null) {
            throw PyTemplateError.undefined("unsupported operand: an undefined value in '+' ("
                    + PyRepr.typeName(a) + " + " + PyRepr.typeName(b) + ")");
        }
        if (a instanceof CharSequence || b instanceof CharSequence) {
            if (a instanceof CharSequence && b instanceof CharSequence) return a.toString() + b;
            if (a instanceof CharSequence) {
                throw PyTemplateError.typeError("can only concatenate str (not \"" + PyRepr.typeName(b) + "\") to str");
            }
            throw PyTemplateError.typeError("unsupported operand type(s) for +: '" + PyRepr.typeName(a) + "' and 'str'");
        }
        if (a instanceof List<?> la) {
            if (!(b instanceof List<?> lb)) {
                throw PyTemplateError.typeError("can only concatenate list (not \"" + PyRepr.typeName(b) + "\") to list");
            }
            List<Object> out = new ArrayList<>(la);
            out.addAll(lb);
            return new FrozenList(out);
        }
        if (isNumber(a) && isNumber(b)) {
            if (isIntegral(a) && isIntegral(b)) return asLong(a) + asLong(b);
            return asDouble(a) + asDouble(b);
        }
        throw PyTemplateError.typeError("unsupported operand type(s) for +: '" + PyRepr.typeName(a) + "' and '"
                + PyRepr.typeName(b) + "'");
    }

    static Object multiply(Object a, Object b) {
        if ((a instanceof CharSequence || a instanceof List) && isIntegral(b)) return repeat(a, asLong(b));
        if ((b instanceof CharSequence || b instanceof List) && isIntegral(a)) return repeat(b, asLong(a));
        if (isNumber(a) && isNumber(b)) {
            if (isIntegral(a) && isIntegral(b)) return asLong(a) * asLong(b);
            return asDouble(a) * asDouble(b);
        }
        if (a == null || b == null) throw PyTemplateError.undefined("an undefined value in '*'");
        throw PyTemplateError.typeError("unsupported operand type(s) for *: '" + PyRepr.typeName(a) + "' and '"
                + PyRepr.typeName(b) + "'");
    }

    static Object modulo(Object a, Object b) {
        if (!isNumber(a) || !isNumber(b)) {
            throw PyTemplateError.typeError("unsupported operand type(s) for %: '" + PyRepr.typeName(a) + "' and '"
                    + PyRepr.typeName(b) + "'");
        }
        if (isIntegral(a) && isIntegral(b)) {
            if (asLong(b) == 0) throw new PyTemplateError("ZeroDivisionError", "integer modulo by zero");
            return Math.floorMod(asLong(a), asLong(b));
        }
        double x = asDouble(a);
        double y = asDouble(b);
        if (y == 0) throw new PyTemplateError("ZeroDivisionError", "float modulo");
        return x - y * Math.floor(x / y);
    }

    private static Object repeat(Object seq, long times) {
        int n = (int) Math.max(0, Math.min(times, 1_000_000));
        if (seq instanceof CharSequence s) return s.toString().repeat(n);
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.addAll((List<?>) seq);
        return new FrozenList(out);
    }

    private static boolean isNumber(Object o) { return o instanceof Number || o instanceof Boolean; }

    private static boolean isIntegral(Object o) {
        return o instanceof Boolean || o instanceof Long || o instanceof Integer || o instanceof Short
                || o instanceof Byte || o instanceof java.math.BigInteger;
    }

    private static long asLong(Object o) { return o instanceof Boolean b ? (b ? 1 : 0) : ((Number) o).longValue(); }

    private static double asDouble(Object o) { return o instanceof Boolean b ? (b ? 1 : 0) : ((Number) o).doubleValue(); }

    /** Python's ordering of two numbers or two strings (case-insensitive as jinja2's max/min/sort compare). */
    static int compare(Object a, Object b) {
        if (isNumber(a) && isNumber(b)) return Double.compare(asDouble(a), asDouble(b));
        if (a instanceof CharSequence x && b instanceof CharSequence y) {
            return x.toString().toLowerCase(java.util.Locale.ROOT).compareTo(y.toString().toLowerCase(java.util.Locale.ROOT));
        }
        throw PyTemplateError.typeError("'<' not supported between instances of '" + PyRepr.typeName(a) + "' and '"
                + PyRepr.typeName(b) + "'");
    }

    /** Python's {@code ==}. Undefined (Java null) equals only undefined, as jinja2's Undefined does. */
    static boolean equal(Object a, Object b) {
        if (a == null || b == null || a == PyNone.NONE || b == PyNone.NONE) return a == b;
        if (isNumber(a) && isNumber(b)) {
            return isIntegral(a) && isIntegral(b) ? asLong(a) == asLong(b) : asDouble(a) == asDouble(b);
        }
        if (a instanceof CharSequence && b instanceof CharSequence) return a.toString().equals(b.toString());
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            if (ma.size() != mb.size()) return false;
            for (Map.Entry<?, ?> e : ma.entrySet()) {
                if (!mb.containsKey(e.getKey()) || !equal(e.getValue(), mb.get(e.getKey()))) return false;
            }
            return true;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) return false;
            Iterator<?> ia = la.iterator();
            Iterator<?> ib = lb.iterator();
            while (ia.hasNext()) if (!equal(ia.next(), ib.next())) return false;
            return true;
        }
        return a.equals(b);
    }
}
