package org.mirrorsd.devices.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Numerically stable softmax over a prefix of an array, with vectorised exponentials.
 *
 * <p>The exponential is computed here from exact lane-wise arithmetic (fma, add, shifts) rather than with
 * {@code lanewise(EXP)}: that one is a vendor math routine once compiled and {@code Math.exp} per lane before,
 * so the same attention row could get different bits early and late in a run. Ours gives the same bits in every
 * JIT tier, which batch-invariant, bit-for-bit lossless decoding needs.
 */
public final class Softmax {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private Softmax() {}

    public static void inPlace(float[] v, int n) {
        int bound = F.loopBound(n);
        float max = Float.NEGATIVE_INFINITY;
        int i = 0;
        if (bound > 0) {
            FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            for (; i < bound; i += F.length()) m = m.max(FloatVector.fromArray(F, v, i));
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) max = Math.max(max, v[i]);
        float sum = 0;
        i = 0;
        if (bound > 0) {
            // Vectors never cross a call here: C2 left expNonPositive and sumLanes(FloatVector) out of line
            // ("callee is too large"), their vectors boxed, and softmax took a fifth of a decode step on a model
            // with many small heads. The helper takes and fills the array; the lanes are summed by sumLanes'
            // scalar twin (the same bits).
            FloatVector acc = FloatVector.zero(F);
            for (; i < bound; i += F.length()) {
                expNonPositive(v, i, max);
                acc = acc.add(FloatVector.fromArray(F, v, i));
            }
            float[] lanes = new float[F.length()];
            acc.intoArray(lanes, 0);
            sum = VectorKernels.sumLanes(lanes, 0);
        }
        for (; i < n; i++) {
            float e = (float) Math.exp(v[i] - max);
            v[i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (i = 0; i < n; i++) v[i] *= inv;
    }

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Below this exp underflows the normal floats; softmax weights that small are 0 for every purpose. */
    private static final float MIN_ARGUMENT = -87.0f;

    /**
     * {@code v[i + j] = e^(v[i + j] - max)} for the lanes j of one vector, each argument <= 0: x = n ln2 + r with
     * |r| <= ln2/2, e^r by a polynomial, times 2^n built in the exponent bits.
     */
    static void expNonPositive(float[] v, int i, float max) {
        FloatVector x = FloatVector.fromArray(F, v, i).sub(max).max(MIN_ARGUMENT);
        // Round to nearest for x <= 0: truncation toward zero of x log2(e) - 1/2.
        IntVector n = (IntVector) x.mul(LOG2E).sub(0.5f).convert(VectorOperators.F2I, 0);
        FloatVector nf = (FloatVector) n.convert(VectorOperators.I2F, 0);
        FloatVector r = nf.fma(FloatVector.broadcast(F, -LN2_HI), x);
        r = nf.fma(FloatVector.broadcast(F, -LN2_LO), r);
        // Cephes' expf: e^r = 1 + r + r^2 P(r), P a degree-5 minimax polynomial (about 1 ulp).
        FloatVector p = FloatVector.broadcast(F, 1.9875691500e-4f);
        p = p.fma(r, FloatVector.broadcast(F, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(F, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(F, 5.0000001201e-1f));
        p = p.fma(r.mul(r), r).add(1f);
        FloatVector scale = n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        p.mul(scale).intoArray(v, i);
    }
}
