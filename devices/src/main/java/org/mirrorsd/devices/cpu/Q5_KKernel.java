package org.mirrorsd.devices.cpu;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static org.mirrorsd.devices.cpu.IntLanes.B;
import static org.mirrorsd.devices.cpu.IntLanes.I;
import static org.mirrorsd.devices.cpu.IntLanes.L;
import static org.mirrorsd.devices.cpu.IntLanes.LE;

import static org.mirrorsd.models.tensor.Blocks.LE_SHORT;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import org.mirrorsd.models.tensor.Blocks;
import org.mirrorsd.models.tensor.Q5_KTensor;

/**
 * Q5_K weights against Q8_K activations ({@code ggml_vec_dot_q5_K_q8_K}): Q4_K's sums with a fifth bit per
 * weight from the 32 qh bytes (bit 2j for the low nibbles of group j, bit 2j+1 for the high ones).
 */
final class Q5_KKernel {
    private static final int BB = Q5_KTensor.BLOCK_BYTES;

    private Q5_KKernel() {}

    /**
     * Weight rows {@code [rowFrom, rowTo)} against activation rows {@code [aFrom, aTo)}, into
     * {@code out[outOffset + r * outWidth + row]}. The loops and the kernel are one method on purpose: as a row
     * loop calling a dot method, C2 sometimes compiled the dot alone first, then would not inline it ("already
     * compiled into a big method"), and that copy ran 4-20x slower, in some JVMs and not others.
     */
    static void matvec(MemorySegment w, int blocks, int rowFrom, int rowTo, QuantizedActivations a, int aFrom, int aTo,
                       float[] out, int outOffset, int outWidth) {
        int[] sm = new int[16];
        int[] qk = a.qK;
        int[] bs32 = a.bsums32K();
        for (int row = rowFrom; row < rowTo; row++) {
            for (int r = aFrom; r < aTo; r++) {
                float sum = 0;
                for (int b = 0; b < blocks; b++) {
                    long x = ((long) row * blocks + b) * BB;
                    int q = r * a.width + 256 * b;
                    KScales.unpack(w, x + 4, sm);
                    IntVector acc = IntVector.zero(I);
                    for (int j = 0; j < 4; j++) {
                        long qs = x + 48 + 32L * j;
                        int qa = q + 64 * j;
                        for (int c = 0; c < 32; c += L) {
                            IntVector packed = (IntVector) ByteVector.fromMemorySegment(B, w, qs + c, LE).convertShape(B2I, I, 0);
                            IntVector h = (IntVector) ByteVector.fromMemorySegment(B, w, x + 16 + c, LE).convertShape(B2I, I, 0);
                            IntVector lo = packed.and(0xF).or(h.lanewise(ASHR, 2 * j).and(1).lanewise(LSHL, 4));
                            IntVector hi = packed.lanewise(ASHR, 4).and(0xF).or(h.lanewise(ASHR, 2 * j + 1).and(1).lanewise(LSHL, 4));
                            IntVector part = lo.mul(IntVector.fromArray(I, qk, qa + c)).mul(sm[2 * j])
                                    .add(hi.mul(IntVector.fromArray(I, qk, qa + 32 + c)).mul(sm[2 * j + 1]));
                            acc = acc.add(part);
                        }
                    }
                    int mins = KScales.minsDot(sm, 8, bs32, 8 * (r * blocks + b));
                    sum += Q4_KKernel.combine(a.dK[r * blocks + b], Float.float16ToFloat(w.get(LE_SHORT, x)), Float.float16ToFloat(w.get(LE_SHORT, x + 2)), acc.reduceLanes(VectorOperators.ADD), mins);
                }
                out[outOffset + r * outWidth + row] = sum;
            }
        }
    }

    /** As {@link Q4_KKernel#unpack}, with q 0..31 (the fifth bit from qh). */
    static void unpack(MemorySegment w, int row, int blocks, float[] values, int vOff, int[] mins, int sOff,
                       float[] d, float[] dmin, int dOff, int dStride) {
        int[] sm = new int[16];
        for (int b = 0; b < blocks; b++) {
            long x = ((long) row * blocks + b) * BB;
            KScales.unpack(w, x, b, sm, mins, sOff, d, dmin, dOff, dStride);
            for (int j = 0; j < 4; j++) {
                for (int c = 0; c < 32; c += L) {
                    IntVector packed = (IntVector) ByteVector.fromMemorySegment(B, w, x + 48 + 32L * j + c, LE).convertShape(B2I, I, 0);
                    IntVector h = (IntVector) ByteVector.fromMemorySegment(B, w, x + 16 + c, LE).convertShape(B2I, I, 0);
                    int v = vOff + 256 * b + 64 * j + c;
                    ((FloatVector) packed.and(0xF).or(h.lanewise(ASHR, 2 * j).and(1).lanewise(LSHL, 4))
                            .mul(sm[2 * j]).convertShape(I2F, VectorKernels.F, 0)).intoArray(values, v);
                    ((FloatVector) packed.lanewise(ASHR, 4).and(0xF).or(h.lanewise(ASHR, 2 * j + 1).and(1).lanewise(LSHL, 4))
                            .mul(sm[2 * j + 1]).convertShape(I2F, VectorKernels.F, 0)).intoArray(values, v + 32);
                }
            }
        }
    }

    static float reference(MemorySegment w, long firstBlock, int blocks, QuantizedActivations a, int aRow) {
        int[] sm = new int[16];
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long x = (firstBlock + b) * BB;
            int q = aRow * a.width + 256 * b;
            for (int j = 0; j < 8; j++) {
                sm[j] = Blocks.scaleMinK4(w, x + 4, j, 0);
                sm[8 + j] = Blocks.scaleMinK4(w, x + 4, j, 1);
            }
            int isum = 0;
            for (int j = 0; j < 4; j++) {
                int lo = 0, hi = 0;
                for (int l = 0; l < 32; l++) {
                    int p = Blocks.u8(w, x + 48 + 32L * j + l), h = Blocks.u8(w, x + 16 + l);
                    lo += ((p & 0xF) + ((h >>> (2 * j)) & 1) * 16) * a.qK[q + 64 * j + l];
                    hi += ((p >>> 4) + ((h >>> (2 * j + 1)) & 1) * 16) * a.qK[q + 64 * j + 32 + l];
                }
                isum += sm[2 * j] * lo + sm[2 * j + 1] * hi;
            }
            sum += Q4_KKernel.combine(w, x, a, aRow, b, isum, sm);
        }
        return sum;
    }
}
