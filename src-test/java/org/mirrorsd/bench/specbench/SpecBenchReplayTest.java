package org.mirrorsd.bench.specbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorsd.testing.SharedFiles;

/**
 * The proof of the harness: 3 questions of every task group replayed in-process with the real small pair
 * (stories260K target, llama2xs-280K draft) by ar, sd and mirror; the report must be complete and its
 * figures must follow from its own raw per-question numbers.
 */
class SpecBenchReplayTest {
    private static final List<String> METHODS = List.of("ar", "sd", "mirror");
    private static final double EPS = 1e-4;

    @TempDir
    static Path dir;
    static ReportFiles report;

    @BeforeAll
    static void replay() throws Exception {
        report = ReportFiles.run(dir,
                "--questions", SharedFiles.file("specbench/question.jsonl").toString(),
                "--model", SharedFiles.model("stories260K.bin").toString(),
                "--draft", SharedFiles.model("llama2xs-280K.bin").toString(),
                "--tokenizer", SharedFiles.model("tok512.bin").toString(),
                "--methods", String.join(",", METHODS), "--limit", "3", "--max-tokens", "32", "--threads", "1");
    }

    @Test
    void writesEveryFileAndExitsCleanly() throws Exception {
        assertEquals(0, report.exitCode, report.stdout);
        report.assertFilesWritten(METHODS);
        assertTrue(report.stdout.contains("greedy outputs identical across methods: yes"), report.stdout);
    }

    @Test
    void replaysThreeQuestionsOfEachGroupWithEveryMethod() {
        JsonNode j = report.json;
        assertTrue(j.get("complete").asBoolean());
        assertEquals(18, j.get("questions").size());
        Map<String, Integer> perGroup = new HashMap<>();
        for (JsonNode q : j.get("questions")) {
            perGroup.merge(q.get("group").asText(), 1, Integer::sum);
            assertEquals(METHODS, iterable(q.get("methods").fieldNames()));
            int turns = q.get("group").asText().equals("mt_bench") ? 2 : 1;
            for (JsonNode m : q.get("methods")) assertEquals(turns, m.get("turns").size());
        }
        for (TaskGroup g : TaskGroup.values()) assertEquals(3, perGroup.get(g.key()), g.key());
        assertEquals(6, j.at("/summary/groups").size());
        assertEquals(0, j.get("skipped").size());
    }

    @Test
    void greedyOutputsOfAllMethodsAreIdentical() {
        assertTrue(report.json.get("greedy_outputs_identical").asBoolean());
        assertEquals(0, report.json.get("mismatches").size());
        for (JsonNode q : report.json.get("questions")) {
            assertTrue(q.get("outputs_identical").asBoolean());
            JsonNode ar = q.at("/methods/ar/turns");
            for (String m : METHODS) {
                JsonNode turns = q.at("/methods/" + m + "/turns");
                for (int t = 0; t < ar.size(); t++) {
                    assertEquals(ar.get(t).get("text").asText(), turns.get(t).get("text").asText());
                    assertEquals(ar.get(t).get("tokens").asInt(), turns.get(t).get("tokens").asInt());
                }
            }
        }
    }

    @Test
    void secondTurnCarriesTheFirstAnswer() {
        for (JsonNode q : report.json.get("questions")) {
            if (!q.get("group").asText().equals("mt_bench")) continue;
            JsonNode turns = q.at("/methods/ar/turns");
            JsonNode first = turns.get(0), second = turns.get(1);
            // The conversation grew by the answer (unless it had to be cut to the context).
            assertTrue(second.get("truncated").asBoolean()
                    || second.get("prompt_tokens").asInt() > first.get("prompt_tokens").asInt() + first.get("tokens").asInt() / 2,
                    "turn 2 prompt " + second + " vs turn 1 " + first);
            assertTrue(second.get("prompt_tokens").asInt() <= report.json.at("/settings/prompt_budget").asInt());
        }
    }

    @Test
    void summaryFollowsFromTheRawFigures() {
        JsonNode j = report.json;
        for (TaskGroup g : TaskGroup.values()) check(j.at("/summary/groups/" + g.key() + "/methods"), g.key());
        check(j.at("/summary/overall"), null);
    }

