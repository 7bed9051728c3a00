package org.mirrorsd.models.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** BF16 weights, row-major, little-endian. */
public record BF16Tensor(String name, int rows, int cols, MemorySegment data) implements Tensor {
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public BF16Tensor {
        Tensor.checkBytes(name, data, (long) rows * cols * 2);
    }

    @Override
    public GgmlType ggmlType() { return GgmlType.BF16; }

    @Override
    public long byteSize() { return data.byteSize(); }

    @Override
    public float getFloat(long index) {
        return Halfs.bf16ToFloat(data.get(LE_SHORT, index * 2));
    }
}
