package org.mirrorsd.models.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * llama2.c's version-2 export: all int8 weights of the tensor first, then one float32 scale per group of
 * {@code groupSize} consecutive weights (groups run over the flat tensor and may straddle rows).
 */
public record Int8GroupTensor(String name, int rows, int cols, MemorySegment values, MemorySegment scales,
                              int groupSize) implements Tensor {
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public Int8GroupTensor {
        long n = (long) rows * cols;
        if (groupSize <= 0 || n % groupSize != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': " + n + " weights do not split into groups of " + groupSize);
        }
        Tensor.checkBytes(name, values, n);
        Tensor.checkBytes(name + " scales", scales, n / groupSize * 4);
    }

    @Override
    public GgmlType ggmlType() { return null; }

    @Override
    public long byteSize() { return values.byteSize() + scales.byteSize(); }

    @Override
    public float getFloat(long index) {
        return values.get(ValueLayout.JAVA_BYTE, index) * scales.get(LE_FLOAT, index / groupSize * 4);
    }

    public float scale(long group) {
        return scales.get(LE_FLOAT, group * 4);
    }
}
