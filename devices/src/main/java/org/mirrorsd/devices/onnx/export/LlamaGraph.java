package org.mirrorsd.devices.onnx.export;

import static org.mirrorsd.devices.onnx.export.OnnxGraph.BOOL;
import static org.mirrorsd.devices.onnx.export.OnnxGraph.FLOAT;
import static org.mirrorsd.devices.onnx.export.OnnxGraph.INT64;

import java.util.List;
import org.mirrorsd.devices.RopeTable;
import org.mirrorsd.devices.onnx.export.OnnxGraph.Attribute;
import org.mirrorsd.devices.onnx.export.OnnxGraph.Dim;
import org.mirrorsd.devices.onnx.export.OnnxGraph.IntAttribute;
import org.mirrorsd.devices.onnx.export.OnnxGraph.IntsAttribute;
import org.mirrorsd.devices.onnx.export.OnnxGraph.ValueInfo;
import org.mirrorsd.models.LayerWeights;
import org.mirrorsd.models.LlamaConfig;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.RopeLayout;
import org.mirrorsd.models.tensor.Tensor;

/**
 * The Llama decoder as an ONNX graph of standard (ai.onnx, opset 17) operators, with the Hugging Face
 * Optimum decoder-with-past interface:
 * <pre>
 *   inputs   input_ids [batch, seq] int64, attention_mask [batch, past+seq] int64, position_ids [batch, seq] int64,
 *            past_key_values.N.key / .value [batch, kv_heads, past, head_size] float
 *   outputs  logits [batch, seq, vocab], present.N.key / .value [batch, kv_heads, past+seq, head_size]
 * </pre>
 * Per block: RMSNorm (Mul, ReduceMean, Add, Sqrt, Div, Mul), Q/K/V MatMuls, RoPE from cos/sin tables
 * gathered by position_ids (Reshape to pairs, Split, Mul/Sub/Add, Concat), Concat with the past K/V, GQA by
 * Unsqueeze+Expand+Reshape of the KV heads, MatMul, scale, additive mask, Softmax, MatMul, output
 * projection and residual Add; then SwiGLU (MatMul, Sigmoid, Mul, MatMul) and residual Add.
 *
 * <p>The additive mask is causal over the concatenated key index (past keys are positions 0..past-1 of the
 * sequence) and also hides keys whose attention_mask is 0, so rows with shorter pasts can be left-padded
 * into one batch. RoPE angles come from position_ids, so a padded row still rotates by its true positions.
 * Weights are stored transposed ([in, out]) so every projection is a plain MatMul.
 */
final class LlamaGraph {
    private static final float MASKED = -1e9f; // finite: some EPs mishandle -inf, and exp(-1e9 - max) is 0 anyway

    private final LlamaModel model;
    private final LlamaConfig c;
    private final GraphBuilder g = new GraphBuilder();
    private String cos;
    private String sin;
    private String mask;

    private LlamaGraph(LlamaModel model) {
        this.model = model;
        this.c = model.config();
    }

    static OnnxGraph build(LlamaModel model) {
        return new LlamaGraph(model).build();
    }

    static String pastKey(int layer) { return "past_key_values." + layer + ".key"; }

    static String pastValue(int layer) { return "past_key_values." + layer + ".value"; }

    static String presentKey(int layer) { return "present." + layer + ".key"; }

    static String presentValue(int layer) { return "present." + layer + ".value"; }

    private OnnxGraph build() {
        declareInputs();
        constants();
        buildMask();
        buildRopeTables();
        String embedding = g.floats("model.embed_tokens.weight", new long[] {c.vocabSize(), c.dim()},
                () -> rows(model.weights().tokenEmbedding()));
        String x = g.op("embed", "Gather", List.of(new IntAttribute("axis", 0)), embedding, "input_ids");
        for (int l = 0; l < c.layers(); l++) x = block(l, x);
        String normed = rmsNorm("final_norm", x, model.weights().finalNorm());
        String classifier;
        if (model.weights().classifier() == model.weights().tokenEmbedding()) {
            // Tied weights: transpose the embedding in the graph instead of storing it twice.
            classifier = g.op("lm_head.weight_t", "Transpose", List.of(ints("perm", 1, 0)), embedding);
        } else {
            classifier = transposed("lm_head.weight_t", model.weights().classifier());
        }
        g.op("logits", "MatMul", normed, classifier);
        declareOutputs();
        return g.build(model.name());
    }

