package org.mirrorsd.devices.cpu;

import java.lang.foreign.MemorySegment;
import org.mirrorsd.models.tensor.Blocks;
import org.mirrorsd.models.tensor.Q3_KTensor;

/**
 * Q3_K weights against Q8_K activations ({@code ggml_vec_dot_q3_K_q8_K}): d_w d_a sum (scale - 32) q3 a over
 * sixteen groups of 16, q3 in -4..3 from two low bits and a high-bit mask. Not vectorised yet.
 */
final class Q3_KKernel {
    private static final int BB = Q3_KTensor.BLOCK_BYTES;

    private Q3_KKernel() {}

    static float reference(MemorySegment w, long firstBlock, int blocks, QuantizedActivations a, int aRow) {
        int[] scales = new int[16];
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long x = (firstBlock + b) * BB;
            int q = aRow * a.width + 256 * b;
            Blocks.q3kScales(w, x + 96, scales);
            int isum = 0, is = 0;
            for (int n = 0; n < 2; n++) {
                long qs = x + 32 + 32L * n;
                for (int s = 0; s < 4; s++) {
                    int bit = 1 << (4 * n + s);
                    for (int half = 0; half < 2; half++, is++) {
                        int g = 0;
                        for (int l = 0; l < 16; l++) {
                            int i = 16 * half + l;
                            int v = ((Blocks.u8(w, qs + i) >>> (2 * s)) & 3) - ((Blocks.u8(w, x + i) & bit) != 0 ? 0 : 4);
                            g += v * a.qK[q + 16 * is + l];
                        }
                        isum += scales[is] * g;
                    }
                }
            }
            sum += Blocks.f16(w, x + 108) * a.dK[aRow * (a.width / 256) + b] * isum;
        }
        return sum;
    }
}
