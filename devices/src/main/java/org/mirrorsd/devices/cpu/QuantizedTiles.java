package org.mirrorsd.devices.cpu;

import static jdk.incubator.vector.VectorOperators.F2I;
import static jdk.incubator.vector.VectorOperators.I2F;
import static org.mirrorsd.devices.cpu.IntLanes.I;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.mirrorsd.models.tensor.Q4_0Tensor;
import org.mirrorsd.models.tensor.Q4_KTensor;
import org.mirrorsd.models.tensor.Q5_KTensor;
import org.mirrorsd.models.tensor.Q6_KTensor;
import org.mirrorsd.models.tensor.Q8_0Tensor;
import org.mirrorsd.models.tensor.Tensor;

/**
 * Quantised matmuls of several activation rows (verification windows, prefill chunks) in float arithmetic that
 * gives the integer kernels' bits.
 *
 * <p>Four weight rows at a time are unpacked once to their integer values, held in floats, and multiplied with
 * every activation row's integer values, also held in floats ({@link QuantizedActivations}). Every product and
 * every partial sum is an integer of magnitude below 2^24, so each float operation is exact and a lane holds
 * the same integer the integer kernel's lane holds (bounds beside each kernel). From there the scaling is the
 * integer kernel's own expression in the same order. So a row's result is the same bits whichever path computed
 * it, and the paths can be chosen by speed alone: in floats the multiply-adds are one instruction each and the
 * unpacking is shared by all rows, where the integer kernels widen and multiply in several steps per row, since
 * the Vector API has no widening multiply-add.
 */
final class QuantizedTiles {
    private static final VectorSpecies<Float> F = VectorKernels.F;
    private static final int FL = F.length();
    private static final int TILE = 4;
    /** Four lanes: the tile's four weight rows side by side in the super-blocks' final scaling. */
    private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Integer> I4 = IntVector.SPECIES_128;

    static {
        if (FL != I.length()) throw new IllegalStateException("float and int vectors differ in lanes: " + FL + " vs " + I.length());
    }

    private QuantizedTiles() {}

    /**
     * Activation rows from which {@code w}'s format is faster in tiles than in its integer kernel, measured per
     * format (whole passes over a 190M-parameter file, one thread, Zen 4): the tiles pay for unpacking each weight
     * row once, so a format whose integer kernel is quick needs more rows to win. Q8_0 tied at 8 rows and won by a
     * fifth at 16; Q4_0 won from 4 (at 2 it lost by half); Q4_K from 3, Q6_K from 2. {@code Integer.MAX_VALUE} for
     * formats without tiles, and for the K formats with fewer than eight lanes (with four, a Q6_K lane could pass
     * 2^24).
     */
    static int minRows(Tensor w) {
        return switch (w) {
            case Q8_0Tensor t -> 16;
            case Q4_0Tensor t -> 4;
            case Q4_KTensor t -> FL >= 8 ? 3 : Integer.MAX_VALUE;
            case Q5_KTensor t -> FL >= 8 ? 3 : Integer.MAX_VALUE;
            case Q6_KTensor t -> FL >= 8 ? 2 : Integer.MAX_VALUE;
            default -> Integer.MAX_VALUE;
        };
    }

    /**
     * Weight rows {@code [rowFrom, rowTo)} of {@code w} against every row of {@code a}, into
     * {@code out[outOffset + r * outWidth + row]}. Whole tiles of four rows go through the float tiles; a remainder of fewer
     * rows through the format's integer kernel (the same bits, so the split is invisible).
     */
    static void matvec(Tensor w, int rowFrom, int rowTo, QuantizedActivations a, float[] out, int outOffset, int outWidth) {
        int whole = rowFrom + (rowTo - rowFrom) / TILE * TILE;
        if (whole > rowFrom) {
            switch (w) {
                case Q8_0Tensor t -> blocks32(t.data(), true, t.cols() / 32, rowFrom, whole, a, out, outOffset, outWidth);
                case Q4_0Tensor t -> blocks32(t.data(), false, t.cols() / 32, rowFrom, whole, a, out, outOffset, outWidth);
                case Q6_KTensor t -> superBlocks(t.data(), KFormat.Q6_K, t.cols() / 256, rowFrom, whole, a, out, outOffset, outWidth);
                case Q4_KTensor t -> superBlocks(t.data(), KFormat.Q4_K, t.cols() / 256, rowFrom, whole, a, out, outOffset, outWidth);
                case Q5_KTensor t -> superBlocks(t.data(), KFormat.Q5_K, t.cols() / 256, rowFrom, whole, a, out, outOffset, outWidth);
                default -> throw new IllegalArgumentException("no tile path for " + w.ggmlType());
            }
        }
        if (whole < rowTo) VectorKernels.matvecIntegers(w, whole, rowTo, a, out, outOffset, outWidth);
    }

    // ---- blocks of 32 with one scale (Q8_0, Q4_0) ----