    private void declareInputs() {
        g.input(new ValueInfo("input_ids", INT64, List.of(Dim.of("batch_size"), Dim.of("sequence_length"))));
        g.input(new ValueInfo("attention_mask", INT64, List.of(Dim.of("batch_size"), Dim.of("total_sequence_length"))));
        g.input(new ValueInfo("position_ids", INT64, List.of(Dim.of("batch_size"), Dim.of("sequence_length"))));
        for (int l = 0; l < c.layers(); l++) {
            g.input(kvInfo(pastKey(l), "past_sequence_length"));
            g.input(kvInfo(pastValue(l), "past_sequence_length"));
        }
    }

    private void declareOutputs() {
        g.output(new ValueInfo("logits", FLOAT, List.of(Dim.of("batch_size"), Dim.of("sequence_length"), Dim.of(c.vocabSize()))));
        for (int l = 0; l < c.layers(); l++) {
            g.output(kvInfo(presentKey(l), "total_sequence_length"));
            g.output(kvInfo(presentValue(l), "total_sequence_length"));
        }
    }

    private ValueInfo kvInfo(String name, String lengthParam) {
        return new ValueInfo(name, FLOAT, List.of(Dim.of("batch_size"), Dim.of(c.kvHeads()), Dim.of(lengthParam), Dim.of(c.headSize())));
    }

    private void constants() {
        g.scalar("const.zero_i64", 0L);
        g.scalar("const.one_i64", 1L);
        g.int64s("const.axes_0", 0);
        g.int64s("const.axes_1", 1);
        g.int64s("const.axes_1_2", 1, 2);
        g.int64s("const.axes_2", 2);
        g.scalar("const.zero_f", 0f);
        g.scalar("const.masked_f", MASKED);
        g.scalar("const.rms_eps", c.rmsEps());
        g.scalar("const.attn_scale", (float) (1.0 / Math.sqrt(c.headSize())));
        int pairs = c.headSize() / 2;
        boolean interleaved = c.ropeLayout() == RopeLayout.INTERLEAVED;
        for (int heads : new int[] {c.heads(), c.kvHeads()}) {
            String suffix = "_" + heads;
            if (!g.has("const.rope_split_shape" + suffix)) { // heads == kvHeads: shared
                g.int64s("const.rope_split_shape" + suffix, interleaved ? new long[] {0, 0, heads, pairs, 2} : new long[] {0, 0, heads, 2, pairs});
                g.int64s("const.heads_shape" + suffix, 0, 0, heads, c.headSize());
            }
        }
        g.int64s("const.merge_heads_shape", 0, 0, c.queryDim());
        g.int64s("const.kv_repeat", 1, 1, c.kvGroup(), 1, 1);
        g.int64s("const.kv_repeated_shape", 0, c.heads(), -1, c.headSize());
    }

    /** [batch, 1, seq, total] additive mask: 0 where a query may see a key, MASKED elsewhere. */
    private void buildMask() {
        String seqLen = g.op("mask.seq_len", "Gather", List.of(new IntAttribute("axis", 0)),
                g.op("mask.ids_shape", "Shape", "input_ids"), "const.one_i64");
        String total = g.op("mask.total_len", "Gather", List.of(new IntAttribute("axis", 0)),
                g.op("mask.mask_shape", "Shape", "attention_mask"), "const.one_i64");
        String past = g.op("mask.past_len", "Sub", total, seqLen);
        String keyIndex = g.op("mask.key_index", "Range", "const.zero_i64", total, "const.one_i64");
        String queryIndex = g.op("mask.query_index", "Range", past, total, "const.one_i64");
        String causal = g.op("mask.causal", "LessOrEqual",
                g.op("mask.key_row", "Unsqueeze", keyIndex, "const.axes_0"),
                g.op("mask.query_column", "Unsqueeze", queryIndex, "const.axes_1"));
        String keep = g.op("mask.keep", "Unsqueeze",
                g.op("mask.keep_2d", "Cast", List.of(new IntAttribute("to", BOOL)), "attention_mask"), "const.axes_1_2");
        String allowed = g.op("mask.allowed", "And", causal, keep);
        mask = g.op("mask.additive", "Where", allowed, "const.zero_f", "const.masked_f");
    }

