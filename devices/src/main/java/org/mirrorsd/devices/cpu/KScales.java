package org.mirrorsd.devices.cpu;

import static org.mirrorsd.models.tensor.Blocks.LE_SHORT;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.mirrorsd.models.tensor.Blocks;

/**
 * The eight 6-bit scales and eight 6-bit mins of a Q4_K / Q5_K super-block, unpacked from their 12 bytes with
 * three int reads (ggml's kmask shuffle) instead of sixteen {@code get_scale_min_k4} calls.
 */
final class KScales {
    private KScales() {}

    /** Scales into {@code out[0..8)}, mins into {@code out[8..16)}. */
    static void unpack(MemorySegment m, long off, int[] out) {
        int u0 = m.get(Blocks.LE_INT, off), u1 = m.get(Blocks.LE_INT, off + 4), u2 = m.get(Blocks.LE_INT, off + 8);
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

    /**
     * Super-block {@code b} (at {@code x}) of a Q4_K / Q5_K row for {@link QuantizedTiles}: scales and mins into
     * {@code sm} as {@link #unpack(MemorySegment, long, int[])}, the mins also into {@code mins[sOff + 8b ..]}, and
     * d, dmin into {@code d[dOff + dStride b]}, {@code dmin[dOff + dStride b]}.
     */
    static void unpack(MemorySegment w, long x, int b, int[] sm, int[] mins, int sOff, float[] d, float[] dmin, int dOff,
                       int dStride) {
        unpack(w, x + 4, sm);
        System.arraycopy(sm, 8, mins, sOff + 8 * b, 8);
        d[dOff + dStride * b] = Float.float16ToFloat(w.get(LE_SHORT, x));
        dmin[dOff + dStride * b] = Float.float16ToFloat(w.get(LE_SHORT, x + 2));
    }

    /** The eight 6-bit scales, scale j in byte j, from the first and third of the three words. */
    static long scales(int u0, int u2) {
        return (u0 & 0x3f3f3f3fL) | ((long) ((u2 & 0x0f0f0f0f) | (((u0 >>> 6) & 0x03030303) << 4)) << 32);
    }

    /**
     * {@code sum_j min_j * bs32[off + j]} with the mins read by shifts from the three words (see
     * {@link #minsDot(int[], int, int[], int)}; the same integer).
     */
    static int minsDot(int u0, int u1, int u2, int[] bs32, int o) {
        int m0 = u1 & 0x3f3f3f3f;
        int m1 = ((u2 >>> 4) & 0x0f0f0f0f) | (((u1 >>> 6) & 0x03030303) << 4);
        return (m0 & 0xFF) * bs32[o] + ((m0 >>> 8) & 0xFF) * bs32[o + 1] + ((m0 >>> 16) & 0xFF) * bs32[o + 2] + (m0 >>> 24) * bs32[o + 3]
                + (m1 & 0xFF) * bs32[o + 4] + ((m1 >>> 8) & 0xFF) * bs32[o + 5] + ((m1 >>> 16) & 0xFF) * bs32[o + 6] + (m1 >>> 24) * bs32[o + 7];
    }

    private static final VectorSpecies<Integer> EIGHT = IntVector.SPECIES_256;
    /** Eight int lanes in one register: AVX2 and up; 128-bit machines add the eight in scalar code instead. */
    private static final boolean EIGHT_NATIVE = IntVector.SPECIES_PREFERRED.vectorBitSize() >= 256;

    /**
     * {@code sum_j mins[mOff + j] * bs32[off + j]}: a super-block's eight mins times the sums of the activations
     * under their sub-blocks, the integer every Q4_K/Q5_K kernel subtracts (exact in any order).
     */
    static int minsDot(int[] mins, int mOff, int[] bs32, int off) {
        if (EIGHT_NATIVE) {
            return IntVector.fromArray(EIGHT, mins, mOff).mul(IntVector.fromArray(EIGHT, bs32, off)).reduceLanes(VectorOperators.ADD);
        }
        int m = 0;
        for (int j = 0; j < 8; j++) m += mins[mOff + j] * bs32[off + j];
        return m;
    }
}
