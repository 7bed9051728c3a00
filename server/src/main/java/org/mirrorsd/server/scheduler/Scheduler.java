package org.mirrorsd.server.scheduler;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes sequences on its own worker threads, never on a Netty event loop. At most {@code maxActive}
 * sequences hold a KV cache at a time; up to {@code maxQueue} more wait in FIFO order. Active sequences sit in
 * a ready ring: a worker takes the head, runs one step and puts it back at the tail, so every active request
 * progresses step by step (round-robin) and one long generation cannot starve the others. When the head's engine
 * can fuse steps, the worker takes its share of the ready sequences of that engine (all of them when it is the
 * only worker) and steps them as one batch (continuous batching): sequences join and leave batches between
 * steps, as they arrive and finish. A sequence whose listener cannot take more output (a client that stopped
 * reading) is parked after its step, out of the ring, until {@link #resume} brings it back: it keeps its slot but
 * costs no work, and its output stops growing.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    private final IntConsumer onStep;
    private final int maxActive;
    private final int maxQueue;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    private final ArrayDeque<Sequence> ready = new ArrayDeque<>();
    private final List<Thread> workers = new ArrayList<>();
    /** Sequences holding a slot: in the ready ring or being stepped by a worker. */
    private final Set<Sequence> active = new HashSet<>();
    /** Active sequences out of the ring until their listener takes output again. */
    private final Set<Sequence> parked = new HashSet<>();
    private boolean accepting = true;
    private boolean stopped;

    public Scheduler(int maxActive, int maxQueue, int workerCount) {
        this(maxActive, maxQueue, workerCount, sequences -> { });
    }

    /** @param onStep told the number of sequences of every step a worker runs (more than one when fused) */
    public Scheduler(int maxActive, int maxQueue, int workerCount, IntConsumer onStep) {
        this.onStep = onStep;
        if (maxActive < 1 || maxQueue < 0 || workerCount < 1) {
            throw new IllegalArgumentException("maxActive >= 1, maxQueue >= 0 and workers >= 1 required");
        }
        this.maxActive = maxActive;
        this.maxQueue = maxQueue;
        for (int i = 0; i < workerCount; i++) {
            Thread t = Thread.ofPlatform().name("decode-" + i).daemon(true).unstarted(this::work);
            workers.add(t);
            t.start();
        }
    }

    /**
     * Admits all of a request's sequences or none: they may take free slots at once, the rest must fit in
     * the queue.
     */
    public void submit(List<Sequence> sequences) throws SchedulerRejection {
        lock.lock();
        try {
            if (!accepting) throw new SchedulerRejection("the server is shutting down", true);
            int free = maxActive - active.size();
            if (sequences.size() > free + maxQueue - waiting.size()) {
                throw new SchedulerRejection("the request queue is full (" + waiting.size() + " waiting)", false);
            }
            waiting.addAll(sequences);
            promote();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Cancels sequences; those still queued leave the queue (and are ended) now, active ones within a step. */
    public void cancel(List<Sequence> sequences, EndCause cause) {
        List<Sequence> dropped = new ArrayList<>();
        lock.lock();
        try {
            for (Sequence s : sequences) {
                s.cancel(cause);
                if (waiting.remove(s)) dropped.add(s);
                else if (parked.remove(s)) ready.addLast(s); // a worker ends it within a step
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        // Outside the lock: ending notifies listeners, which write to channels.
        for (Sequence s : dropped) endQuietly(s, cause);
    }

    /** Puts parked sequences back in the ready ring (their client reads again); others are left alone. */
    public void resume(List<Sequence> sequences) {
        lock.lock();
        try {
            boolean any = false;
            for (Sequence s : sequences) {
                if (parked.remove(s)) {
                    ready.addLast(s);
                    any = true;
                }
            }
            if (any) changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public int queueDepth() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    public int activeSequences() {
        lock.lock();
        try {
            return active.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops accepting work, lets queued and active sequences finish until {@code grace} has passed, then
     * cancels what is left and waits (briefly) for the workers to close those sessions.
     */
    public void shutdown(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        lock.lock();
        try {
            accepting = false;
            while (active.size() + waiting.size() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) break;
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        List<Sequence> leftOver = new ArrayList<>();
        lock.lock();
        try {
            if (active.size() + waiting.size() > 0) {
                log.warn("shutdown grace of {} is over: cancelling {} active and {} queued sequences",
                        grace, active.size(), waiting.size());
            }
            leftOver.addAll(waiting);
            waiting.clear();
            active.forEach(s -> s.cancel(EndCause.SHUTDOWN));
            ready.addAll(parked);
            parked.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (Sequence s : leftOver) endQuietly(s, EndCause.SHUTDOWN);
        awaitIdle(Duration.ofSeconds(5));
        close();
    }

    private void awaitIdle(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        lock.lock();
        try {
            while (!active.isEmpty() && deadline - System.nanoTime() > 0) {
                changed.awaitNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the workers at once (sequences not yet ended are abandoned): use {@link #shutdown} to drain. */
    @Override
    public void close() {
        lock.lock();
        try {
            accepting = false;
            stopped = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        while (true) {
            List<Sequence> group;
            lock.lock();
            try {
                while (ready.isEmpty() && !stopped) changed.awaitUninterruptibly();
                if (stopped) return;
                group = takeGroup();
            } finally {
                lock.unlock();
            }
            boolean[] done;
            try {
                done = group.size() == 1 ? new boolean[] {group.getFirst().runStep()} : Sequence.runTogether(group);
                onStep.accept(group.size());
            } catch (RuntimeException e) {
                // Sequence contains engine failures; this is a listener bug. Drop the sequences, keep serving.
                log.error("sequence failed outside the engine", e);
                done = new boolean[group.size()];
                Arrays.fill(done, true);
            }
            lock.lock();
            try {
                for (int i = 0; i < group.size(); i++) {
                    Sequence s = group.get(i);
                    if (done[i]) {
                        active.remove(s);
                    } else if (!s.isCancelled() && !s.acceptsOutput()) {
                        // Checked under the lock, as resume() runs under it: a listener that turns ready after
                        // this check finds the sequence parked and resumes it.
                        parked.add(s);
                    } else {
                        ready.addLast(s);
                    }
                }
                promote();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * The head of the ready ring, plus the other ready sequences of its engine when that engine fuses steps:
     * they are stepped together as one batch (continuous batching). Call with the lock held.
     */
    private List<Sequence> takeGroup() {
        Sequence head = ready.poll();
        int limit = head.engine().maxFusedSessions();
        if (limit > 1) {
            // A fair share, so every worker (each with its executor threads) gets a batch to run.
            int sameEngine = 1;
            for (Sequence s : ready) if (s.engine() == head.engine()) sameEngine++;
            limit = Math.min(limit, (sameEngine + workers.size() - 1) / workers.size());
        }
        List<Sequence> group = new ArrayList<>(Math.min(limit, ready.size() + 1));
        group.add(head);
        for (var it = ready.iterator(); it.hasNext() && group.size() < limit; ) {
            Sequence s = it.next();
            if (s.engine() == head.engine()) {
                group.add(s);
                it.remove();
            }
        }
        return group;
    }

    /** Moves queued sequences into free slots. Call with the lock held. */
    private void promote() {
        while (active.size() < maxActive && !waiting.isEmpty()) {
            Sequence s = waiting.poll();
            active.add(s);
            // A sequence cancelled while queued takes a slot only long enough for a worker to end it.
            ready.addLast(s);
        }
    }

    private static void endQuietly(Sequence s, EndCause cause) {
        try {
            s.endUnstarted(cause);
        } catch (RuntimeException e) {
            log.error("ending a queued sequence failed", e);
        }
    }
}
