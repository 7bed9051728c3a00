package org.mirrorsd.models.gguf;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import org.mirrorsd.models.tensor.GgmlType;

/**
 * One tensor of a GGUF file.
 *
 * @param name       the tensor name, e.g. {@code blk.0.attn_q.weight}
 * @param shape      dimensions in GGML order: {@code shape[0]} is the row length (the fastest-varying index)
 * @param type       the element type
 * @param byteOffset offset of the data from the start of the file's data section
 * @param data       the tensor bytes: a slice of the mapped file, valid until the {@link GgufFile} is closed
 */
public record GgufTensorInfo(String name, long[] shape, GgmlType type, long byteOffset, MemorySegment data) {

    public GgufTensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the dimensions. */
    public long elementCount() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    @Override
    public String toString() {
        return "GgufTensorInfo[" + name + " " + type + " " + Arrays.toString(shape) + " @" + byteOffset + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && Arrays.equals(shape, t.shape)
                && type == t.type && byteOffset == t.byteOffset;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Long.hashCode(byteOffset);
    }
}
