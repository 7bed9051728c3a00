package org.mirrorsd.models.tensor;

import static org.mirrorsd.models.tensor.Blocks.f16;
import static org.mirrorsd.models.tensor.Blocks.u8;

import java.lang.foreign.MemorySegment;

/**
 * GGML Q5_K: super-blocks of 256 weights: f16 d, f16 dmin, 12 bytes of packed 6-bit scales and mins, 32 bytes of
 * fifth bits, 128 bytes of nibbles; weight = d * scale * q - dmin * min.
 */
public record Q5_KTensor(String name, int rows, int cols, MemorySegment data) implements Tensor {
    public static final int BLOCK = GgmlType.Q5_K.blockSize();
    public static final int BLOCK_BYTES = GgmlType.Q5_K.bytesPerBlock();

    public Q5_KTensor {
        Blocks.check(GgmlType.Q5_K, name, rows, cols, data);
    }

    @Override
    public GgmlType ggmlType() { return GgmlType.Q5_K; }

    @Override
    public long byteSize() { return data.byteSize(); }

    @Override
    public float getFloat(long index) {
        return Blocks.element(GgmlType.Q5_K, index, (b, dst, off) -> dequantize(data, b, dst, off));
    }

    @Override
    public void readRow(int row, float[] dst, int off) {
        Blocks.readRow(GgmlType.Q5_K, this, row, dst, off, (b, d, o) -> dequantize(data, b, d, o));
    }

    /** Block {@code block} into {@code y[off .. off + BLOCK)}, as ggml's {@code dequantize_row} does it. */
    public static void dequantize(MemorySegment m, long block, float[] y, int off) {
        long x = block * BLOCK_BYTES;
        float d = f16(m, x), min = f16(m, x + 2);
        int o = off, u1 = 1, u2 = 2;
        for (int j = 0, is = 0; j < 256; j += 64, is += 2, u1 <<= 2, u2 <<= 2) {
            float d1 = d * Blocks.scaleMinK4(m, x + 4, is, 0), m1 = min * Blocks.scaleMinK4(m, x + 4, is, 1);
            float d2 = d * Blocks.scaleMinK4(m, x + 4, is + 1, 0), m2 = min * Blocks.scaleMinK4(m, x + 4, is + 1, 1);
            long ql = x + 48 + j / 2;
            for (int l = 0; l < 32; l++) y[o++] = d1 * ((u8(m, ql + l) & 0xF) + ((u8(m, x + 16 + l) & u1) != 0 ? 16 : 0)) - m1;
            for (int l = 0; l < 32; l++) y[o++] = d2 * ((u8(m, ql + l) >>> 4) + ((u8(m, x + 16 + l) & u2) != 0 ? 16 : 0)) - m2;
        }
    }
}
