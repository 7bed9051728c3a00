package org.mirrorsd.models.scale;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.mirrorsd.models.LayerWeights;
import org.mirrorsd.models.LlamaConfig;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.gguf.GgufArchitecture;
import org.mirrorsd.models.gguf.GgufWriter;
import org.mirrorsd.models.tensor.GgmlType;
import org.mirrorsd.models.tensor.Tensor;

/**
 * A function-preserving enlargement of a real model, so speed can be measured at realistic sizes while the
 * output stays what the real model generates.
 *
 * <p>The real weights sit in the leading block of each wider matrix. Everything added is random but cannot
 * reach the residual stream: the output projections of added heads and hidden units, and of whole added
 * layers, are zero, as are the rows that would write the added residual dimensions; so those dimensions stay
 * zero. RMSNorm weights are multiplied by sqrt(d/D) and epsilon by d/D, which makes the norm over the wider,
 * zero-padded vector exactly the original one. Head size and grouped-query ratio are kept (RoPE frequencies
 * depend on the head size). Added layers are interleaved: real layer i sits at {@link #realLayerIndex}.
 */
public final class ModelScaler {
    private static final float RANDOM_SCALE = 0.02f;

    /** Target shape. {@code heads} must keep the original head size; kv heads follow the original group size. */
    public record Shape(int dim, int hiddenDim, int layers, int heads) {}

    private ModelScaler() {}

    public static int realLayerIndex(int realLayer, int realLayers, int layers) {
        return (int) ((long) realLayer * layers / realLayers);
    }

    public static LlamaConfig scaledConfig(LlamaConfig c, Shape s) {
        if (s.dim() < c.dim() || s.hiddenDim() < c.hiddenDim() || s.layers() < c.layers() || s.heads() < c.heads()) {
            throw new IllegalArgumentException("the scaled shape must be at least the original in every dimension");
        }
        if (s.dim() % s.heads() != 0 || s.dim() / s.heads() != c.headSize()) {
            throw new IllegalArgumentException("dim/heads must keep the original head size " + c.headSize()
                    + " (e.g. --heads " + s.dim() / c.headSize() + ")");
        }
        if (s.heads() % c.kvGroup() != 0) {
            throw new IllegalArgumentException("heads must be a multiple of the original GQA group " + c.kvGroup());
        }
        return new LlamaConfig(s.dim(), s.hiddenDim(), s.layers(), s.heads(), s.heads() / c.kvGroup(), c.headSize(),
                c.vocabSize(), c.contextLength(), c.rmsEps() * c.dim() / s.dim(), c.ropeTheta(), c.ropeScale(),
                c.ropeLayout());
    }

