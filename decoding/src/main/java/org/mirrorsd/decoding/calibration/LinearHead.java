package org.mirrorsd.decoding.calibration;

import org.mirrorsd.devices.cpu.VectorKernels;

/** A D x D linear map on hidden states (an early-exit head or a draft lookahead head). */
public record LinearHead(int dim, float[] weights) {
    public LinearHead {
        if (weights.length != dim * dim) throw new IllegalArgumentException("head needs " + dim * dim + " weights");
    }

    /** out[outRow] = W in[0..dim): one vector into row {@code outRow} of {@code out}. */
    public void applyRow(float[] in, int outRow, float[] out) {
        for (int i = 0; i < dim; i++) out[outRow * dim + i] = VectorKernels.dot(weights, i * dim, in, 0, dim);
    }

    /** out[r] = W in[r] for {@code rows} rows of {@code dim} floats. */
    public void apply(float[] in, int rows, float[] out) {
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < dim; i++) out[r * dim + i] = VectorKernels.dot(weights, i * dim, in, r * dim, dim);
        }
    }
}
