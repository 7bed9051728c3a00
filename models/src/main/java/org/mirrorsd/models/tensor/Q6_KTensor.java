package org.mirrorsd.models.tensor;

import static org.mirrorsd.models.tensor.Blocks.f16;
import static org.mirrorsd.models.tensor.Blocks.u8;

import java.lang.foreign.MemorySegment;

/**
 * GGML Q6_K: super-blocks of 256 weights: 128 bytes of low nibbles, 64 bytes of high 2-bit pairs, 16 signed 8-bit
 * scales (one per 16 weights), f16 d; weight = d * scale * (q - 32).
 */
public record Q6_KTensor(String name, int rows, int cols, MemorySegment data) implements Tensor {
    public static final int BLOCK = GgmlType.Q6_K.blockSize();
    public static final int BLOCK_BYTES = GgmlType.Q6_K.bytesPerBlock();

    public Q6_KTensor {
        Blocks.check(GgmlType.Q6_K, name, rows, cols, data);
    }

    @Override
    public GgmlType ggmlType() { return GgmlType.Q6_K; }

    @Override
    public long byteSize() { return data.byteSize(); }

    @Override
    public float getFloat(long index) {
        return Blocks.element(GgmlType.Q6_K, index, (b, dst, off) -> dequantize(data, b, dst, off));
    }

    @Override
    public void readRow(int row, float[] dst, int off) {
        Blocks.readRow(GgmlType.Q6_K, this, row, dst, off, (b, d, o) -> dequantize(data, b, d, o));
    }

    /** Block {@code block} into {@code y[off .. off + BLOCK)}, as ggml's {@code dequantize_row} does it. */
    public static void dequantize(MemorySegment m, long block, float[] y, int off) {
        long x = block * BLOCK_BYTES;
        float d = f16(m, x + 208);
        for (int n = 0; n < 2; n++) {
            long ql = x + 64L * n, qh = x + 128 + 32L * n, sc = x + 192 + 8L * n;
            int o = off + 128 * n;
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int h = u8(m, qh + l);
                int q1 = ((u8(m, ql + l) & 0xF) | ((h & 3) << 4)) - 32;
                int q2 = ((u8(m, ql + l + 32) & 0xF) | (((h >>> 2) & 3) << 4)) - 32;
                int q3 = ((u8(m, ql + l) >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
                int q4 = ((u8(m, ql + l + 32) >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
                y[o + l] = d * Blocks.s8(m, sc + is) * q1;
                y[o + l + 32] = d * Blocks.s8(m, sc + is + 2) * q2;
                y[o + l + 64] = d * Blocks.s8(m, sc + is + 4) * q3;
                y[o + l + 96] = d * Blocks.s8(m, sc + is + 6) * q4;
            }
        }
    }
}
