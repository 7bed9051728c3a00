package org.mirrorsd.devices.cpu;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.IntVector;
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

    static float dot(MemorySegment w, long firstBlock, int blocks, QuantizedActivations a, int aRow) {
        int[] sm = new int[16];
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long x = (firstBlock + b) * BB;
            int q = aRow * a.width + 256 * b;
            KScales.unpack(w, x + 4, sm);
            IntVector acc = IntVector.zero(IntLanes.I);
            for (int j = 0; j < 4; j++) {
                IntVector lo = IntVector.zero(IntLanes.I), hi = IntVector.zero(IntLanes.I);
                long qs = x + 16 + 32L * j;
                for (int c = 0; c < 32; c += IntLanes.L) {
                    IntVector packed = IntLanes.bytes(w, qs + c);
                    lo = IntLanes.low(packed).mul(IntLanes.ints(a.qK, q + 64 * j + c)).add(lo);
                    hi = IntLanes.high(packed).mul(IntLanes.ints(a.qK, q + 64 * j + 32 + c)).add(hi);
                }
                acc = lo.mul(sm[2 * j]).add(hi.mul(sm[2 * j + 1])).add(acc);
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
