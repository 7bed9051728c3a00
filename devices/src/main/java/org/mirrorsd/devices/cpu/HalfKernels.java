package org.mirrorsd.devices.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.mirrorsd.models.tensor.Halfs;

/**
 * F16 and BF16 weights. Decoding widens each weight vector in registers as it streams the row; with four or
 * more activation rows a tile of four weight rows is widened to floats once, into a buffer that stays in L1,
 * and the {@link F32Kernels} register tile multiplies it with every activation row. Widening is exact and the
 * sums are added in the F32 kernels' one order, so a row gets the same bits whichever path computed it.
 */
final class HalfKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int FL = F.length();
    private static final VectorSpecies<Short> S_HALF = ShortVector.SPECIES_PREFERRED.withShape(
            VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    /** 2^112: rescales an f16 exponent placed in an f32 into the right range (also exact for subnormals). */
    private static final float F16_EXP_ADJUST = 0x1p112f;

    private HalfKernels() {}

    /** Weight rows {@code [rowFrom, rowTo)} (row length n, 2 bytes each) times every activation row. */
    static void matvec(boolean bf16, MemorySegment w, int rowFrom, int rowTo, int n, float[] in, int inWidth, int rows,
                       float[] out, int outWidth) {
        long rowBytes = 2L * n;
        int row = rowFrom;
        if (rows < 4) {
            // One row at a time: a four-row widening kernel measured 3x slower here (C2 boxed its vectors).
            for (; row < rowTo; row++) {
                for (int r = 0; r < rows; r++) {
                    out[r * outWidth + row] = bf16 ? VectorKernels.dotBF16(w, row * rowBytes, in, r * inWidth, n)
                            : VectorKernels.dotF16(w, row * rowBytes, in, r * inWidth, n);
                }
            }
            return;
        }
        float[] tile = new float[4 * n];
        float[] lanes = new float[16 * FL];
        for (; row < rowTo; row += 4) {
            int k = Math.min(4, rowTo - row);
            if (bf16) widenBF16(w, row * rowBytes, k * n, tile);
            else widenF16(w, row * rowBytes, k * n, tile);
            F32Kernels.tileTimesRows(tile, k, n, in, inWidth, rows, out, row, outWidth, lanes);
        }
    }

    static void widenBF16(MemorySegment w, long off, int count, float[] dst) {
        int i = 0;
        for (int bound = count - count % FL; i < bound; i += FL) bf16(w, off + 2L * i).intoArray(dst, i);
        for (; i < count; i++) dst[i] = Halfs.bf16ToFloat(w.get(LE_SHORT, off + 2L * i));
    }

    static void widenF16(MemorySegment w, long off, int count, float[] dst) {
        int i = 0;
        for (int bound = count - count % FL; i < bound; i += FL) f16(w, off + 2L * i).intoArray(dst, i);
        for (; i < count; i++) dst[i] = Halfs.f16ToFloat(w.get(LE_SHORT, off + 2L * i));
    }

    /** FL bfloat16 values at byte {@code off}: the top half of a float each. */
    static FloatVector bf16(MemorySegment w, long off) {
        IntVector bits = (IntVector) ShortVector.fromMemorySegment(S_HALF, w, off, LE).convertShape(VectorOperators.S2I, I, 0);
        return bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** FL IEEE halves at byte {@code off}; finite values only (weights hold no inf/NaN). */
    static FloatVector f16(MemorySegment w, long off) {
        // Sign-extended and shifted left 13, exponent and mantissa land in bits 13-27 and copies of the sign fill
        // bits 28-31: one mask keeps bit 31 and the value bits, and the multiply rescales the exponent (the sign
        // rides along). Two operations fewer than masking the magnitude and the sign apart.
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S_HALF, w, off, LE).convertShape(VectorOperators.S2I, I, 0);
        return h.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(F16_EXP_ADJUST);
    }
}
