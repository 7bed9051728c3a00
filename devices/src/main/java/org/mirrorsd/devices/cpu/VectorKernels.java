package org.mirrorsd.devices.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
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
import org.mirrorsd.models.tensor.Int8GroupTensor;
import org.mirrorsd.models.tensor.Q4_0Tensor;
import org.mirrorsd.models.tensor.Q8_0Tensor;
import org.mirrorsd.models.tensor.Tensor;

/**
 * Dot products of one weight row with an activation vector, one kernel per weight format, written with the
 * Vector API so that C2 emits AVX2/AVX-512 (or NEON) code. Decoding is memory-bound: each kernel streams its
 * row once and keeps the arithmetic simple.
 */
public final class VectorKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int FL = F.length();
    private static final VectorSpecies<Short> S_HALF = ShortVector.SPECIES_PREFERRED.withShape(
            jdk.incubator.vector.VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /**
     * Bytes to load for one float vector: widening FL bytes to FL floats (part 0) compiles to one instruction,
     * while taking parts of a wider byte vector falls off the intrinsic path (measured 3-5x slower).
     */
    private static final VectorSpecies<Byte> B_FL = ByteVector.SPECIES_PREFERRED.withShape(
            jdk.incubator.vector.VectorShape.forBitSize(F.vectorBitSize() / 4));
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

    /** {@code sum_i w[row, i] * x[xOff + i]} over one row of {@code w}. */
    public static float dot(Tensor w, int row, float[] x, int xOff) {
        return switch (w) {
            case F32Tensor t -> dotF32(t.data(), (long) row * t.cols() * 4, x, xOff, t.cols());
            case F16Tensor t -> dotF16(t.data(), (long) row * t.cols() * 2, x, xOff, t.cols());
            case BF16Tensor t -> dotBF16(t.data(), (long) row * t.cols() * 2, x, xOff, t.cols());
            case Q8_0Tensor t -> dotQ8_0(t.data(), (long) row * (t.cols() / Q8_0Tensor.BLOCK), x, xOff, t.cols());
            case Q4_0Tensor t -> dotQ4_0(t.data(), (long) row * (t.cols() / Q4_0Tensor.BLOCK), x, xOff, t.cols());
            case Int8GroupTensor t -> dotInt8Group(t, row, x, xOff);
        };
    }

    /**
     * {@code out[r * outWidth + row] = w[row, :] . in[r * inWidth ..]} for every batch row r: the weight row is
     * loaded once and reused for up to four activation rows at a time, which is what makes verifying a window
     * of γ+1 tokens cost little more than decoding one.
     */
    public static void matvecRows(Tensor w, int row, float[] in, int inWidth, int rows, float[] out, int outWidth) {
        int r = 0;
        switch (w) {
            case F32Tensor t -> {
                long off = (long) row * t.cols() * 4;
                for (; r + 8 <= rows; r += 8) dotF32x8(t.data(), off, in, r * inWidth, inWidth, t.cols(), out, r * outWidth + row, outWidth);
                for (; r + 4 <= rows; r += 4) dotF32x4(t.data(), off, in, r * inWidth, inWidth, t.cols(), out, r * outWidth + row, outWidth);
            }
            case Q8_0Tensor t -> {
                long block = (long) row * (t.cols() / Q8_0Tensor.BLOCK);
                // No eight-row Q8_0 kernel: its sixteen live vectors measured 15% slower than two four-row passes.
                for (; r + 4 <= rows; r += 4) dotQ8_0x4(t.data(), block, in, r * inWidth, inWidth, t.cols(), out, r * outWidth + row, outWidth);
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

    /** Four consecutive Q8_0 weight rows against one activation vector. */
    static void dotQ8_0Rows4(MemorySegment w, long firstBlock, int n, float[] x, int xOff, float[] out, int outOff) {
        int blocks = n / Q8_0Tensor.BLOCK;
        long rowBytes = (long) blocks * Q8_0Tensor.BLOCK_BYTES;
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        long base = firstBlock * Q8_0Tensor.BLOCK_BYTES;
        for (int b = 0; b < blocks; b++) {
            long off = base + (long) b * Q8_0Tensor.BLOCK_BYTES;
            int xi = xOff + b * Q8_0Tensor.BLOCK;
            FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F), s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
            for (int p = 0; p < Q8_0Tensor.BLOCK / FL; p++) {
                FloatVector xv = FloatVector.fromArray(F, x, xi + p * FL);
                long q = off + 2 + p * FL;
                s0 = int8(w, q).fma(xv, s0);
                s1 = int8(w, q + rowBytes).fma(xv, s1);
                s2 = int8(w, q + 2 * rowBytes).fma(xv, s2);
                s3 = int8(w, q + 3 * rowBytes).fma(xv, s3);
            }
            a0 = s0.fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(LE_SHORT, off))), a0);
            a1 = s1.fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(LE_SHORT, off + rowBytes))), a1);
            a2 = s2.fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(LE_SHORT, off + 2 * rowBytes))), a2);
            a3 = s3.fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(LE_SHORT, off + 3 * rowBytes))), a3);
        }
        out[outOff] = sumLanes(a0);
        out[outOff + 1] = sumLanes(a1);
        out[outOff + 2] = sumLanes(a2);
        out[outOff + 3] = sumLanes(a3);
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

    /** Per block, integer-weight sums first and the block scale after, exactly as {@link #dotQ8_0} adds them. */
    static void dotQ8_0x4(MemorySegment w, long firstBlock, float[] x, int xOff, int stride, int n, float[] out, int outOff, int outStride) {
        int blocks = n / Q8_0Tensor.BLOCK;
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        long base = firstBlock * Q8_0Tensor.BLOCK_BYTES;
        for (int b = 0; b < blocks; b++) {
            long off = base + (long) b * Q8_0Tensor.BLOCK_BYTES;
            int xi = xOff + b * Q8_0Tensor.BLOCK;
            FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F), s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
            for (int p = 0; p < Q8_0Tensor.BLOCK / FL; p++) {
                FloatVector wq = int8(w, off + 2 + p * FL);
                int o = xi + p * FL;
                s0 = wq.fma(FloatVector.fromArray(F, x, o), s0);
                s1 = wq.fma(FloatVector.fromArray(F, x, o + stride), s1);
                s2 = wq.fma(FloatVector.fromArray(F, x, o + 2 * stride), s2);
                s3 = wq.fma(FloatVector.fromArray(F, x, o + 3 * stride), s3);
            }
            FloatVector scale = FloatVector.broadcast(F, Float.float16ToFloat(w.get(LE_SHORT, off)));
            a0 = s0.fma(scale, a0);
            a1 = s1.fma(scale, a1);
            a2 = s2.fma(scale, a2);
            a3 = s3.fma(scale, a3);
        }
        out[outOff] = sumLanes(a0);
        out[outOff + outStride] = sumLanes(a1);
        out[outOff + 2 * outStride] = sumLanes(a2);
        out[outOff + 3 * outStride] = sumLanes(a3);
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

    static float dotQ8_0(MemorySegment w, long firstBlock, float[] x, int xOff, int n) {
        int blocks = n / Q8_0Tensor.BLOCK;
        FloatVector acc = FloatVector.zero(F);
        long base = firstBlock * Q8_0Tensor.BLOCK_BYTES;
        for (int b = 0; b < blocks; b++) {
            long off = base + (long) b * Q8_0Tensor.BLOCK_BYTES;
            float scale = Float.float16ToFloat(w.get(LE_SHORT, off));
            int xi = xOff + b * Q8_0Tensor.BLOCK;
            FloatVector sum = FloatVector.zero(F);
            for (int p = 0; p < Q8_0Tensor.BLOCK / FL; p++) {
                sum = int8(w, off + 2 + p * FL).fma(FloatVector.fromArray(F, x, xi + p * FL), sum);
            }
            acc = sum.fma(FloatVector.broadcast(F, scale), acc);
        }
        return sumLanes(acc);
    }

    /** FL signed bytes at {@code off} as FL floats. */
    private static FloatVector int8(MemorySegment w, long off) {
        return (FloatVector) ByteVector.fromMemorySegment(B_FL, w, off, LE).convertShape(VectorOperators.B2F, F, 0);
    }

    static float dotQ4_0(MemorySegment w, long firstBlock, float[] x, int xOff, int n) {
        int blocks = n / Q4_0Tensor.BLOCK;
        FloatVector acc = FloatVector.zero(F);
        long base = firstBlock * Q4_0Tensor.BLOCK_BYTES;
        for (int b = 0; b < blocks; b++) {
            long off = base + (long) b * Q4_0Tensor.BLOCK_BYTES;
            float scale = Float.float16ToFloat(w.get(LE_SHORT, off));
            ByteVector packed = ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, off + 2, LE);
            ByteVector lo = packed.and((byte) 0x0F).sub((byte) 8);
            ByteVector hi = packed.lanewise(VectorOperators.LSHR, 4).sub((byte) 8);
            int xi = xOff + b * Q4_0Tensor.BLOCK;
            FloatVector sum = FloatVector.zero(F);
            for (int p = 0; p < 16 / FL; p++) {
                sum = ((FloatVector) lo.convertShape(VectorOperators.B2F, F, p))
                        .fma(FloatVector.fromArray(F, x, xi + p * FL), sum);
                sum = ((FloatVector) hi.convertShape(VectorOperators.B2F, F, p))
                        .fma(FloatVector.fromArray(F, x, xi + 16 + p * FL), sum);
            }
            acc = sum.fma(FloatVector.broadcast(F, scale), acc);
        }
        return sumLanes(acc);
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
