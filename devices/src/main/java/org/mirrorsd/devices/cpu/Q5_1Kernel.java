package org.mirrorsd.devices.cpu;

import java.lang.foreign.MemorySegment;
import org.mirrorsd.models.tensor.Blocks;
import org.mirrorsd.models.tensor.Q5_1Tensor;

/**
 * Q5_1 weights against Q8_1 activations ({@code ggml_vec_dot_q5_1_q8_1}): per block
 * d_w d_a sum(q5 a) + m_w s_a. Not vectorised yet (a rare format).
 */
final class Q5_1Kernel {
    private static final int BB = Q5_1Tensor.BLOCK_BYTES;

    private Q5_1Kernel() {}

    static float reference(MemorySegment w, long firstBlock, int blocks, QuantizedActivations a, int aRow) {
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long off = (firstBlock + b) * BB;
            int q = aRow * a.width + 32 * b, ab = aRow * (a.width / 32) + b;
            int qh = Blocks.i32(w, off + 4);
            int s = 0;
            for (int j = 0; j < 16; j++) {
                int p = Blocks.u8(w, off + 8 + j);
                int lo = (p & 0xF) | (((qh >>> j) << 4) & 0x10);
                int hi = (p >>> 4) | ((qh >>> (j + 12)) & 0x10);
                s += lo * a.q32Short[q + j] + hi * a.q32Short[q + 16 + j];
            }
            sum += (Blocks.f16(w, off) * a.d32[ab]) * s + Blocks.f16(w, off + 2) * a.s32[ab];
        }
        return sum;
    }
}
