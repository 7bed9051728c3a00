package org.mirrorsd.devices.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.mirrorsd.models.tensor.BF16Tensor;
import org.mirrorsd.models.tensor.F16Tensor;
import org.mirrorsd.models.tensor.F32Tensor;
import org.mirrorsd.models.tensor.Halfs;
import org.mirrorsd.models.tensor.IQ4_NLTensor;
import org.mirrorsd.models.tensor.IQ4_XSTensor;
import org.mirrorsd.models.tensor.Int8GroupTensor;
import org.mirrorsd.models.tensor.Q2_KTensor;
import org.mirrorsd.models.tensor.Q3_KTensor;
import org.mirrorsd.models.tensor.Q4_0Tensor;
import org.mirrorsd.models.tensor.Q4_1Tensor;
import org.mirrorsd.models.tensor.Q4_KTensor;
import org.mirrorsd.models.tensor.Q5_0Tensor;
import org.mirrorsd.models.tensor.Q5_1Tensor;
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
    private static final VectorSpecies<Short> S_HALF = ShortVector.SPECIES_PREFERRED.withShape(
            jdk.incubator.vector.VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
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
     * {@code sum_i w[row, i] * x[xOff + i]} over one row of {@code w}. For a quantised {@code w} the vector is
     * first quantised as ggml would (see {@link QuantizedActivations}); with many rows, quantise once and use
     * {@link #dotQuantized}.
     */
    public static float dot(Tensor w, int row, float[] x, int xOff) {
        return switch (w) {
            case F32Tensor t -> dotF32(t.data(), (long) row * t.cols() * 4, x, xOff, t.cols());
            case F16Tensor t -> dotF16(t.data(), (long) row * t.cols() * 2, x, xOff, t.cols());
            case BF16Tensor t -> dotBF16(t.data(), (long) row * t.cols() * 2, x, xOff, t.cols());
            case Int8GroupTensor t -> dotInt8Group(t, row, x, xOff);
            default -> dotQuantized(w, row, new QuantizedActivations(x, xOff, 0, w.cols(), 1).prepare(w), 0);
        };
    }

    /** One row of a block-quantised {@code w} against activation row {@code aRow} of {@code a}, in integers. */
    public static float dotQuantized(Tensor w, int row, QuantizedActivations a, int aRow) {
        int blocks = w.cols() / w.ggmlType().blockSize();
        long first = (long) row * blocks;
        return switch (w) {
            case Q8_0Tensor t -> Q8_0Kernel.dot(t.data(), first, blocks, a, aRow);
            case Q4_0Tensor t -> Q4_0Kernel.dot(t.data(), first, blocks, a, aRow);
            case Q4_1Tensor t -> Q4_1Kernel.reference(t.data(), first, blocks, a, aRow);
            case Q5_0Tensor t -> Q5_0Kernel.reference(t.data(), first, blocks, a, aRow);
            case Q5_1Tensor t -> Q5_1Kernel.reference(t.data(), first, blocks, a, aRow);
            case IQ4_NLTensor t -> IQ4_NLKernel.reference(t.data(), first, blocks, a, aRow);
            case Q2_KTensor t -> Q2_KKernel.reference(t.data(), first, blocks, a, aRow);
            case Q3_KTensor t -> Q3_KKernel.reference(t.data(), first, blocks, a, aRow);
            case Q4_KTensor t -> Q4_KKernel.dot(t.data(), first, blocks, a, aRow);
            case Q5_KTensor t -> Q5_KKernel.dot(t.data(), first, blocks, a, aRow);
            case Q6_KTensor t -> Q6_KKernel.dot(t.data(), first, blocks, a, aRow);
            case IQ4_XSTensor t -> IQ4_XSKernel.reference(t.data(), first, blocks, a, aRow);
            default -> throw new IllegalArgumentException("tensor '" + w.name() + "' (" + w.ggmlType() + ") is not block-quantised");
        };
    }

    /**
     * Weight rows {@code [rowFrom, rowTo)} of a block-quantised {@code w} against every row of {@code a}. Each
     * (weight row, activation row) pair goes through the one kernel of its format, so a row's result does not
     * depend on the batch or on where the thread split falls.
     */
    public static void matvecRange(Tensor w, int rowFrom, int rowTo, QuantizedActivations a, float[] out, int outWidth) {
        for (int row = rowFrom; row < rowTo; row++) {
            for (int r = 0; r < a.rows(); r++) out[r * outWidth + row] = dotQuantized(w, row, a, r);
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
        int r = 0;
        switch (w) {
            case F32Tensor t -> {
                long off = (long) row * t.cols() * 4;
                for (; r + 8 <= rows; r += 8) dotF32x8(t.data(), off, in, r * inWidth, inWidth, t.cols(), out, r * outWidth + row, outWidth);
                for (; r + 4 <= rows; r += 4) dotF32x4(t.data(), off, in, r * inWidth, inWidth, t.cols(), out, r * outWidth + row, outWidth);
            }
            default -> { }
        }
        for (; r < rows; r++) out[r * outWidth + row] = dot(w, row, in, r * inWidth);
    }

    /**
     * Weight rows {@code [rowFrom, rowTo)} times every activation row. With few activation rows (decoding),
     * four weight rows are streamed side by side: more loads in flight is what lets one core approach the
     * memory bandwidth. With four or more (verification, prefill), each weight row is reused across rows.
     */
    public static void matvecRange(Tensor w, int rowFrom, int rowTo, float[] in, int inWidth, int rows, float[] out,
                                   int outWidth) {
        if (QuantizedActivations.Kind.of(w) != QuantizedActivations.Kind.NONE) {
            matvecRange(w, rowFrom, rowTo, new QuantizedActivations(in, 0, inWidth, w.cols(), rows).prepare(w), out, outWidth);
            return;
        }
        int row = rowFrom;
        if (rows < 4) {
            switch (w) {
                case F32Tensor t -> {
                    for (; row + 4 <= rowTo; row += 4) {
                        for (int r = 0; r < rows; r++) {
                            dotF32Rows4(t.data(), (long) row * t.cols() * 4, t.cols(), in, r * inWidth, out, r * outWidth + row);
                        }
                    }
                }
                default -> { }
            }
        }
        for (; row < rowTo; row++) matvecRows(w, row, in, inWidth, rows, out, outWidth);
    }

    /** Four consecutive weight rows (row length n) against one activation vector, into out[outOff..+4). */
    static void dotF32Rows4(MemorySegment w, long byteOff, int n, float[] x, int xOff, float[] out, int outOff) {
        long rowBytes = 4L * n;
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        int i = 0;
        int bound = n - n % FL;
        for (; i < bound; i += FL) {
            FloatVector xv = FloatVector.fromArray(F, x, xOff + i);
            long o = byteOff + 4L * i;
            a0 = FloatVector.fromMemorySegment(F, w, o, LE).fma(xv, a0);
            a1 = FloatVector.fromMemorySegment(F, w, o + rowBytes, LE).fma(xv, a1);
            a2 = FloatVector.fromMemorySegment(F, w, o + 2 * rowBytes, LE).fma(xv, a2);
            a3 = FloatVector.fromMemorySegment(F, w, o + 3 * rowBytes, LE).fma(xv, a3);
        }
        float s0 = sumLanes(a0), s1 = sumLanes(a1);
        float s2 = sumLanes(a2), s3 = sumLanes(a3);
        for (; i < n; i++) {
            float xi = x[xOff + i];
            long o = byteOff + 4L * i;
            s0 += w.get(LE_FLOAT, o) * xi;
            s1 += w.get(LE_FLOAT, o + rowBytes) * xi;
            s2 += w.get(LE_FLOAT, o + 2 * rowBytes) * xi;
            s3 += w.get(LE_FLOAT, o + 3 * rowBytes) * xi;
        }
        out[outOff] = s0;
        out[outOff + 1] = s1;
        out[outOff + 2] = s2;
        out[outOff + 3] = s3;
    }

    /**
     * One weight row against eight activation rows: eight independent FMA chains keep both FMA ports busy, where
     * four leave half the issue slots to the chains' latency. Each row's sum is added exactly as in
     * {@link #dotF32x4}.
     */
    static void dotF32x8(MemorySegment w, long byteOff, float[] x, int xOff, int stride, int n, float[] out, int outOff, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        FloatVector a4 = FloatVector.zero(F), a5 = FloatVector.zero(F), a6 = FloatVector.zero(F), a7 = FloatVector.zero(F);
        int i = 0;
        int bound = n - n % FL;
        for (; i < bound; i += FL) {
            FloatVector wv = FloatVector.fromMemorySegment(F, w, byteOff + 4L * i, LE);
            int o = xOff + i;
            a0 = wv.fma(FloatVector.fromArray(F, x, o), a0);
            a1 = wv.fma(FloatVector.fromArray(F, x, o + stride), a1);
            a2 = wv.fma(FloatVector.fromArray(F, x, o + 2 * stride), a2);
            a3 = wv.fma(FloatVector.fromArray(F, x, o + 3 * stride), a3);
            a4 = wv.fma(FloatVector.fromArray(F, x, o + 4 * stride), a4);
            a5 = wv.fma(FloatVector.fromArray(F, x, o + 5 * stride), a5);
            a6 = wv.fma(FloatVector.fromArray(F, x, o + 6 * stride), a6);
            a7 = wv.fma(FloatVector.fromArray(F, x, o + 7 * stride), a7);
        }
        // Lane sums straight into the outputs, then the scalar tail onto them: the same additions, in the same
        // order, as a local sum would make, without an array allocated for every weight row.
        out[outOff] = sumLanes(a0);
        out[outOff + outStride] = sumLanes(a1);
        out[outOff + 2 * outStride] = sumLanes(a2);
        out[outOff + 3 * outStride] = sumLanes(a3);
        out[outOff + 4 * outStride] = sumLanes(a4);
        out[outOff + 5 * outStride] = sumLanes(a5);
        out[outOff + 6 * outStride] = sumLanes(a6);
        out[outOff + 7 * outStride] = sumLanes(a7);
        for (; i < n; i++) {
            float wi = w.get(LE_FLOAT, byteOff + 4L * i);
            for (int r = 0; r < 8; r++) out[outOff + r * outStride] += wi * x[xOff + r * stride + i];
        }
    }

    static void dotF32x4(MemorySegment w, long byteOff, float[] x, int xOff, int stride, int n, float[] out, int outOff, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        int i = 0;
        int bound = n - n % FL;
        for (; i < bound; i += FL) {
            FloatVector wv = FloatVector.fromMemorySegment(F, w, byteOff + 4L * i, LE);
            a0 = wv.fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = wv.fma(FloatVector.fromArray(F, x, xOff + stride + i), a1);
            a2 = wv.fma(FloatVector.fromArray(F, x, xOff + 2 * stride + i), a2);
            a3 = wv.fma(FloatVector.fromArray(F, x, xOff + 3 * stride + i), a3);
        }
        float s0 = sumLanes(a0), s1 = sumLanes(a1);
        float s2 = sumLanes(a2), s3 = sumLanes(a3);
        for (; i < n; i++) {
            float wi = w.get(LE_FLOAT, byteOff + 4L * i);
            s0 += wi * x[xOff + i];
            s1 += wi * x[xOff + stride + i];
            s2 += wi * x[xOff + 2 * stride + i];
            s3 += wi * x[xOff + 3 * stride + i];
        }
        out[outOff] = s0;
        out[outOff + outStride] = s1;
        out[outOff + 2 * outStride] = s2;
        out[outOff + 3 * outStride] = s3;
    }

    /**
     * One accumulator, like {@link #dotF32Rows4} and {@link #dotF32x4}, so a row's sum is the same whichever of
     * the three computes it. It is latency-bound on one row, but serves only the few rows the four-wide kernels
     * leave over, and is still faster than the memory that feeds it.
     */
    static float dotF32(MemorySegment w, long byteOff, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        int bound = n - n % FL;
        for (; i < bound; i += FL) {
            acc = FloatVector.fromMemorySegment(F, w, byteOff + 4L * i, LE).fma(FloatVector.fromArray(F, x, xOff + i), acc);
        }
        float s = sumLanes(acc);
        for (; i < n; i++) s += w.get(LE_FLOAT, byteOff + 4L * i) * x[xOff + i];
        return s;
    }

    static float dotBF16(MemorySegment w, long byteOff, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        int bound = n - n % FL;
        for (; i < bound; i += FL) {
            IntVector bits = (IntVector) ShortVector.fromMemorySegment(S_HALF, w, byteOff + 2L * i, LE)
                    .convertShape(VectorOperators.S2I, I, 0);
            FloatVector wv = bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            acc = wv.fma(FloatVector.fromArray(F, x, xOff + i), acc);
        }
        float s = sumLanes(acc);
        for (; i < n; i++) s += Halfs.bf16ToFloat(w.get(LE_SHORT, byteOff + 2L * i)) * x[xOff + i];
        return s;
    }

    /** 2^112: rescales an f16 exponent placed in an f32 into the right range (also exact for subnormals). */
    private static final float F16_EXP_ADJUST = 0x1p112f;

    static float dotF16(MemorySegment w, long byteOff, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        int bound = n - n % FL;
        for (; i < bound; i += FL) {
            IntVector h = ((IntVector) ShortVector.fromMemorySegment(S_HALF, w, byteOff + 2L * i, LE)
                    .convertShape(VectorOperators.S2I, I, 0)).and(0xFFFF);
            // Finite halves only (weights have no inf/NaN): shift exponent+mantissa into place, rescale, add sign.
            FloatVector magnitude = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats()
                    .mul(F16_EXP_ADJUST);
            FloatVector wv = magnitude.reinterpretAsInts()
                    .or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
            acc = wv.fma(FloatVector.fromArray(F, x, xOff + i), acc);
        }
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
