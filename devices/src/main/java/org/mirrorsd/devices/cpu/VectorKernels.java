package org.mirrorsd.devices.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.mirrorsd.models.tensor.BF16Tensor;
import org.mirrorsd.models.tensor.F16Tensor;
import org.mirrorsd.models.tensor.F32Tensor;
import org.mirrorsd.models.tensor.Halfs;
import org.mirrorsd.models.tensor.Int8GroupTensor;
import org.mirrorsd.models.tensor.Q4_0Tensor;
import org.mirrorsd.models.tensor.Q4_KTensor;
import org.mirrorsd.models.tensor.Q5_KTensor;
import org.mirrorsd.models.tensor.Q6_KTensor;
import org.mirrorsd.models.tensor.Q8_0Tensor;
import org.mirrorsd.models.tensor.Tensor;

/**
 * Dot products of one weight row with an activation vector, one kernel per weight format, written with the
 * Vector API so that C2 emits AVX2/AVX-512 (or NEON) code. Decoding is memory-bound: each kernel streams its
 * row once and keeps the arithmetic simple.
 */
public final class VectorKernels {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int FL = F.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    private VectorKernels() {}

    /** Lanes of the float vectors in use: 16 with AVX-512, 8 with AVX2. */
    public static int floatLanes() { return FL; }

