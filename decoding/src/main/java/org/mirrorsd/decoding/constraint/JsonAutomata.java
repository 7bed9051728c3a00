package org.mirrorsd.decoding.constraint;

import dk.brics.automaton.Automaton;
import dk.brics.automaton.BasicAutomata;
import dk.brics.automaton.State;
import dk.brics.automaton.Transition;
import java.util.HashMap;
import java.util.Map;

/**
 * Character automata for JSON text, written compactly (no whitespace between tokens, which keeps outputs short
 * and is what every parser accepts). Strings hold BMP characters (others only as escapes would need surrogate
 * pairs, so they are left out); numbers are written with at most 16 integer and 16 fraction digits.
 */
final class JsonAutomata {
    static final int NUMBER_DIGITS = 16;
    private static final Automaton ANY_CHAR = BasicAutomata.makeCharRange('\u0000', '\uD7FF')
            .union(BasicAutomata.makeCharRange('\uE000', '\uFFFF'));
    private static final Automaton DIGIT = BasicAutomata.makeCharRange('0', '9');
    private static final Automaton HEX = DIGIT.union(BasicAutomata.makeCharRange('a', 'f')).union(BasicAutomata.makeCharRange('A', 'F'));

    private JsonAutomata() {}

    /** Any code point a string may hold (BMP, no surrogates), decoded. */
    static Automaton anyChar() { return ANY_CHAR; }

    /** One character of a JSON string's text: a plain character or an escape (control characters only as escapes). */
    static Automaton stringUnit() {
        Automaton plain = BasicAutomata.makeCharRange('\u0020', '\u0021')
                .union(BasicAutomata.makeCharRange('\u0023', '\u005B'))
                .union(BasicAutomata.makeCharRange('\u005D', '\uD7FF'))
                .union(BasicAutomata.makeCharRange('\uE000', '\uFFFF'));
        Automaton simple = BasicAutomata.makeChar('\\').concatenate(BasicAutomata.makeCharSet("\"\\/bfnrt"));
        // \\u only for control characters: a lone surrogate escape would be invalid UTF-16.
        Automaton unicode = BasicAutomata.makeString("\\u00").concatenate(BasicAutomata.makeCharRange('0', '1')).concatenate(HEX);
        return plain.union(simple).union(unicode);
    }

    /** A JSON string of min..max characters (max < 0: unbounded). */
    static Automaton string(int min, int max) {
        Automaton unit = stringUnit();
        Automaton body = max < 0 ? unit.repeat(min) : unit.repeat(min, max);
        return quoted(body);
    }

    static Automaton quoted(Automaton encodedBody) {
        return BasicAutomata.makeChar('"').concatenate(encodedBody).concatenate(BasicAutomata.makeChar('"'));
    }

    /**
     * The JSON encoding of a language of decoded strings: {@code "} and {@code \} escaped, newline, tab and
     * carriage return as {@code \n \t \r}, other control characters left out.
     */
    static Automaton escaped(Automaton decoded) {
        Automaton src = decoded.clone();
        src.determinize();
        Map<State, State> copy = new HashMap<>();
        for (State s : src.getStates()) {
            State t = new State();
            t.setAccept(s.isAccept());
            copy.put(s, t);
        }
        for (State s : src.getStates()) {
            State from = copy.get(s);
            for (Transition tr : s.getTransitions()) {
                State to = copy.get(tr.getDest());
                char lo = tr.getMin();
                char hi = tr.getMax();
                addPlain(from, to, lo, hi);
                escape(from, to, lo, hi, '"', '"');
                escape(from, to, lo, hi, '\\', '\\');
                escape(from, to, lo, hi, '\n', 'n');
                escape(from, to, lo, hi, '\t', 't');
                escape(from, to, lo, hi, '\r', 'r');
            }
        }
        Automaton out = new Automaton();
        out.setInitialState(copy.get(src.getInitialState()));
        out.setDeterministic(false);
        out.minimize();
        return out;
    }

