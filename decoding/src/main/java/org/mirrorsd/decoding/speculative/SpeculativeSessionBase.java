package org.mirrorsd.decoding.speculative;

import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.SessionBase;

/** The verification step every speculative method shares, so losslessness is argued (and tested) once. */
public abstract class SpeculativeSessionBase extends SessionBase {

    protected SpeculativeSessionBase(GenerationRequest request, int vocab, int contextLength) {
        super(request, vocab, contextLength);
    }

    /**
     * Verifies {@code draft[0..n)} against target logits: row j (at {@code targetLogits[j * vocab]}) is the
     * target's prediction after the window's j-th token, so it checks draft[j]; row n gives the bonus token.
     * Commits the accepted tokens and the correction (or bonus) token; returns how many drafts were accepted.
     *
     * <p>One rule for greedy and sampling: the target picks its own token at each position exactly as plain
     * decoding would ({@link #choose}: argmax, or the draw keyed by the position) and a draft is accepted when
     * it is that token. Drafts sampled with the same keyed draw over q are coupled to it (see
     * {@link org.mirrorsd.decoding.sampling.KeyedNoise}), so the committed tokens are plain sampling's, bit for
     * bit, whatever was drafted; {@code draftProbs} is not needed for that.
     */
    protected int verifyAndCommit(int[] draft, int n, float[] targetLogits, float[][] draftProbs) {
        stats.drafted += n;
        for (int j = 0; j <= n; j++) {
            int off = j * vocab;
            int token = choose(targetLogits, off);
            boolean accepted = j < n && token == draft[j];
            if (accepted) stats.accepted++;
            if (!commit(token, targetLogits, off) || !accepted) return accepted ? j + 1 : j;
        }
        return n;
    }
}