    /** Rotations by FL/2, FL/4, ..., 1 lanes: the fixed pairing of {@link #sumLanes}. */
    private static final VectorShuffle<Float>[] HALVING = halvingShuffles();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] halvingShuffles() {
        int steps = Integer.numberOfTrailingZeros(FL);
        VectorShuffle<Float>[] s = new VectorShuffle[steps];
        for (int i = 0, width = FL / 2; i < steps; i++, width /= 2) s[i] = VectorShuffle.iota(F, width, 1, true);
        return s;
    }

    /**
     * The lanes' sum, added in one fixed pairing. {@code reduceLanes(ADD)} may add in any order, and does add in
     * a different one interpreted than compiled; with a fixed order every kernel below gives a row the same bits
     * whichever kernel, batch size or JIT tier computed it. That batch invariance is what lets a token verified
     * in a batched window, or decoded beside other requests, equal the one plain decoding would give, bit for bit.
     */
    public static float sumLanes(FloatVector v) {
        for (VectorShuffle<Float> s : HALVING) v = v.add(v.rearrange(s));
        return v.lane(0);
    }

    /**
     * {@link #sumLanes(FloatVector)} of the FL lanes stored at {@code lanes[off..]} (summed in place): the same
     * pairing, hence the same bits. The pairing by rotations leaves in lane 0 the tree sum of lane i with lane
     * i + width, for width = FL/2, ..., 1.
     */
    public static float sumLanes(float[] lanes, int off) {
        for (int width = FL / 2; width >= 1; width /= 2) {
            for (int i = 0; i < width; i++) lanes[off + i] = lanes[off + i] + lanes[off + i + width];
        }
        return lanes[off];
    }

    /**
     * {@code sum_i w[row, i] * x[xOff + i]} over one row of {@code w}. For a quantised {@code w} the vector is
     * first quantised as ggml would (see {@link QuantizedActivations}); with many rows, quantise once and use
     * {@link #dotQuantized}.
     */
    public static float dot(Tensor w, int row, float[] x, int xOff) {
        return switch (w) {
            case F32Tensor t -> F32Kernels.dot(t.data(), (long) row * t.cols() * 4, x, xOff, t.cols());
            case F16Tensor t -> dotF16(t.data(), (long) row * t.cols() * 2, x, xOff, t.cols());
            case BF16Tensor t -> dotBF16(t.data(), (long) row * t.cols() * 2, x, xOff, t.cols());
            case Int8GroupTensor t -> dotInt8Group(t, row, x, xOff);
            default -> dotQuantized(w, row, new QuantizedActivations(x, xOff, 0, w.cols(), 1).prepare(w), 0);
        };
    }

    /**
     * One row of a block-quantised {@code w} against activation row {@code aRow} of {@code a}, in integers: the
     * formats with a vector kernel use it; the others run their scalar reference ({@link ScalarKernels}).
     */
    public static float dotQuantized(Tensor w, int row, QuantizedActivations a, int aRow) {
        // The pair through the kernel's own loops (out[-row + row]): the same code as every batch, so the same bits.
        float[] one = new float[1];
        if (!integerKernel(w, row, row + 1, a, aRow, aRow + 1, one, -row, 0)) return ScalarKernels.dotQuantized(w, row, a, aRow);
        return one[0];
    }

    /**
     * The format's integer kernel over weight rows {@code [rowFrom, rowTo)} and activation rows {@code [aFrom, aTo)};
     * false, having done nothing, for a format without one.
     */
    private static boolean integerKernel(Tensor w, int rowFrom, int rowTo, QuantizedActivations a, int aFrom, int aTo, float[] out,
                                         int outOffset, int outWidth) {
        return NativeKernels.matvec(w, rowFrom, rowTo, a, aFrom, aTo, out, outOffset, outWidth)
                || javaIntegerKernel(w, rowFrom, rowTo, a, aFrom, aTo, out, outOffset, outWidth);
    }

    /** {@link #integerKernel} in Java only: what the native kernels must equal bit for bit. */
    static boolean javaIntegerKernel(Tensor w, int rowFrom, int rowTo, QuantizedActivations a, int aFrom, int aTo, float[] out,
                                     int outOffset, int outWidth) {
        int blocks = w.cols() / w.ggmlType().blockSize();
        switch (w) {
            case Q8_0Tensor t -> Q8_0Kernel.matvec(t.data(), blocks, rowFrom, rowTo, a, aFrom, aTo, out, outOffset, outWidth);
            case Q4_0Tensor t -> Q4_0Kernel.matvec(t.data(), blocks, rowFrom, rowTo, a, aFrom, aTo, out, outOffset, outWidth);
            case Q4_KTensor t -> Q4_KKernel.matvec(t.data(), blocks, rowFrom, rowTo, a, aFrom, aTo, out, outOffset, outWidth);
            case Q5_KTensor t -> Q5_KKernel.matvec(t.data(), blocks, rowFrom, rowTo, a, aFrom, aTo, out, outOffset, outWidth);
            case Q6_KTensor t -> Q6_KKernel.matvec(t.data(), blocks, rowFrom, rowTo, a, aFrom, aTo, out, outOffset, outWidth);
            default -> { return false; }
        }
        return true;
    }

    /**
     * Weight rows {@code [rowFrom, rowTo)} of a block-quantised {@code w} against every row of {@code a}. Several
     * activation rows go through {@link QuantizedTiles} where the format has one, one row through the format's
     * integer kernel; both give a (weight row, activation row) pair the same bits, so a row's result does not
     * depend on the batch or on where the thread split falls.
     */
    public static void matvecRange(Tensor w, int rowFrom, int rowTo, QuantizedActivations a, float[] out, int outWidth) {
        matvecRange(w, rowFrom, rowTo, a, out, 0, outWidth);
    }

    /** {@link #matvecRange} into {@code out[outOffset + r * outWidth + row]}. */
    public static void matvecRange(Tensor w, int rowFrom, int rowTo, QuantizedActivations a, float[] out, int outOffset, int outWidth) {
        // The native K-quant kernels beat the tiles at every row count (and give their bits).
        if (a.rows >= QuantizedTiles.minRows(w) && !NativeKernels.handles(w)) {
            QuantizedTiles.matvec(w, rowFrom, rowTo, a, out, outOffset, outWidth);
        } else {
            matvecIntegers(w, rowFrom, rowTo, a, out, outOffset, outWidth);
        }
    }

    /** {@link #matvecRange} through the integer kernels only (or the scalar references, for formats without one). */
    static void matvecIntegers(Tensor w, int rowFrom, int rowTo, QuantizedActivations a, float[] out, int outOffset, int outWidth) {
        if (integerKernel(w, rowFrom, rowTo, a, 0, a.rows, out, outOffset, outWidth)) return;
        for (int row = rowFrom; row < rowTo; row++) {
            for (int r = 0; r < a.rows(); r++) out[outOffset + r * outWidth + row] = ScalarKernels.dotQuantized(w, row, a, r);
        }
    }

    /**
     * {@code out[r * outWidth + row] = w[row, :] . in[r * inWidth ..]} for every batch row r: the weight row is
     * loaded once and reused for up to four activation rows at a time, which is what makes verifying a window
     * of γ+1 tokens cost little more than decoding one.
     */
    public static void matvecRows(Tensor w, int row, float[] in, int inWidth, int rows, float[] out, int outWidth) {
        if (QuantizedActivations.Kind.of(w) != QuantizedActivations.Kind.NONE) {
            matvecRange(w, row, row + 1, new QuantizedActivations(in, 0, inWidth, w.cols(), rows).prepare(w), out, outWidth);
            return;
        }
        if (w instanceof F32Tensor || w instanceof F16Tensor || w instanceof BF16Tensor) {
            matvecRange(w, row, row + 1, in, inWidth, rows, out, outWidth);
            return;
        }
        for (int r = 0; r < rows; r++) out[r * outWidth + row] = dot(w, row, in, r * inWidth);
    }

    /**
     * Weight rows {@code [rowFrom, rowTo)} times every activation row. The float formats run register tiles
     * ({@link F32Kernels}): four weight rows streamed side by side when decoding, four by four when verifying or
     * prefilling, each weight tile read from memory once for the whole batch.
     */
    public static void matvecRange(Tensor w, int rowFrom, int rowTo, float[] in, int inWidth, int rows, float[] out,
                                   int outWidth) {
        if (QuantizedActivations.Kind.of(w) != QuantizedActivations.Kind.NONE) {
            matvecRange(w, rowFrom, rowTo, new QuantizedActivations(in, 0, inWidth, w.cols(), rows).prepare(w), out, outWidth);
            return;
        }
        switch (w) {
            case F32Tensor t -> F32Kernels.matvec(t.data(), (long) rowFrom * t.cols() * 4, 4L * t.cols(), rowTo - rowFrom,
                    t.cols(), in, inWidth, rows, out, rowFrom, outWidth);
            case F16Tensor t -> HalfKernels.matvec(false, t.data(), rowFrom, rowTo, t.cols(), in, inWidth, rows, out, outWidth);
            case BF16Tensor t -> HalfKernels.matvec(true, t.data(), rowFrom, rowTo, t.cols(), in, inWidth, rows, out, outWidth);
            default -> {
                for (int row = rowFrom; row < rowTo; row++) matvecRows(w, row, in, inWidth, rows, out, outWidth);
            }
        }
    }

    /** One accumulation order with {@link F32Kernels#dot} over the widened values: the same bits. */
    static float dotBF16(MemorySegment w, long byteOff, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = n - n % FL; i < bound; i += FL) acc = HalfKernels.bf16(w, byteOff + 2L * i).fma(FloatVector.fromArray(F, x, xOff + i), acc);
        float s = sumLanes(acc);
        for (; i < n; i++) s += Halfs.bf16ToFloat(w.get(LE_SHORT, byteOff + 2L * i)) * x[xOff + i];
        return s;
    }

    static float dotF16(MemorySegment w, long byteOff, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = n - n % FL; i < bound; i += FL) acc = HalfKernels.f16(w, byteOff + 2L * i).fma(FloatVector.fromArray(F, x, xOff + i), acc);
        float s = sumLanes(acc);
        for (; i < n; i++) s += Halfs.f16ToFloat(w.get(LE_SHORT, byteOff + 2L * i)) * x[xOff + i];
        return s;
    }

    /** llama2.c int8 groups may straddle rows, so walk the row group by group; only small exports use this. */
    static float dotInt8Group(Int8GroupTensor t, int row, float[] x, int xOff) {
        long start = (long) row * t.cols();
        long end = start + t.cols();
        int gs = t.groupSize();
        float total = 0;
        long i = start;
        while (i < end) {
            long group = i / gs;
            long groupEnd = Math.min(end, (group + 1) * gs);
            float partial = 0;
            for (; i < groupEnd; i++) {
                partial += t.values().get(ValueLayout.JAVA_BYTE, i) * x[xOff + (int) (i - start)];
            }
            total += partial * t.scale(group);
        }
        return total;
    }

    /** Plain float dot product of two heap vectors (attention scores). */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int i = 0;
        float s = 0;
        if (n >= FL) {
            FloatVector acc = FloatVector.zero(F);
            int bound = n - n % FL;
            for (; i < bound; i += FL) {
                acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc);
            }
            s = sumLanes(acc);
        }
        for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    /** {@code y[yOff..] += a * x[xOff..]} over n elements (attention's weighted sum of values). */
    public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        if (n >= FL) {
            FloatVector av = FloatVector.broadcast(F, a);
            int bound = n - n % FL;
            for (; i < bound; i += FL) {
                FloatVector.fromArray(F, x, xOff + i).fma(av, FloatVector.fromArray(F, y, yOff + i))
                        .intoArray(y, yOff + i);
            }
        }
        for (; i < n; i++) y[yOff + i] += a * x[xOff + i];
    }
}
