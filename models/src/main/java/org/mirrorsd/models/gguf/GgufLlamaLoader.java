package org.mirrorsd.models.gguf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.mirrorsd.models.Architecture;
import org.mirrorsd.models.Architecture.SlidingWindow;
import org.mirrorsd.models.LayerWeights;
import org.mirrorsd.models.LlamaConfig;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.LlamaWeights;
import org.mirrorsd.models.ModelFormat;
import org.mirrorsd.models.tensor.Tensor;

/**
 * Builds a model of any architecture in {@link GgufArchitecture#ALL} from a GGUF file: shape and options from
 * {@code <arch>.*} metadata, weights as slices of the mapping, each tensor's shape checked against that
 * metadata, and every tensor of the file accounted for.
 */
public final class GgufLlamaLoader {
    private GgufLlamaLoader() {}

    public static LlamaModel load(Path path) throws IOException {
        GgufFile gguf = GgufFile.open(path);
        try {
            return load(gguf);
        } catch (RuntimeException e) {
            gguf.close();
            throw e;
        }
    }

    public static LlamaModel load(GgufFile f) {
        GgufArchitecture spec = GgufArchitecture.of(f.getString("general.architecture"), f.path());
        String p = spec.name() + ".";
        int dim = f.getInt(p + "embedding_length");
        int heads = f.getInt(p + "attention.head_count");
        int headSize = f.getInt(p + "attention.key_length", dim / heads);
        int valueSize = f.getInt(p + "attention.value_length", headSize);
        if (valueSize != headSize) {
            throw new GgufFormatException(f.path() + ": " + p + "attention.value_length " + valueSize
                    + " differs from key_length " + headSize + " (not supported)");
        }
        int ropeDims = f.getInt(p + "rope.dimension_count", headSize);
        if (ropeDims != headSize) {
            throw new GgufFormatException(f.path() + ": " + p + "rope.dimension_count " + ropeDims
                    + " rotates part of a head of " + headSize + " (partial RoPE is not supported)");
        }
        TensorClaims t = new TensorClaims(f, spec.name());
        Tensor embedding = t.matrix("token_embd.weight", -1, dim);
        int vocab = embedding.rows();
        int context = f.getInt(p + "context_length");
        float ropeTheta = f.getFloat(p + "rope.freq_base", 10000f);
        float ropeScale = ropeScale(f, p);
        LlamaConfig c = new LlamaConfig(dim, f.getInt(p + "feed_forward_length"), f.getInt(p + "block_count"), heads,
                f.getInt(p + "attention.head_count_kv", heads), headSize, vocab, context,
                f.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f), ropeTheta, ropeScale, spec.ropeLayout(),
                architecture(f, spec, dim, heads, ropeTheta, ropeScale));
        LayerWeights[] layers = new LayerWeights[c.layers()];
        for (int i = 0; i < layers.length; i++) layers[i] = layer(t, spec, c, "blk." + i + ".");
        float[] finalNorm = t.vector("output_norm.weight", dim);
        Tensor output = t.optionalMatrix("output.weight", vocab, dim);
        LlamaWeights w = new LlamaWeights(embedding, layers, finalNorm, output != null ? output : embedding,
                ropeFactors(f, t, p, headSize / 2, context));
        t.requireAllClaimed();
        return new LlamaModel(f.path(), ModelFormat.GGUF, c, w, f.metadata(), f);
    }

    private static LayerWeights layer(TensorClaims t, GgufArchitecture spec, LlamaConfig c, String b) {
        int dim = c.dim(), qDim = c.queryDim(), kvDim = c.kvDim(), hidden = c.hiddenDim();
        Tensor wq, wk, wv, gate, up;
        if (spec.fusedQkv() && t.has(b + "attn_qkv.weight")) {
            Tensor[] qkv = t.split(b + "attn_qkv.weight", dim, new String[] {"q", "k", "v"}, qDim, kvDim, kvDim);
            wq = qkv[0];
            wk = qkv[1];
            wv = qkv[2];
        } else {
            wq = t.matrix(b + "attn_q.weight", qDim, dim);
            wk = t.matrix(b + "attn_k.weight", kvDim, dim);
            wv = t.matrix(b + "attn_v.weight", kvDim, dim);
        }
        if (spec.fusedGateUp()) {
            Tensor[] gu = t.split(b + "ffn_up.weight", dim, new String[] {"gate", "up"}, hidden, hidden);
            gate = gu[0];
            up = gu[1];
        } else {
            gate = t.matrix(b + "ffn_gate.weight", hidden, dim);
            up = t.matrix(b + "ffn_up.weight", hidden, dim);
        }
        float[] qBias = null, kBias = null, vBias = null;
        if (spec.qkvBias() == GgufArchitecture.Need.REQUIRED) {
            qBias = t.vector(b + "attn_q.bias", qDim);
            kBias = t.vector(b + "attn_k.bias", kvDim);
            vBias = t.vector(b + "attn_v.bias", kvDim);
        } else if (spec.qkvBias() == GgufArchitecture.Need.OPTIONAL) {
            qBias = t.optionalVector(b + "attn_q.bias", qDim);
            kBias = t.optionalVector(b + "attn_k.bias", kvDim);
            vBias = t.optionalVector(b + "attn_v.bias", kvDim);
        }
        return new LayerWeights(
                t.vector(b + "attn_norm.weight", dim), wq, wk, wv, t.matrix(b + "attn_output.weight", dim, qDim),
                t.vector(b + "ffn_norm.weight", dim), gate, t.matrix(b + "ffn_down.weight", dim, hidden), up,
                qBias, kBias, vBias,
                spec.qkNorm() ? t.vector(b + "attn_q_norm.weight", c.headSize()) : null,
                spec.qkNorm() ? t.vector(b + "attn_k_norm.weight", c.headSize()) : null,
                spec.postNorms() ? t.vector(b + "post_attention_norm.weight", dim) : null,
                spec.postNorms() ? t.vector(b + "post_ffw_norm.weight", dim) : null);
    }

    /** The linear position scale: {@code rope.scaling.factor} for linear and yarn, legacy {@code rope.scale_linear}. */
    private static float ropeScale(GgufFile f, String p) {
        String type = f.getOptionalString(p + "rope.scaling.type").orElse("none");
        return switch (type) {
            case "none" -> f.getFloat(p + "rope.scale_linear", 1f);
            case "linear", "yarn" -> f.getFloat(p + "rope.scaling.factor", 1f);
            case "longrope" -> 1f; // the factors are tensors (rope_factors_long/short)
            default -> throw new GgufFormatException(f.path() + ": " + p + "rope.scaling.type '" + type
                    + "' is not supported (none, linear, yarn, longrope)");
        };
    }

    private static Architecture architecture(GgufFile f, GgufArchitecture spec, int dim, int heads, float ropeTheta,
                                             float ropeScale) {
        String p = spec.name() + ".";
        int layers = f.getInt(p + "block_count");
        float attentionScale = f.getFloat(p + "attention.scale", 0f);
        if (attentionScale == 0f && spec.gemma() && layers == (spec.name().equals("gemma2") ? 46 : 62)) {
            // Gemma's 27B models scale queries by 1/sqrt(dim / heads), not 1/sqrt(headSize); GGUF has no key for it.
            attentionScale = (float) (1.0 / Math.sqrt(dim / (double) heads));
        }
        boolean gemma2 = spec.name().equals("gemma2");
        SlidingWindow window = SlidingWindow.NONE;
        if (spec.swaPattern() > 0) {
            boolean gemma3 = spec.name().equals("gemma3");
            int size = gemma3 ? f.getInt(p + "attention.sliding_window")
                    : f.getInt(p + "attention.sliding_window", 4096); // llama.cpp's default for gemma2
            window = new SlidingWindow(size, spec.swaPattern(),
                    f.getFloat(p + "rope.freq_base_swa", gemma3 ? 10000f : ropeTheta), gemma3 ? 1f : ropeScale);
        }
        Architecture.Yarn yarn = null;
        if (f.getOptionalString(p + "rope.scaling.type").filter("yarn"::equals).isPresent()) {
            yarn = new Architecture.Yarn(f.getInt(p + "rope.scaling.original_context_length"), 1f,
                    f.getFloat(p + "rope.scaling.yarn_beta_fast", 32f), f.getFloat(p + "rope.scaling.yarn_beta_slow", 1f));
        }
        return new Architecture(spec.name(), spec.activation(), spec.gemma() ? (float) Math.sqrt(dim) : 1f,
                attentionScale, gemma2 ? f.getFloat(p + "attn_logit_softcapping", 50f) : 0f,
                gemma2 ? f.getFloat(p + "final_logit_softcapping", 30f) : 0f, window,
                f.getFloat(p + "rope.scaling.attn_factor", 1f), yarn);
    }

    /**
     * Per-pair RoPE frequency divisors: Llama 3.1's {@code rope_freqs}, or Phi-3's LongRoPE pair, of which
     * llama.cpp takes the long factors when the context exceeds the original one.
     */
    private static float[] ropeFactors(GgufFile f, TensorClaims t, String p, int pairs, int context) {
        float[] freqs = t.optionalVector("rope_freqs.weight", pairs);
        float[] shortFactors = t.optionalVector("rope_factors_short.weight", pairs);
        float[] longFactors = t.optionalVector("rope_factors_long.weight", pairs);
        if (shortFactors == null && longFactors == null) return freqs;
        Optional<Integer> original = f.has(p + "rope.scaling.original_context_length")
                ? Optional.of(f.getInt(p + "rope.scaling.original_context_length")) : Optional.empty();
        boolean useLong = longFactors != null && (shortFactors == null || original.isEmpty() || context > original.get());
        return useLong ? longFactors : shortFactors;
    }
}
