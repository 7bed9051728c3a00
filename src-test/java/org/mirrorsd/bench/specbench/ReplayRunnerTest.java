package org.mirrorsd.bench.specbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorsd.models.chat.ChatMessage;

/** The replay's schedule and bookkeeping, with a scripted generator instead of a model. */
class ReplayRunnerTest {
    /** Answers "answer N" and records who was asked what; "bad" methods answer differently. */
    static final class Scripted implements Generator {
        final List<String> calls = new ArrayList<>();
        final List<List<ChatMessage>> conversations = new ArrayList<>();
        Runnable onCall = () -> {};

        @Override
        public String description() { return "scripted"; }

        @Override
        public TurnResult generate(String method, List<ChatMessage> conversation) {
            calls.add(method);
            conversations.add(List.copyOf(conversation));
            onCall.run();
            String text = (method.equals("bad") ? "other " : "answer ") + conversation.size();
            return new TurnResult(text, 10, 5, false, 1_000_000, 100_000, new Counts(10, 10, 0, 0, 0, 0));
        }
    }

    private static final Question MT = new Question(81, "writing", List.of("first?", "second?"));
    private static final Question QA = new Question(200, "qa", List.of("why?"));

    @Test
    void interleavesMethodsPerQuestionRotatingTheFirst() throws Exception {
        Scripted g = new Scripted();
        var outcome = new ReplayRunner(g, List.of("ar", "sd"), 0, true, new ReplayListener() {}).run(List.of(QA, QA, QA));
        assertEquals(List.of("ar", "sd", "sd", "ar", "ar", "sd"), g.calls);
        assertTrue(outcome.complete());
        assertEquals(List.of("ar", "sd"), List.copyOf(outcome.runs().get(1).runs().keySet()), "report order is the run's");
    }

    @Test
    void multiTurnFeedsTheMethodsOwnAnswerBack() throws Exception {
        Scripted g = new Scripted();
        var outcome = new ReplayRunner(g, List.of("ar"), 0, true, new ReplayListener() {}).run(List.of(MT));
        List<ChatMessage> second = g.conversations.get(1);
        assertEquals(List.of(ChatMessage.user("first?"), ChatMessage.assistant("answer 1"), ChatMessage.user("second?")), second);
        assertEquals(2, outcome.runs().get(0).runs().get("ar").turns().size());
    }

    @Test
    void warmUpIsNotCounted() throws Exception {
        Scripted g = new Scripted();
        var outcome = new ReplayRunner(g, List.of("ar", "sd"), 1, true, new ReplayListener() {}).run(List.of(QA));
        assertEquals(4, g.calls.size());
        assertEquals(1, outcome.runs().size());
    }

    @Test
    void flagsGreedyDifferences() throws Exception {
        var outcome = new ReplayRunner(new Scripted(), List.of("ar", "bad"), 0, true, new ReplayListener() {}).run(List.of(MT));
        List<String> mismatches = outcome.runs().get(0).mismatches();
        assertEquals(1, mismatches.size(), "reported once, at the first differing turn");
        assertTrue(mismatches.get(0).contains("turn 1") && mismatches.get(0).contains("bad"), mismatches.get(0));
    }

    @Test
    void stopKeepsTheFinishedQuestionsOnly() throws Exception {
        Scripted g = new Scripted();
        ReplayRunner runner = new ReplayRunner(g, List.of("ar", "sd"), 0, true, new ReplayListener() {});
        g.onCall = () -> { if (g.calls.size() == 3) runner.requestStop(); }; // Ctrl-C during the 2nd question
        var outcome = runner.run(List.of(QA, QA, QA));
        assertFalse(outcome.complete());
        assertEquals(1, outcome.runs().size());
        assertEquals(3, g.calls.size());
    }

    @Test
    void summaryUsesMeanSpeedsForSpeedup() {
        // AR: 100 tok/s and 10 tok/s; method: 200 and 10 -> mean 105 vs 55 -> 105/55 (time ratio would differ).
        QuestionRun a = run(QA, 1_000_000_000L, 500_000_000L);
        QuestionRun b = run(QA, 10_000_000_000L, 10_000_000_000L);
        Summary s = Summary.of(List.of("ar", "sd"), List.of(a, b));
        Figures sd = s.groups().get(TaskGroup.QA).get("sd");
        assertEquals(105.0 / 55.0, sd.speedup(), 1e-9);
        assertEquals(11.0 / 10.5, sd.timeSpeedup(), 1e-9);
        assertEquals(1.0, s.overall().get("ar").speedup(), 1e-12);
    }

    private static QuestionRun run(Question q, long arNanos, long sdNanos) {
        var ar = new MethodRun("ar", List.of(new TurnResult("x", 100, 5, false, arNanos, 1, new Counts(100, 100, 0, 0, 0, 0))));
        var sd = new MethodRun("sd", List.of(new TurnResult("x", 100, 5, false, sdNanos, 1, new Counts(100, 40, 140, 60, 0, 0))));
        var m = new java.util.LinkedHashMap<String, MethodRun>();
        m.put("ar", ar);
        m.put("sd", sd);
        return new QuestionRun(q, m, List.of());
    }
}
