package org.mirrorsd.models;

import org.mirrorsd.models.tensor.Tensor;

/**
 * All weights of a Llama model.
 *
 * @param ropeFreqFactors per-pair divisors of the RoPE frequencies (Llama 3.1 style {@code rope_freqs}), or null
 */
public record LlamaWeights(Tensor tokenEmbedding, LayerWeights[] layers, float[] finalNorm, Tensor classifier,
                           float[] ropeFreqFactors) {

    /** Bytes streamed from memory for one token: every layer plus the classifier (embedding is one row). */
    public long bytesPerToken() {
        long total = classifier.byteSize();
        for (LayerWeights l : layers) {
            total += l.wq().byteSize() + l.wk().byteSize() + l.wv().byteSize() + l.wo().byteSize()
                    + l.w1().byteSize() + l.w2().byteSize() + l.w3().byteSize();
        }
        return total;
    }
}
