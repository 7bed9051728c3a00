package org.mirrorsd.decoding;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Steps several sessions whose step is "prepare a window of tokens, one target pass over it, use its logits"
 * with a single fused target pass for all of them (continuous batching). Each session does its own work before
 * and after the pass exactly as it would alone, in the same order, so its tokens, log-probabilities and random
 * draws do not change.
 */
public final class FusedSteps {
    /** Most sessions one fused step takes; the server's concurrency limit usually caps it first. */
    public static final int MAX_SESSIONS = 32;

    private FusedSteps() {}

    /** A session that can take part in a fused step. */
    public interface Participant {
        /** Opens the step (prefilling on the first): false when the session has finished. */
        boolean begin();

        /** Writes this step's tokens into {@link #window()} and returns how many; 0 when there is nothing to feed. */
        int prepare();

        int[] window();

        SequenceRunner runner();

        /** The pass over the prepared window is done (it took {@code passNanos}): use its logits. */
        void complete(long passNanos);

        /** Closes the step: the tokens it committed. */
        StepResult end();
    }

    public static List<StepResult> step(List<? extends Participant> sessions, FusedForward fused) {
        boolean[] began = new boolean[sessions.size()];
        List<Participant> feeding = new ArrayList<>(sessions.size());
        List<SequenceRunner> runners = new ArrayList<>(sessions.size());
        List<int[]> windows = new ArrayList<>(sessions.size());
        int[] counts = new int[sessions.size()];
        for (int i = 0; i < sessions.size(); i++) {
            Participant s = sessions.get(i);
            began[i] = s.begin();
            if (!began[i]) continue;
            int n = s.prepare();
            if (n > 0) {
                counts[feeding.size()] = n;
                feeding.add(s);
                runners.add(s.runner());
                windows.add(s.window());
            }
        }
        if (!feeding.isEmpty()) {
            long nanos = fused.run(runners, windows, counts);
            for (Participant s : feeding) s.complete(nanos);
        }
        List<StepResult> results = new ArrayList<>(sessions.size());
        for (int i = 0; i < sessions.size(); i++) results.add(began[i] ? sessions.get(i).end() : StepResult.EMPTY);
        return results;
    }

    /** The sessions as {@code type}, refusing any opened by another engine. */
    public static <S extends Participant> List<S> ours(List<? extends DecodingSession> sessions, Class<S> type,
                                                        Predicate<S> ownedHere) {
        if (sessions.size() > MAX_SESSIONS) {
            throw new IllegalArgumentException(sessions.size() + " sessions, at most " + MAX_SESSIONS + " fuse");
        }
        List<S> out = new ArrayList<>(sessions.size());
        for (DecodingSession s : sessions) {
            if (!type.isInstance(s) || !ownedHere.test(type.cast(s))) {
                throw new IllegalArgumentException("a session of another engine cannot join this one's batch");
            }
            out.add(type.cast(s));
        }
        return out;
    }
}
