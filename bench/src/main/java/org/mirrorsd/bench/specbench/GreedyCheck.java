package org.mirrorsd.bench.specbench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Greedy speculative decoding must reproduce the target's own output token for token: compares every
 * method's answers with the first method's (normally ar), turn by turn.
 */
final class GreedyCheck {
    private GreedyCheck() {}

    static List<String> mismatches(Question q, Map<String, MethodRun> runs) {
        List<String> out = new ArrayList<>();
        MethodRun reference = null;
        for (MethodRun r : runs.values()) {
            if (reference == null) {
                reference = r;
                continue;
            }
            for (int t = 0; t < Math.min(reference.turns().size(), r.turns().size()); t++) {
                TurnResult a = reference.turns().get(t), b = r.turns().get(t);
                if (a.text().equals(b.text()) && a.tokens() == b.tokens()) continue;
                out.add("question " + q.id() + " turn " + (t + 1) + ": " + r.method() + " differs from "
                        + reference.method() + " (" + b.tokens() + " vs " + a.tokens() + " tokens, first difference at"
                        + " character " + firstDifference(a.text(), b.text()) + ")");
                break; // later turns build on this one, so they differ too
            }
        }
        return out;
    }

    private static int firstDifference(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) if (a.charAt(i) != b.charAt(i)) return i;
        return n;
    }
}
