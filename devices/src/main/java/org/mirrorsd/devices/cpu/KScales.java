package org.mirrorsd.devices.cpu;

import java.lang.foreign.MemorySegment;
import org.mirrorsd.models.tensor.Blocks;

/**
 * The eight 6-bit scales and eight 6-bit mins of a Q4_K / Q5_K super-block, unpacked from their 12 bytes with
 * three int reads (ggml's kmask shuffle) instead of sixteen {@code get_scale_min_k4} calls.
 */
final class KScales {
    private KScales() {}

    /** Scales into {@code out[0..8)}, mins into {@code out[8..16)}. */
    static void unpack(MemorySegment m, long off, int[] out) {
        int u0 = Blocks.i32(m, off), u1 = Blocks.i32(m, off + 4), u2 = Blocks.i32(m, off + 8);
        int s0 = u0 & 0x3f3f3f3f;
        int s1 = (u2 & 0x0f0f0f0f) | (((u0 >>> 6) & 0x03030303) << 4);
        int m0 = u1 & 0x3f3f3f3f;
        int m1 = ((u2 >>> 4) & 0x0f0f0f0f) | (((u1 >>> 6) & 0x03030303) << 4);
        for (int i = 0; i < 4; i++) {
            out[i] = (s0 >>> (8 * i)) & 0xFF;
            out[4 + i] = (s1 >>> (8 * i)) & 0xFF;
            out[8 + i] = (m0 >>> (8 * i)) & 0xFF;
            out[12 + i] = (m1 >>> (8 * i)) & 0xFF;
        }
    }
}
