package org.mirrorsd.decoding.speculative;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One engine's count of open sessions against {@link SpecOptions#maxSpeculativeSequences}: above the limit the
 * target's passes are shared by many sequences and drafting costs more than it saves, so the engine's sessions
 * step plainly until the load drops. Sessions {@link #opened} and {@link #closed} themselves; thread-safe.
 */
public final class SpeculationLimit {
    private final int maxSequences;
    private final AtomicInteger open = new AtomicInteger();

    /** @param maxSequences the limit; 0 = always draft */
    public SpeculationLimit(int maxSequences) {
        this.maxSequences = maxSequences;
    }

    /** Whether a limit is set at all (with none, sessions always draft). */
    public boolean isSet() { return maxSequences > 0; }

    public void opened() { open.incrementAndGet(); }

    public void closed() { open.decrementAndGet(); }

    /** Whether sessions should step without drafts now. */
    public boolean exceeded() {
        return maxSequences > 0 && open.get() > maxSequences;
    }
}
