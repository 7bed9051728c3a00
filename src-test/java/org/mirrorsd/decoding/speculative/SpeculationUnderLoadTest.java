package org.mirrorsd.decoding.speculative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.GreedyOracle;
import org.mirrorsd.decoding.StepResult;
import org.mirrorsd.decoding.ar.AutoregressiveEngine;
import org.mirrorsd.decoding.mirror.MirrorEngine;
import org.mirrorsd.testing.GreedyFixtures;
import org.mirrorsd.testing.Models;

/**
 * With more sessions open than {@code speculative_max_sequences}, draft-model SD stops drafting and decodes
 * plainly (still the target's own tokens); once the load drops it drafts again. Mirror-SD likewise, down to a
 * session that resumes drafting in the middle of its generation.
 */
class SpeculationUnderLoadTest {
    private static final String TARGET = "llama2xs-280K.bin";
    private static final String DRAFT = "stories260K.bin";

    @Test
    void aboveTheLimitSessionsDecodePlainlyAndStayLossless() {
        DecodingEngine sd = SpeculativeEngine.withDraftModel(Models.cpu(TARGET), Models.cpu(DRAFT),
                SpecOptions.defaults().withGamma(4).withMaxSpeculativeSequences(2));
        AutoregressiveEngine ar = new AutoregressiveEngine(Models.cpu(TARGET));
        var fixtures = GreedyFixtures.forModel(TARGET);
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            requests.add(GenerationRequest.greedy(fixtures.get(i % fixtures.size()).promptTokens(), 40 + 7 * i));
        }
        List<DecodingSession> sessions = new ArrayList<>();
        try {
            for (GenerationRequest r : requests) sessions.add(sd.open(r));
            assertPlainAndLossless(sd, sessions, requests, ar);
        } finally {
            sessions.forEach(DecodingSession::close);
        }
        // The load is gone: a session alone drafts again.
        try (DecodingSession alone = sd.open(requests.getFirst())) {
            while (!alone.finished()) alone.step();
            assertTrue(alone.stats().drafted > 0, "drafting resumes below the limit");
        }
        assertEquals(0, Models.cpu(TARGET).openCaches());
        assertEquals(0, Models.cpu(DRAFT).openCaches());
    }

    @Test
    void mirrorStepsPlainlyUnderLoadAndResumesMidGeneration() {
        DecodingEngine mirror = mirrorLimitedToOne();
        AutoregressiveEngine ar = new AutoregressiveEngine(Models.cpu(TARGET));
        int[] prompt = GreedyFixtures.forModel(TARGET).get(2).promptTokens();
        List<Integer> tokens = new ArrayList<>(java.util.Arrays.stream(prompt).boxed().toList());
        try (DecodingSession busy = mirror.open(GenerationRequest.greedy(new int[] {1, 403}, 5));
             DecodingSession s = mirror.open(GenerationRequest.greedy(prompt, 60))) {
            for (int i = 0; i < 10; i++) for (int t : s.step().tokens()) tokens.add(t);
            assertEquals(0, s.stats().drafted, "two sessions open, limit one: plain steps");
            busy.close();
            while (!s.finished()) for (int t : s.step().tokens()) tokens.add(t);
            assertTrue(s.stats().drafted > 0, "drafting resumed once the other session closed");
        }
        assertArrayEquals(GreedyOracle.run(ar, prompt, 60), tokens.stream().mapToInt(Integer::intValue).toArray());
        mirror.close();
        assertEquals(0, Models.cpu(TARGET).openCaches());
        assertEquals(0, Models.cpu(DRAFT).openCaches());
    }

    @Test
    void mirrorFusesItsPlainStepsUnderLoad() {
        MirrorEngine mirror = mirrorLimitedToOne();
        AutoregressiveEngine ar = new AutoregressiveEngine(Models.cpu(TARGET));
        var fixtures = GreedyFixtures.forModel(TARGET);
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < 3; i++) requests.add(GenerationRequest.greedy(fixtures.get(i).promptTokens(), 30 + 5 * i));
        List<DecodingSession> sessions = new ArrayList<>();
        try {
            for (GenerationRequest r : requests) sessions.add(mirror.open(r));
            assertPlainAndLossless(mirror, sessions, requests, ar);
        } finally {
            sessions.forEach(DecodingSession::close);
            mirror.close();
        }
        assertEquals(0, Models.cpu(TARGET).openCaches());
        assertEquals(0, Models.cpu(DRAFT).openCaches());
    }

    /** Mirror-SD on the small pair that drafts only while one session is open. */
    private static MirrorEngine mirrorLimitedToOne() {
        var options = SpecOptions.defaults().withGamma(4).withKappa(2).withExitLayer(2).withMaxSpeculativeSequences(1);
        return new MirrorEngine(Models.cpu(TARGET), Models.cpu(DRAFT), options);
    }

    /** Steps the sessions together to the end: none drafted, each equals AR (prompt and generated tokens). */
    private static void assertPlainAndLossless(DecodingEngine engine, List<DecodingSession> sessions,
                                               List<GenerationRequest> requests, DecodingEngine ar) {
        List<List<Integer>> tokens = new ArrayList<>();
        for (GenerationRequest r : requests) tokens.add(new ArrayList<>(java.util.Arrays.stream(r.prompt()).boxed().toList()));
        while (sessions.stream().anyMatch(s -> !s.finished())) {
            List<DecodingSession> live = sessions.stream().filter(s -> !s.finished()).toList();
            List<StepResult> steps = engine.stepTogether(live);
            for (int i = 0; i < live.size(); i++) {
                for (int t : steps.get(i).tokens()) tokens.get(sessions.indexOf(live.get(i))).add(t);
            }
        }
        for (int i = 0; i < sessions.size(); i++) {
            assertEquals(0, sessions.get(i).stats().drafted, "more sessions open than the limit: no drafts");
            assertArrayEquals(GreedyOracle.run(ar, requests.get(i).prompt(), requests.get(i).maxTokens()),
                    tokens.get(i).stream().mapToInt(Integer::intValue).toArray(), engine.method() + " request " + i);
        }
    }
}
