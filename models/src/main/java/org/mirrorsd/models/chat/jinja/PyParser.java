package org.mirrorsd.models.chat.jinja;

import java.util.ArrayList;
import java.util.List;

import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.ext.AdditionOperator;
import com.hubspot.jinjava.el.ext.AstRangeBracket;
import com.hubspot.jinjava.el.ext.CollectionMembershipOperator;
import com.hubspot.jinjava.el.ext.CollectionNonMembershipOperator;
import com.hubspot.jinjava.el.ext.AstNamedParameter;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import com.hubspot.jinjava.el.ext.NamedParameterOperator;
import com.hubspot.jinjava.el.ext.OrOperator;
import com.hubspot.jinjava.el.ext.StringConcatOperator;

import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.Builder.Feature;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstBracket;
import jinjava.de.odysseus.el.tree.impl.ast.AstDot;
import jinjava.de.odysseus.el.tree.impl.ast.AstIdentifier;
import jinjava.de.odysseus.el.tree.impl.ast.AstMethod;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstParameters;
import jinjava.de.odysseus.el.tree.impl.ast.AstProperty;
import jinjava.de.odysseus.el.tree.impl.Scanner.ScanException;
import jinjava.de.odysseus.el.tree.impl.Scanner.Symbol;
import jinjava.javax.el.ELContext;

/**
 * jinjava's expression parser with Python's operators ({@link PyOperators}) and Python slicing in place of
 * jinjava's: the grammar is unchanged, only the operator each node applies.
 */
final class PyParser extends ExtendedParser {

    /** The tree builder that makes {@link PyParser}s; named by class in jinjava's expression factory. */
    static final class Builder extends ExtendedSyntaxBuilder {
        private static final long serialVersionUID = 1L;

        /** The features jinjava's own factory turns on (its default profile): method calls and varargs. */
        Builder() { super(Feature.METHOD_INVOCATIONS, Feature.VARARGS); }

        @Override
        protected Parser createParser(String expression) { return new PyParser(this, expression); }
    }

    PyParser(jinjava.de.odysseus.el.tree.impl.Builder context, String input) {
        super(context, input);
        putExtensionHandler(CollectionMembershipOperator.TOKEN, binary(ExtensionPoint.CMP, PyOperators.IN));
        putExtensionHandler(CollectionNonMembershipOperator.TOKEN, binary(ExtensionPoint.CMP, PyOperators.NOT_IN));
        putExtensionHandler(StringConcatOperator.TOKEN, binary(ExtensionPoint.ADD, PyOperators.CONCAT));
    }

    private static ExtensionHandler binary(ExtensionPoint point, AstBinary.Operator op) {
        return new ExtensionHandler(point) {
            @Override
            public AstNode createAstNode(AstNode... children) { return new AstBinary(children[0], children[1], op); }
        };
    }

    @Override
    protected AstBinary createAstBinary(AstNode left, AstNode right, AstBinary.Operator operator) {
        AstBinary.Operator op = operator;
        if (operator == AdditionOperator.OP) op = PyOperators.ADD;
        else if (operator == AstBinary.MUL) op = PyOperators.MUL;
        else if (operator == AstBinary.MOD) op = PyOperators.MOD;
        else if (operator == AstBinary.EQ) op = PyOperators.EQ;
        else if (operator == AstBinary.NE) op = PyOperators.NE;
        else if (operator == AstBinary.AND) op = PyOperators.AND;
        else if (operator == AstBinary.OR || operator == OrOperator.OP) op = PyOperators.OR;
        return super.createAstBinary(left, right, op);
    }

    /**
     * Call arguments: jinjava's {@code name=value} operator binds tighter than arithmetic, so
     * {@code f(n=x|length - 1)} would subtract from the parameter; jinja2 reads the whole expression as the value.
     */
    @Override
    protected AstParameters params(Symbol left, Symbol right) throws ScanException, ParseException {
        consumeToken(left);
        List<AstNode> list = new ArrayList<>();
        if (getToken().getSymbol() != right) {
            list.add(param());
            while (getToken().getSymbol() == Symbol.COMMA) {
                consumeToken();
                if (getToken().getSymbol() == right) break; // a trailing comma, as Python allows
                list.add(param());
            }
        }
        consumeToken(right);
        return createAstParameters(list);
    }

