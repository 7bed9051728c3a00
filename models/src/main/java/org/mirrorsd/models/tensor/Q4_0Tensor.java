package org.mirrorsd.models.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * GGML Q4_0: blocks of 32 weights, an f16 scale then 16 bytes; byte j holds weight j in its low nibble and
 * weight j+16 in its high nibble, both offset by 8.
 */
public record Q4_0Tensor(String name, int rows, int cols, MemorySegment data) implements Tensor {
    public static final int BLOCK = 32;
    public static final int BLOCK_BYTES = 18;
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public Q4_0Tensor {
        if (cols % BLOCK != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': Q4_0 rows must be a multiple of 32, got " + cols);
        }
        Tensor.checkBytes(name, data, GgmlType.Q4_0.bytesFor((long) rows * cols));
    }

    @Override
    public GgmlType ggmlType() { return GgmlType.Q4_0; }

    @Override
    public long byteSize() { return data.byteSize(); }

    @Override
    public float getFloat(long index) {
        long base = index / BLOCK * BLOCK_BYTES;
        int inBlock = (int) (index % BLOCK);
        float scale = Halfs.f16ToFloat(data.get(LE_SHORT, base));
        int packed = data.get(ValueLayout.JAVA_BYTE, base + 2 + (inBlock & 15)) & 0xFF;
        int quant = inBlock < 16 ? (packed & 0x0F) : (packed >>> 4);
        return scale * (quant - 8);
    }
}
