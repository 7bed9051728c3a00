package org.mirrorsd.models.chat.jinja;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.parse.TagToken;
import com.hubspot.jinjava.util.ForLoop;

import org.apache.commons.lang3.tuple.Pair;

/**
 * jinjava's {@code for} with what jinja2 adds: a filter condition ({@code {% for m in messages if m.role != 'system' %}},
 * which jinjava would read as a conditional expression) and {@code loop.previtem} / {@code loop.nextitem}.
 */
final class PyForTag extends ForTag {
    private static final long serialVersionUID = 1L;
    /** The items of the loops being rendered on this thread, innermost last: what previtem/nextitem read. */
    private static final ThreadLocal<Deque<List<Object>>> ITEMS = ThreadLocal.withInitial(ArrayDeque::new);
    /** Loop conditions by number: the loop expression names its condition by index ({@link #FILTER}). */
    private static final List<Condition> CONDITIONS = new CopyOnWriteArrayList<>();
    private static final Map<Condition, Integer> CONDITION_IDS = new ConcurrentHashMap<>();
    static final String FILTER = "__py_loop_if";

    private record Condition(List<String> vars, String test) {}

    @Override
    public Pair<List<String>, String> getLoopVarsAndExpression(TagToken tagToken) {
        Pair<List<String>, String> p = super.getLoopVarsAndExpression(tagToken);
        int at = topLevelIf(p.getRight());
        if (at < 0) return p;
        Condition c = new Condition(List.copyOf(p.getLeft()), p.getRight().substring(at + 2).trim());
        int id = CONDITION_IDS.computeIfAbsent(c, k -> {
            synchronized (CONDITIONS) {
                CONDITIONS.add(k);
                return CONDITIONS.size() - 1;
            }
        });
        return Pair.of(p.getLeft(), "(" + p.getRight().substring(0, at).trim() + ")|" + FILTER + "(" + id + ")");
    }

    @Override
    public String renderForCollection(TagNode tagNode, JinjavaInterpreter interpreter, List<String> loopVars, Object collection) {
        List<Object> items = collection == null ? new ArrayList<>() : PyCollections.iterate(collection);
        Deque<List<Object>> stack = ITEMS.get();
        stack.push(items);
        try {
            return super.renderForCollection(tagNode, interpreter, loopVars, new FrozenList(items));
        } finally {
            stack.pop();
        }
    }

    /** {@code loop.previtem} / {@code loop.nextitem} of the innermost loop; null (undefined) at the ends. */
    static Object neighbour(ForLoop loop, boolean next) {
        List<Object> items = ITEMS.get().peek();
        if (items == null) return null;
        int i = loop.getIndex0() + (next ? 1 : -1);
        return i >= 0 && i < items.size() ? items.get(i) : null;
    }

    /** The filter that keeps the items for which a loop's condition holds. */
    @SuppressWarnings("try") // the scope is closed for its side effect
    static Filter conditionFilter() {
        return PyFilters.of(FILTER, (value, args, kwargs) -> {
            Condition c = CONDITIONS.get(((Number) args[0]).intValue());
            JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
            List<Object> kept = new ArrayList<>();
            for (Object item : PyCollections.iterate(value)) {
                try (JinjavaInterpreter.InterpreterScopeClosable ignored = interpreter.enterScope()) {
                    bind(interpreter, c.vars(), item);
                    if (PyOperators.truthy(interpreter.resolveELExpression(c.test(), interpreter.getLineNumber()))) kept.add(item);
                }
            }
            return new FrozenList(kept);
        });
    }

    private static void bind(JinjavaInterpreter interpreter, List<String> vars, Object item) {
        if (vars.size() == 1) {
            interpreter.getContext().put(vars.getFirst(), item);
            return;
        }
        List<Object> parts = PyCollections.iterate(item);
        for (int i = 0; i < vars.size(); i++) interpreter.getContext().put(vars.get(i), i < parts.size() ? parts.get(i) : null);
    }

    /** Where a top-level {@code if} starts in a loop expression, or -1 (jinja2's loop iterable has no ternary). */
    private static int topLevelIf(String expr) {
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (quote != 0) {
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') quote = c;
            else if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') depth--;
            else if (depth == 0 && expr.startsWith("if", i) && i > 0 && Character.isWhitespace(expr.charAt(i - 1))
                    && (i + 2 == expr.length() || !Character.isJavaIdentifierPart(expr.charAt(i + 2)))) {
                return i;
            }
        }
        return -1;
    }
}
