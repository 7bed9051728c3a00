package org.mirrorsd.decoding.spec;

import org.mirrorsd.decoding.GenerationRequest;
import org.mirrorsd.decoding.SessionBase;
import org.mirrorsd.decoding.sampling.TokenDistribution;

/** The verification step every speculative method shares, so losslessness is argued (and tested) once. */
public abstract class SpeculativeSessionBase extends SessionBase {

    protected SpeculativeSessionBase(GenerationRequest request, int vocab, int contextLength) {
        super(request, vocab, contextLength);
    }

    /**
     * Verifies {@code draft[0..n)} against target logits: row j (at {@code targetLogits[j * vocab]}) is the
     * target's prediction after the window's j-th token, so it checks draft[j]; row n gives the bonus token.
     * Commits the accepted tokens and the correction (or bonus) token; returns how many drafts were accepted.
     */
    protected int verifyAndCommit(int[] draft, int n, float[] targetLogits, float[][] draftProbs) {
        stats.drafted += n;
        float[] p = sampling.isGreedy() ? null : new float[vocab];
        for (int j = 0; j <= n; j++) {
            int off = j * vocab;
            int token;
            boolean accepted;
            if (sampling.isGreedy()) {
                token = choose(targetLogits, off);
                accepted = j < n && token == draft[j];
            } else {
                distribution(targetLogits, off, p);
                if (j == n) {
                    token = TokenDistribution.sample(p, vocab, random.nextDouble());
                    accepted = false;
                } else {
                    float[] q = draftProbs == null ? null : draftProbs[j];
                    accepted = Verifier.accept(p, q, draft[j], random.nextDouble());
                    token = accepted ? draft[j] : Verifier.resample(p, q, draft[j], vocab, random.nextDouble());
                }
            }
            if (accepted) stats.accepted++;
            if (!commit(token, targetLogits, off) || !accepted) return accepted ? j + 1 : j;
        }
        return n;
    }
}