    private static void blocks32(MemorySegment w, boolean q8, int blocks, int rowFrom, int rowTo, QuantizedActivations a,
                                 float[] out, int outOffset, int outWidth) {
        int n = 32 * blocks;
        float[] values = new float[TILE * n], scales = new float[TILE * blocks], sums = new float[TILE * FL];
        float[] qa = a.q32Float();
        for (int row = rowFrom; row < rowTo; row += TILE) {
            for (int k = 0; k < TILE; k++) {
                if (q8) Q8_0Kernel.unpack(w, row + k, blocks, values, k * n, scales, k * blocks);
                else Q4_0Kernel.unpack(w, row + k, blocks, values, k * n, scales, k * blocks);
            }
            for (int r = 0; r < a.rows; r++) {
                tile32(values, scales, n, blocks, qa, a.d32, r * a.width, r * blocks, sums);
                for (int k = 0; k < TILE; k++) out[outOffset + r * outWidth + row + k] = sums[k];
            }
        }
    }

    /**
     * Four unpacked weight rows against one activation row. Lane i of block b holds the integer sum the integer
     * kernels' lane i holds, sum_m w[i + FL m] a[i + FL m] (at most 32 * 128 * 127 < 2^24: exact), and is scaled
     * into the accumulator by the same fma with the same scale, F16(d_w) * d_a. (Four by two spilled registers and
     * ran at two thirds of this speed.)
     */
    static void tile32(float[] v, float[] s, int n, int blocks, float[] qa, float[] da, int q0, int d0, float[] sums) {
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F), c3 = FloatVector.zero(F);
        for (int b = 0, i = 0; b < blocks; b++, i += 32) {
            FloatVector x = FloatVector.fromArray(F, qa, q0 + i);
            FloatVector p0 = FloatVector.fromArray(F, v, i).mul(x);
            FloatVector p1 = FloatVector.fromArray(F, v, n + i).mul(x);
            FloatVector p2 = FloatVector.fromArray(F, v, 2 * n + i).mul(x);
            FloatVector p3 = FloatVector.fromArray(F, v, 3 * n + i).mul(x);
            for (int m = FL; m < 32; m += FL) {
                x = FloatVector.fromArray(F, qa, q0 + i + m);
                p0 = FloatVector.fromArray(F, v, i + m).fma(x, p0);
                p1 = FloatVector.fromArray(F, v, n + i + m).fma(x, p1);
                p2 = FloatVector.fromArray(F, v, 2 * n + i + m).fma(x, p2);
                p3 = FloatVector.fromArray(F, v, 3 * n + i + m).fma(x, p3);
            }
            float d = da[d0 + b];
            c0 = p0.fma(FloatVector.broadcast(F, s[b] * d), c0);
            c1 = p1.fma(FloatVector.broadcast(F, s[blocks + b] * d), c1);
            c2 = p2.fma(FloatVector.broadcast(F, s[2 * blocks + b] * d), c2);
            c3 = p3.fma(FloatVector.broadcast(F, s[3 * blocks + b] * d), c3);
        }
        // Out through an array and the scalar twin of sumLanes, as F32Kernels.tile4x4 does: four vector lane sums in
        // one method put sumLanes past C2's inlining budget, and called, it boxes its vector. (Each block's scale
        // product made beforehand and broadcast from memory measured no faster than multiplying here.)
        c0.intoArray(sums, 0);
        c1.intoArray(sums, FL);
        c2.intoArray(sums, 2 * FL);
        c3.intoArray(sums, 3 * FL);
        for (int k = 0; k < TILE; k++) sums[k] = VectorKernels.sumLanes(sums, k * FL);
    }

    // ---- super-blocks of 256 (Q4_K, Q5_K, Q6_K) ----

    /** The K formats the tiles take: Q6_K's super-blocks scale by d alone, Q4_K's and Q5_K's by d and dmin. */
    private enum KFormat { Q4_K, Q5_K, Q6_K }

    private static void superBlocks(MemorySegment w, KFormat format, int blocks, int rowFrom, int rowTo, QuantizedActivations a,
                                    float[] out, int outOffset, int outWidth) {
        int n = 256 * blocks;
        float[] values = new float[TILE * n];
        // Per super-block the four rows' d and dmin side by side ([b][k]): the final scaling reads them as four lanes.
        float[] d = new float[TILE * blocks], dmin = new float[TILE * blocks], sums = new float[TILE];
        int[] mins = new int[TILE * 8 * blocks], isums = new int[2 * TILE * blocks], min4 = new int[TILE];
        float[] qa = a.qKFloat();
        int[] bs32 = format == KFormat.Q6_K ? null : a.bsums32K();
        for (int row = rowFrom; row < rowTo; row += TILE) {
            for (int k = 0; k < TILE; k++) {
                switch (format) {
                    case Q4_K -> Q4_KKernel.unpack(w, row + k, blocks, values, k * n, mins, 8 * k * blocks, d, dmin, k, TILE);
                    case Q5_K -> Q5_KKernel.unpack(w, row + k, blocks, values, k * n, mins, 8 * k * blocks, d, dmin, k, TILE);
                    case Q6_K -> Q6_KKernel.unpack(w, row + k, blocks, values, k * n, d, k, TILE);
                }
            }
            for (int r0 = 0; r0 < a.rows; r0 += 2) {
                int r1 = Math.min(r0 + 1, a.rows - 1);
                tileK(values, n, blocks, qa, r0 * a.width, r1 * a.width, isums);
                for (int r = r0, half = 0; r <= r1; r++, half++) {
                    // The four weight rows side by side in four lanes: lane k computes, operation for operation, the
                    // scalar sum += Q6_KKernel's (d * da) * isum, or Q4_KKernel.combine's da*d*isum - da*dmin*mins.
                    FloatVector sum = FloatVector.zero(F4);
                    for (int b = 0; b < blocks; b++) {
                        FloatVector da = FloatVector.broadcast(F4, a.dK[r * blocks + b]);
                        FloatVector isum = (FloatVector) IntVector.fromArray(I4, isums, TILE * (half * blocks + b)).convertShape(I2F, F4, 0);
                        FloatVector d4 = FloatVector.fromArray(F4, d, TILE * b);
                        if (bs32 == null) {
                            sum = sum.add(d4.mul(da).mul(isum));
                        } else {
                            // sum_j min_j * (sum of the activations under sub-block j): the integer the kernels form.
                            for (int k = 0; k < TILE; k++) min4[k] = KScales.minsDot(mins, 8 * (k * blocks + b), bs32, 8 * (r * blocks + b));
                            FloatVector m = (FloatVector) IntVector.fromArray(I4, min4, 0).convertShape(I2F, F4, 0);
                            sum = sum.add(da.mul(d4).mul(isum).sub(da.mul(FloatVector.fromArray(F4, dmin, TILE * b)).mul(m)));
                        }
                    }
                    sum.intoArray(sums, 0);
                    for (int k = 0; k < TILE; k++) out[outOffset + r * outWidth + row + k] = sums[k];
                }
            }
        }
    }

    /**
     * Four unpacked weight rows, each value already times its group's scale, against two activation rows (offsets
     * {@code q0, q1}): per super-block the integer sum_i (scale q)_i a_i into {@code isums[4 (half * blocks + b) + k]} (half 0 for q0, 1 for q1).
     * A lane adds 256 / FL products per super-block, each at most |scale q| * 127: for Q6_K 128 * 32 * 127, so 32
     * of them (8 lanes) stay below 2^24; Q4_K (63 * 15) and Q5_K (63 * 31) far below. All exact; the lanes are then
     * turned back into ints (exact) and added as ints, as the integer kernels add theirs.
     */
    static void tileK(float[] v, int n, int blocks, float[] qa, int q0, int q1, int[] isums) {
        for (int b = 0; b < blocks; b++) {
            FloatVector c00 = FloatVector.zero(F), c10 = FloatVector.zero(F), c20 = FloatVector.zero(F), c30 = FloatVector.zero(F);
            FloatVector c01 = FloatVector.zero(F), c11 = FloatVector.zero(F), c21 = FloatVector.zero(F), c31 = FloatVector.zero(F);
            for (int i = 256 * b, end = i + 256; i < end; i += FL) {
                FloatVector w0 = FloatVector.fromArray(F, v, i), w1 = FloatVector.fromArray(F, v, n + i);
                FloatVector w2 = FloatVector.fromArray(F, v, 2 * n + i), w3 = FloatVector.fromArray(F, v, 3 * n + i);
                FloatVector x = FloatVector.fromArray(F, qa, q0 + i), y = FloatVector.fromArray(F, qa, q1 + i);
                c00 = w0.fma(x, c00); c10 = w1.fma(x, c10); c20 = w2.fma(x, c20); c30 = w3.fma(x, c30);
                c01 = w0.fma(y, c01); c11 = w1.fma(y, c11); c21 = w2.fma(y, c21); c31 = w3.fma(y, c31);
            }
            isums[TILE * b + 0] = ((IntVector) c00.convertShape(F2I, I, 0)).reduceLanes(VectorOperators.ADD);
            isums[TILE * b + 1] = ((IntVector) c10.convertShape(F2I, I, 0)).reduceLanes(VectorOperators.ADD);
            isums[TILE * b + 2] = ((IntVector) c20.convertShape(F2I, I, 0)).reduceLanes(VectorOperators.ADD);
            isums[TILE * b + 3] = ((IntVector) c30.convertShape(F2I, I, 0)).reduceLanes(VectorOperators.ADD);
            isums[TILE * (blocks + b) + 0] = ((IntVector) c01.convertShape(F2I, I, 0)).reduceLanes(VectorOperators.ADD);
            isums[TILE * (blocks + b) + 1] = ((IntVector) c11.convertShape(F2I, I, 0)).reduceLanes(VectorOperators.ADD);
            isums[TILE * (blocks + b) + 2] = ((IntVector) c21.convertShape(F2I, I, 0)).reduceLanes(VectorOperators.ADD);
            isums[TILE * (blocks + b) + 3] = ((IntVector) c31.convertShape(F2I, I, 0)).reduceLanes(VectorOperators.ADD);
        }
    }
}
