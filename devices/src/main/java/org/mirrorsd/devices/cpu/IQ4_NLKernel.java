package org.mirrorsd.devices.cpu;

import java.lang.foreign.MemorySegment;
import org.mirrorsd.models.tensor.Blocks;
import org.mirrorsd.models.tensor.IQ4_NLTensor;

/**
 * IQ4_NL weights against Q8_0 activations ({@code ggml_vec_dot_iq4_nl_q8_0}): per block sum table[q] a in
 * integers, times d_w d_a. Not vectorised yet.
 */
final class IQ4_NLKernel {
    private static final int BB = IQ4_NLTensor.BLOCK_BYTES;

    private IQ4_NLKernel() {}

    static float reference(MemorySegment w, long firstBlock, int blocks, QuantizedActivations a, int aRow) {
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long off = (firstBlock + b) * BB;
            int q = aRow * a.width + 32 * b;
            int s = 0;
            for (int j = 0; j < 16; j++) {
                int p = Blocks.u8(w, off + 2 + j);
                s += IQ4_NLTensor.level(p & 0xF) * a.q32Short[q + j] + IQ4_NLTensor.level(p >>> 4) * a.q32Short[q + 16 + j];
            }
            sum += (Blocks.f16(w, off) * a.d32[aRow * (a.width / 32) + b]) * s;
        }
        return sum;
    }
}
