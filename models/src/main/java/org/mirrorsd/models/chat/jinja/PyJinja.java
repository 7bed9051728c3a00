package org.mirrorsd.models.chat.jinja;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;

import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.tree.TreeStore;
import jinjava.de.odysseus.el.tree.impl.Cache;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ExpressionFactory;

/**
 * jinjava set up the way Hugging Face runs chat templates on Python's jinja2
 * ({@code ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])}):
 * Python's operators, methods, tests, filters and printing of values, {@code raise_exception} and
 * {@code strftime_now}. One instance renders any number of templates, from any thread.
 */
public final class PyJinja {
    private static final PyJinja INSTANCE = new PyJinja();
    private static final ThreadLocal<Clock> CLOCK = new ThreadLocal<>();
    /**
     * The global functions also as variables: templates ask {@code strftime_now is defined} before calling it,
     * and jinjava's functions are not variables.
     */
    private static final Map<String, Object> GLOBALS = Map.of(
            "raise_exception", new FunctionRef("raise_exception"), "strftime_now", new FunctionRef("strftime_now"));

    /** What a global function's name holds as a variable: defined, true, printed as Python prints a function. */
    private record FunctionRef(String name) {
        @Override
        public String toString() { return "<function " + name + ">"; }
    }

    private final Jinjava jinjava;

    private PyJinja() {
        LegacyOverrides python = LegacyOverrides.newBuilder()
                .withEvaluateMapKeys(true)
                .withIterateOverMapKeys(true)
                .withUsePyishObjectMapper(true)
                .withUseNaturalOperatorPrecedence(true)
                .withParseWhitespaceControlStrictly(true)
                .withUseTrimmingForNotesAndExpressions(true)
                .withKeepNullableLoopValues(true)
                .withHandleBackslashInQuotesOnly(true)
                .withAllowAdjacentTextNodes(true)
                .build();
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PyMethodResolver());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(false) // PySource applies jinja2's trim_blocks and lstrip_blocks itself
                .withLstripBlocks(false)
                .withKeepTrailingNewline(true) // we drop the one trailing newline ourselves, as jinja2's lexer does
                .withNestedInterpretationEnabled(false) // message text is never template code
                .withFailOnUnknownTokens(false)
                .withEnableRecursiveMacroCalls(true)
                .withMaxMacroRecursionDepth(64)
                .withLocale(Locale.ROOT)
                .withLegacyOverrides(python)
                .withElResolver(resolver)
                .withInterperterFactory(PyInterpreter.FACTORY)
                .build();
        ExpressionFactory factory = new ExpressionFactoryImpl(new TreeStore(new PyParser.Builder(), new Cache(1000)),
                new PyIfTag.Truth());
        jinjava = new Jinjava(config) {
            @Override
            public ExpressionFactory getExpressionFactory() { return factory; }

            @Override
            public ExpressionFactory getEagerExpressionFactory() { return factory; }
        };
        for (Filter f : PyFilters.all()) jinjava.registerFilter(f);
        jinjava.registerFilter(PyForTag.conditionFilter());
        jinjava.registerTag(new FilterTag());
        jinjava.registerTag(new PyForTag());
        jinjava.registerTag(new PyIfTag());
        for (ExpTest t : PyTests.all()) jinjava.registerExpTest(t);
        jinjava.registerFunction(new ELFunctionDefinition("", "raise_exception", PyJinja.class, "raiseException", Object.class));
        jinjava.registerFunction(new ELFunctionDefinition("", "strftime_now", PyJinja.class, "strftimeNow", Object.class));
    }

    public static PyJinja instance() { return INSTANCE; }

    /**
     * Renders a template.
     *
     * @param variables template variables; request data (maps, lists, null) is converted to template values
     * @param clock     what {@code strftime_now} reads
     * @throws PyTemplateError the template raised, failed at run time, or does not parse
     */
    public String render(String source, Map<String, ?> variables, Clock clock) {
        return render(prepare(source), variables, clock);
    }

    /** A template's source rewritten once for jinjava ({@link PySource}), to render many times. */
    public record Prepared(String source, String jinjava) {}

    public static Prepared prepare(String source) { return new Prepared(source, PySource.prepare(source)); }

    /** Renders a prepared template; see {@link #render(String, Map, Clock)}. */
    public String render(Prepared template, Map<String, ?> variables, Clock clock) {
        Map<String, Object> vars = new LinkedHashMap<>(GLOBALS);
        variables.forEach((k, v) -> vars.put(k, PyRepr.toPy(v)));
        CLOCK.set(clock);
        RenderResult result;
        try {
            result = jinjava.renderForResult(template.jinjava(), vars);
        } finally {
            CLOCK.remove();
        }
        for (TemplateError e : result.getErrors()) {
            PyTemplateError py = pythonError(e.getException());
            if (py != null) throw py;
        }
        for (TemplateError e : result.getErrors()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new PyTemplateError("TemplateError", e.getMessage());
            }
        }
        return result.getOutput();
    }

    private static PyTemplateError pythonError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof PyTemplateError py) return py;
        }
        return null;
    }

    /** {@code raise_exception(message)}: the template's own error, reported with its message. */
    public static Object raiseException(Object message) {
        throw new PyTemplateError("raise_exception", PyRepr.str(message));
    }

    /** {@code strftime_now(format)}: Python's {@code datetime.now().strftime(format)}, English names. */
    public static String strftimeNow(Object format) {
        Clock clock = CLOCK.get();
        ZonedDateTime now = ZonedDateTime.now(clock == null ? Clock.systemDefaultZone() : clock);
        return StrftimeFormatter.format(now, PyRepr.str(format), Locale.ENGLISH);
    }
}
