package org.mirrorsd.decoding.speculative;

import org.mirrorsd.decoding.planning.DraftLength;
import org.mirrorsd.decoding.sampling.ConstraintCursor;
import org.mirrorsd.decoding.sampling.KeyedNoise;
import org.mirrorsd.decoding.sampling.LogitProcessor;
import org.mirrorsd.decoding.sampling.SamplingParams;
import org.mirrorsd.devices.KvCache;

/** Classic speculative decoding's proposer: a smaller model drafts up to γ tokens one by one. */
public final class DraftModelProposer implements Proposer {
    private final DraftModel draft;
    private final KvCache cache;
    private final SamplingParams sampling;
    private final KeyedNoise noise;
    private final DraftLength stop;
    private final LogitProcessor processor;

    /** @param stop when to end a window early (the planner's rule, or {@link DraftLength#FULL}) */
    public DraftModelProposer(DraftModel draft, SamplingParams sampling, KeyedNoise noise, DraftLength stop) {
        this(draft, sampling, noise, stop, LogitProcessor.NONE);
    }

    /** @param processor the request's grammar / logit bias, applied to the draft's rows as to the target's */
    public DraftModelProposer(DraftModel draft, SamplingParams sampling, KeyedNoise noise, DraftLength stop,
                              LogitProcessor processor) {
        this.processor = processor;
        this.draft = draft;
        this.cache = draft.executor().newCache(draft.executor().config().contextLength());
        this.sampling = sampling;
        this.noise = noise;
        this.stop = stop;
    }

    @Override
    public Draft propose(int[] sequence, int length, int n) {
        return propose(sequence, length, n, processor.initialState());
    }

    @Override
    public Draft propose(int[] sequence, int length, int n, int constraintState) {
        return draft.draft(cache, sequence, length, n, sampling, noise, stop, new ConstraintCursor(processor, constraintState));
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
