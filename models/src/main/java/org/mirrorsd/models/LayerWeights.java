package org.mirrorsd.models;

import org.mirrorsd.models.tensor.Tensor;

/** One transformer block: attention (wq, wk, wv, wo) and SwiGLU feed-forward (w1 gate, w2 down, w3 up). */
public record LayerWeights(float[] attnNorm, Tensor wq, Tensor wk, Tensor wv, Tensor wo,
                           float[] ffnNorm, Tensor w1, Tensor w2, Tensor w3) {
}