    private AstNode param() throws ScanException, ParseException {
        if (getToken().getSymbol() == Symbol.IDENTIFIER && lookahead(0) == NamedParameterOperator.TOKEN) {
            String name = consumeToken().getImage();
            consumeToken();
            return new AstNamedParameter(createAstIdentifier(name, getIdentifiers().size()), expr(true));
        }
        return expr(true);
    }

    /**
     * {@code not} as jinja2 parses it: below comparisons and filters, so {@code not x|length == 1} is
     * {@code not ((x|length) == 1)} (jinjava would apply the filter to {@code not x}).
     */
    @Override
    protected AstNode unary(boolean required) throws ScanException, ParseException {
        if (getToken().getSymbol() == Symbol.NOT) {
            consumeToken();
            return createAstUnary(eq(true), PyOperators.NOT);
        }
        return super.unary(required);
    }

    /**
     * A test after filters ({@code messages|length is even}): jinjava reads either filters or a test after a
     * value, jinja2 a test after the filters too.
     */
    @Override
    protected AstNode filter(boolean required) throws ScanException, ParseException {
        AstNode v = super.filter(required);
        while (v != null && "is".equals(getToken().getImage())) {
            boolean negated = "not".equals(lookahead(0).getImage());
            Symbol name = lookahead(negated ? 1 : 0).getSymbol();
            if (name != Symbol.IDENTIFIER && name != Symbol.TRUE && name != Symbol.FALSE) break;
            consumeToken();
            if (negated) consumeToken();
            String test = consumeToken().getImage();
            List<AstNode> params = new ArrayList<>(List.of(v, interpreter()));
            AstNode arg = value();
            if (arg != null) params.add(arg);
            v = createAstMethod(createAstDot(identifier(EXPTEST_PREFIX + test), negated ? "evaluateNegated" : "evaluate", true),
                    createAstParameters(params));
        }
        return v;
    }

    /** Chained comparisons as Python reads them: {@code a < b <= c} is {@code a < b and b <= c}. */
    @Override
    protected AstNode cmp(boolean required) throws ScanException, ParseException {
        AstNode v = super.cmp(required);
        AstNode last = v instanceof AstBinary b && comparison(b.getOperator()) != null ? b.getChild(1) : null;
        while (last != null && comparison(getToken().getSymbol()) != null) {
            AstBinary.Operator op = comparison(consumeToken().getSymbol());
            AstNode right = add(true);
            v = createAstBinary(v, createAstBinary(last, right, op), PyOperators.AND);
            last = right;
        }
        return v;
    }

    private static AstBinary.Operator comparison(Object operatorOrSymbol) {
        if (operatorOrSymbol == AstBinary.LT || operatorOrSymbol == Symbol.LT) return AstBinary.LT;
        if (operatorOrSymbol == AstBinary.LE || operatorOrSymbol == Symbol.LE) return AstBinary.LE;
        if (operatorOrSymbol == AstBinary.GT || operatorOrSymbol == Symbol.GT) return AstBinary.GT;
        if (operatorOrSymbol == AstBinary.GE || operatorOrSymbol == Symbol.GE) return AstBinary.GE;
        return null;
    }

    /** jinjava has no None: {@code none} would be an undefined name. Here it is Python's None. */
    @Override
    protected AstIdentifier createAstIdentifier(String name, int index) {
        if (name.equals("none") || name.equals("None")) {
            return new AstIdentifier(name, index, true) {
                @Override
                public Object eval(Bindings bindings, ELContext context) { return PyNone.NONE; }
            };
        }
        return super.createAstIdentifier(name, index);
    }

