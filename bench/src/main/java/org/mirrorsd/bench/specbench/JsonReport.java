package org.mirrorsd.bench.specbench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** The whole run as JSON: settings, machine, summary, and every raw per-question, per-turn figure and answer. */
public final class JsonReport {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {}

    public static ObjectNode of(RunSettings settings, MachineInfo machine, ReplayRunner.Outcome outcome, Summary summary) {
        ObjectNode root = JSON.createObjectNode();
        root.put("benchmark", "specbench");
        root.put("complete", outcome.complete());
        root.set("settings", settings(settings));
        root.put("greedy", settings.greedy());
        ObjectNode m = JSON.valueToTree(machine);
        num(m, "bandwidthBytesPerSecond", machine.bandwidthBytesPerSecond());
        root.set("machine", m);
        long mismatches = outcome.runs().stream().mapToLong(r -> r.mismatches().size()).sum();
        if (settings.greedy()) root.put("greedy_outputs_identical", mismatches == 0);
        var mm = root.putArray("mismatches");
        outcome.runs().forEach(r -> r.mismatches().forEach(mm::add));
        ObjectNode sum = root.putObject("summary");
        ObjectNode groups = sum.putObject("groups");
        summary.groups().forEach((g, f) -> {
            ObjectNode n = groups.putObject(g.key());
            n.put("title", g.title());
            n.set("methods", figures(f));
        });
        sum.set("overall", figures(summary.overall()));
        var skipped = root.putArray("skipped");
        for (ReplayRunner.Skipped s : outcome.skipped()) {
            skipped.addObject().put("question_id", s.question().id()).put("category", s.question().category())
                    .put("reason", s.reason());
        }
        var questions = root.putArray("questions");
        for (QuestionRun q : outcome.runs()) questions.add(question(q));
        return root;
    }

    private static ObjectNode settings(RunSettings s) {
        ObjectNode n = JSON.createObjectNode();
        var methods = n.putArray("methods");
        s.methods().forEach(methods::add);
        var groups = n.putArray("groups");
        s.groups().forEach(g -> groups.add(g.key()));
        n.put("limit_per_group", s.limitPerGroup());
        n.put("max_tokens", s.maxTokens());
        n.put("temperature", s.temperature());
        n.put("warmup_questions", s.warmupQuestions());
        n.put("prompt_budget", s.promptBudget());
        n.put("source", s.source());
        n.put("questions_file", s.questionsFile());
        n.put("command", s.command());
        n.put("started", s.started().toString());
        return n;
    }

    private static ObjectNode figures(Map<String, Figures> byMethod) {
        ObjectNode out = JSON.createObjectNode();
        for (Figures f : byMethod.values()) {
            ObjectNode n = out.putObject(f.method());
            n.put("questions", f.questions());
            n.put("tokens", f.tokens());
            num(n, "seconds", f.seconds());
            num(n, "mean_tokens_per_second", f.meanTokensPerSecond());
            num(n, "speedup", f.speedup());
            num(n, "time_speedup", f.timeSpeedup());
            num(n, "mean_accepted_length", f.meanAcceptedLength());
            num(n, "acceptance_rate", f.acceptanceRate());
            num(n, "branch_hit_rate", f.branchHitRate());
            num(n, "mean_ttft_ms", f.meanFirstTokenMs());
            n.put("truncated_turns", f.truncatedTurns());
            n.set("counts", JSON.valueToTree(f.counts()));
        }
        return out;
    }

    private static ObjectNode question(QuestionRun q) {
        ObjectNode n = JSON.createObjectNode();
        n.put("question_id", q.question().id());
        n.put("category", q.question().category());
        n.put("group", q.question().group().key());
        n.put("outputs_identical", q.mismatches().isEmpty());
        ObjectNode methods = n.putObject("methods");
        for (MethodRun r : q.runs().values()) {
            ObjectNode m = methods.putObject(r.method());
            m.put("tokens", r.tokens());
            num(m, "seconds", r.nanos() / 1e9);
            num(m, "tokens_per_second", r.tokensPerSecond());
            var turns = m.putArray("turns");
            for (TurnResult t : r.turns()) {
                ObjectNode tn = turns.addObject();
                tn.put("tokens", t.tokens());
                tn.put("prompt_tokens", t.promptTokens());
                tn.put("truncated", t.truncated());
                num(tn, "ms", t.nanos() / 1e6);
                num(tn, "ttft_ms", t.firstTokenNanos() / 1e6);
                tn.set("counts", JSON.valueToTree(t.counts()));
                tn.put("text", t.text());
            }
        }
        return n;
    }

    /** JSON has no NaN: unknown figures are null. */
    private static void num(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) n.put(key, Math.round(v * 1e9) / 1e9);
        else n.putNull(key);
    }

}
