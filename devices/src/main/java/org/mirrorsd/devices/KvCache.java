package org.mirrorsd.devices;

/**
 * The keys and values one sequence has written, for every layer, at positions {@code [0, length())}.
 *
 * <p>Speculative decoding leans on two operations: {@link #truncate} throws away the positions of rejected
 * draft tokens, and {@link #fork} starts a branch that shares everything written so far (copy-on-write, so a
 * fork costs a table copy, not the cache). Each fork must be closed when dropped so its memory can be reused.
 * A cache belongs to the executor that made it, and is used by one thread at a time.
 */
public interface KvCache extends AutoCloseable {

    /** Positions written so far; the next token goes at this position. */
    int length();

    /** The most positions this cache can hold (the model's context length unless configured lower). */
    int capacity();

    /** Forgets every position at or after {@code newLength}. */
    void truncate(int newLength);

    /** A new cache holding the same positions, sharing their memory until either side writes over them. */
    KvCache fork();

    /** Releases this cache's memory; the cache must not be used afterwards. */
    @Override
    void close();
}
