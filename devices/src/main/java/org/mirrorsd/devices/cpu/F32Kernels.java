package org.mirrorsd.devices.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float weights times activation rows, the kernels every float format shares: decoding streams F32 rows where
 * they are mapped; with four or more activation rows F32 tiles are copied, and F16/BF16 tiles widened
 * ({@link HalfKernels}), to a heap array once and multiplied with every row by one register tile.
 *
 * <p>One accumulation order for every kernel: each (weight row, activation row) pair has one FMA chain over
 * the row in steps of {@code FL} lanes, its lanes added by {@link VectorKernels#sumLanes}, then the scalar tail
 * added in order. So a row's result is the same bits whichever tile computed it, whatever else was in its batch
 * and however rows were split between threads.
 *
 * <p>Weights are addressed as bytes of little-endian floats: weight row {@code k} of a call starts at
 * {@code base + k * rowBytes}.
 */
final class F32Kernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int FL = F.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    private F32Kernels() {}

    /**
     * {@code out[r * outWidth + outRow0 + k] = w_k . in[r * inWidth ..]} for weight rows {@code k < wRows} and
     * activation rows {@code r < rows}. Decoding (under four rows) streams one mapped weight row at a time;
     * with more rows each tile of four weight rows is copied to the heap once and multiplied with every
     * activation row from there ({@link #tileTimesRows}, shared with the widened F16/BF16 tiles: one set of
     * tile kernels, and their loads see heap arrays only, which C2 compiles far better than a mix of mapped and
     * heap segments — measured ~10x on prefill).
     */
    static void matvec(MemorySegment w, long base, long rowBytes, int wRows, int n, float[] in, int inWidth, int rows,
                       float[] out, int outRow0, int outWidth) {
        if (rows >= 4) {
            float[] tile = new float[4 * n];
            float[] lanes = new float[16 * FL];
            for (int k = 0; k < wRows; k += 4) {
                int count = Math.min(4, wRows - k);
                MemorySegment.copy(w, LE_FLOAT, base + k * rowBytes, tile, 0, count * n);
                tileTimesRows(tile, count, n, in, inWidth, rows, out, outRow0 + k, outWidth, lanes);
            }
            return;
        }
        // One mapped row at a time: a single stream measured 22 GB/s against 13-15 for four rows side by side
        // on one Zen 4 core; the hardware prefetcher follows one stream best.
        for (int k = 0; k < wRows; k++) {
            for (int r = 0; r < rows; r++) out[r * outWidth + outRow0 + k] = dot(w, base + k * rowBytes, in, r * inWidth, n);
        }
    }

    /** Weight rows {@code tile[0 .. count * n)} (count <= 4) times every activation row, into columns from {@code outRow0}. */
    static void tileTimesRows(float[] tile, int count, int n, float[] in, int inWidth, int rows, float[] out, int outRow0,
                              int outWidth, float[] lanes) {
        for (int r = 0; r < rows; r++) {
            if (count == 4 && r + 4 <= rows) {
                tile4x4(tile, n, in, r * inWidth, inWidth, out, r * outWidth + outRow0, outWidth, lanes);
                r += 3;
            } else {
                for (int j = 0; j < count; j++) out[r * outWidth + outRow0 + j] = dot(tile, j * n, in, r * inWidth, n);
            }
        }
    }

    /** One weight row against one activation row. */
    static float dot(MemorySegment w, long off, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = n - n % FL; i < bound; i += FL) {
            acc = FloatVector.fromMemorySegment(F, w, off + 4L * i, LE).fma(FloatVector.fromArray(F, x, xOff + i), acc);
        }
        float s = VectorKernels.sumLanes(acc);
        for (; i < n; i++) s += w.get(LE_FLOAT, off + 4L * i) * x[xOff + i];
        return s;
    }

    /** {@link #dot} over a row copied to the heap: the same additions in the same order. */
    static float dot(float[] w, int wOff, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = n - n % FL; i < bound; i += FL) {
            acc = FloatVector.fromArray(F, w, wOff + i).fma(FloatVector.fromArray(F, x, xOff + i), acc);
        }
        float s = VectorKernels.sumLanes(acc);
        for (; i < n; i++) s += w[wOff + i] * x[xOff + i];
        return s;
    }

    /**
     * Four weight rows {@code w[0 .. 4n)} against four activation rows: the register tile of prefill and
     * verification (16 independent FMA chains, 8 loads per 16 FMAs). The accumulators leave through
     * {@code lanes} and are summed by {@link VectorKernels#sumLanes(float[], int)}, the scalar twin of the vector
     * sum: sixteen vector reductions in one method exceed what C2 will inline.
     */
    static void tile4x4(float[] w, int n, float[] x, int xOff, int stride, float[] out, int outOff, int outStride,
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
}
