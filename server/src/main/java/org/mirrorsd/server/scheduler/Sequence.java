package org.mirrorsd.server.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.mirrorsd.decoding.DecodingEngine;
import org.mirrorsd.decoding.DecodingSession;
import org.mirrorsd.decoding.DecodingStats;
import org.mirrorsd.decoding.FinishReason;
import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.StepResult;
import org.mirrorsd.server.metrics.ServerMetrics;

/**
 * One generation in the scheduler. Only the worker that holds it touches the session; other threads may only
 * {@link #cancel} it, which the worker honours before its next step (so a cancelled session is closed within
 * one step).
 */
public final class Sequence {
    private final DecodingEngine engine;
    private final GenerationRequest request;
    private final SequenceListener listener;
    private final ServerMetrics metrics;
    private final long submittedNanos = System.nanoTime();
    private final AtomicReference<EndCause> cancelled = new AtomicReference<>();
    private DecodingSession session;
    private long lastTokenNanos;
    private boolean ended;

    public Sequence(DecodingEngine engine, GenerationRequest request, SequenceListener listener, ServerMetrics metrics) {
        this.engine = engine;
        this.request = request;
        this.listener = listener;
        this.metrics = metrics;
    }

    /** Asks the sequence to end; the first cause wins. Safe from any thread. */
    public void cancel(EndCause cause) {
        cancelled.compareAndSet(null, cause);
    }

    boolean isCancelled() { return cancelled.get() != null; }

    DecodingEngine engine() { return engine; }

    /** Whether the listener can take more output now; false parks the sequence (see the scheduler). */
    boolean acceptsOutput() { return listener.acceptsOutput(); }

    /** Runs one step on the calling worker; returns true when the sequence has ended. */
    boolean runStep() {
        if (!ready()) return true;
        StepResult step;
        try {
            step = session.step();
        } catch (RuntimeException | Error e) {
            end(EndCause.ERROR, FinishReason.CANCELLED, e);
            return true;
        }
        return deliver(step);
    }

    /**
     * Runs one step of each sequence (all of one engine) with their forward passes fused (continuous batching).
     * Returns, for each, whether it has ended. A failure of the fused step ends every sequence in it.
     */
    static boolean[] runTogether(List<Sequence> group) {
        boolean[] ended = new boolean[group.size()];
        List<Integer> live = new ArrayList<>(group.size());
        List<DecodingSession> sessions = new ArrayList<>(group.size());
        for (int i = 0; i < group.size(); i++) {
            Sequence s = group.get(i);
            if (s.ready()) {
                live.add(i);
                sessions.add(s.session);
            } else {
                ended[i] = true;
            }
        }
        if (live.isEmpty()) return ended;
        List<StepResult> steps;
        try {
            steps = group.get(live.getFirst()).engine.stepTogether(sessions);
        } catch (RuntimeException | Error e) {
            for (int i : live) {
                group.get(i).end(EndCause.ERROR, FinishReason.CANCELLED, e);
                ended[i] = true;
            }
            return ended;
        }
        for (int j = 0; j < live.size(); j++) ended[live.get(j)] = group.get(live.get(j)).deliver(steps.get(j));
        return ended;
    }

    /** Ends a cancelled sequence, opens the session on the first step: true when there is a step to run. */
    private boolean ready() {
        EndCause cause = cancelled.get();
        if (cause != null) {
            end(cause, FinishReason.CANCELLED, null);
            return false;
        }
        if (session != null) return true;
        try {
            session = engine.open(request);
            return true;
        } catch (RuntimeException | Error e) {
            end(EndCause.ERROR, FinishReason.CANCELLED, e);
            return false;
        }
    }

    /** Hands a step's tokens to the listener; returns true when the sequence has now ended. */
    private boolean deliver(StepResult step) {
        try {
            recordLatency(step);
            if (!listener.onStep(step)) {
                end(EndCause.STOPPED, FinishReason.STOP, null);
                return true;
            }
            if (session.finished()) {
                end(EndCause.FINISHED, session.finishReason(), null);
                return true;
            }
            return false;
        } catch (RuntimeException | Error e) {
            end(EndCause.ERROR, FinishReason.CANCELLED, e);
            return true;
        }
    }

    /** Ends a sequence that never reached a worker (cancelled in the queue, or refused at shutdown). */
    void endUnstarted(EndCause cause) {
        end(cause, FinishReason.CANCELLED, null);
    }

    private void recordLatency(StepResult step) {
        if (step.size() == 0) return;
        long now = System.nanoTime();
        if (lastTokenNanos == 0) {
            metrics.timeToFirstToken(now - submittedNanos);
            // A speculative step commits several tokens at once: count each as arriving together.
            for (int i = 1; i < step.size(); i++) metrics.interTokenLatency(0);
        } else {
            long perToken = (now - lastTokenNanos) / step.size();
            for (int i = 0; i < step.size(); i++) metrics.interTokenLatency(perToken);
        }
        lastTokenNanos = now;
    }

    private void end(EndCause cause, FinishReason reason, Throwable error) {
        if (ended) return;
        ended = true;
        DecodingStats stats = new DecodingStats();
        if (session != null) {
            try {
                session.close();
            } finally {
                stats = session.stats();
                metrics.session(stats);
            }
        }
        listener.onEnd(new SequenceEnd(cause, reason, stats, error));
    }
}
