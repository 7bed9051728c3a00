package org.mirrorsd.models.gguf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.mirrorsd.models.LayerWeights;
import org.mirrorsd.models.LlamaConfig;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.LlamaWeights;
import org.mirrorsd.models.ModelFormat;
import org.mirrorsd.models.RopeLayout;
import org.mirrorsd.models.tensor.Tensor;
import org.mirrorsd.models.tensor.Tensors;

/**
 * Builds a Llama model from a GGUF file: shape from {@code <arch>.*} metadata, weights as slices of the
 * mapping, each tensor's shape checked against that metadata.
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
        String arch = f.getString("general.architecture");
        if (!arch.equals("llama") && !arch.equals("mistral")) {
            throw new GgufFormatException(f.path() + ": architecture '" + arch + "' is not supported (llama, mistral)");
        }
        String p = arch + ".";
        int dim = f.getInt(p + "embedding_length");
        int heads = f.getInt(p + "attention.head_count");
        int headSize = f.getInt(p + "attention.key_length", dim / heads);
        Tensor embedding = tensor(f, "token_embd.weight", -1, dim);
        int vocab = embedding.rows();
        float scale = 1f;
        Optional<String> scalingType = f.getOptionalString(p + "rope.scaling.type");
        if (scalingType.isPresent() && scalingType.get().equals("linear")) {
            scale = f.getFloat(p + "rope.scaling.factor", 1f);
        }
        LlamaConfig c = new LlamaConfig(dim, f.getInt(p + "feed_forward_length"), f.getInt(p + "block_count"), heads,
                f.getInt(p + "attention.head_count_kv", heads), headSize, vocab, f.getInt(p + "context_length"),
                f.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f), f.getFloat(p + "rope.freq_base", 10000f),
                scale, RopeLayout.INTERLEAVED);
        LayerWeights[] layers = new LayerWeights[c.layers()];
        for (int i = 0; i < layers.length; i++) {
            String b = "blk." + i + ".";
            layers[i] = new LayerWeights(
                    Tensors.toFloatArray(tensor(f, b + "attn_norm.weight", 1, dim)),
                    tensor(f, b + "attn_q.weight", c.queryDim(), dim),
                    tensor(f, b + "attn_k.weight", c.kvDim(), dim),
                    tensor(f, b + "attn_v.weight", c.kvDim(), dim),
                    tensor(f, b + "attn_output.weight", dim, c.queryDim()),
                    Tensors.toFloatArray(tensor(f, b + "ffn_norm.weight", 1, dim)),
                    tensor(f, b + "ffn_gate.weight", c.hiddenDim(), dim),
                    tensor(f, b + "ffn_down.weight", dim, c.hiddenDim()),
                    tensor(f, b + "ffn_up.weight", c.hiddenDim(), dim));
        }
        float[] finalNorm = Tensors.toFloatArray(tensor(f, "output_norm.weight", 1, dim));
        Tensor classifier = f.findTensor("output.weight").isPresent() ? tensor(f, "output.weight", vocab, dim) : embedding;
        float[] ropeFreqs = f.findTensor("rope_freqs.weight").isPresent()
                ? Tensors.toFloatArray(tensor(f, "rope_freqs.weight", 1, headSize / 2)) : null;
        LlamaWeights w = new LlamaWeights(embedding, layers, finalNorm, classifier, ropeFreqs);
        return new LlamaModel(f.path(), ModelFormat.GGUF, c, w, f.metadata(), f);
    }

    /** The tensor {@code name} as a rows x cols matrix (rows -1: any); a mismatch names tensor and shapes. */
    private static Tensor tensor(GgufFile f, String name, int rows, int cols) {
        GgufTensorInfo t = f.tensor(name);
        long[] shape = t.shape();
        long actualCols = shape[0];
        long actualRows = 1;
        for (int i = 1; i < shape.length; i++) actualRows *= shape[i];
        if (actualCols != cols || (rows >= 0 && actualRows != rows)) {
            throw new GgufFormatException(f.path() + ": tensor '" + name + "' has shape " + java.util.Arrays.toString(shape)
                    + " but the metadata implies [" + cols + ", " + (rows < 0 ? "*" : rows) + "]");
        }
        return Tensors.of(t.type(), name, Math.toIntExact(actualRows), cols, t.data());
    }
}
