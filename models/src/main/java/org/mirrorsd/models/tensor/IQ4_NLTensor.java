package org.mirrorsd.models.tensor;

import static org.mirrorsd.models.tensor.Blocks.f16;
import static org.mirrorsd.models.tensor.Blocks.u8;

import java.lang.foreign.MemorySegment;

/**
 * GGML IQ4_NL: blocks of 32 weights: f16 scale, 16 bytes of 4-bit indices into a fixed non-linear table
 * (weight j low nibble, j+16 high); weight = d * table[index].
 */
public record IQ4_NLTensor(String name, int rows, int cols, MemorySegment data) implements Tensor {
    public static final int BLOCK = GgmlType.IQ4_NL.blockSize();
    public static final int BLOCK_BYTES = GgmlType.IQ4_NL.bytesPerBlock();
    /** ggml's {@code kvalues_iq4nl}: the sixteen levels an index selects (IQ4_XS uses them too). */
    static final int[] VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    /** Level {@code index} (0..15) of the table. */
    public static int level(int index) { return VALUES[index]; }

    public IQ4_NLTensor {
        Blocks.check(GgmlType.IQ4_NL, name, rows, cols, data);
    }

    @Override
    public GgmlType ggmlType() { return GgmlType.IQ4_NL; }

    @Override
    public long byteSize() { return data.byteSize(); }

    @Override
    public float getFloat(long index) {
        return Blocks.element(GgmlType.IQ4_NL, index, (b, dst, off) -> dequantize(data, b, dst, off));
    }

    @Override
    public void readRow(int row, float[] dst, int off) {
        Blocks.readRow(GgmlType.IQ4_NL, this, row, dst, off, (b, d, o) -> dequantize(data, b, d, o));
    }

    /** Block {@code block} into {@code y[off .. off + BLOCK)}, as ggml's {@code dequantize_row} does it. */
    public static void dequantize(MemorySegment m, long block, float[] y, int off) {
        long x = block * BLOCK_BYTES;
        float d = f16(m, x);
        for (int j = 0; j < 16; j++) {
            int q = u8(m, x + 2 + j);
            y[off + j] = d * IQ4_NLTensor.VALUES[q & 0xF];
            y[off + j + 16] = d * IQ4_NLTensor.VALUES[q >>> 4];
        }
    }
}
