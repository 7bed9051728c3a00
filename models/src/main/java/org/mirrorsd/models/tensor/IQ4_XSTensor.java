package org.mirrorsd.models.tensor;

import static org.mirrorsd.models.tensor.Blocks.f16;
import static org.mirrorsd.models.tensor.Blocks.u8;

import java.lang.foreign.MemorySegment;

/**
 * GGML IQ4_XS: super-blocks of 256 weights: f16 d, 16 high scale bits, 4 bytes of low scale nibbles (eight 6-bit
 * scales, one per 32 weights), 128 bytes of 4-bit indices into IQ4_NL's table; weight = d * (scale - 32) * table[index].
 */
public record IQ4_XSTensor(String name, int rows, int cols, MemorySegment data) implements Tensor {
    public static final int BLOCK = GgmlType.IQ4_XS.blockSize();
    public static final int BLOCK_BYTES = GgmlType.IQ4_XS.bytesPerBlock();

    public IQ4_XSTensor {
        Blocks.check(GgmlType.IQ4_XS, name, rows, cols, data);
    }

    @Override
    public GgmlType ggmlType() { return GgmlType.IQ4_XS; }

    @Override
    public long byteSize() { return data.byteSize(); }

    @Override
    public float getFloat(long index) {
        return Blocks.element(GgmlType.IQ4_XS, index, (b, dst, off) -> dequantize(data, b, dst, off));
    }

    @Override
    public void readRow(int row, float[] dst, int off) {
        Blocks.readRow(GgmlType.IQ4_XS, this, row, dst, off, (b, d, o) -> dequantize(data, b, d, o));
    }

    /** Block {@code block} into {@code y[off .. off + BLOCK)}, as ggml's {@code dequantize_row} does it. */
    public static void dequantize(MemorySegment m, long block, float[] y, int off) {
        long x = block * BLOCK_BYTES;
        float d = f16(m, x);
        int scalesH = Blocks.u16(m, x + 2);
        for (int ib = 0; ib < 8; ib++) {
            int ls = ((u8(m, x + 4 + ib / 2) >>> (4 * (ib % 2))) & 0xF) | (((scalesH >>> (2 * ib)) & 3) << 4);
            float dl = d * (ls - 32);
            long qs = x + 8 + 16L * ib;
            int o = off + 32 * ib;
            for (int j = 0; j < 16; j++) {
                int q = u8(m, qs + j);
                y[o + j] = dl * IQ4_NLTensor.VALUES[q & 0xF];
                y[o + j + 16] = dl * IQ4_NLTensor.VALUES[q >>> 4];
            }
        }
    }
}
