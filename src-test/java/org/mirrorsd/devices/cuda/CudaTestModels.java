package org.mirrorsd.devices.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.mirrorsd.models.LayerWeights;
import org.mirrorsd.models.LlamaConfig;
import org.mirrorsd.models.LlamaModel;
import org.mirrorsd.models.LlamaWeights;
import org.mirrorsd.models.RopeLayout;
import org.mirrorsd.models.tensor.F16Tensor;
import org.mirrorsd.models.tensor.F32Tensor;
import org.mirrorsd.models.tensor.Q8_0Tensor;
import org.mirrorsd.models.tensor.Tensor;

/**
 * Executors and model variants for the CUDA tests. Every test runs on two devices: {@code sim} (the executor on
 * {@link SimGpu}, always) and {@code cuda} (a real GPU, skipped when {@link CudaExecutor#available()} is false).
 */
final class CudaTestModels {
    private CudaTestModels() {}

    static Stream<String> devices() {
        return Stream.of("sim", "cuda");
    }

    static CudaExecutor open(String device, LlamaModel model) {
        if (device.equals("cuda")) {
            assumeTrue(CudaExecutor.available(), "no CUDA device: " + CudaExecutor.unavailableReason());
            return CudaExecutor.open(model);
        }
        return new CudaExecutor(model, new SimGpu());
    }

    /** The same model with every matrix passed through {@code convert} (a shared tensor stays shared). */
    static LlamaModel convert(LlamaModel m, Function<Tensor, Tensor> convert) {
        Map<Tensor, Tensor> done = new IdentityHashMap<>();
        Function<Tensor, Tensor> once = t -> done.computeIfAbsent(t, convert);
        LlamaWeights w = m.weights();
        LayerWeights[] layers = new LayerWeights[w.layers().length];
        for (int l = 0; l < layers.length; l++) {
            LayerWeights lw = w.layers()[l];
            layers[l] = new LayerWeights(lw.attnNorm(), once.apply(lw.wq()), once.apply(lw.wk()), once.apply(lw.wv()),
                    once.apply(lw.wo()), lw.ffnNorm(), once.apply(lw.w1()), once.apply(lw.w2()), once.apply(lw.w3()));
        }
        LlamaWeights nw = new LlamaWeights(once.apply(w.tokenEmbedding()), layers, w.finalNorm(),
                once.apply(w.classifier()), w.ropeFreqFactors());
        return new LlamaModel(m.path(), m.format(), m.config(), nw, m.metadata(), () -> {});
    }

    /** The same weights read with the other RoPE pairing (a different but well-defined model). */
    static LlamaModel halfSplit(LlamaModel m) {
        LlamaConfig c = m.config();
        LlamaConfig hc = new LlamaConfig(c.dim(), c.hiddenDim(), c.layers(), c.heads(), c.kvHeads(), c.headSize(),
                c.vocabSize(), c.contextLength(), c.rmsEps(), c.ropeTheta(), c.ropeScale(), RopeLayout.HALF_SPLIT);
        return new LlamaModel(m.path(), m.format(), hc, m.weights(), m.metadata(), () -> {});
    }

    /** Any tensor widened to F32 (its exact dequantised values). */
    static Tensor toF32(Tensor t) {
        MemorySegment data = Arena.ofAuto().allocate(4L * t.size());
        float[] row = new float[t.cols()];
        for (int r = 0; r < t.rows(); r++) {
            t.readRow(r, row, 0);
            MemorySegment.copy(row, 0, data, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * r * t.cols(), t.cols());
        }
        return new F32Tensor(t.name(), t.rows(), t.cols(), data);
    }

    static Tensor toF16(Tensor t) {
        MemorySegment data = Arena.ofAuto().allocate(2L * t.size());
        for (long i = 0; i < t.size(); i++) {
            data.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2 * i,
                    Float.floatToFloat16(t.getFloat(i)));
        }
        return new F16Tensor(t.name(), t.rows(), t.cols(), data);
    }

    /** GGML Q8_0 (scale = max |w| / 127 per 32 weights); tensors whose rows are not a multiple of 32 stay as they are. */
    static Tensor toQ8_0(Tensor t) {
        if (t.cols() % Q8_0Tensor.BLOCK != 0) return t;
        long blocks = t.size() / Q8_0Tensor.BLOCK;
        MemorySegment data = Arena.ofAuto().allocate(blocks * Q8_0Tensor.BLOCK_BYTES);
        for (long b = 0; b < blocks; b++) {
            float max = 0;
            for (int i = 0; i < 32; i++) max = Math.max(max, Math.abs(t.getFloat(b * 32 + i)));
            short scaleBits = Float.floatToFloat16(max / 127f);
            float scale = Float.float16ToFloat(scaleBits);
            long off = b * Q8_0Tensor.BLOCK_BYTES;
            data.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), off, scaleBits);
            for (int i = 0; i < 32; i++) {
                int q = scale == 0 ? 0 : Math.round(t.getFloat(b * 32 + i) / scale);
                data.set(ValueLayout.JAVA_BYTE, off + 2 + i, (byte) Math.max(-127, Math.min(127, q)));
            }
        }
        return new Q8_0Tensor(t.name(), t.rows(), t.cols(), data);
    }
}
