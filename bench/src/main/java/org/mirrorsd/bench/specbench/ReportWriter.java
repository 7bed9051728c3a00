package org.mirrorsd.bench.specbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * Writes a run's report into a directory: {@code results.md} (leaderboard and details), {@code results.json}
 * (every raw figure), {@code speedup.svg} (the chart) and a {@code README.md} index linking them.
 */
public final class ReportWriter {
    public static final String MARKDOWN = "results.md", JSON = "results.json", CHART = "speedup.svg", INDEX = "README.md";

    private ReportWriter() {}

    /** @return the summary written */
    public static Summary write(Path dir, RunSettings settings, MachineInfo machine, ReplayRunner.Outcome outcome)
            throws IOException {
        Files.createDirectories(dir);
        Summary summary = Summary.of(settings.methods(), outcome.runs());
        String title = "SpecBench speedup over AR" + (settings.greedy() ? " (greedy)" : " (T = " + settings.temperature() + ")");
        Files.writeString(dir.resolve(MARKDOWN), markdown(settings, machine, outcome, summary));
        JsonReport.JSON.writeValue(dir.resolve(JSON).toFile(), JsonReport.of(settings, machine, outcome, summary));
        Files.writeString(dir.resolve(CHART), SpeedupChart.svg(summary, title));
        Files.writeString(dir.resolve(INDEX), index(settings, outcome, summary));
        return summary;
    }

    static String markdown(RunSettings s, MachineInfo m, ReplayRunner.Outcome o, Summary summary) {
        StringBuilder sb = new StringBuilder("# SpecBench results\n\n");
        sb.append(status(s, o)).append("\n\n## Speedup over AR\n\n").append(MarkdownReport.leaderboard(summary));
        sb.append("\nSpeedup = mean tokens/s of the method ÷ mean tokens/s of AR over the same questions (SpecBench's"
                + " convention); τ̄ counts the target's own token (AR = 1).\n\n## Details\n\n")
                .append(MarkdownReport.details(summary));
        sb.append("\n## Greedy check\n\n");
        long mismatches = o.runs().stream().mapToLong(r -> r.mismatches().size()).sum();
        if (!s.greedy()) sb.append("Not checked: sampling (T = ").append(s.temperature()).append(").\n");
        else if (mismatches == 0) sb.append("Greedy outputs of all methods identical on every question: **yes**.\n");
        else {
            sb.append("**WARNING: ").append(mismatches).append(" greedy output(s) differ from ").append(s.methods().get(0)).append(":**\n\n");
            o.runs().forEach(r -> r.mismatches().forEach(x -> sb.append("- ").append(x).append('\n')));
        }
        if (!o.skipped().isEmpty()) {
            sb.append("\n## Skipped questions\n\n");
            o.skipped().forEach(x -> sb.append("- ").append(x.question().id()).append(" (").append(x.question().category())
                    .append("): ").append(x.reason()).append('\n'));
        }
        sb.append("\n## Setup\n\n").append(setup(s, m));
        return sb.toString();
    }

    private static String status(RunSettings s, ReplayRunner.Outcome o) {
        int turns = o.runs().stream().mapToInt(r -> r.runs().values().iterator().next().turns().size()).sum();
        int truncated = o.runs().stream().mapToInt(r -> r.runs().values().iterator().next().truncatedTurns()).sum();
        return String.format(Locale.ROOT, "%s%d questions (%d turns) replayed %s with %s; %d turn prompt(s) left-truncated"
                        + " to %s tokens; %d question(s) skipped.",
                o.complete() ? "" : "**Partial run (stopped early).** ", o.runs().size(), turns, s.source(),
                String.join(", ", s.methods()), truncated, s.promptBudget() > 0 ? String.valueOf(s.promptBudget()) : "the context",
                o.skipped().size());
    }

    private static String setup(RunSettings s, MachineInfo m) {
        StringBuilder sb = new StringBuilder();
        sb.append("- command: `").append(s.command()).append("`\n");
        sb.append("- started: ").append(s.started()).append(", written: ").append(Instant.now()).append('\n');
        sb.append(String.format(Locale.ROOT, "- max tokens %d per turn, temperature %s, %s per task group, warm-up on %d question(s)%n",
                s.maxTokens(), s.temperature(), s.limitPerGroup() > 0 ? "first " + s.limitPerGroup() + " questions" : "all questions",
                s.warmupQuestions()));
        sb.append(String.format(Locale.ROOT, "- machine: %d cores, %s %s, %s, max heap %d MiB%s%n", m.cores(), m.os(), m.arch(),
                m.java(), m.maxHeapBytes() >> 20, Double.isNaN(m.bandwidthBytesPerSecond()) ? ""
                        : String.format(Locale.ROOT, ", measured read bandwidth %.1f GB/s (%d threads)",
                                m.bandwidthBytesPerSecond() / 1e9, m.bandwidthThreads())));
        for (MachineInfo.ModelFile f : m.models()) {
            sb.append(String.format(Locale.ROOT, "- %s: `%s` (%d bytes, sha256 `%s`)%n", f.role(), f.path(), f.bytes(), f.sha256()));
        }
        return sb.toString();
    }

    static String index(RunSettings s, ReplayRunner.Outcome o, Summary summary) {
        return "# SpecBench run\n\n" + status(s, o) + "\n\n"
                + "- [" + MARKDOWN + "](" + MARKDOWN + "): leaderboard table, details per task and method, greedy check, setup\n"
                + "- [" + JSON + "](" + JSON + "): every raw per-question and per-turn figure, with the answers\n"
                + "- [" + CHART + "](" + CHART + "): speedup per task and method\n\n"
                + MarkdownReport.leaderboard(summary) + "\n![speedup](" + CHART + ")\n";
    }
}
