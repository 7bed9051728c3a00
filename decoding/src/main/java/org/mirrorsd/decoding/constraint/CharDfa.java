package org.mirrorsd.decoding.constraint;

import dk.brics.automaton.Automaton;
import dk.brics.automaton.State;
import dk.brics.automaton.Transition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal deterministic automaton over UTF-16 code units as flat arrays: a dense table for ASCII (the bulk of
 * JSON) and sorted ranges for the rest. States are 0..n-1, 0 the start; -1 is the dead state.
 */
final class CharDfa {
    private final int states;
    private final int[] ascii;        // states * 128
    private final boolean[] accept;
    private final int[] rangeStart;   // per state, first index into lo/hi/to
    private final char[] lo;
    private final char[] hi;
    private final int[] to;

    CharDfa(Automaton automaton) {
        Automaton a = automaton;
        if (!a.isDeterministic()) {
            // Minimal automata (what the compilers hand over) have no dead states: every state can still reach
            // an accepting one, which the masks rely on. Others are minimised here.
            a = a.clone();
            a.minimize();
        }
        Map<State, Integer> ids = new HashMap<>();
        List<State> order = new java.util.ArrayList<>();
        ids.put(a.getInitialState(), 0);
        order.add(a.getInitialState());
        for (int i = 0; i < order.size(); i++) {
            for (Transition t : order.get(i).getTransitions()) {
                if (!ids.containsKey(t.getDest())) {
                    ids.put(t.getDest(), order.size());
                    order.add(t.getDest());
                }
            }
        }
        states = order.size();
        ascii = new int[states * 128];
        java.util.Arrays.fill(ascii, -1);
        accept = new boolean[states];
        rangeStart = new int[states + 1];
        int total = 0;
        for (State s : order) total += s.getTransitions().size();
        lo = new char[total];
        hi = new char[total];
        to = new int[total];
        int k = 0;
        for (int i = 0; i < states; i++) {
            State s = order.get(i);
            accept[i] = s.isAccept();
            rangeStart[i] = k;
            for (Transition t : s.getSortedTransitions(false)) {
                int dest = ids.get(t.getDest());
                lo[k] = t.getMin();
                hi[k] = t.getMax();
                to[k] = dest;
                k++;
                for (int c = t.getMin(); c <= Math.min(127, t.getMax()); c++) ascii[i * 128 + c] = dest;
            }
        }
        rangeStart[states] = k;
    }

    int size() { return states; }

    boolean accepts(int state) { return accept[state]; }

    /** Whether no character can follow {@code state}. */
    boolean isFinal(int state) { return rangeStart[state] == rangeStart[state + 1]; }

    int step(int state, int c) {
        if (c < 128) return ascii[state * 128 + c];
        int a = rangeStart[state];
        int b = rangeStart[state + 1] - 1;
        while (a <= b) {
            int m = (a + b) >>> 1;
            if (c < lo[m]) b = m - 1;
            else if (c > hi[m]) a = m + 1;
            else return to[m];
        }
        return -1;
    }

    /** Whether some character in [from, to] leads somewhere from {@code state}. */
    boolean anyIn(int state, int from, int upto) {
        for (int k = rangeStart[state]; k < rangeStart[state + 1]; k++) {
            if (lo[k] <= upto && hi[k] >= from) return true;
        }
        return false;
    }
}
