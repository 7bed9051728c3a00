package org.mirrorsd.models.tensor;

import java.lang.foreign.MemorySegment;

/** Builds the tensor class of a GGML type. */
public final class Tensors {
    private Tensors() {}

    public static Tensor of(GgmlType type, String name, int rows, int cols, MemorySegment data) {
        return switch (type) {
            case F32 -> new F32Tensor(name, rows, cols, data);
            case F16 -> new F16Tensor(name, rows, cols, data);
            case BF16 -> new BF16Tensor(name, rows, cols, data);
            case Q8_0 -> new Q8_0Tensor(name, rows, cols, data);
            case Q4_0 -> new Q4_0Tensor(name, rows, cols, data);
            case Q4_1 -> new Q4_1Tensor(name, rows, cols, data);
            case Q5_0 -> new Q5_0Tensor(name, rows, cols, data);
            case Q5_1 -> new Q5_1Tensor(name, rows, cols, data);
            case Q2_K -> new Q2_KTensor(name, rows, cols, data);
            case Q3_K -> new Q3_KTensor(name, rows, cols, data);
            case Q4_K -> new Q4_KTensor(name, rows, cols, data);
            case Q5_K -> new Q5_KTensor(name, rows, cols, data);
            case Q6_K -> new Q6_KTensor(name, rows, cols, data);
            case IQ4_NL -> new IQ4_NLTensor(name, rows, cols, data);
            case IQ4_XS -> new IQ4_XSTensor(name, rows, cols, data);
        };
    }

    /** Copies a small vector (norm weights) onto the heap: it is read on every token and is tiny. */
    public static float[] toFloatArray(Tensor t) {
        float[] out = new float[Math.toIntExact(t.size())];
        for (int r = 0; r < t.rows(); r++) {
            t.readRow(r, out, r * t.cols());
        }
        return out;
    }
}
