package org.mirrorsd.devices.cpu;

import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.S2I;
import static org.mirrorsd.devices.cpu.IntLanes.B16;
import static org.mirrorsd.devices.cpu.IntLanes.I;
import static org.mirrorsd.devices.cpu.IntLanes.L;
import static org.mirrorsd.devices.cpu.IntLanes.LE;
import static org.mirrorsd.devices.cpu.IntLanes.S16;

import static org.mirrorsd.models.tensor.Blocks.LE_SHORT;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import org.mirrorsd.models.tensor.Blocks;
import org.mirrorsd.models.tensor.Q8_0Tensor;

/**
 * Q8_0 weights against Q8_0 activations ({@code ggml_vec_dot_q8_0_q8_0}): per block of 32 the integer sum of
 * products, times d_w * d_a. Products are paired in short lanes, widened to int once per block and scaled into
 * float lanes (as ggml's AVX2 code does); one fixed lane sum at the end.
 */
final class Q8_0Kernel {
    private static final int BB = Q8_0Tensor.BLOCK_BYTES;

    private Q8_0Kernel() {}

    /**
     * Weight rows {@code [rowFrom, rowTo)} against activation rows {@code [aFrom, aTo)}, into
     * {@code out[outOffset + r * outWidth + row]}. The loops and the kernel are one method on purpose: as a row
     * loop calling a dot method, C2 sometimes compiled the dot alone first, then would not inline it ("already
     * compiled into a big method"), and that copy ran 4-20x slower, in some JVMs and not others.
     */
    static void matvec(MemorySegment w, int blocks, int rowFrom, int rowTo, QuantizedActivations a, int aFrom, int aTo,
                       float[] out, int outOffset, int outWidth) {
        short[] qa = a.q32Short;
        float[] da = a.d32;
        float[] lanes = new float[2 * L];
        for (int row = rowFrom; row < rowTo; row++) {
            int r = aFrom;
            // Two activation rows per pass (a verification window): each weight block is loaded and widened once
            // for both; every pair gets the one-row path's operations in the same order, so the same bits.
            for (; r + 1 < aTo; r += 2) {
                FloatVector acc0 = FloatVector.zero(VectorKernels.F), acc1 = FloatVector.zero(VectorKernels.F);
                int q0 = r * a.width, q1 = q0 + a.width, d0 = r * (a.width / 32), d1 = d0 + a.width / 32;
                long off = (long) row * blocks * BB + 2;
                for (int b = 0; b < blocks; b++, q0 += 32, q1 += 32, off += BB) {
                    ShortVector lo = (ShortVector) ByteVector.fromMemorySegment(B16, w, off, LE).convertShape(B2S, S16, 0);
                    ShortVector hi = (ShortVector) ByteVector.fromMemorySegment(B16, w, off + 16, LE).convertShape(B2S, S16, 0);
                    ShortVector pairs0 = lo.mul(ShortVector.fromArray(S16, qa, q0)).add(hi.mul(ShortVector.fromArray(S16, qa, q0 + 16)));
                    ShortVector pairs1 = lo.mul(ShortVector.fromArray(S16, qa, q1)).add(hi.mul(ShortVector.fromArray(S16, qa, q1 + 16)));
                    IntVector sum0 = (IntVector) pairs0.convertShape(S2I, I, 0), sum1 = (IntVector) pairs1.convertShape(S2I, I, 0);
                    for (int part = 1; part < 16 / L; part++) {
                        sum0 = sum0.add((IntVector) pairs0.convertShape(S2I, I, part));
                        sum1 = sum1.add((IntVector) pairs1.convertShape(S2I, I, part));
                    }
                    float dw = Float.float16ToFloat(w.get(LE_SHORT, off - 2));
                    acc0 = ((FloatVector) sum0.convertShape(I2F, VectorKernels.F, 0)).fma(FloatVector.broadcast(VectorKernels.F, dw * da[d0 + b]), acc0);
                    acc1 = ((FloatVector) sum1.convertShape(I2F, VectorKernels.F, 0)).fma(FloatVector.broadcast(VectorKernels.F, dw * da[d1 + b]), acc1);
                }
                // Through an array: a second vector lane sum in this method would put sumLanes past C2's inlining budget.
                acc0.intoArray(lanes, 0);
                acc1.intoArray(lanes, L);
                out[outOffset + r * outWidth + row] = VectorKernels.sumLanes(lanes, 0);
                out[outOffset + (r + 1) * outWidth + row] = VectorKernels.sumLanes(lanes, L);
            }
            for (; r < aTo; r++) {
                FloatVector acc = FloatVector.zero(VectorKernels.F);
                int q = r * a.width, d = r * (a.width / 32);
                long off = (long) row * blocks * BB + 2;
                for (int b = 0; b < blocks; b++, q += 32, off += BB) {
                    // lane i: w_i a_i + w_i+16 a_i+16, at most 2 * 128 * 127 in magnitude, so a short holds it exactly.
                    ShortVector pairs = ((ShortVector) ByteVector.fromMemorySegment(B16, w, off, LE).convertShape(B2S, S16, 0))
                            .mul(ShortVector.fromArray(S16, qa, q))
                            .add(((ShortVector) ByteVector.fromMemorySegment(B16, w, off + 16, LE).convertShape(B2S, S16, 0))
                                    .mul(ShortVector.fromArray(S16, qa, q + 16)));
                    IntVector sum = (IntVector) pairs.convertShape(S2I, I, 0);
                    for (int part = 1; part < 16 / L; part++) sum = sum.add((IntVector) pairs.convertShape(S2I, I, part));
                    float scale = Float.float16ToFloat(w.get(LE_SHORT, off - 2)) * da[d + b];
                    acc = ((FloatVector) sum.convertShape(I2F, VectorKernels.F, 0)).fma(FloatVector.broadcast(VectorKernels.F, scale), acc);
                }
                out[outOffset + r * outWidth + row] = VectorKernels.sumLanes(acc);
            }
        }
    }

    /** Weight row {@code row} as its integer values, in order, into {@code values[vOff..]} and its scales into {@code scales[sOff..]}. */
    static void unpack(MemorySegment w, int row, int blocks, float[] values, int vOff, float[] scales, int sOff) {
        long off = (long) row * blocks * BB;
        for (int b = 0; b < blocks; b++, off += BB) {
            scales[sOff + b] = Float.float16ToFloat(w.get(LE_SHORT, off));
            for (int c = 0; c < 32; c += L) {
                ((FloatVector) ByteVector.fromMemorySegment(IntLanes.B, w, off + 2 + c, LE).convertShape(B2F, VectorKernels.F, 0))
                        .intoArray(values, vOff + 32 * b + c);
            }
        }
    }

    static float reference(MemorySegment w, long firstBlock, int blocks, QuantizedActivations a, int aRow) {
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long off = (firstBlock + b) * BB;
            int q = aRow * a.width + 32 * b;
            int s = 0;
            for (int j = 0; j < 32; j++) s += Blocks.s8(w, off + 2 + j) * a.q32Short[q + j];
            sum += s * (Blocks.f16(w, off) * a.d32[aRow * (a.width / 32) + b]);
        }
        return sum;
    }
}
