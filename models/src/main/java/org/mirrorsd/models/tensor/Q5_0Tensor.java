package org.mirrorsd.models.tensor;

import static org.mirrorsd.models.tensor.Blocks.f16;
import static org.mirrorsd.models.tensor.Blocks.u8;

import java.lang.foreign.MemorySegment;

/**
 * GGML Q5_0: blocks of 32 weights: f16 scale, a 32-bit mask of fifth bits (bit j for weight j), 16 bytes of
 * nibbles (weight j low, j+16 high); weight = d * (q - 16).
 */
public record Q5_0Tensor(String name, int rows, int cols, MemorySegment data) implements Tensor {
    public static final int BLOCK = GgmlType.Q5_0.blockSize();
    public static final int BLOCK_BYTES = GgmlType.Q5_0.bytesPerBlock();

    public Q5_0Tensor {
        Blocks.check(GgmlType.Q5_0, name, rows, cols, data);
    }

    @Override
    public GgmlType ggmlType() { return GgmlType.Q5_0; }

    @Override
    public long byteSize() { return data.byteSize(); }

    @Override
    public float getFloat(long index) {
        return Blocks.element(GgmlType.Q5_0, index, (b, dst, off) -> dequantize(data, b, dst, off));
    }

    @Override
    public void readRow(int row, float[] dst, int off) {
        Blocks.readRow(GgmlType.Q5_0, this, row, dst, off, (b, d, o) -> dequantize(data, b, d, o));
    }

    /** Block {@code block} into {@code y[off .. off + BLOCK)}, as ggml's {@code dequantize_row} does it. */
    public static void dequantize(MemorySegment m, long block, float[] y, int off) {
        long x = block * BLOCK_BYTES;
        float d = f16(m, x);
        int qh = Blocks.i32(m, x + 2);
        for (int j = 0; j < 16; j++) {
            int q = u8(m, x + 6 + j);
            int h0 = ((qh >>> j) << 4) & 0x10;
            int h1 = (qh >>> (j + 12)) & 0x10;
            y[off + j] = (((q & 0xF) | h0) - 16) * d;
            y[off + j + 16] = (((q >>> 4) | h1) - 16) * d;
        }
    }
}
