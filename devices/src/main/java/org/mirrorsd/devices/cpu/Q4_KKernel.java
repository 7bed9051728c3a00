package org.mirrorsd.devices.cpu;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.S2I;
import static org.mirrorsd.devices.cpu.IntLanes.B;
import static org.mirrorsd.devices.cpu.IntLanes.I;
import static org.mirrorsd.devices.cpu.IntLanes.L;
import static org.mirrorsd.devices.cpu.IntLanes.LE;
import static org.mirrorsd.devices.cpu.IntLanes.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
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
     * Rows {@code [rowFrom, rowTo)} against every activation row. The row loop lives here, beside the kernel, so
     * that C2 compiles the two as one unit of their own, the same way whatever calls them (inlined into a larger
     * caller, the kernel's vector code compiled unevenly from run to run).
     */
    static void matvec(MemorySegment w, int blocks, int rowFrom, int rowTo, QuantizedActivations a, float[] out, int outWidth) {
        for (int row = rowFrom; row < rowTo; row++) {
            for (int r = 0; r < a.rows; r++) out[r * outWidth + row] = dot(w, (long) row * blocks, blocks, a, r);
        }
    }

    static float dot(MemorySegment w, long firstBlock, int blocks, QuantizedActivations a, int aRow) {
        int[] sm = new int[16];
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long x = (firstBlock + b) * BB;
            int q = aRow * a.width + 256 * b;
            KScales.unpack(w, x + 4, sm);
            IntVector acc = IntVector.zero(I);
            for (int j = 0; j < 4; j++) {
                long qs = x + 16 + 32L * j;
                int qa = q + 64 * j;
                // 32 products of a 4-bit weight and an 8-bit activation sum to at most 32 * 15 * 127: a short.
                ShortVector lo = ShortVector.zero(S), hi = ShortVector.zero(S);
                for (int c = 0; c < 32; c += L) {
                    ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(B, w, qs + c, LE).convertShape(B2S, S, 0);
                    lo = lo.add(packed.and((short) 0xF).mul(ShortVector.fromArray(S, a.qKShort, qa + c)));
                    hi = hi.add(packed.lanewise(ASHR, 4).and((short) 0xF).mul(ShortVector.fromArray(S, a.qKShort, qa + 32 + c)));
                }
                acc = acc.add(((IntVector) lo.convertShape(S2I, I, 0)).mul(sm[2 * j]))
                        .add(((IntVector) hi.convertShape(S2I, I, 0)).mul(sm[2 * j + 1]));
            }
            sum += combine(w, x, a, aRow, b, acc.reduceLanes(VectorOperators.ADD), sm);
        }
        return sum;
    }

    /** d sum - dmin sum_j min_j (bsum_2j + bsum_2j+1): the float part, the same in both kernels. */
    static float combine(MemorySegment w, long x, QuantizedActivations a, int aRow, int b, int isum, int[] sm) {
        int bs = (aRow * a.width + 256 * b) / 16;
        int mins = 0;
        for (int j = 0; j < 8; j++) mins += sm[8 + j] * (a.bsumsK[bs + 2 * j] + a.bsumsK[bs + 2 * j + 1]);
        float da = a.dK[aRow * (a.width / 256) + b];
        return da * Blocks.f16(w, x) * isum - da * Blocks.f16(w, x + 2) * mins;
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
