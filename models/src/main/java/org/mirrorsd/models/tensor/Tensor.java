package org.mirrorsd.models.tensor;

import java.lang.foreign.MemorySegment;

/**
 * A weight matrix of {@code rows x cols} elements in one storage format, backed by memory that is usually a
 * slice of a memory-mapped model file (never copied onto the heap). A vector is a matrix with one row.
 *
 * <p>This type only describes storage and offers a slow scalar element read for tests and loading; the fast
 * kernels that multiply with it live in the device executors, one per format.
 */
public sealed interface Tensor permits F32Tensor, F16Tensor, BF16Tensor, Q8_0Tensor, Q4_0Tensor, Q4_1Tensor,
        Q5_0Tensor, Q5_1Tensor, Q2_KTensor, Q3_KTensor, Q4_KTensor, Q5_KTensor, Q6_KTensor, IQ4_NLTensor, IQ4_XSTensor,
        Int8GroupTensor {

    /** Name in the model file, for error messages. */
    String name();

    int rows();

    /** Elements per row: the inner (contiguous) dimension. */
    int cols();

    /** The format's GGML type, or null for formats GGML does not have. */
    GgmlType ggmlType();

    /** Bytes of weight data this tensor reads per full pass (what a matmul streams from memory). */
    long byteSize();

    /** Element at flat index {@code index = row * cols + col}; slow, for references and tests. */
    float getFloat(long index);

    default long size() {
        return (long) rows() * cols();
    }

    /** Dequantises row {@code row} into {@code dst[off..off+cols)}. */
    default void readRow(int row, float[] dst, int off) {
        long base = (long) row * cols();
        for (int i = 0; i < cols(); i++) {
            dst[off + i] = getFloat(base + i);
        }
    }

    /** Checks that a backing segment is exactly as large as the shape says. */
    static void checkBytes(String name, MemorySegment data, long expected) {
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "': expected " + expected + " bytes of data, found "
                    + data.byteSize());
        }
    }
}
