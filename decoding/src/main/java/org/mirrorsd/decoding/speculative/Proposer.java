package org.mirrorsd.decoding.speculative;

/**
 * Makes draft tokens for one session. The session tells it what was committed; a proposer with model state
 * (a draft KV cache) keeps that state in step with the committed sequence.
 */
public interface Proposer extends AutoCloseable {

    /** Up to {@code n} tokens continuing {@code sequence[0..length)} (may return fewer, or none). */
    Draft propose(int[] sequence, int length, int n);

    /**
     * As above, with the request's logit-processor state after {@code sequence[0..length)}: a model proposer
     * masks its draft with it. Others ignore it (the verifier rejects what the constraint forbids).
     */
    default Draft propose(int[] sequence, int length, int n, int constraintState) {
        return propose(sequence, length, n);
    }

    /** The committed sequence is now {@code sequence[0..length)}: drop any state past it. */
    void rollback(int length);

    @Override
    void close();
}
