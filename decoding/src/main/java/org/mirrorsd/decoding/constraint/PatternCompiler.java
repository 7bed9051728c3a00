package org.mirrorsd.decoding.constraint;

import dk.brics.automaton.Automaton;
import dk.brics.automaton.BasicAutomata;
import java.util.ArrayList;
import java.util.List;

/**
 * The ECMA-262 regular expressions JSON Schema's {@code pattern} uses, the regular subset: literals, {@code .},
 * classes ({@code [a-z]}, {@code [^...]}, {@code \d \w \s} and their negations), groups ({@code (...)},
 * {@code (?:...)}), alternation, the quantifiers {@code * + ? {n} {n,} {n,m}} (lazy forms match the same
 * strings), and {@code ^}/{@code $} at the ends. Look-arounds, back-references and word boundaries are not
 * regular or not supported: a {@link SchemaException}. An unanchored pattern matches anywhere in the string,
 * as JSON Schema says. Characters are BMP code points outside the surrogate range.
 */
final class PatternCompiler {
    private final String pattern;
    private final String param;
    private int pos;

    private PatternCompiler(String pattern, String param) {
        this.pattern = pattern;
        this.param = param;
    }

    /** The strings (decoded, not yet JSON-escaped) the pattern accepts under JSON Schema's search semantics. */
    static Automaton compile(String pattern, String param) {
        PatternCompiler c = new PatternCompiler(pattern, param);
        boolean start = c.pattern.startsWith("^");
        if (start) c.pos = 1;
        Automaton body = c.alternation();
        boolean end = false;
        if (c.pos < c.pattern.length() && c.pattern.charAt(c.pos) == '$' && c.pos == c.pattern.length() - 1) {
            end = true;
            c.pos++;
        }
        if (c.pos != c.pattern.length()) throw c.unsupported("unexpected '" + c.pattern.charAt(c.pos) + "'");
        Automaton any = JsonAutomata.anyChar().repeat();
        if (!start) body = any.concatenate(body);
        if (!end) body = body.concatenate(any);
        body.minimize();
        return body;
    }

    private Automaton alternation() {
        List<Automaton> options = new ArrayList<>();
        options.add(sequence());
        while (peek() == '|') {
            pos++;
            options.add(sequence());
        }
        return options.size() == 1 ? options.get(0) : Automaton.union(options);
    }

    private Automaton sequence() {
        Automaton a = BasicAutomata.makeEmptyString();
        while (pos < pattern.length()) {
            char c = pattern.charAt(pos);
            if (c == '|' || c == ')') break;
            if (c == '$' && pos == pattern.length() - 1) break;
            a = a.concatenate(quantified(atom()));
        }
        return a;
    }

    private Automaton quantified(Automaton atom) {
        while (pos < pattern.length()) {
            char c = pattern.charAt(pos);
            Automaton next;
            if (c == '*') { pos++; next = atom.repeat(); }
            else if (c == '+') { pos++; next = atom.repeat(1); }
            else if (c == '?') { pos++; next = atom.optional(); }
            else if (c == '{' && isBrace()) next = braces(atom);
            else return atom;
            if (peek() == '?') pos++; // lazy: the same language
            atom = next;
        }
        return atom;
    }

    private boolean isBrace() {
        int close = pattern.indexOf('}', pos);
        return close > pos + 1 && pattern.substring(pos + 1, close).matches("\\d+(,\\d*)?");
    }

    private Automaton braces(Automaton atom) {
        int close = pattern.indexOf('}', pos);
        String[] parts = pattern.substring(pos + 1, close).split(",", -1);
        pos = close + 1;
        int min = Integer.parseInt(parts[0]);
        if (min > JsonSchemaCompiler.MAX_COUNT) throw unsupported("repetition counts above " + JsonSchemaCompiler.MAX_COUNT);
        if (parts.length == 1) return atom.repeat(min, min);
        if (parts[1].isEmpty()) return atom.repeat(min);
        int max = Integer.parseInt(parts[1]);
        if (max < min || max > JsonSchemaCompiler.MAX_COUNT) throw unsupported("the repetition {" + min + "," + max + "}");
        return atom.repeat(min, max);
    }

    private Automaton atom() {
        char c = pattern.charAt(pos++);
        switch (c) {
            case '(' -> {
                if (pattern.startsWith("?:", pos)) pos += 2;
                else if (peek() == '?') throw unsupported("look-arounds and named groups");
                Automaton inner = alternation();
                if (peek() != ')') throw unsupported("an unclosed group");
                pos++;
                return inner;
            }
            case '[' -> { return charClass(); }
            case '.' -> { return JsonAutomata.anyChar().minus(BasicAutomata.makeCharSet("\n\r\u2028\u2029")); }
            case '\\' -> { return escape(false); }
            case '^', '$' -> throw unsupported("'" + c + "' anchors other than at the pattern's ends");
            case '*', '+', '?', '{' -> {
                if (c == '{' && !isBraceAt(pos - 1)) return BasicAutomata.makeChar(c);
                throw unsupported("a quantifier with nothing to repeat");
            }
            default -> { return BasicAutomata.makeChar(c); }
        }
    }

