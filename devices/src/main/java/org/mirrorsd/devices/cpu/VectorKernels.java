package org.mirrorsd.devices.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
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
    /**
     * Bytes to load for one float vector: widening FL bytes to FL floats (part 0) compiles to one instruction,
     * while taking parts of a wider byte vector falls off the intrinsic path (measured 3-5x slower).
     */
    private static final VectorSpecies<Byte> B_FL = ByteVector.SPECIES_PREFERRED.withShape(
            jdk.incubator.vector.VectorShape.forBitSize(F.vectorBitSize() / 4));
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
     * pairing, hence the same bits. The pairing by rotations leaves in lane 0 the tree sum of lane i with lane i + width, for
     * width = FL/2, ..., 1.
     */
    public static float sumLanes(float[] lanes, int off) {
        for (int width = FL / 2; width >= 1; width /= 2) {
            for (int i = 0; i < width; i++) lanes[off + i] = lanes[off + i] + lanes[off + i + width];
        }
        return lanes[off];
    }

    /** {@code sum_i w[row, i] * x[xOff + i]} over one row of {@code w}. */
    public static float dot(Tensor w, int row, float[] x, int xOff) {
        return switch (w) {
            case F32Tensor t -> F32Kernels.dot(t.data(), (long) row * t.cols() * 4, x, xOff, t.cols());
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
        if (w instanceof F32Tensor || w instanceof F16Tensor || w instanceof BF16Tensor) {
            matvecRange(w, row, row + 1, in, inWidth, rows, out, outWidth);
            return;
        }
        int r = 0;
        if (w instanceof Q8_0Tensor t) {
            long block = (long) row * (t.cols() / Q8_0Tensor.BLOCK);
            // No eight-row Q8_0 kernel: its sixteen live vectors measured 15% slower than two four-row passes.
            for (; r + 4 <= rows; r += 4) dotQ8_0x4(t.data(), block, in, r * inWidth, inWidth, t.cols(), out, r * outWidth + row, outWidth);
        }
        for (; r < rows; r++) out[r * outWidth + row] = dot(w, row, in, r * inWidth);
    }

    /**
     * Weight rows {@code [rowFrom, rowTo)} times every activation row. The float formats run register tiles
     * ({@link F32Kernels}): four weight rows streamed side by side when decoding, four by four when verifying or
     * prefilling, each weight tile read from memory once for the whole batch.
     */
    public static void matvecRange(Tensor w, int rowFrom, int rowTo, float[] in, int inWidth, int rows, float[] out,
                                   int outWidth) {
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
