package org.mirrorsd.models.tensor;

import static org.mirrorsd.models.tensor.Blocks.f16;
import static org.mirrorsd.models.tensor.Blocks.u8;

import java.lang.foreign.MemorySegment;

/**
 * GGML Q3_K: super-blocks of 256 weights: 32 bytes of high-bit masks, 64 bytes of low 2 bits, 12 bytes of packed
 * 6-bit scales (one per 16 weights), f16 d; weight = d * (scale - 32) * (q - 4 * !highbit).
 */
public record Q3_KTensor(String name, int rows, int cols, MemorySegment data) implements Tensor {
    public static final int BLOCK = GgmlType.Q3_K.blockSize();
    public static final int BLOCK_BYTES = GgmlType.Q3_K.bytesPerBlock();

    public Q3_KTensor {
        Blocks.check(GgmlType.Q3_K, name, rows, cols, data);
    }

    @Override
    public GgmlType ggmlType() { return GgmlType.Q3_K; }

    @Override
    public long byteSize() { return data.byteSize(); }

    @Override
    public float getFloat(long index) {
        return Blocks.element(GgmlType.Q3_K, index, (b, dst, off) -> dequantize(data, b, dst, off));
    }

    @Override
    public void readRow(int row, float[] dst, int off) {
        Blocks.readRow(GgmlType.Q3_K, this, row, dst, off, (b, d, o) -> dequantize(data, b, d, o));
    }

    /** Block {@code block} into {@code y[off .. off + BLOCK)}, as ggml's {@code dequantize_row} does it. */
    public static void dequantize(MemorySegment m, long block, float[] y, int off) {
        long x = block * BLOCK_BYTES;
        float dAll = f16(m, x + 108);
        int[] scales = new int[16];
        Blocks.q3kScales(m, x + 96, scales);
        int is = 0, o = off, bit = 1;
        for (int n = 0; n < 256; n += 128) {
            long q = x + 32 + n / 4;
            for (int shift = 0; shift < 8; shift += 2, bit <<= 1) {
                for (int half = 0; half < 2; half++) {
                    float dl = dAll * scales[is++];
                    for (int l = 0; l < 16; l++) {
                        int i = 16 * half + l;
                        int low = (u8(m, q + i) >>> shift) & 3;
                        y[o++] = dl * (low - ((u8(m, x + i) & bit) != 0 ? 0 : 4));
                    }
                }
            }
        }
    }
}