    /**
     * Writes the scaled model as GGUF ({@code type} F32 or Q8_0), in the input's own architecture: its optional
     * pieces (q/k/v biases padded with zeros, per-head q/k norms as they are, post norms rescaled like the other
     * norms, fused QKV and gate|up) are written the way that family's files hold them.
     */
    public static void writeGguf(LlamaModel model, Shape shape, GgmlType type, long seed, Path out) throws IOException {
        if (type != GgmlType.F32 && type != GgmlType.Q8_0) throw new IllegalArgumentException("type must be f32 or q8_0");
        LlamaConfig c = model.config();
        String arch = c.arch().name();
        GgufArchitecture spec = GgufArchitecture.of(arch, model.path());
        LlamaConfig n = scaledConfig(c, shape);
        float normScale = (float) Math.sqrt((double) c.dim() / n.dim());
        boolean tied = model.weights().classifier() == model.weights().tokenEmbedding();
        // Gemma multiplies embeddings by sqrt(dim): store them divided by the change so layer 0 sees the same
        // input; a tied classifier then reads them scaled too, which the final norm's weight undoes.
        float embeddingScale = c.arch().embeddingScale() != 1f ? normScale : 1f;
        float finalNormScale = tied ? normScale / embeddingScale : normScale;
        String p = arch + ".";
        GgufWriter w = new GgufWriter();
        keepMetadata(model, w);
        w.put("general.architecture", arch)
                // The input's own name is kept: llama.cpp reads meaning into it (a "phi3" in a Phi-3 file's name
                // makes it look for Phi-3's end-of-turn token).
                .put("general.name", model.metadata().getOrDefault("general.name", model.name() + "-scaled-" + n.dim() + "x" + n.layers()))
                .put("general.file_type", type == GgmlType.F32 ? 0 : 7)
                .put(p + "context_length", n.contextLength())
                .put(p + "embedding_length", n.dim())
                .put(p + "block_count", n.layers())
                .put(p + "feed_forward_length", n.hiddenDim())
                .put(p + "attention.head_count", n.heads())
                .put(p + "attention.head_count_kv", n.kvHeads())
                .put(p + "rope.dimension_count", n.headSize())
                .put(p + "rope.freq_base", n.ropeTheta())
                .put(p + "attention.layer_norm_rms_epsilon", n.rmsEps())
                .put("mirrorsd.scaled_from", model.path().getFileName().toString())
                .put("mirrorsd.real_layers", c.layers());
        // Embedding: real block, zeros in the added residual dimensions. The classifier stays tied to it.
        w.tensor("token_embd.weight", new long[] {n.dim(), n.vocabSize()}, type,
                matrix(model.weights().tokenEmbedding(), embeddingScale, n.vocabSize(), n.dim(), Fill.ZERO, Fill.ZERO, type, seed));
        if (!tied) {
            w.tensor("output.weight", new long[] {n.dim(), n.vocabSize()}, type,
                    matrix(model.weights().classifier(), 1f, n.vocabSize(), n.dim(), Fill.RANDOM, Fill.RANDOM, type, seed + 1));
        }
        // Sliding-window families pick local and global layers by index: real layers keep theirs, added ones follow.
        boolean keepIndices = c.arch().slidingWindow().any();
        for (int i = 0; i < n.layers(); i++) {
            int real = -1;
            for (int r = 0; r < c.layers(); r++) {
                if ((keepIndices ? r : realLayerIndex(r, c.layers(), n.layers())) == i) real = r;
            }
            LayerWeights lw = real >= 0 ? model.weights().layers()[real] : null;
            String b = "blk." + i + ".";
            long s = seed * 1000 + i * 16L;
            w.tensor(b + "attn_norm.weight", new long[] {n.dim()}, GgmlType.F32, norm(lw == null ? null : lw.attnNorm(), n.dim(), normScale, s));
            w.tensor(b + "ffn_norm.weight", new long[] {n.dim()}, GgmlType.F32, norm(lw == null ? null : lw.ffnNorm(), n.dim(), normScale, s + 1));
            // Inputs read anything (added residual dims are zero anyway); outputs must not leak.
            GgufWriter.TensorData q = matrix(lw == null ? null : lw.wq(), 1f, n.queryDim(), n.dim(), Fill.RANDOM, Fill.RANDOM, type, s + 2);
            GgufWriter.TensorData k = matrix(lw == null ? null : lw.wk(), 1f, n.kvDim(), n.dim(), Fill.RANDOM, Fill.RANDOM, type, s + 3);
            GgufWriter.TensorData v = matrix(lw == null ? null : lw.wv(), 1f, n.kvDim(), n.dim(), Fill.RANDOM, Fill.RANDOM, type, s + 4);
            if (spec.fusedQkv()) {
                w.tensor(b + "attn_qkv.weight", new long[] {n.dim(), n.queryDim() + 2L * n.kvDim()}, type, stacked(q, k, v));
            } else {
                w.tensor(b + "attn_q.weight", new long[] {n.dim(), n.queryDim()}, type, q);
                w.tensor(b + "attn_k.weight", new long[] {n.dim(), n.kvDim()}, type, k);
                w.tensor(b + "attn_v.weight", new long[] {n.dim(), n.kvDim()}, type, v);
            }
            w.tensor(b + "attn_output.weight", new long[] {n.queryDim(), n.dim()}, type,
                    matrix(lw == null ? null : lw.wo(), 1f, n.dim(), n.queryDim(), Fill.ZERO, Fill.ZERO, type, s + 5));
            GgufWriter.TensorData gate = matrix(lw == null ? null : lw.w1(), 1f, n.hiddenDim(), n.dim(), Fill.RANDOM, Fill.RANDOM, type, s + 6);
            GgufWriter.TensorData up = matrix(lw == null ? null : lw.w3(), 1f, n.hiddenDim(), n.dim(), Fill.RANDOM, Fill.RANDOM, type, s + 7);
            if (spec.fusedGateUp()) {
                w.tensor(b + "ffn_up.weight", new long[] {n.dim(), 2L * n.hiddenDim()}, type, stacked(gate, up));
            } else {
                w.tensor(b + "ffn_gate.weight", new long[] {n.dim(), n.hiddenDim()}, type, gate);
                w.tensor(b + "ffn_up.weight", new long[] {n.dim(), n.hiddenDim()}, type, up);
            }
            w.tensor(b + "ffn_down.weight", new long[] {n.hiddenDim(), n.dim()}, type,
                    matrix(lw == null ? null : lw.w2(), 1f, n.dim(), n.hiddenDim(), Fill.ZERO, Fill.ZERO, type, s + 8));
            if (spec.qkvBias() != GgufArchitecture.Need.NONE && (spec.qkvBias() == GgufArchitecture.Need.REQUIRED
                    || model.weights().layers()[0].qBias() != null)) {
                w.tensor(b + "attn_q.bias", new long[] {n.queryDim()}, GgmlType.F32, padded(lw == null ? null : lw.qBias(), n.queryDim()));
                w.tensor(b + "attn_k.bias", new long[] {n.kvDim()}, GgmlType.F32, padded(lw == null ? null : lw.kBias(), n.kvDim()));
                w.tensor(b + "attn_v.bias", new long[] {n.kvDim()}, GgmlType.F32, padded(lw == null ? null : lw.vBias(), n.kvDim()));
            }
            if (spec.qkNorm()) { // per head, and the head size is kept: as they are (ones for added layers)
                float[] ones = new float[n.headSize()];
                java.util.Arrays.fill(ones, 1f);
                w.tensor(b + "attn_q_norm.weight", new long[] {n.headSize()}, GgmlType.F32, padded(lw == null ? ones : lw.qNorm(), n.headSize()));
                w.tensor(b + "attn_k_norm.weight", new long[] {n.headSize()}, GgmlType.F32, padded(lw == null ? ones : lw.kNorm(), n.headSize()));
            }
            if (spec.postNorms()) {
                w.tensor(b + "post_attention_norm.weight", new long[] {n.dim()}, GgmlType.F32, norm(lw == null ? null : lw.attnPostNorm(), n.dim(), normScale, s + 9));
                w.tensor(b + "post_ffw_norm.weight", new long[] {n.dim()}, GgmlType.F32, norm(lw == null ? null : lw.ffnPostNorm(), n.dim(), normScale, s + 10));
            }
        }
        w.tensor("output_norm.weight", new long[] {n.dim()}, GgmlType.F32, norm(model.weights().finalNorm(), n.dim(), finalNormScale, seed + 7));
        float[] ropeFreqs = model.weights().ropeFreqFactors();
        if (ropeFreqs != null) { // head size is kept, so the per-pair factors apply unchanged
            w.tensor("rope_freqs.weight", new long[] {ropeFreqs.length}, GgmlType.F32, o -> { for (float f : ropeFreqs) o.putFloat(f); });
        }
        w.write(out);
    }

