package org.mirrorsd.models.tensor;

import static org.mirrorsd.models.tensor.Blocks.f16;
import static org.mirrorsd.models.tensor.Blocks.u8;

import java.lang.foreign.MemorySegment;

/**
 * GGML Q4_1: blocks of 32 weights: f16 scale d, f16 minimum m, 16 bytes of nibbles (weight j low, j+16 high);
 * weight = d * q + m.
 */
public record Q4_1Tensor(String name, int rows, int cols, MemorySegment data) implements Tensor {
    public static final int BLOCK = GgmlType.Q4_1.blockSize();
    public static final int BLOCK_BYTES = GgmlType.Q4_1.bytesPerBlock();

    public Q4_1Tensor {
        Blocks.check(GgmlType.Q4_1, name, rows, cols, data);
    }

    @Override
    public GgmlType ggmlType() { return GgmlType.Q4_1; }

    @Override
    public long byteSize() { return data.byteSize(); }

    @Override
    public float getFloat(long index) {
        return Blocks.element(GgmlType.Q4_1, index, (b, dst, off) -> dequantize(data, b, dst, off));
    }

    @Override
    public void readRow(int row, float[] dst, int off) {
        Blocks.readRow(GgmlType.Q4_1, this, row, dst, off, (b, d, o) -> dequantize(data, b, d, o));
    }

    /** Block {@code block} into {@code y[off .. off + BLOCK)}, as ggml's {@code dequantize_row} does it. */
    public static void dequantize(MemorySegment m, long block, float[] y, int off) {
        long x = block * BLOCK_BYTES;
        float d = f16(m, x), min = f16(m, x + 2);
        for (int j = 0; j < 16; j++) {
            int q = u8(m, x + 4 + j);
            y[off + j] = (q & 0xF) * d + min;
            y[off + j + 16] = (q >>> 4) * d + min;
        }
    }
}
