package org.mirrorsd.bench.specbench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mirrorsd.models.chat.ChatMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays questions with every method, interleaved per question (each question is answered by all methods
 * before the next, the starting method rotating), so that drift of the machine's state hits all methods alike.
 * A multi-turn question is a real conversation: each method's own answer goes back as the assistant turn.
 */
public final class ReplayRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayRunner.class);

    private final Generator generator;
    private final List<String> methods;
    private final int warmupQuestions;
    private final boolean checkGreedy;
    private final ReplayListener listener;
    private volatile boolean stopRequested;

    /** A question left out of the figures, and why (e.g. the server refused it). */
    public record Skipped(Question question, String reason) {}

    /** @param complete false when a stop was requested before every question ran */
    public record Outcome(List<QuestionRun> runs, List<Skipped> skipped, boolean complete) {}

    public ReplayRunner(Generator generator, List<String> methods, int warmupQuestions, boolean checkGreedy,
                        ReplayListener listener) {
        if (methods.isEmpty()) throw new IllegalArgumentException("no methods to run");
        this.generator = generator;
        this.methods = List.copyOf(methods);
        this.warmupQuestions = warmupQuestions;
        this.checkGreedy = checkGreedy;
        this.listener = listener;
    }

    /** Asks the run to end after the generation in flight (Ctrl-C); {@link #run} then returns what it has. */
    public void requestStop() { stopRequested = true; }

    public Outcome run(List<Question> questions) throws InterruptedException {
        warmUp(questions);
        listener.started(questions.size());
        List<QuestionRun> runs = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        int done = 0;
        for (int i = 0; i < questions.size() && !stopRequested; i++) {
            Question q = questions.get(i);
            try {
                Map<String, MethodRun> byMethod = new LinkedHashMap<>();
                for (String m : methods) byMethod.put(m, null);
                for (int k = 0; k < methods.size() && !stopRequested; k++) {
                    String m = methods.get((i + k) % methods.size());
                    byMethod.put(m, converse(m, q));
                }
                if (stopRequested && byMethod.containsValue(null)) break; // incomplete: not comparable
                List<String> mismatches = checkGreedy ? GreedyCheck.mismatches(q, byMethod) : List.of();
                mismatches.forEach(s -> LOG.warn("greedy outputs differ: {}", s));
                QuestionRun run = new QuestionRun(q, byMethod, mismatches);
                runs.add(run);
                listener.questionDone(++done, questions.size(), run);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                LOG.warn("question {} ({}) skipped: {}", q.id(), q.category(), e.toString());
                skipped.add(new Skipped(q, e.getMessage() == null ? e.toString() : e.getMessage()));
                listener.questionDone(++done, questions.size(), null);
            }
        }
        listener.finished(done, questions.size());
        return new Outcome(runs, skipped, done == questions.size());
    }

    private MethodRun converse(String method, Question q) throws Exception {
        List<ChatMessage> conversation = new ArrayList<>();
        List<TurnResult> turns = new ArrayList<>();
        for (String turn : q.turns()) {
            conversation.add(ChatMessage.user(turn));
            TurnResult r = generator.generate(method, conversation);
            turns.add(r);
            conversation.add(ChatMessage.assistant(r.text()));
        }
        return new MethodRun(method, turns);
    }

    /** JIT-compiles every method's paths (and warms the server) on the first turns of a few questions. */
    private void warmUp(List<Question> questions) throws InterruptedException {
        if (warmupQuestions <= 0 || questions.isEmpty()) return;
        listener.warmingUp();
        for (int i = 0; i < Math.min(warmupQuestions, questions.size()) && !stopRequested; i++) {
            for (String m : methods) {
                try {
                    generator.generate(m, List.of(ChatMessage.user(questions.get(i).turns().get(0))));
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    LOG.warn("warm-up of {} failed: {}", m, e.toString());
                }
            }
        }
    }
}