    /** cos/sin for every row's positions, shaped to broadcast over [batch, seq, heads, (pairs, 2) or (2, pairs)]. */
    private void buildRopeTables() {
        RopeTable table = new RopeTable(c, model.weights().ropeFreqFactors());
        long[] dims = {c.contextLength(), table.pairs()};
        String cosTable = g.floats("rope.cos_table", dims, table::cosTable);
        String sinTable = g.floats("rope.sin_table", dims, table::sinTable);
        String axes = g.int64s("const.rope_axes", c.ropeLayout() == RopeLayout.INTERLEAVED ? new long[] {2, 4} : new long[] {2, 3});
        List<Attribute> axis0 = List.of(new IntAttribute("axis", 0));
        cos = g.op("rope.cos", "Unsqueeze", g.op("rope.cos_rows", "Gather", axis0, cosTable, "position_ids"), axes);
        sin = g.op("rope.sin", "Unsqueeze", g.op("rope.sin_rows", "Gather", axis0, sinTable, "position_ids"), axes);
    }

    private String block(int l, String x) {
        LayerWeights w = model.weights().layers()[l];
        String p = "l" + l + ".";
        String h = rmsNorm(p + "attn_norm", x, w.attnNorm());
        String q = g.op(p + "q", "MatMul", h, transposed(p + "wq_t", w.wq()));
        String k = g.op(p + "k", "MatMul", h, transposed(p + "wk_t", w.wk()));
        String v = g.op(p + "v", "MatMul", h, transposed(p + "wv_t", w.wv()));
        List<Attribute> toHeadsFirst = List.of(ints("perm", 0, 2, 1, 3));
        String qHeads = g.op(p + "q_heads", "Transpose", toHeadsFirst, rope(p + "q", q, c.heads()));
        String kNew = g.op(p + "k_heads", "Transpose", toHeadsFirst, rope(p + "k", k, c.kvHeads()));
        String vNew = g.op(p + "v_heads", "Transpose", toHeadsFirst,
                g.op(p + "v_split", "Reshape", v, "const.heads_shape_" + c.kvHeads()));
        List<Attribute> alongSequence = List.of(new IntAttribute("axis", 2));
        String keys = g.op(presentKey(l), "Concat", alongSequence, pastKey(l), kNew);
        String values = g.op(presentValue(l), "Concat", alongSequence, pastValue(l), vNew);
        keys = repeatKvHeads(p + "k", keys);
        values = repeatKvHeads(p + "v", values);

        String scores = g.op(p + "scores", "MatMul", qHeads,
                g.op(p + "k_t", "Transpose", List.of(ints("perm", 0, 1, 3, 2)), keys));
        String scaled = g.op(p + "scores_scaled", "Mul", scores, "const.attn_scale");
        String masked = g.op(p + "scores_masked", "Add", scaled, mask);
        String probs = g.op(p + "probs", "Softmax", List.of(new IntAttribute("axis", 3)), masked);
        String context = g.op(p + "context", "MatMul", probs, values);
        String merged = g.op(p + "context_merged", "Reshape",
                g.op(p + "context_t", "Transpose", toHeadsFirst, context), "const.merge_heads_shape");
        String attnOut = g.op(p + "attn_out", "MatMul", merged, transposed(p + "wo_t", w.wo()));
        x = g.op(p + "attn_residual", "Add", x, attnOut);

        String f = rmsNorm(p + "ffn_norm", x, w.ffnNorm());
        String gate = g.op(p + "gate", "MatMul", f, transposed(p + "w1_t", w.w1()));
        String up = g.op(p + "up", "MatMul", f, transposed(p + "w3_t", w.w3()));
        String silu = g.op(p + "silu", "Mul", gate, g.op(p + "gate_sigmoid", "Sigmoid", gate));
        String down = g.op(p + "down", "MatMul", g.op(p + "swiglu", "Mul", silu, up), transposed(p + "w2_t", w.w2()));
        return g.op(p + "ffn_residual", "Add", x, down);
    }

