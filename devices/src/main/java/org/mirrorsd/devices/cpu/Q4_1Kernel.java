package org.mirrorsd.devices.cpu;

import java.lang.foreign.MemorySegment;
import org.mirrorsd.models.tensor.Blocks;
import org.mirrorsd.models.tensor.Q4_1Tensor;

/**
 * Q4_1 weights against Q8_1 activations ({@code ggml_vec_dot_q4_1_q8_1}): per block
 * d_w d_a sum(q a) + m_w s_a. Integer sums, so the scalar loop is exact; not vectorised yet (a rare format).
 */
final class Q4_1Kernel {
    private static final int BB = Q4_1Tensor.BLOCK_BYTES;

    private Q4_1Kernel() {}

    static float reference(MemorySegment w, long firstBlock, int blocks, QuantizedActivations a, int aRow) {
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long off = (firstBlock + b) * BB;
            int q = aRow * a.width + 32 * b, ab = aRow * (a.width / 32) + b;
            int s = 0;
            for (int j = 0; j < 16; j++) {
                int p = Blocks.u8(w, off + 4 + j);
                s += (p & 0xF) * a.q32Short[q + j] + (p >>> 4) * a.q32Short[q + 16 + j];
            }
            sum += (Blocks.f16(w, off) * a.d32[ab]) * s + Blocks.f16(w, off + 2) * a.s32[ab];
        }
        return sum;
    }
}
