package org.mirrorsd.models.llama2c;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntFunction;
import org.mirrorsd.models.LayerWeights;
import org.mirrorsd.models.LlamaConfig;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.LlamaWeights;
import org.mirrorsd.models.ModelFormat;
import org.mirrorsd.models.RopeLayout;
import org.mirrorsd.models.io.MappedFile;
import org.mirrorsd.models.io.SegmentReader;
import org.mirrorsd.models.tensor.F32Tensor;
import org.mirrorsd.models.tensor.Int8GroupTensor;
import org.mirrorsd.models.tensor.Tensor;
import org.mirrorsd.models.tensor.Tensors;

/**
 * Reads Karpathy's llama2.c checkpoints: the legacy (v0) header-plus-floats file written by {@code train.py},
 * and {@code export.py}'s version 1 (fp32) and version 2 (int8, grouped scales) files.
 */
public final class Llama2cLoader {
    /** "ak42" read as a little-endian int: the magic of export.py's versioned files. */
    public static final int MAGIC = 0x616b3432;
    private static final int VERSIONED_HEADER_BYTES = 256;
    private static final float RMS_EPS = 1e-5f;
    private static final float ROPE_THETA = 10000f;

    private Llama2cLoader() {}

    /** True when the file starts like a llama2.c checkpoint (versioned magic, or a plausible legacy header). */
    public static boolean looksLike(MemorySegment head) {
        if (head.byteSize() < 28) return false;
        int first = head.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 0);
        return first == MAGIC || (first > 0 && first < (1 << 16));
    }

    public static LlamaModel load(Path path) throws IOException {
        MappedFile file = MappedFile.open(path);
        try {
            SegmentReader in = file.reader();
            int first = in.readInt("magic");
            LlamaModel model;
            if (first == MAGIC) {
                int version = in.readInt("version");
                model = switch (version) {
                    case 1 -> readVersioned(file, in, ModelFormat.LLAMA2C_V1);
                    case 2 -> readVersioned(file, in, ModelFormat.LLAMA2C_V2);
                    default -> throw in.error("unsupported llama2.c export version " + version + " (known: 1, 2)");
                };
            } else {
                in.seek(0);
                model = readLegacy(file, in);
            }
            if (in.remaining() != 0) {
                throw in.error(in.remaining() + " unexpected bytes after the last tensor: the header does not "
                        + "describe this file");
            }
            return model;
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private record Header(int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocabSize, int seqLen) {
        LlamaConfig toConfig() {
            return new LlamaConfig(dim, hiddenDim, layers, heads, kvHeads, dim / heads, vocabSize, seqLen, RMS_EPS,
                    ROPE_THETA, 1f, RopeLayout.INTERLEAVED);
        }
    }

    private static Header readHeader(SegmentReader in, boolean legacy, boolean[] sharedOut) {
        int dim = in.readInt("dim");
        int hidden = in.readInt("hidden_dim");
        int layers = in.readInt("n_layers");
        int heads = in.readInt("n_heads");
        int kvHeads = in.readInt("n_kv_heads");
        int vocab = in.readInt("vocab_size");
        int seq = in.readInt("seq_len");
        if (legacy) {
            // train.py marks an unshared classifier with a negative vocabulary size.
            sharedOut[0] = vocab > 0;
            vocab = Math.abs(vocab);
        }
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab <= 0 || seq <= 0) {
            throw in.error("implausible header (dim=" + dim + ", hidden_dim=" + hidden + ", n_layers=" + layers
                    + ", n_heads=" + heads + ", n_kv_heads=" + kvHeads + ", vocab_size=" + vocab + ", seq_len=" + seq
                    + "): not a llama2.c checkpoint");
        }
        if (dim % heads != 0) throw in.error("dim " + dim + " is not a multiple of n_heads " + heads);
        if (heads % kvHeads != 0) throw in.error("n_heads " + heads + " is not a multiple of n_kv_heads " + kvHeads);
        return new Header(dim, hidden, layers, heads, kvHeads, vocab, seq);
    }

    private static LlamaModel readLegacy(MappedFile file, SegmentReader in) {
        boolean[] shared = new boolean[1];
        Header h = readHeader(in, true, shared);
        LlamaConfig c = h.toConfig();
        int L = c.layers();
        F32Tensor embedding = f32(in, "token_embedding_table", c.vocabSize(), c.dim());
        float[][] attNorm = norms(in, "rms_att_weight", L, c.dim());
        Tensor[] wq = f32s(in, "wq", L, c.queryDim(), c.dim());
        Tensor[] wk = f32s(in, "wk", L, c.kvDim(), c.dim());
        Tensor[] wv = f32s(in, "wv", L, c.kvDim(), c.dim());
        Tensor[] wo = f32s(in, "wo", L, c.dim(), c.queryDim());
        float[][] ffnNorm = norms(in, "rms_ffn_weight", L, c.dim());
        Tensor[] w1 = f32s(in, "w1", L, c.hiddenDim(), c.dim());
        Tensor[] w2 = f32s(in, "w2", L, c.dim(), c.hiddenDim());
        Tensor[] w3 = f32s(in, "w3", L, c.hiddenDim(), c.dim());
        float[] finalNorm = norms(in, "rms_final_weight", 1, c.dim())[0];
        // Precomputed RoPE tables of old checkpoints: we compute RoPE ourselves, so skip them.
        in.slice((long) c.contextLength() * (c.headSize() / 2) * 4 * 2, "freq_cis_real/imag");
        Tensor classifier = shared[0] ? embedding : f32(in, "wcls", c.vocabSize(), c.dim());
        return assemble(file, ModelFormat.LLAMA2C_V0, c, embedding, attNorm, wq, wk, wv, wo, ffnNorm, w1, w2, w3,
                finalNorm, classifier);
    }

    private static LlamaModel readVersioned(MappedFile file, SegmentReader in, ModelFormat format) {
        boolean[] ignored = new boolean[1];
        Header h = readHeader(in, false, ignored);
        boolean shared = in.readByte("shared_classifier") != 0;
        int groupSize = format == ModelFormat.LLAMA2C_V2 ? in.readInt("group_size") : 0;
        in.seek(VERSIONED_HEADER_BYTES);
        LlamaConfig c = h.toConfig();
        int L = c.layers();
        float[][] attNorm = norms(in, "attention_norm", L, c.dim());
        float[][] ffnNorm = norms(in, "ffn_norm", L, c.dim());
        float[] finalNorm = norms(in, "norm", 1, c.dim())[0];
        WeightReader w = format == ModelFormat.LLAMA2C_V1
                ? (name, rows, cols) -> f32(in, name, rows, cols)
                : (name, rows, cols) -> int8(in, name, rows, cols, groupSize);
        Tensor embedding = w.read("tok_embeddings", c.vocabSize(), c.dim());
        Tensor[] wq = each(L, i -> w.read("layers." + i + ".wq", c.queryDim(), c.dim()));
        Tensor[] wk = each(L, i -> w.read("layers." + i + ".wk", c.kvDim(), c.dim()));
        Tensor[] wv = each(L, i -> w.read("layers." + i + ".wv", c.kvDim(), c.dim()));
        Tensor[] wo = each(L, i -> w.read("layers." + i + ".wo", c.dim(), c.queryDim()));
        Tensor[] w1 = each(L, i -> w.read("layers." + i + ".w1", c.hiddenDim(), c.dim()));
        Tensor[] w2 = each(L, i -> w.read("layers." + i + ".w2", c.dim(), c.hiddenDim()));
        Tensor[] w3 = each(L, i -> w.read("layers." + i + ".w3", c.hiddenDim(), c.dim()));
        Tensor classifier = shared ? embedding : w.read("output", c.vocabSize(), c.dim());
        return assemble(file, format, c, embedding, attNorm, wq, wk, wv, wo, ffnNorm, w1, w2, w3, finalNorm,
                classifier);
    }

    @FunctionalInterface
    private interface WeightReader {
        Tensor read(String name, int rows, int cols);
    }

    private static LlamaModel assemble(MappedFile file, ModelFormat format, LlamaConfig c, Tensor embedding,
                                       float[][] attNorm, Tensor[] wq, Tensor[] wk, Tensor[] wv, Tensor[] wo,
                                       float[][] ffnNorm, Tensor[] w1, Tensor[] w2, Tensor[] w3, float[] finalNorm,
                                       Tensor classifier) {
        LayerWeights[] layers = new LayerWeights[c.layers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new LayerWeights(attNorm[i], wq[i], wk[i], wv[i], wo[i], ffnNorm[i], w1[i], w2[i], w3[i]);
        }
        LlamaWeights weights = new LlamaWeights(embedding, layers, finalNorm, classifier, null);
        return new LlamaModel(file.path(), format, c, weights, Map.of(), file);
    }

    private static Tensor[] each(int n, IntFunction<Tensor> f) {
        Tensor[] out = new Tensor[n];
        for (int i = 0; i < n; i++) out[i] = f.apply(i);
        return out;
    }

    private static F32Tensor f32(SegmentReader in, String name, int rows, int cols) {
        return new F32Tensor(name, rows, cols, in.slice((long) rows * cols * 4, name));
    }

    /** Legacy files store each weight kind for all layers back to back. */
    private static Tensor[] f32s(SegmentReader in, String name, int layers, int rows, int cols) {
        return each(layers, i -> f32(in, "layers." + i + "." + name, rows, cols));
    }

    private static float[][] norms(SegmentReader in, String name, int count, int dim) {
        float[][] out = new float[count][];
        for (int i = 0; i < count; i++) {
            out[i] = Tensors.toFloatArray(f32(in, count == 1 ? name : "layers." + i + "." + name, 1, dim));
        }
        return out;
    }

    private static Int8GroupTensor int8(SegmentReader in, String name, int rows, int cols, int groupSize) {
        long n = (long) rows * cols;
        if (n % groupSize != 0) throw in.error("'" + name + "' has " + n + " weights, not a multiple of group size " + groupSize);
        MemorySegment q = in.slice(n, name);
        MemorySegment s = in.slice(n / groupSize * 4, name + " scales");
        return new Int8GroupTensor(name, rows, cols, q, s, groupSize);
    }
}
