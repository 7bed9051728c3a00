package org.mirrorsd.devices.cpu;

import java.lang.foreign.MemorySegment;
import org.mirrorsd.models.tensor.Blocks;
import org.mirrorsd.models.tensor.Q2_KTensor;

/**
 * Q2_K weights against Q8_K activations ({@code ggml_vec_dot_q2_K_q8_K}): d_a d_w sum scale q a -
 * d_a dmin_w sum min bsum, over sixteen groups of 16, in integers. Not vectorised yet.
 */
final class Q2_KKernel {
    private static final int BB = Q2_KTensor.BLOCK_BYTES;

    private Q2_KKernel() {}

    static float reference(MemorySegment w, long firstBlock, int blocks, QuantizedActivations a, int aRow) {
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long x = (firstBlock + b) * BB;
            int q = aRow * a.width + 256 * b, bs = q / 16;
            int mins = 0, isum = 0;
            for (int g = 0; g < 16; g++) mins += a.bsumsK[bs + g] * (Blocks.u8(w, x + g) >>> 4);
            int is = 0;
            for (int n = 0; n < 2; n++) {
                long qs = x + 16 + 32L * n;
                for (int shift = 0; shift < 8; shift += 2) {
                    for (int half = 0; half < 2; half++, is++) {
                        int s = 0;
                        for (int l = 0; l < 16; l++) {
                            s += ((Blocks.u8(w, qs + 16 * half + l) >>> shift) & 3) * a.qK[q + 16 * is + l];
                        }
                        isum += (Blocks.u8(w, x + is) & 0xF) * s;
                    }
                }
            }
            float da = a.dK[aRow * (a.width / 256) + b];
            sum += da * Blocks.f16(w, x + 80) * isum - da * Blocks.f16(w, x + 82) * mins;
        }
        return sum;
    }
}
