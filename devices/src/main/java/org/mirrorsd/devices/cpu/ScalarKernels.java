package org.mirrorsd.devices.cpu;

import org.mirrorsd.models.tensor.Tensor;

/** The obviously-correct reference the vector kernels are tested against. */
public final class ScalarKernels {
    private ScalarKernels() {}

    public static float dot(Tensor w, int row, float[] x, int xOff) {
        long base = (long) row * w.cols();
        double s = 0;
        for (int i = 0; i < w.cols(); i++) s += (double) w.getFloat(base + i) * x[xOff + i];
        return (float) s;
    }
}