    private static void check(JsonNode figures, String group) {
        Map<String, double[]> raw = new HashMap<>(); // method -> {questions, tokens, seconds, speed sum}
        for (JsonNode q : report.json.get("questions")) {
            if (group != null && !q.get("group").asText().equals(group)) continue;
            long arTokens = q.at("/methods/ar/tokens").asLong();
            for (String m : METHODS) {
                JsonNode r = q.at("/methods/" + m);
                // Identical outputs: the same tokens, so each question's speed ratio is its time ratio.
                assertEquals(arTokens, r.get("tokens").asLong());
                assertEquals(r.get("tokens").asDouble() / r.get("seconds").asDouble(), r.get("tokens_per_second").asDouble(),
                        EPS * r.get("tokens_per_second").asDouble());
                double[] a = raw.computeIfAbsent(m, k -> new double[4]);
                a[0]++;
                a[1] += r.get("tokens").asLong();
                a[2] += r.get("seconds").asDouble();
                a[3] += r.get("tokens_per_second").asDouble();
            }
        }
        double[] ar = raw.get("ar");
        for (String m : METHODS) {
            JsonNode f = figures.get(m);
            double[] a = raw.get(m);
            String where = (group == null ? "overall" : group) + "/" + m;
            assertEquals(3 * (group == null ? 6 : 1), f.get("questions").asInt(), where);
            assertEquals((long) a[1], f.get("tokens").asLong(), where);
            assertEquals(a[3] / a[0], f.get("mean_tokens_per_second").asDouble(), EPS * a[3] / a[0], where);
            // SpecBench: mean speed of the method over mean speed of AR ...
            double speedup = (a[3] / a[0]) / (ar[3] / ar[0]);
            assertEquals(speedup, f.get("speedup").asDouble(), EPS * speedup, where);
            // ... and, over the same tokens, AR's time over the method's time.
            assertEquals(ar[2] / a[2], f.get("time_speedup").asDouble(), EPS * ar[2] / a[2], where);
            double tau = f.get("mean_accepted_length").asDouble();
            JsonNode c = f.get("counts");
            assertEquals((double) c.get("generated").asLong() / c.get("targetPasses").asLong(), tau, 1e-6, where);
            assertTrue(tau >= 1.0, where + " tau " + tau);
            double acceptance = f.get("acceptance_rate").asDouble(), hits = f.get("branch_hit_rate").asDouble();
            assertTrue(acceptance >= 0 && acceptance <= 1 && hits >= 0 && hits <= 1, where);
            assertTrue(f.get("mean_ttft_ms").asDouble() > 0, where);
            if (m.equals("ar")) {
                assertEquals(1.0, tau, 1e-9, "AR commits one token per target pass");
                assertEquals(1.0, f.get("speedup").asDouble(), 1e-9);
                assertEquals(0, c.get("drafted").asLong());
            } else {
                assertTrue(c.get("drafted").asLong() > 0, where + " drafted");
            }
            if (m.equals("mirror")) {
                // The planner runs Mirror steps only where they measure faster (it may run none in a group), but
                // it tries each placement once, so the run as a whole has some.
                assertTrue(c.get("branchLookups").asLong() >= c.get("branchHits").asLong(), where + " branch hits");
                if (group == null) assertTrue(c.get("branchLookups").asLong() > 0, where + " branch lookups");
            }
        }
    }

    @Test
    void markdownTableHasEveryGroupAndMethod() throws Exception {
        String md = report.read(ReportWriter.MARKDOWN);
        String header = md.lines().filter(l -> l.startsWith("| Method |")).findFirst().orElseThrow();
        for (TaskGroup g : TaskGroup.values()) assertTrue(header.contains(g.title()), g.title());
        assertTrue(header.contains("Overall speedup") && header.contains("#Mean accepted tokens"));
        for (String m : METHODS) assertTrue(md.contains("\n| " + m + " |"), "row " + m);
        assertTrue(md.contains("sha256"), "model hashes");
        assertTrue(md.contains("measured read bandwidth"), "bandwidth");
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
