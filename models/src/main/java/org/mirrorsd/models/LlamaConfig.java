package org.mirrorsd.models;

/**
 * The shape of a Llama-family decoder, all of it read from the model file's metadata.
 *
 * @param dim            width of the residual stream
 * @param hiddenDim      width of the SwiGLU feed-forward layer
 * @param layers         number of transformer blocks
 * @param heads          query heads
 * @param kvHeads        key/value heads (fewer than heads for grouped-query attention)
 * @param headSize       width of one head (usually dim / heads)
 * @param vocabSize      rows of the embedding and classifier
 * @param contextLength  positions the model was trained for: the KV cache's capacity
 * @param rmsEps         RMSNorm epsilon
 * @param ropeTheta      RoPE base frequency
 * @param ropeScale      linear RoPE position scaling (1 = none)
 * @param ropeLayout     which dimensions RoPE rotates together
 * @param arch           what else differs from Llama's forward pass (activation, caps, windows, ...)
 */
public record LlamaConfig(int dim, int hiddenDim, int layers, int heads, int kvHeads, int headSize, int vocabSize,
                          int contextLength, float rmsEps, float ropeTheta, float ropeScale, RopeLayout ropeLayout,
                          Architecture arch) {

    /** A plain Llama shape (llama2.c files, tests). */
    public LlamaConfig(int dim, int hiddenDim, int layers, int heads, int kvHeads, int headSize, int vocabSize,
                       int contextLength, float rmsEps, float ropeTheta, float ropeScale, RopeLayout ropeLayout) {
        this(dim, hiddenDim, layers, heads, kvHeads, headSize, vocabSize, contextLength, rmsEps, ropeTheta, ropeScale,
                ropeLayout, Architecture.llama());
    }

    public LlamaConfig {
        require(dim > 0, "dim must be positive: " + dim);
        require(hiddenDim > 0, "hidden_dim must be positive: " + hiddenDim);
        require(layers > 0, "n_layers must be positive: " + layers);
        require(heads > 0 && kvHeads > 0, "head counts must be positive: " + heads + "/" + kvHeads);
        require(heads % kvHeads == 0, "n_heads " + heads + " is not a multiple of n_kv_heads " + kvHeads);
        require(headSize > 0 && headSize % 2 == 0, "head size must be positive and even: " + headSize);
        require(vocabSize > 0, "vocab_size must be positive: " + vocabSize);
        require(contextLength > 0, "context length must be positive: " + contextLength);
        if (arch == null) arch = Architecture.llama(); // configs serialized before architectures existed (ONNX sidecars)
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    public int queryDim() { return heads * headSize; }

    public int kvDim() { return kvHeads * headSize; }

    /** Query heads that share one key/value head. */
    public int kvGroup() { return heads / kvHeads; }

    /** The factor of q.k in attention scores. */
    public float attentionScale() {
        return arch.attentionScale() != 0f ? arch.attentionScale() : (float) (1.0 / Math.sqrt(headSize));
    }

    public LlamaConfig withContextLength(int n) {
        return new LlamaConfig(dim, hiddenDim, layers, heads, kvHeads, headSize, vocabSize, n, rmsEps, ropeTheta,
                ropeScale, ropeLayout, arch);
    }
}
