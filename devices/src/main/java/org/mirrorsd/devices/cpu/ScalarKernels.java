package org.mirrorsd.devices.cpu;

import org.mirrorsd.models.tensor.IQ4_NLTensor;
import org.mirrorsd.models.tensor.IQ4_XSTensor;
import org.mirrorsd.models.tensor.Q2_KTensor;
import org.mirrorsd.models.tensor.Q3_KTensor;
import org.mirrorsd.models.tensor.Q4_0Tensor;
import org.mirrorsd.models.tensor.Q4_1Tensor;
import org.mirrorsd.models.tensor.Q4_KTensor;
import org.mirrorsd.models.tensor.Q5_0Tensor;
import org.mirrorsd.models.tensor.Q5_1Tensor;
import org.mirrorsd.models.tensor.Q5_KTensor;
import org.mirrorsd.models.tensor.Q6_KTensor;
import org.mirrorsd.models.tensor.Q8_0Tensor;
import org.mirrorsd.models.tensor.Tensor;

/** The obviously-correct reference the vector kernels are tested against. */
public final class ScalarKernels {
    private ScalarKernels() {}

    /**
     * Float weights: a double-precision sum over the dequantised row. Block-quantised weights: the vector is
     * quantised as ggml would and each format's scalar integer loop (its {@code reference}) does the rest.
     */
    public static float dot(Tensor w, int row, float[] x, int xOff) {
        if (QuantizedActivations.Kind.of(w) != QuantizedActivations.Kind.NONE) {
            return dotQuantized(w, row, new QuantizedActivations(x, xOff, 0, w.cols(), 1).prepare(w), 0);
        }
        long base = (long) row * w.cols();
        double s = 0;
        for (int i = 0; i < w.cols(); i++) s += (double) w.getFloat(base + i) * x[xOff + i];
        return (float) s;
    }

    public static float dotQuantized(Tensor w, int row, QuantizedActivations a, int aRow) {
        int blocks = w.cols() / w.ggmlType().blockSize();
        long first = (long) row * blocks;
        return switch (w) {
            case Q8_0Tensor t -> Q8_0Kernel.reference(t.data(), first, blocks, a, aRow);
            case Q4_0Tensor t -> Q4_0Kernel.reference(t.data(), first, blocks, a, aRow);
            case Q4_1Tensor t -> Q4_1Kernel.reference(t.data(), first, blocks, a, aRow);
            case Q5_0Tensor t -> Q5_0Kernel.reference(t.data(), first, blocks, a, aRow);
            case Q5_1Tensor t -> Q5_1Kernel.reference(t.data(), first, blocks, a, aRow);
            case IQ4_NLTensor t -> IQ4_NLKernel.reference(t.data(), first, blocks, a, aRow);
            case Q2_KTensor t -> Q2_KKernel.reference(t.data(), first, blocks, a, aRow);
            case Q3_KTensor t -> Q3_KKernel.reference(t.data(), first, blocks, a, aRow);
            case Q4_KTensor t -> Q4_KKernel.reference(t.data(), first, blocks, a, aRow);
            case Q5_KTensor t -> Q5_KKernel.reference(t.data(), first, blocks, a, aRow);
            case Q6_KTensor t -> Q6_KKernel.reference(t.data(), first, blocks, a, aRow);
            case IQ4_XSTensor t -> IQ4_XSKernel.reference(t.data(), first, blocks, a, aRow);
            default -> throw new IllegalArgumentException("tensor '" + w.name() + "' is not block-quantised");
        };
    }
}
