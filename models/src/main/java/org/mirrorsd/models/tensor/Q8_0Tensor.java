package org.mirrorsd.models.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** GGML Q8_0: blocks of 32 weights, each block an f16 scale followed by 32 signed bytes. */
public record Q8_0Tensor(String name, int rows, int cols, MemorySegment data) implements Tensor {
    public static final int BLOCK = 32;
    public static final int BLOCK_BYTES = 34;
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public Q8_0Tensor {
        if (cols % BLOCK != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': Q8_0 rows must be a multiple of 32, got " + cols);
        }
        Tensor.checkBytes(name, data, GgmlType.Q8_0.bytesFor((long) rows * cols));
    }

    @Override
    public GgmlType ggmlType() { return GgmlType.Q8_0; }

    @Override
    public long byteSize() { return data.byteSize(); }

    @Override
    public float getFloat(long index) {
        long block = index / BLOCK;
        long base = block * BLOCK_BYTES;
        float scale = Halfs.f16ToFloat(data.get(LE_SHORT, base));
        return scale * data.get(ValueLayout.JAVA_BYTE, base + 2 + index % BLOCK);
    }
}
