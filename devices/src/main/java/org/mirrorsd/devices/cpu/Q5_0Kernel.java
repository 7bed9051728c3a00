package org.mirrorsd.devices.cpu;

import java.lang.foreign.MemorySegment;
import org.mirrorsd.models.tensor.Blocks;
import org.mirrorsd.models.tensor.Q5_0Tensor;

/**
 * Q5_0 weights against Q8_0 activations ({@code ggml_vec_dot_q5_0_q8_0}): per block sum (q5 - 16) a in
 * integers, times d_w d_a. Not vectorised yet (a rare format).
 */
final class Q5_0Kernel {
    private static final int BB = Q5_0Tensor.BLOCK_BYTES;

    private Q5_0Kernel() {}

    static float reference(MemorySegment w, long firstBlock, int blocks, QuantizedActivations a, int aRow) {
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long off = (firstBlock + b) * BB;
            int q = aRow * a.width + 32 * b;
            int qh = Blocks.i32(w, off + 2);
            int s = 0;
            for (int j = 0; j < 16; j++) {
                int p = Blocks.u8(w, off + 6 + j);
                int lo = ((p & 0xF) | (((qh >>> j) << 4) & 0x10)) - 16;
                int hi = ((p >>> 4) | ((qh >>> (j + 12)) & 0x10)) - 16;
                s += lo * a.q32Short[q + j] + hi * a.q32Short[q + 16 + j];
            }
            sum += s * (Blocks.f16(w, off) * a.d32[aRow * (a.width / 32) + b]);
        }
        return sum;
    }
}
