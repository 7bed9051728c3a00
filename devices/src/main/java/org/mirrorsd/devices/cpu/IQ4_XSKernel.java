package org.mirrorsd.devices.cpu;

import java.lang.foreign.MemorySegment;
import org.mirrorsd.models.tensor.Blocks;
import org.mirrorsd.models.tensor.IQ4_NLTensor;
import org.mirrorsd.models.tensor.IQ4_XSTensor;

/**
 * IQ4_XS weights against Q8_K activations ({@code ggml_vec_dot_iq4_xs_q8_K}): d_w d_a sum (scale - 32)
 * table[q] a over eight groups of 32, in integers. Not vectorised yet.
 */
final class IQ4_XSKernel {
    private static final int BB = IQ4_XSTensor.BLOCK_BYTES;

    private IQ4_XSKernel() {}

    static float reference(MemorySegment w, long firstBlock, int blocks, QuantizedActivations a, int aRow) {
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long x = (firstBlock + b) * BB;
            int q = aRow * a.width + 256 * b;
            int scalesH = Blocks.u16(w, x + 2);
            int isum = 0;
            for (int ib = 0; ib < 8; ib++) {
                int ls = ((Blocks.u8(w, x + 4 + ib / 2) >>> (4 * (ib % 2))) & 0xF) | (((scalesH >>> (2 * ib)) & 3) << 4);
                int g = 0;
                for (int j = 0; j < 16; j++) {
                    int p = Blocks.u8(w, x + 8 + 16L * ib + j);
                    g += IQ4_NLTensor.level(p & 0xF) * a.qK[q + 32 * ib + j] + IQ4_NLTensor.level(p >>> 4) * a.qK[q + 32 * ib + 16 + j];
                }
                isum += (ls - 32) * g;
            }
            sum += Blocks.f16(w, x) * a.dK[aRow * (a.width / 256) + b] * isum;
        }
        return sum;
    }
}
