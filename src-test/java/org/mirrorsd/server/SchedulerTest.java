package org.mirrorsd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.StepResult;
import org.mirrorsd.decoding.ar.AutoregressiveEngine;
import org.mirrorsd.server.metrics.ServerMetrics;
import org.mirrorsd.server.scheduler.EndCause;
import org.mirrorsd.server.scheduler.Scheduler;
import org.mirrorsd.server.scheduler.SchedulerRejection;
import org.mirrorsd.server.scheduler.Sequence;
import org.mirrorsd.server.scheduler.SequenceEnd;
import org.mirrorsd.server.scheduler.SequenceListener;
import org.mirrorsd.testing.Models;

/** The scheduler with the real engine: round-robin interleaving, admission, cancellation. */
class SchedulerTest {
    private final AutoregressiveEngine engine = new AutoregressiveEngine(Models.cpu("stories260K.bin"));
    private final ServerMetrics metrics = new ServerMetrics();

    /** Records which sequence stepped, in order. */
    private final class Recorder implements SequenceListener {
        final int id;
        final List<Integer> log;
        final CountDownLatch done;
        volatile SequenceEnd end;

        Recorder(int id, List<Integer> log, CountDownLatch done) {
            this.id = id;
            this.log = log;
            this.done = done;
        }

        @Override
        public boolean onStep(StepResult step) {
            log.add(id);
            return true;
        }

        @Override
        public void onEnd(SequenceEnd end) {
            this.end = end;
            done.countDown();
        }
    }

    private Sequence sequence(Recorder r, int tokens) {
        return new Sequence(engine, GenerationRequest.greedy(new int[] {1, 400}, tokens), r, metrics);
    }

    @Test
    void oneWorkerInterleavesActiveSequencesStepByStep() throws Exception {
        try (Scheduler s = new Scheduler(3, 0, 1)) {
            List<Integer> log = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(3);
            List<Recorder> rs = List.of(new Recorder(0, log, done), new Recorder(1, log, done), new Recorder(2, log, done));
            s.submit(rs.stream().map(r -> sequence(r, 10)).toList());
            assertTrue(done.await(10, TimeUnit.SECONDS));
            // Round-robin: every window of three consecutive steps holds each sequence once.
            for (int i = 0; i + 3 <= log.size(); i += 3) {
                assertEquals(3, log.subList(i, i + 3).stream().distinct().count(), log.toString());
            }
            for (Recorder r : rs) assertEquals(EndCause.FINISHED, r.end.cause());
            // onEnd runs on the worker just before it frees the slot: give it that moment.
            for (int i = 0; i < 100 && s.activeSequences() > 0; i++) Thread.sleep(10);
            assertEquals(0, s.activeSequences());
        }
    }

    @Test
    void admissionIsAllOrNothingAndQueuedCancelsEndAtOnce() throws Exception {
        try (Scheduler s = new Scheduler(1, 1, 1)) {
            List<Integer> log = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(2);
            Recorder a = new Recorder(0, log, done);
            Recorder b = new Recorder(1, log, done);
            Sequence sa = sequence(a, 400);
            Sequence sb = sequence(b, 400);
            s.submit(List.of(sa, sb));
            assertThrows(SchedulerRejection.class, () -> s.submit(List.of(sequence(new Recorder(2, log, done), 1))));
            s.cancel(List.of(sb), EndCause.CLIENT_GONE);
            s.cancel(List.of(sa), EndCause.TIMEOUT);
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(EndCause.CLIENT_GONE, b.end.cause());
            assertEquals(EndCause.TIMEOUT, a.end.cause());
            // onEnd runs on the worker just before it frees the slot: give it that moment.
            for (int i = 0; i < 100 && s.activeSequences() > 0; i++) Thread.sleep(10);
            assertEquals(0, s.activeSequences());
            assertEquals(0, s.queueDepth());
        }
    }

    @Test
    void shutdownRefusesNewWork() {
        Scheduler s = new Scheduler(1, 1, 1);
        s.shutdown(Duration.ofMillis(100));
        var e = assertThrows(SchedulerRejection.class, () -> s.submit(List.of()));
        assertTrue(e.shuttingDown());
    }
}