    private static void addPlain(State from, State to, char lo, char hi) {
        // The sub-ranges of [lo, hi] that need no escaping: 0x20..0xFFFF minus '"' and '\'.
        int[][] plain = {{0x20, 0x21}, {0x23, 0x5B}, {0x5D, 0xFFFF}};
        for (int[] p : plain) {
            int a = Math.max(lo, p[0]);
            int b = Math.min(hi, p[1]);
            if (a <= b) from.addTransition(new Transition((char) a, (char) b, to));
        }
    }

    private static void escape(State from, State to, char lo, char hi, char c, char code) {
        if (c < lo || c > hi) return;
        State mid = new State();
        from.addTransition(new Transition('\\', mid));
        mid.addTransition(new Transition(code, to));
    }

    /** {@code -?(0|[1-9][0-9]*)}, at most {@link #NUMBER_DIGITS} digits. */
    static Automaton integer() {
        return BasicAutomata.makeChar('-').optional().concatenate(unsignedInteger());
    }

    static Automaton unsignedInteger() {
        return BasicAutomata.makeChar('0').union(BasicAutomata.makeCharRange('1', '9')
                .concatenate(DIGIT.repeat(0, NUMBER_DIGITS - 1)));
    }

    /** A fraction: {@code \.[0-9]{1,16}}. */
    static Automaton fraction() {
        return BasicAutomata.makeChar('.').concatenate(DIGIT.repeat(1, NUMBER_DIGITS));
    }

    /** Any JSON number (bounded digit counts; exponents of up to three digits). */
    static Automaton number() {
        Automaton exponent = BasicAutomata.makeCharSet("eE").concatenate(BasicAutomata.makeCharSet("+-").optional())
                .concatenate(DIGIT.repeat(1, 3));
        return integer().concatenate(fraction().optional()).concatenate(exponent.optional());
    }

    private static final Automaton[] ANY_VALUE = new Automaton[8];

    /** Any JSON value nested at most {@code depth} containers deep (built once per depth: it is not small). */
    static synchronized Automaton anyValue(int depth) {
        if (ANY_VALUE[depth] == null) ANY_VALUE[depth] = buildAnyValue(depth);
        return ANY_VALUE[depth];
    }

    private static Automaton buildAnyValue(int depth) {
        Automaton scalar = string(0, -1).union(number()).union(BasicAutomata.makeStringUnion("true", "false", "null"));
        scalar.minimize();
        Automaton value = scalar;
        for (int d = 0; d < depth; d++) {
            Automaton member = string(0, -1).concatenate(BasicAutomata.makeChar(':')).concatenate(value);
            Automaton object = list('{', member, '}', 0, -1);
            Automaton array = list('[', value, ']', 0, -1);
            value = scalar.union(object).union(array);
            value.minimize();
        }
        return value;
    }

    private static final Automaton[] ANY_OBJECT = new Automaton[8];

    /** Any JSON object nested at most {@code depth} containers deep (itself included). Built once per depth. */
    static synchronized Automaton anyObject(int depth) {
        if (ANY_OBJECT[depth] == null) ANY_OBJECT[depth] = buildAnyObject(depth);
        return ANY_OBJECT[depth];
    }

    private static Automaton buildAnyObject(int depth) {
        Automaton member = string(0, -1).concatenate(BasicAutomata.makeChar(':')).concatenate(anyValue(depth - 1));
        Automaton a = list('{', member, '}', 0, -1);
        a.minimize();
        return a;
    }

    /** open (item (, item){min-1..max-1})? close, with min..max items (max < 0: unbounded). */
    static Automaton list(char open, Automaton item, char close, int min, int max) {
        Automaton more = BasicAutomata.makeChar(',').concatenate(item);
        Automaton body;
        if (max == 0) {
            body = BasicAutomata.makeEmptyString();
        } else {
            int lo = Math.max(0, min - 1);
            Automaton rest = max < 0 ? more.repeat(lo) : more.repeat(lo, max - 1);
            body = item.concatenate(rest);
            if (min == 0) body = body.optional();
        }
        return BasicAutomata.makeChar(open).concatenate(body).concatenate(BasicAutomata.makeChar(close));
    }
}