    /** Fused tensors (phi3's attn_qkv and gate|up ffn_up): the parts' rows one after the other. */
    private static GgufWriter.TensorData stacked(GgufWriter.TensorData... parts) {
        return out -> { for (GgufWriter.TensorData part : parts) part.write(out); };
    }

    /** A vector (bias, per-head norm) with zeros after the real values. */
    private static GgufWriter.TensorData padded(float[] real, int n) {
        return out -> { for (int i = 0; i < n; i++) out.putFloat(real != null && i < real.length ? real[i] : 0f); };
    }

    /** Keys the scaler writes itself; every other key of the input is copied, so tokenizer, chat template and
     * rope scaling survive (llama.cpp needs the tokenizer to load the scaled file for a side-by-side run). */
    private static final java.util.Set<String> REWRITTEN = java.util.Set.of("general.architecture", "general.name",
            "general.file_type", "context_length", "embedding_length", "block_count", "feed_forward_length",
            "attention.head_count", "attention.head_count_kv", "rope.dimension_count", "rope.freq_base",
            "attention.layer_norm_rms_epsilon");

    private static void keepMetadata(LlamaModel model, GgufWriter w) {
        String arch = String.valueOf(model.metadata().getOrDefault("general.architecture", "llama"));
        for (var e : model.metadata().entrySet()) {
            String key = e.getKey();
            String local = key.startsWith(arch + ".") ? key.substring(arch.length() + 1) : key;
            if (REWRITTEN.contains(key) || REWRITTEN.contains(local) || key.startsWith("split.")) continue;
            Object v = e.getValue();
            if (v.getClass() == Object[].class) continue; // arrays of arrays: no llama key uses them
            if (v instanceof Long l && l >= 0 && l <= 0xFFFF_FFFFL) v = new GgufWriter.U32(l); // read back from uint32
            w.put(key, v);
        }
    }

