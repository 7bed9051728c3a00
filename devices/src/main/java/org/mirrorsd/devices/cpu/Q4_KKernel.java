package org.mirrorsd.devices.cpu;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.S2I;
import static org.mirrorsd.devices.cpu.IntLanes.B;
import static org.mirrorsd.devices.cpu.IntLanes.I;
import static org.mirrorsd.devices.cpu.IntLanes.L;
import static org.mirrorsd.devices.cpu.IntLanes.LE;
import static org.mirrorsd.devices.cpu.IntLanes.S;

import static org.mirrorsd.models.tensor.Blocks.LE_INT;
import static org.mirrorsd.models.tensor.Blocks.LE_SHORT;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import org.mirrorsd.models.tensor.Blocks;
import org.mirrorsd.models.tensor.Q4_KTensor;

/**
 * Q4_K weights against Q8_K activations ({@code ggml_vec_dot_q4_K_q8_K}): per super-block of 256,
 * d_w d_a sum_j scale_j sum(q a) - dmin_w d_a sum_j min_j bsum_j, the sums in integers (exact, so the vector
 * kernel and the scalar reference give the same bits).
 */
final class Q4_KKernel {
    private static final int BB = Q4_KTensor.BLOCK_BYTES;

    private Q4_KKernel() {}

    /**
     * Weight rows {@code [rowFrom, rowTo)} against activation rows {@code [aFrom, aTo)}, into
     * {@code out[outOffset + r * outWidth + row]}: one pass over the weights per activation row. The kernel is
     * compute-bound, so a second pass costs no more than keeping a weight row for both, and the single-row loops
     * measured 5-10% faster than the same loops nested in an activation-row loop.
     */
    static void matvec(MemorySegment w, int blocks, int rowFrom, int rowTo, QuantizedActivations a, int aFrom, int aTo,
                       float[] out, int outOffset, int outWidth) {
        for (int r = aFrom; r < aTo; r++) matvec(w, blocks, rowFrom, rowTo, a, r, out, outOffset + r * outWidth);
    }

    /**
     * Weight rows {@code [rowFrom, rowTo)} against activation row {@code r}, into {@code out[outOffset + row]}. The
     * loops and the kernel are one method on purpose: as a row loop calling a dot method, C2 sometimes compiled the
     * dot alone first, then would not inline it ("already compiled into a big method"), and that copy ran 4-20x
     * slower, in some JVMs and not others.
     */
    private static void matvec(MemorySegment w, int blocks, int rowFrom, int rowTo, QuantizedActivations a, int r, float[] out,
                               int outOffset) {
        short[] qk = a.qKShort;
        int[] bs32 = a.bsums32K();
        int qRow = r * a.width, bRow = r * blocks;
        for (int row = rowFrom; row < rowTo; row++) {
            float sum = 0;
            for (int b = 0; b < blocks; b++) {
                long x = ((long) row * blocks + b) * BB;
                int q = qRow + 256 * b;
                // The eight scales stay packed in one long, read by shifts: unpacking them into an array and
                // reading them back cost about a tenth of the kernel.
                int u0 = w.get(LE_INT, x + 4), u1 = w.get(LE_INT, x + 8), u2 = w.get(LE_INT, x + 12);
                long scales = KScales.scales(u0, u2);
                IntVector acc = IntVector.zero(I);
                for (int j = 0; j < 4; j++) {
                    long qs = x + 16 + 32L * j;
                    int qa = q + 64 * j;
                    // 32 / L products per lane, each at most 15 * 127: 15,240 on 128-bit machines, still a short.
                    ShortVector lo = ShortVector.zero(S), hi = ShortVector.zero(S);
                    for (int c = 0; c < 32; c += L) {
                        ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(B, w, qs + c, LE).convertShape(B2S, S, 0);
                        lo = lo.add(packed.and((short) 0xF).mul(ShortVector.fromArray(S, qk, qa + c)));
                        hi = hi.add(packed.lanewise(ASHR, 4).and((short) 0xF).mul(ShortVector.fromArray(S, qk, qa + 32 + c)));
                    }
                    acc = acc.add(((IntVector) lo.convertShape(S2I, I, 0)).mul((int) (scales >>> (16 * j)) & 0xFF))
                            .add(((IntVector) hi.convertShape(S2I, I, 0)).mul((int) (scales >>> (16 * j + 8)) & 0xFF));
                }
                int mins = KScales.minsDot(u0, u1, u2, bs32, 8 * (bRow + b));
                sum += Q4_KKernel.combine(a.dK[bRow + b], Float.float16ToFloat(w.get(LE_SHORT, x)), Float.float16ToFloat(w.get(LE_SHORT, x + 2)), acc.reduceLanes(VectorOperators.ADD), mins);
            }
            out[outOffset + row] = sum;
        }
    }

    /**
     * Weight row {@code row} as the integers scale_j * q (q 0..15), in order, into {@code values[vOff..]}; per
     * super-block b its eight mins into {@code mins[sOff + 8b ..]}, and d, dmin into
     * {@code d[dOff + dStride b]}, {@code dmin[dOff + dStride b]}.
     */
    static void unpack(MemorySegment w, int row, int blocks, float[] values, int vOff, int[] mins, int sOff,
                       float[] d, float[] dmin, int dOff, int dStride) {
        int[] sm = new int[16];
        for (int b = 0; b < blocks; b++) {
            long x = ((long) row * blocks + b) * BB;
            KScales.unpack(w, x, b, sm, mins, sOff, d, dmin, dOff, dStride);
            for (int j = 0; j < 4; j++) {
                for (int c = 0; c < 32; c += L) {
                    IntVector packed = (IntVector) ByteVector.fromMemorySegment(B, w, x + 16 + 32L * j + c, LE).convertShape(B2I, I, 0);
                    int v = vOff + 256 * b + 64 * j + c;
                    ((FloatVector) packed.and(0xF).mul(sm[2 * j]).convertShape(I2F, VectorKernels.F, 0)).intoArray(values, v);
                    ((FloatVector) packed.lanewise(ASHR, 4).and(0xF).mul(sm[2 * j + 1]).convertShape(I2F, VectorKernels.F, 0)).intoArray(values, v + 32);
                }
            }
        }
    }

    /** d sum - dmin sum_j min_j (bsum_2j + bsum_2j+1): the float part, the same in both kernels. */
    static float combine(MemorySegment w, long x, QuantizedActivations a, int aRow, int b, int isum, int[] sm) {
        int bs = (aRow * a.width + 256 * b) / 16;
        int mins = 0;
        for (int j = 0; j < 8; j++) mins += sm[8 + j] * (a.bsumsK[bs + 2 * j] + a.bsumsK[bs + 2 * j + 1]);
        return combine(a.dK[aRow * (a.width / 256) + b], Blocks.f16(w, x), Blocks.f16(w, x + 2), isum, mins);
    }

    /** The float part from its pieces: one expression, so every kernel that calls it rounds the same way. */
    static float combine(float da, float d, float dmin, int isum, int mins) {
        return da * d * isum - da * dmin * mins;
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
                    int p = Blocks.u8(w, x + 16 + 32L * j + l);
                    lo += (p & 0xF) * a.qK[q + 64 * j + l];
                    hi += (p >>> 4) * a.qK[q + 64 * j + 32 + l];
                }
                isum += sm[2 * j] * lo + sm[2 * j + 1] * hi;
            }
            sum += combine(w, x, a, aRow, b, isum, sm);
        }
        return sum;
    }
}
