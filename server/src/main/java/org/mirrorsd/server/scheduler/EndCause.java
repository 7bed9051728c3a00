package org.mirrorsd.server.scheduler;

/** Why a sequence left the scheduler. */
public enum EndCause {
    /** The session finished by itself (stop token, max_tokens, context full). */
    FINISHED,
    /** The listener asked to stop (a stop string matched). */
    STOPPED,
    /** The client went away. */
    CLIENT_GONE,
    /** The request ran past its deadline. */
    TIMEOUT,
    /** The server is shutting down and the grace period is over. */
    SHUTDOWN,
    /** The engine threw. */
    ERROR
}
