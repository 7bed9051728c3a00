package org.mirrorsd.models;

import org.mirrorsd.models.tensor.Tensor;

/**
 * One transformer block: attention (wq, wk, wv, wo) and gated feed-forward (w1 gate, w2 down, w3 up), plus the
 * optional pieces some families have (null when absent): q/k/v biases added after the projections (qwen2),
 * per-head RMSNorm weights for q and k applied before RoPE (qwen3, gemma3), and norms applied to the attention
 * and feed-forward outputs before they join the residual stream (gemma2, gemma3). Fused tensors (phi3's
 * {@code attn_qkv}, {@code ffn_up}) arrive here already split into row views of the mapping.
 */
public record LayerWeights(float[] attnNorm, Tensor wq, Tensor wk, Tensor wv, Tensor wo,
                           float[] ffnNorm, Tensor w1, Tensor w2, Tensor w3,
                           float[] qBias, float[] kBias, float[] vBias, float[] qNorm, float[] kNorm,
                           float[] attnPostNorm, float[] ffnPostNorm) {

    /** A plain Llama block. */
    public LayerWeights(float[] attnNorm, Tensor wq, Tensor wk, Tensor wv, Tensor wo,
                        float[] ffnNorm, Tensor w1, Tensor w2, Tensor w3) {
        this(attnNorm, wq, wk, wv, wo, ffnNorm, w1, w2, w3, null, null, null, null, null, null, null);
    }

    /** Whether this block is Llama's exactly (no biases, q/k norms or post norms). */
    public boolean llamaOnly() {
        return qBias == null && kBias == null && vBias == null && qNorm == null && kNorm == null
                && attnPostNorm == null && ffnPostNorm == null;
    }

    /** Small vectors kept on the heap (norms, biases): their element count. */
    public long vectorParameters() {
        long n = attnNorm.length + ffnNorm.length;
        for (float[] v : new float[][] {qBias, kBias, vBias, qNorm, kNorm, attnPostNorm, ffnPostNorm}) {
            if (v != null) n += v.length;
        }
        return n;
    }
}
