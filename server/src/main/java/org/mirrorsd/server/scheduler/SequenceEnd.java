package org.mirrorsd.server.scheduler;

import org.mirrorsd.decoding.DecodingStats;
import org.mirrorsd.decoding.FinishReason;

/**
 * How a sequence ended.
 *
 * @param finishReason the session's own reason, or STOP when a stop string ended it; CANCELLED otherwise
 * @param stats        the session's counters (empty when it never started)
 * @param error        what the engine threw, for {@link EndCause#ERROR}
 */
public record SequenceEnd(EndCause cause, FinishReason finishReason, DecodingStats stats, Throwable error) {

    public boolean completed() {
        return cause == EndCause.FINISHED || cause == EndCause.STOPPED;
    }
}
