package org.mirrorsd.models.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** F32 weights, row-major, little-endian. */
public record F32Tensor(String name, int rows, int cols, MemorySegment data) implements Tensor {
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public F32Tensor {
        Tensor.checkBytes(name, data, (long) rows * cols * 4);
    }

    @Override
    public GgmlType ggmlType() { return GgmlType.F32; }

    @Override
    public long byteSize() { return data.byteSize(); }

    @Override
    public float getFloat(long index) {
        return data.get(LE_FLOAT, index * 4);
    }
}