    @Override
    protected AstDot createAstDot(AstNode base, String property, boolean lvalue) {
        return new StrictDot(base, property, lvalue);
    }

    /** {@code x.name}, reading and calling; keeps its prefix where {@link #createAstMethod} can check it. */
    private static final class StrictDot extends AstDot {
        StrictDot(AstNode base, String property, boolean lvalue) { super(base, property, lvalue); }

        AstNode prefix() { return prefix; }

        String name() { return property; }

        @Override
        public Object eval(Bindings bindings, ELContext context) { return strictGet(prefix, property, bindings, context); }
    }

    /**
     * {@code x.name(...)} (and every filter and test, which jinjava calls as methods): calling on something
     * undefined fails as in jinja2, where jinjava would quietly give null; so does an unknown filter or test.
     */
    @Override
    protected AstMethod createAstMethod(AstProperty property, AstParameters params) {
        if (!(property instanceof StrictDot dot)) return super.createAstMethod(property, params);
        return new AstMethod(property, params) {
            @Override
            public Object eval(Bindings bindings, ELContext context) {
                requireDefined(dot.prefix(), dot.name(), bindings, context);
                return super.eval(bindings, context);
            }
        };
    }

    @Override
    protected AstBracket createAstBracket(AstNode base, AstNode property, boolean lvalue, boolean strict) {
        return new AstBracket(base, property, lvalue, strict) {
            @Override
            public Object eval(Bindings bindings, ELContext context) {
                return strictGet(prefix, this.property.eval(bindings, context), bindings, context);
            }
        };
    }

    /**
     * {@code x.attr} and {@code x[key]} as jinja2 evaluates them: a missing attribute is undefined, but an
     * attribute of something undefined is an error (jinjava would quietly give null).
     */
    private static Object strictGet(AstNode prefix, Object property, Bindings bindings, ELContext context) {
        Object base = requireDefined(prefix, property, bindings, context);
        if (property == null) return null;
        context.setPropertyResolved(false);
        Object result = context.getELResolver().getValue(context, base, property);
        return context.isPropertyResolved() ? result : null;
    }

    /** The value of {@code prefix}, failing as jinja2 does when it is undefined: an unknown filter, test or name. */
    private static Object requireDefined(AstNode prefix, Object property, Bindings bindings, ELContext context) {
        Object base = prefix.eval(bindings, context);
        if (base != null) return base;
        String name = prefix.toString();
        if (name.startsWith(FILTER_PREFIX)) {
            throw new PyTemplateError("TemplateAssertionError", "No filter named '" + name.substring(FILTER_PREFIX.length()) + "'.");
        }
        if (name.startsWith(EXPTEST_PREFIX)) {
            throw new PyTemplateError("TemplateAssertionError", "No test named '" + name.substring(EXPTEST_PREFIX.length()) + "'.");
        }
        throw PyTemplateError.undefined("'" + name + "' is undefined (reading '" + property + "' of it)");
    }

    @Override
    protected AstRangeBracket createAstRangeBracket(AstNode base, AstNode rangeStart, AstNode rangeMax, boolean lvalue,
                                                    boolean strict) {
        return new Slice(base, rangeStart, rangeMax, lvalue, strict);
    }

    /** {@code x[a:b]} as Python slices it: lists and strings (by code point), negative and omitted bounds. */
    private static final class Slice extends AstRangeBracket {
        private final AstNode target;
        private final AstNode from;
        private final AstNode to;

        Slice(AstNode base, AstNode from, AstNode to, boolean lvalue, boolean strict) {
            super(base, from, to, lvalue, strict, true);
            this.target = base;
            this.from = from;
            this.to = to;
        }

        @Override
        public Object eval(Bindings bindings, ELContext context) {
            Object value = target.eval(bindings, context);
            if (value == null) return null;
            Object a = from == null ? null : from.eval(bindings, context);
            Object b = to == null ? null : to.eval(bindings, context);
            return PyCollections.slice(value, a, b, null);
        }
    }
}
