package org.mirrorsd.models;

/**
 * What differs between model families beyond their shape, read once from {@code general.architecture} and the
 * {@code <arch>.*} metadata (as llama.cpp's llama-arch / llama-model do), so the forward pass is one pass with
 * options instead of a copy per family. Which tensors a layer has (biases, q/k norms, post norms) is in
 * {@link LayerWeights}; RoPE's layout and linear scale are in {@link LlamaConfig}.
 *
 * @param name             the GGUF architecture name ("llama", "qwen3", "gemma2", ...)
 * @param activation       the gate activation of the feed-forward block: down(act(gate) * up)
 * @param embeddingScale   factor applied to the embedding row before layer 0 (gemma: sqrt(dim))
 * @param attentionScale   factor of q.k in attention scores; 0 means 1 / sqrt(headSize)
 * @param attentionSoftcap c in c * tanh(score / c) applied to attention scores before the mask; 0 = none
 * @param finalSoftcap     the same for the final logits; 0 = none
 * @param slidingWindow    local-attention layers and their RoPE base, or {@link SlidingWindow#NONE}
 * @param ropeAttnFactor   multiplies RoPE's cos and sin (llama.cpp's attn_factor; Phi-3 LongRoPE writes it)
 * @param yarn             YaRN RoPE scaling, or null
 */
public record Architecture(String name, Activation activation, float embeddingScale, float attentionScale,
                           float attentionSoftcap, float finalSoftcap, SlidingWindow slidingWindow,
                           float ropeAttnFactor, Yarn yarn) {

    public enum Activation {
        /** SwiGLU: silu(gate) * up. */
        SILU,
        /** GeGLU with the tanh approximation of GELU, as llama.cpp computes it (gemma). */
        GELU_TANH
    }

    /**
     * Sliding-window attention: layer {@code il} is local when {@code il % pattern < pattern - 1} (llama.cpp's
     * swa pattern: gemma2 every other layer, gemma3 five of six); the query at p sees keys p' with
     * p - window < p' <= p. Local layers use their own RoPE base and scale.
     */
    public record SlidingWindow(int window, int pattern, float ropeTheta, float ropeScale) {
        public static final SlidingWindow NONE = new SlidingWindow(0, 1, 0f, 1f);

        public SlidingWindow {
            if (window < 0 || pattern < 1) throw new IllegalArgumentException("bad sliding window " + window + "/" + pattern);
        }

        public boolean isLocal(int layer) {
            return window > 0 && layer % pattern < pattern - 1;
        }

        public boolean any() { return window > 0 && pattern > 1; }
    }

    /**
     * YaRN (ggml's rope_yarn): frequencies blended between interpolated and extrapolated by a ramp over the
     * dimension pairs, and cos/sin scaled by 1 + 0.1 ln(factor).
     */
    public record Yarn(int originalContext, float extFactor, float betaFast, float betaSlow) {}

    /** Plain Llama: SwiGLU, no scaling, caps or windows. */
    public static Architecture llama() {
        return new Architecture("llama", Activation.SILU, 1f, 0f, 0f, 0f, SlidingWindow.NONE, 1f, null);
    }

    public Architecture {
        if (name == null || activation == null || slidingWindow == null) throw new IllegalArgumentException("incomplete architecture");
    }

    /**
     * The features of this architecture Llama's forward pass lacks, for refusal messages; empty when it is Llama's
     * pass exactly (what the CUDA and ONNX executors implement). Not a getter: configs are serialized (ONNX sidecar).
     */
    public String nonLlamaFeatures() {
        StringBuilder s = new StringBuilder();
        if (activation != Activation.SILU) s.append(", ").append(activation).append(" feed-forward");
        if (embeddingScale != 1f) s.append(", scaled embeddings");
        if (attentionScale != 0f) s.append(", query pre-attention scale");
        if (attentionSoftcap != 0f) s.append(", attention soft-capping");
        if (finalSoftcap != 0f) s.append(", final logit soft-capping");
        if (slidingWindow.window() > 0) s.append(", sliding-window layers");
        return s.isEmpty() ? "" : s.substring(2);
    }
}
