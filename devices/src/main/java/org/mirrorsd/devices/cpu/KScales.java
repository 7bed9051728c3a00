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

    /*
     * The same unpacking four values to an int, one per byte, for the vector kernels: an int[] per row kept the
     * scales in memory, and with the mins' loop the scalar part of a super-block cost as much as its vector part.
     */

    /** Scales 0..3, one per byte, from the first int of the 12 bytes. */
    static int scalesLow(int u0) { return u0 & 0x3f3f3f3f; }

    /** Scales 4..7 from the first and third ints. */
    static int scalesHigh(int u0, int u2) { return (u2 & 0x0f0f0f0f) | (((u0 >>> 6) & 0x03030303) << 4); }

    /** Mins 0..3 from the second int. */
    static int minsLow(int u1) { return u1 & 0x3f3f3f3f; }

    /** Mins 4..7 from the second and third ints. */
    static int minsHigh(int u1, int u2) { return ((u2 >>> 4) & 0x0f0f0f0f) | (((u1 >>> 6) & 0x03030303) << 4); }

    /** Byte {@code i} of four packed values. */
    static int at(int packed, int i) { return (packed >>> (8 * i)) & 0xFF; }

    /** sum_j min_j * sums[at + j] over the eight mins: the activation sums of the eight sub-blocks of 32. */
    static int minsDot(int minsLow, int minsHigh, int[] sums, int at) {
        return at(minsLow, 0) * sums[at] + at(minsLow, 1) * sums[at + 1] + at(minsLow, 2) * sums[at + 2] + at(minsLow, 3) * sums[at + 3]
                + at(minsHigh, 0) * sums[at + 4] + at(minsHigh, 1) * sums[at + 5] + at(minsHigh, 2) * sums[at + 6] + at(minsHigh, 3) * sums[at + 7];
    }
}