    /** What fills the matrix outside the real block: extra columns of real rows, and whole extra rows. */
    private enum Fill { ZERO, RANDOM }

    private static GgufWriter.TensorData norm(float[] real, int dim, float scale, long seed) {
        return out -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int i = 0; i < dim; i++) {
                out.putFloat(real != null && i < real.length ? real[i] * scale : 0.5f + (float) rnd.nextDouble());
            }
        };
    }

    /**
     * rows x cols with the real tensor (if any) in the leading block. For an added layer (real == null) the
     * whole matrix follows {@code extraRows} (ZERO for output projections, so the layer adds nothing).
     */
    private static GgufWriter.TensorData matrix(Tensor real, float realScale, int rows, int cols, Fill extraCols,
                                                Fill extraRows, GgmlType type, long seed) {
        return out -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                boolean realRow = real != null && r < real.rows();
                for (int k = 0; k < cols; k++) {
                    Fill f;
                    if (real == null) f = extraRows;
                    else if (realRow) f = k < real.cols() ? null : extraCols;
                    else f = extraRows;
                    row[k] = f == null ? 0f : f == Fill.ZERO ? 0f : (float) rnd.nextGaussian() * RANDOM_SCALE;
                }
                if (realRow) {
                    real.readRow(r, row, 0);
                    if (realScale != 1f) for (int k = 0; k < real.cols(); k++) row[k] *= realScale;
                }
                put(out, row, type);
            }
        };
    }

    private static void put(ByteBuffer out, float[] row, GgmlType type) {
        if (type == GgmlType.F32) {
            for (float v : row) out.putFloat(v);
            return;
        }
        // Q8_0: per block of 32, scale = max|x| / 127 as f16, then round(x / scale).
        for (int b = 0; b < row.length; b += 32) {
            float amax = 0;
            for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(row[b + i]));
            float d = amax / 127f;
            short dh = Float.floatToFloat16(d);
            float dq = Float.float16ToFloat(dh);
            out.putShort(dh);
            for (int i = 0; i < 32; i++) {
                out.put((byte) (dq == 0 ? 0 : Math.round(row[b + i] / dq)));
            }
        }
    }
}
