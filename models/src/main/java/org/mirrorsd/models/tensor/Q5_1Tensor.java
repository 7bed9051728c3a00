package org.mirrorsd.models.tensor;

import static org.mirrorsd.models.tensor.Blocks.f16;
import static org.mirrorsd.models.tensor.Blocks.u8;

import java.lang.foreign.MemorySegment;

/**
 * GGML Q5_1: blocks of 32 weights: f16 scale d, f16 minimum m, a 32-bit mask of fifth bits, 16 bytes of nibbles;
 * weight = d * q + m.
 */
public record Q5_1Tensor(String name, int rows, int cols, MemorySegment data) implements Tensor {
    public static final int BLOCK = GgmlType.Q5_1.blockSize();
    public static final int BLOCK_BYTES = GgmlType.Q5_1.bytesPerBlock();

    public Q5_1Tensor {
        Blocks.check(GgmlType.Q5_1, name, rows, cols, data);
    }

    @Override
    public GgmlType ggmlType() { return GgmlType.Q5_1; }

    @Override
    public long byteSize() { return data.byteSize(); }

    @Override
    public float getFloat(long index) {
        return Blocks.element(GgmlType.Q5_1, index, (b, dst, off) -> dequantize(data, b, dst, off));
    }

    @Override
    public void readRow(int row, float[] dst, int off) {
        Blocks.readRow(GgmlType.Q5_1, this, row, dst, off, (b, d, o) -> dequantize(data, b, d, o));
    }

    /** Block {@code block} into {@code y[off .. off + BLOCK)}, as ggml's {@code dequantize_row} does it. */
    public static void dequantize(MemorySegment m, long block, float[] y, int off) {
        long x = block * BLOCK_BYTES;
        float d = f16(m, x), min = f16(m, x + 2);
        int qh = Blocks.i32(m, x + 4);
        for (int j = 0; j < 16; j++) {
            int q = u8(m, x + 8 + j);
            int h0 = ((qh >>> j) << 4) & 0x10;
            int h1 = (qh >>> (j + 12)) & 0x10;
            y[off + j] = ((q & 0xF) | h0) * d + min;
            y[off + j + 16] = ((q >>> 4) | h1) * d + min;
        }
    }
}
