package org.mirrorsd.bench.specbench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per task group and overall, each method's {@link Figures}, computed from the raw question runs. */
public record Summary(List<String> methods, Map<TaskGroup, Map<String, Figures>> groups, Map<String, Figures> overall) {
    /** The baseline every speedup is relative to. */
    public static final String BASELINE = "ar";

    public static Summary of(List<String> methods, List<QuestionRun> runs) {
        Map<TaskGroup, Map<String, Figures>> groups = new LinkedHashMap<>();
        for (TaskGroup g : TaskGroup.values()) {
            List<QuestionRun> in = runs.stream().filter(r -> r.question().group() == g).toList();
            if (!in.isEmpty()) groups.put(g, figures(methods, in));
        }
        return new Summary(List.copyOf(methods), groups, figures(methods, runs));
    }

    private static Map<String, Figures> figures(List<String> methods, List<QuestionRun> runs) {
        Map<String, Figures> out = new LinkedHashMap<>();
        for (String m : methods) out.put(m, raw(m, runs));
        Figures base = out.get(BASELINE);
        for (String m : methods) {
            Figures f = out.get(m);
            double speedup = base == null ? Double.NaN : f.meanTokensPerSecond() / base.meanTokensPerSecond();
            double timeSpeedup = base == null ? Double.NaN : base.seconds() / f.seconds();
            out.put(m, new Figures(m, f.questions(), f.tokens(), f.seconds(), f.meanTokensPerSecond(), speedup,
                    timeSpeedup, f.meanAcceptedLength(), f.acceptanceRate(), f.branchHitRate(), f.meanFirstTokenMs(),
                    f.truncatedTurns(), f.counts()));
        }
        return out;
    }

    private static Figures raw(String method, List<QuestionRun> runs) {
        long tokens = 0, nanos = 0, ttftNanos = 0;
        int turns = 0, truncated = 0;
        double speedSum = 0;
        Counts c = Counts.ZERO;
        List<MethodRun> mine = new ArrayList<>();
        for (QuestionRun q : runs) {
            MethodRun r = q.runs().get(method);
            if (r != null) mine.add(r);
        }
        for (MethodRun r : mine) {
            tokens += r.tokens();
            nanos += r.nanos();
            speedSum += r.tokensPerSecond();
            for (TurnResult t : r.turns()) ttftNanos += t.firstTokenNanos();
            turns += r.turns().size();
            truncated += r.truncatedTurns();
            c = c.plus(r.counts());
        }
        int n = mine.size();
        return new Figures(method, n, tokens, nanos / 1e9, n == 0 ? 0 : speedSum / n, Double.NaN, Double.NaN,
                c.meanAcceptedLength(), c.acceptanceRate(), c.branchHitRate(),
                turns == 0 ? 0 : ttftNanos / 1e6 / turns, truncated, c);
    }
}
