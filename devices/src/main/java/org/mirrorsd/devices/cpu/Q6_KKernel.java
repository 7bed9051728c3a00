package org.mirrorsd.devices.cpu;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import org.mirrorsd.models.tensor.Blocks;
import org.mirrorsd.models.tensor.Q6_KTensor;

/**
 * Q6_K weights against Q8_K activations ({@code ggml_vec_dot_q6_K_q8_K}): per super-block
 * d_w d_a sum_g scale_g sum (q6 - 32) a over sixteen groups of 16, in integers.
 */
final class Q6_KKernel {
    private static final int BB = Q6_KTensor.BLOCK_BYTES;

    private Q6_KKernel() {}

    static float dot(MemorySegment w, long firstBlock, int blocks, QuantizedActivations a, int aRow) {
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long x = (firstBlock + b) * BB;
            IntVector acc = IntVector.zero(IntLanes.I);
            for (int n = 0; n < 2; n++) {
                long ql = x + 64L * n, qh = x + 128 + 32L * n, sc = x + 192 + 8L * n;
                int q = aRow * a.width + 256 * b + 128 * n;
                for (int c = 0; c < 32; c += IntLanes.L) {
                    IntVector l0 = IntLanes.bytes(w, ql + c), l1 = IntLanes.bytes(w, ql + 32 + c);
                    IntVector h = IntLanes.bytes(w, qh + c);
                    int is = c / 16;
                    IntVector q1 = IntLanes.low(l0).or(IntLanes.twoBits(h, 0).lanewise(VectorOperators.LSHL, 4)).sub(32);
                    IntVector q2 = IntLanes.low(l1).or(IntLanes.twoBits(h, 2).lanewise(VectorOperators.LSHL, 4)).sub(32);
                    IntVector q3 = IntLanes.high(l0).or(IntLanes.twoBits(h, 4).lanewise(VectorOperators.LSHL, 4)).sub(32);
                    IntVector q4 = IntLanes.high(l1).or(IntLanes.twoBits(h, 6).lanewise(VectorOperators.LSHL, 4)).sub(32);
                    acc = q1.mul(IntLanes.ints(a.qK, q + c)).mul(Blocks.s8(w, sc + is)).add(acc);
                    acc = q2.mul(IntLanes.ints(a.qK, q + 32 + c)).mul(Blocks.s8(w, sc + is + 2)).add(acc);
                    acc = q3.mul(IntLanes.ints(a.qK, q + 64 + c)).mul(Blocks.s8(w, sc + is + 4)).add(acc);
                    acc = q4.mul(IntLanes.ints(a.qK, q + 96 + c)).mul(Blocks.s8(w, sc + is + 6)).add(acc);
                }
            }
            sum += Blocks.f16(w, x + 208) * a.dK[aRow * (a.width / 256) + b] * acc.reduceLanes(VectorOperators.ADD);
        }
        return sum;
    }

    static float reference(MemorySegment w, long firstBlock, int blocks, QuantizedActivations a, int aRow) {
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long x = (firstBlock + b) * BB;
            int isum = 0;
            for (int n = 0; n < 2; n++) {
                long ql = x + 64L * n, qh = x + 128 + 32L * n, sc = x + 192 + 8L * n;
                int q = aRow * a.width + 256 * b + 128 * n;
                for (int l = 0; l < 32; l++) {
                    int is = l / 16, h = Blocks.u8(w, qh + l);
                    int q1 = ((Blocks.u8(w, ql + l) & 0xF) | ((h & 3) << 4)) - 32;
                    int q2 = ((Blocks.u8(w, ql + l + 32) & 0xF) | (((h >>> 2) & 3) << 4)) - 32;
                    int q3 = ((Blocks.u8(w, ql + l) >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
                    int q4 = ((Blocks.u8(w, ql + l + 32) >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
                    isum += Blocks.s8(w, sc + is) * q1 * a.qK[q + l] + Blocks.s8(w, sc + is + 2) * q2 * a.qK[q + 32 + l]
                            + Blocks.s8(w, sc + is + 4) * q3 * a.qK[q + 64 + l] + Blocks.s8(w, sc + is + 6) * q4 * a.qK[q + 96 + l];
                }
            }
            sum += Blocks.f16(w, x + 208) * a.dK[aRow * (a.width / 256) + b] * isum;
        }
        return sum;
    }
}
