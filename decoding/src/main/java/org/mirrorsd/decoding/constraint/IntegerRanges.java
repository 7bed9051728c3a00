package org.mirrorsd.decoding.constraint;

import dk.brics.automaton.Automaton;
import dk.brics.automaton.BasicAutomata;
import java.util.ArrayList;
import java.util.List;

/** Automata for decimal integers (JSON spelling: no leading zeros, no "-0") in a range, either end open. */
final class IntegerRanges {
    private IntegerRanges() {}

    /** Integers in [lo, hi]; {@code null} for an open end. Empty when lo > hi. */
    static Automaton range(Long lo, Long hi) {
        List<Automaton> parts = new ArrayList<>();
        // Non-negative part [max(lo,0), hi].
        long nlo = lo == null ? 0 : Math.max(lo, 0);
        if (hi == null || hi >= nlo) parts.add(nonNegative(nlo, hi));
        // Negative part: -m for m in [max(1, -hi), -lo].
        if (lo == null || lo < 0) {
            long mlo = hi == null ? 1 : Math.max(1, hi >= 0 ? 1 : -hi);
            Long mhi = lo == null ? null : -lo;
            if (mhi == null || mhi >= mlo) parts.add(BasicAutomata.makeChar('-').concatenate(nonNegative(mlo, mhi)));
        }
        Automaton a = parts.isEmpty() ? BasicAutomata.makeEmpty() : Automaton.union(parts);
        a.minimize();
        return a;
    }

    /** n in [lo, hi] (hi null = unbounded), lo >= 0. */
    static Automaton nonNegative(long lo, Long hi) {
        String a = Long.toString(lo);
        List<Automaton> parts = new ArrayList<>();
        int maxLen = hi == null ? a.length() : Long.toString(hi).length();
        for (int len = a.length(); len <= maxLen; len++) {
            String from = len == a.length() ? a : "1" + "0".repeat(len - 1);
            String to = hi != null && len == maxLen ? Long.toString(hi) : "9".repeat(len);
            parts.add(sameLength(from, to));
        }
        if (hi == null) {
            // Every longer number: [1-9][0-9]{len,}
            parts.add(BasicAutomata.makeCharRange('1', '9').concatenate(BasicAutomata.makeCharRange('0', '9').repeat(a.length())));
        }
        return Automaton.union(parts);
    }

    /** Digit strings of equal length between a and b inclusive (a <= b). */
    private static Automaton sameLength(String a, String b) {
        if (a.compareTo(b) > 0) return BasicAutomata.makeEmpty();
        // Every string of the length: without this shortcut the split below doubles per digit.
        if (a.matches("0*") && b.matches("9*")) return BasicAutomata.makeCharRange('0', '9').repeat(a.length(), a.length());
        if (a.length() == 1) return BasicAutomata.makeCharRange(a.charAt(0), b.charAt(0));
        char ha = a.charAt(0);
        char hb = b.charAt(0);
        String ra = a.substring(1);
        String rb = b.substring(1);
        if (ha == hb) return BasicAutomata.makeChar(ha).concatenate(sameLength(ra, rb));
        List<Automaton> parts = new ArrayList<>();
        parts.add(BasicAutomata.makeChar(ha).concatenate(sameLength(ra, "9".repeat(ra.length()))));
        if (hb - ha > 1) {
            parts.add(BasicAutomata.makeCharRange((char) (ha + 1), (char) (hb - 1))
                    .concatenate(BasicAutomata.makeCharRange('0', '9').repeat(ra.length(), ra.length())));
        }
        parts.add(BasicAutomata.makeChar(hb).concatenate(sameLength("0".repeat(rb.length()), rb)));
        return Automaton.union(parts);
    }
}
