package org.mirrorsd.server.scheduler;

/** The scheduler refused a request: its queue is full, or the server is shutting down. */
public final class SchedulerRejection extends Exception {
    private final boolean shuttingDown;

    SchedulerRejection(String message, boolean shuttingDown) {
        super(message, null, false, false);
        this.shuttingDown = shuttingDown;
    }

    public boolean shuttingDown() { return shuttingDown; }
}
