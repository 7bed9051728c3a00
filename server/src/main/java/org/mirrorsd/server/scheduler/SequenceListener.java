package org.mirrorsd.server.scheduler;

import org.mirrorsd.decoding.StepResult;

/** Receives a sequence's output on the decoding worker thread; must be quick and never block on the network. */
public interface SequenceListener {

    /** Tokens one step committed; return false to end the sequence now (a stop string matched). */
    boolean onStep(StepResult step);

    /**
     * Whether more output can be taken now (false: a streaming client is not reading). The scheduler parks a
     * sequence that says false after its step until it is resumed. Called on the worker; must be quick.
     */
    default boolean acceptsOutput() {
        return true;
    }

    /** Called exactly once, after the session was closed (its KV cache freed). */
    void onEnd(SequenceEnd end);
}
