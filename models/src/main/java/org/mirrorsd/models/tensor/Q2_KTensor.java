package org.mirrorsd.models.tensor;

import static org.mirrorsd.models.tensor.Blocks.f16;
import static org.mirrorsd.models.tensor.Blocks.u8;

import java.lang.foreign.MemorySegment;

/**
 * GGML Q2_K: super-blocks of 256 weights: 16 bytes of 4-bit scale / 4-bit min pairs (one per 16 weights), 64 bytes
 * of 2-bit quants, f16 d, f16 dmin; weight = d * scale * q - dmin * min.
 */
public record Q2_KTensor(String name, int rows, int cols, MemorySegment data) implements Tensor {
    public static final int BLOCK = GgmlType.Q2_K.blockSize();
    public static final int BLOCK_BYTES = GgmlType.Q2_K.bytesPerBlock();

    public Q2_KTensor {
        Blocks.check(GgmlType.Q2_K, name, rows, cols, data);
    }

    @Override
    public GgmlType ggmlType() { return GgmlType.Q2_K; }

    @Override
    public long byteSize() { return data.byteSize(); }

    @Override
    public float getFloat(long index) {
        return Blocks.element(GgmlType.Q2_K, index, (b, dst, off) -> dequantize(data, b, dst, off));
    }

    @Override
    public void readRow(int row, float[] dst, int off) {
        Blocks.readRow(GgmlType.Q2_K, this, row, dst, off, (b, d, o) -> dequantize(data, b, d, o));
    }

    /** Block {@code block} into {@code y[off .. off + BLOCK)}, as ggml's {@code dequantize_row} does it. */
    public static void dequantize(MemorySegment m, long block, float[] y, int off) {
        long x = block * BLOCK_BYTES;
        float d = f16(m, x + 80), min = f16(m, x + 82);
        int is = 0, o = off;
        for (int n = 0; n < 256; n += 128) {
            long q = x + 16 + n / 4;
            for (int shift = 0; shift < 8; shift += 2) {
                for (int half = 0; half < 2; half++) {
                    int sc = u8(m, x + is++);
                    float dl = d * (sc & 0xF), ml = min * (sc >>> 4);
                    for (int l = 0; l < 16; l++) y[o++] = dl * ((u8(m, q + 16 * half + l) >>> shift) & 3) - ml;
                }
            }
        }
    }
}
