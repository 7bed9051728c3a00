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
 * and a 4x4 register tile like {@link F32Kernels}' multiplies it with every activation row. Widening is exact and the
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
        // The widened tile is a heap array with kernels of its own: F32Kernels' loads would see mapped and heap
        // segments both, and C2 compiles such polymorphic accesses far slower (measured 10x on prefill).
        float[] buf = new float[4 * n];
        float[] lanes = new float[16 * FL];
        for (; row < rowTo; row += 4) {
            int k = Math.min(4, rowTo - row);
            if (bf16) widenBF16(w, row * rowBytes, k * n, buf);
            else widenF16(w, row * rowBytes, k * n, buf);
            for (int r = 0; r < rows; r++) {
                if (k == 4 && r + 4 <= rows) {
                    tile4x4(buf, n, in, r * inWidth, inWidth, out, r * outWidth + row, outWidth, lanes);
                    r += 3;
                } else {
                    for (int j = 0; j < k; j++) out[r * outWidth + row + j] = dot(buf, j * n, in, r * inWidth, n);
                }
            }
        }
    }

    /** {@link F32Kernels#dot} over a widened row: the same additions in the same order. */
    private static float dot(float[] w, int wOff, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = n - n % FL; i < bound; i += FL) {
            acc = FloatVector.fromArray(F, w, wOff + i).fma(FloatVector.fromArray(F, x, xOff + i), acc);
        }
        float s = VectorKernels.sumLanes(acc);
        for (; i < n; i++) s += w[wOff + i] * x[xOff + i];
        return s;
    }

    /** {@link F32Kernels#tile4x4} over a widened four-row tile {@code w[0 .. 4n)}: the same additions in the same order. */
    private static void tile4x4(float[] w, int n, float[] x, int xOff, int stride, float[] out, int outOff, int outStride,
                                float[] lanes) {
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a02 = FloatVector.zero(F), a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F), a12 = FloatVector.zero(F), a13 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F), a22 = FloatVector.zero(F), a23 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F), a32 = FloatVector.zero(F), a33 = FloatVector.zero(F);
        int i = 0;
        for (int bound = n - n % FL; i < bound; i += FL) {
            FloatVector w0 = FloatVector.fromArray(F, w, i);
            FloatVector w1 = FloatVector.fromArray(F, w, n + i);
            FloatVector w2 = FloatVector.fromArray(F, w, 2 * n + i);
            FloatVector w3 = FloatVector.fromArray(F, w, 3 * n + i);
            int xo = xOff + i;
            FloatVector x0 = FloatVector.fromArray(F, x, xo);
            a00 = w0.fma(x0, a00); a10 = w1.fma(x0, a10); a20 = w2.fma(x0, a20); a30 = w3.fma(x0, a30);
            FloatVector x1 = FloatVector.fromArray(F, x, xo + stride);
            a01 = w0.fma(x1, a01); a11 = w1.fma(x1, a11); a21 = w2.fma(x1, a21); a31 = w3.fma(x1, a31);
            FloatVector x2 = FloatVector.fromArray(F, x, xo + 2 * stride);
            a02 = w0.fma(x2, a02); a12 = w1.fma(x2, a12); a22 = w2.fma(x2, a22); a32 = w3.fma(x2, a32);
            FloatVector x3 = FloatVector.fromArray(F, x, xo + 3 * stride);
            a03 = w0.fma(x3, a03); a13 = w1.fma(x3, a13); a23 = w2.fma(x3, a23); a33 = w3.fma(x3, a33);
        }
        a00.intoArray(lanes, 0); a01.intoArray(lanes, FL); a02.intoArray(lanes, 2 * FL); a03.intoArray(lanes, 3 * FL);
        a10.intoArray(lanes, 4 * FL); a11.intoArray(lanes, 5 * FL); a12.intoArray(lanes, 6 * FL); a13.intoArray(lanes, 7 * FL);
        a20.intoArray(lanes, 8 * FL); a21.intoArray(lanes, 9 * FL); a22.intoArray(lanes, 10 * FL); a23.intoArray(lanes, 11 * FL);
        a30.intoArray(lanes, 12 * FL); a31.intoArray(lanes, 13 * FL); a32.intoArray(lanes, 14 * FL); a33.intoArray(lanes, 15 * FL);
        for (int k = 0; k < 4; k++) {
            for (int r = 0; r < 4; r++) {
                float s = VectorKernels.sumLanes(lanes, (4 * k + r) * FL);
                for (int j = i; j < n; j++) s += w[k * n + j] * x[xOff + r * stride + j];
                out[outOff + k + r * outStride] = s;
            }
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
        IntVector h = ((IntVector) ShortVector.fromMemorySegment(S_HALF, w, off, LE).convertShape(VectorOperators.S2I, I, 0)).and(0xFFFF);
        // Exponent and mantissa shifted into place and rescaled, then the sign.
        FloatVector magnitude = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(F16_EXP_ADJUST);
        return magnitude.reinterpretAsInts().or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }
}
