package org.mirrorsd.models.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * What the block-quantised tensors share: little-endian field reads, the shape check, and element / row reads
 * built on one exact per-block dequantisation (each format's {@code dequantize}, written after ggml's
 * {@code dequantize_row_*}, so that getFloat and readRow give exactly ggml's values).
 */
public final class Blocks {
    /**
     * The field layouts, for kernels that read fields inline: past C2's node-count inlining cutoff a call to
     * {@link #s8} or {@link #f16} stays a real call (the segment's own accessors are force-inlined, ours are not).
     */
    public static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Blocks() {}

    /** Dequantises block {@code block} into {@code dst[off .. off + blockSize)}. */
    @FunctionalInterface
    interface Decoder {
        void decode(long block, float[] dst, int off);
    }

    static void check(GgmlType type, String name, int rows, int cols, MemorySegment data) {
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': " + type + " rows must be a multiple of "
                    + type.blockSize() + ", got " + cols);
        }
        Tensor.checkBytes(name, data, type.bytesFor((long) rows * cols));
    }

    /** One element: its whole block is decoded (slow; for tests and references). */
    static float element(GgmlType type, long index, Decoder d) {
        float[] tmp = new float[type.blockSize()];
        d.decode(index / type.blockSize(), tmp, 0);
        return tmp[(int) (index % type.blockSize())];
    }

    static void readRow(GgmlType type, Tensor t, int row, float[] dst, int off, Decoder d) {
        int blocks = t.cols() / type.blockSize();
        long first = (long) row * blocks;
        for (int b = 0; b < blocks; b++) d.decode(first + b, dst, off + b * type.blockSize());
    }

    public static float f16(MemorySegment m, long off) {
        return Float.float16ToFloat(m.get(LE_SHORT, off));
    }

    public static int u8(MemorySegment m, long off) {
        return m.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    public static int s8(MemorySegment m, long off) {
        return m.get(ValueLayout.JAVA_BYTE, off);
    }

    public static int u16(MemorySegment m, long off) {
        return m.get(LE_SHORT, off) & 0xFFFF;
    }

    public static int i32(MemorySegment m, long off) {
        return m.get(LE_INT, off);
    }

    /**
     * ggml's {@code get_scale_min_k4}: the 6-bit scale (which = 0) or min (which = 1) of sub-block j (0..7)
     * from the 12 packed bytes at {@code off} (Q4_K, Q5_K).
     */
    public static int scaleMinK4(MemorySegment m, long off, int j, int which) {
        if (j < 4) return u8(m, off + j + 4L * which) & 63;
        int lo = which == 0 ? u8(m, off + j + 4) & 0xF : u8(m, off + j + 4) >>> 4;
        return lo | ((u8(m, off + j - 4 + 4L * which) >>> 6) << 4);
    }

    /**
     * The sixteen 6-bit Q3_K scales (minus 32) from the 12 packed bytes at {@code off}, unpacked as ggml's
     * {@code dequantize_row_q3_K} does with its kmask shuffles.
     */
    public static void q3kScales(MemorySegment m, long off, int[] out) {
        for (int j = 0; j < 16; j++) {
            int low = j < 8 ? u8(m, off + j) & 0xF : u8(m, off + j - 8) >>> 4;
            int high = (u8(m, off + 8 + (j & 3)) >>> (2 * (j >>> 2))) & 3;
            out[j] = (low | (high << 4)) - 32;
        }
    }
}