    private boolean isBraceAt(int at) {
        int saved = pos;
        pos = at;
        boolean b = isBrace();
        pos = saved;
        return b;
    }

    /** After a backslash: a class escape, or an escaped literal. */
    private Automaton escape(boolean inClass) {
        if (pos >= pattern.length()) throw unsupported("a trailing backslash");
        char e = pattern.charAt(pos++);
        return switch (e) {
            case 'd' -> BasicAutomata.makeCharRange('0', '9');
            case 'D' -> JsonAutomata.anyChar().minus(BasicAutomata.makeCharRange('0', '9'));
            case 'w' -> word();
            case 'W' -> JsonAutomata.anyChar().minus(word());
            case 's' -> space();
            case 'S' -> JsonAutomata.anyChar().minus(space());
            case 'n' -> BasicAutomata.makeChar('\n');
            case 't' -> BasicAutomata.makeChar('\t');
            case 'r' -> BasicAutomata.makeChar('\r');
            case 'f' -> BasicAutomata.makeChar('\f');
            case 'v' -> BasicAutomata.makeChar('\u000B');
            case '0' -> BasicAutomata.makeChar('\0');
            case 'u' -> {
                if (pos + 4 > pattern.length() || !pattern.substring(pos, pos + 4).matches("[0-9a-fA-F]{4}")) {
                    throw unsupported("a \\u escape without four hex digits");
                }
                char u = (char) Integer.parseInt(pattern.substring(pos, pos + 4), 16);
                pos += 4;
                yield BasicAutomata.makeChar(u);
            }
            case 'x' -> {
                if (pos + 2 > pattern.length() || !pattern.substring(pos, pos + 2).matches("[0-9a-fA-F]{2}")) {
                    throw unsupported("a \\x escape without two hex digits");
                }
                char x = (char) Integer.parseInt(pattern.substring(pos, pos + 2), 16);
                pos += 2;
                yield BasicAutomata.makeChar(x);
            }
            case 'b' -> {
                if (inClass) yield BasicAutomata.makeChar('\b');
                throw unsupported("word boundaries (\\b)");
            }
            default -> {
                if (Character.isLetterOrDigit(e)) throw unsupported("the escape \\" + e);
                yield BasicAutomata.makeChar(e);
            }
        };
    }

    private Automaton charClass() {
        boolean negate = peek() == '^';
        if (negate) pos++;
        List<Automaton> members = new ArrayList<>();
        boolean first = true;
        while (pos < pattern.length() && (pattern.charAt(pos) != ']' || first)) {
            first = false;
            char c = pattern.charAt(pos++);
            Automaton single;
            char lo;
            if (c == '\\') {
                single = escape(true);
                String s = single.getSingleton();
                if (s == null || s.length() != 1) {
                    members.add(single); // a class escape such as \d cannot start a range
                    continue;
                }
                lo = s.charAt(0);
            } else {
                lo = c;
            }
            if (peek() == '-' && pos + 1 < pattern.length() && pattern.charAt(pos + 1) != ']') {
                pos++;
                char hi = pattern.charAt(pos++);
                if (hi == '\\') {
                    String s = escape(true).getSingleton();
                    if (s == null || s.length() != 1) throw unsupported("a class escape as a range end");
                    hi = s.charAt(0);
                }
                if (hi < lo) throw unsupported("the reversed range " + lo + "-" + hi);
                members.add(BasicAutomata.makeCharRange(lo, hi));
            } else {
                members.add(BasicAutomata.makeChar(lo));
            }
        }
        if (peek() != ']') throw unsupported("an unclosed character class");
        pos++;
        Automaton set = members.isEmpty() ? BasicAutomata.makeEmpty() : Automaton.union(members);
        return negate ? JsonAutomata.anyChar().minus(set) : set.intersection(JsonAutomata.anyChar());
    }

    private static Automaton word() {
        return BasicAutomata.makeCharRange('a', 'z').union(BasicAutomata.makeCharRange('A', 'Z'))
                .union(BasicAutomata.makeCharRange('0', '9')).union(BasicAutomata.makeChar('_'));
    }

    private static Automaton space() {
        return BasicAutomata.makeCharSet(" \t\n\r\f\u000B\u00A0\uFEFF\u2028\u2029");
    }

    private char peek() {
        return pos < pattern.length() ? pattern.charAt(pos) : '\0';
    }

    private SchemaException unsupported(String what) {
        return new SchemaException("The pattern '" + pattern + "' uses " + what + ", which structured output does not"
                + " support.", param);
    }
}