    /** [batch, seq, heads*head_size] -> rotated [batch, seq, heads, head_size]. */
    private String rope(String p, String x, int heads) {
        boolean interleaved = c.ropeLayout() == RopeLayout.INTERLEAVED;
        int axis = interleaved ? 4 : 3;
        String split = g.op(p + "_pairs", "Reshape", x, "const.rope_split_shape_" + heads);
        String[] halves = g.ops(new String[] {p + "_x0", p + "_x1"}, "Split", List.of(new IntAttribute("axis", axis)), split);
        String x0 = halves[0], x1 = halves[1];
        String y0 = g.op(p + "_y0", "Sub", g.op(p + "_x0cos", "Mul", x0, cos), g.op(p + "_x1sin", "Mul", x1, sin));
        String y1 = g.op(p + "_y1", "Add", g.op(p + "_x0sin", "Mul", x0, sin), g.op(p + "_x1cos", "Mul", x1, cos));
        String joined = g.op(p + "_rotated", "Concat", List.of(new IntAttribute("axis", axis)), y0, y1);
        return g.op(p + "_rope", "Reshape", joined, "const.heads_shape_" + heads);
    }

    /** [batch, kv_heads, len, hs] -> [batch, heads, len, hs]: query head h reads kv head h / group. */
    private String repeatKvHeads(String p, String kv) {
        if (c.kvGroup() == 1) return kv;
        String expanded = g.op(p + "_repeat", "Expand", g.op(p + "_unsqueezed", "Unsqueeze", kv, "const.axes_2"), "const.kv_repeat");
        return g.op(p + "_all_heads", "Reshape", expanded, "const.kv_repeated_shape");
    }

    /** x / sqrt(mean(x^2) + eps) * weight, over the last axis, like llama2.c's rmsnorm. */
    private String rmsNorm(String p, String x, float[] weight) {
        String w = g.floats(p + ".weight", new long[] {weight.length}, weight::clone);
        String meanSquare = g.op(p + "_mean_square", "ReduceMean", List.of(ints("axes", -1), new IntAttribute("keepdims", 1)),
                g.op(p + "_square", "Mul", x, x));
        String rms = g.op(p + "_rms", "Sqrt", g.op(p + "_mean_square_eps", "Add", meanSquare, "const.rms_eps"));
        return g.op(p, "Mul", g.op(p + "_normalized", "Div", x, rms), w);
    }

    /** A [rows=out, cols=in] weight stored as [in, out], dequantised when written. */
    private String transposed(String name, Tensor t) {
        return g.floats(name, new long[] {t.cols(), t.rows()}, () -> {
            int rows = t.rows(), cols = t.cols();
            float[] out = new float[rows * cols];
            float[] row = new float[cols];
            for (int o = 0; o < rows; o++) {
                t.readRow(o, row, 0);
                for (int i = 0; i < cols; i++) out[i * rows + o] = row[i];
            }
            return out;
        });
    }

    private static float[] rows(Tensor t) {
        float[] out = new float[t.rows() * t.cols()];
        for (int r = 0; r < t.rows(); r++) t.readRow(r, out, r * t.cols());
        return out;
    }

    private static IntsAttribute ints(String name, long... values) {
        return new IntsAttribute(name, values);
    }
}
