package org.mirrorsd.bench.specbench;

import java.util.Locale;
import java.util.Map;

/**
 * The results as Markdown: a leaderboard table like SpecBench's (speedup over AR per task group, τ̄, overall),
 * then the details of every group and method.
 */
public final class MarkdownReport {
    private MarkdownReport() {}

    public static String leaderboard(Summary s) {
        StringBuilder sb = new StringBuilder("| Method |");
        for (TaskGroup g : s.groups().keySet()) sb.append(' ').append(g.title()).append(" |");
        sb.append(" #Mean accepted tokens | Overall speedup | Overall tokens/s |\n|---|");
        sb.append("---:|".repeat(s.groups().size() + 3)).append('\n');
        for (String m : s.methods()) {
            sb.append("| ").append(m).append(" |");
            for (Map<String, Figures> g : s.groups().values()) sb.append(' ').append(speedup(g.get(m).speedup())).append(" |");
            Figures o = s.overall().get(m);
            sb.append(String.format(Locale.ROOT, " %.2f | %s | %.1f |%n", o.meanAcceptedLength(), speedup(o.speedup()),
                    o.meanTokensPerSecond()));
        }
        return sb.toString();
    }

    public static String details(Summary s) {
        StringBuilder sb = new StringBuilder("| Task | Method | Questions | Tokens | tokens/s | Speedup (mean speed) | "
                + "Speedup (total time) | τ̄ | Acceptance | Branch hits | TTFT ms | Truncated turns |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        s.groups().forEach((g, figures) -> rows(sb, g.title(), figures));
        rows(sb, "**Overall**", s.overall());
        return sb.toString();
    }

    private static void rows(StringBuilder sb, String task, Map<String, Figures> figures) {
        for (Figures f : figures.values()) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.1f | %s | %s | %.2f | %s | %s | %.1f | %d |%n",
                    task, f.method(), f.questions(), f.tokens(), f.meanTokensPerSecond(), speedup(f.speedup()),
                    speedup(f.timeSpeedup()), f.meanAcceptedLength(),
                    f.counts().drafted() == 0 ? "–" : String.format(Locale.ROOT, "%.2f", f.acceptanceRate()),
                    f.counts().branchLookups() == 0 ? "–" : String.format(Locale.ROOT, "%.2f", f.branchHitRate()),
                    f.meanFirstTokenMs(), f.truncatedTurns()));
        }
    }

    static String speedup(double x) {
        return Double.isNaN(x) ? "–" : String.format(Locale.ROOT, "%.2fx", x);
    }
}
