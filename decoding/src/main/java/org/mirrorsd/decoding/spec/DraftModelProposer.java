package org.mirrorsd.decoding.spec;

import java.util.SplittableRandom;
import org.mirrorsd.decoding.sampling.ConstraintCursor;
import org.mirrorsd.decoding.sampling.LogitProcessor;
import org.mirrorsd.decoding.sampling.SamplingParams;
import org.mirrorsd.devices.KvCache;

/** Classic speculative decoding's proposer: a smaller model drafts γ tokens one by one. */
public final class DraftModelProposer implements Proposer {
    private final DraftModel draft;
    private final KvCache cache;
    private final SamplingParams sampling;
    private final SplittableRandom random;
    private final LogitProcessor processor;

    public DraftModelProposer(DraftModel draft, SamplingParams sampling, SplittableRandom random) {
        this(draft, sampling, random, LogitProcessor.NONE);
    }

    /** @param processor the request's grammar / logit bias, applied to the draft's rows as to the target's */
    public DraftModelProposer(DraftModel draft, SamplingParams sampling, SplittableRandom random, LogitProcessor processor) {
        this.processor = processor;
        this.draft = draft;
        this.cache = draft.executor().newCache(draft.executor().config().contextLength());
        this.sampling = sampling;
        this.random = random;
    }

    @Override
    public Draft propose(int[] sequence, int length, int n) {
        return propose(sequence, length, n, processor.initialState());
    }

    @Override
    public Draft propose(int[] sequence, int length, int n, int constraintState) {
        return draft.draft(cache, sequence, length, n, sampling, random, new ConstraintCursor(processor, constraintState));
    }

    @Override
    public void rollback(int length) {
        // Keep what matches the committed sequence, minus its last token (fed on the next proposal).
        cache.truncate(Math.min(cache.length(), Math.max(0, length - 1)));
    }

    @Override
    public void close() {
        cache.close();
    }
}
