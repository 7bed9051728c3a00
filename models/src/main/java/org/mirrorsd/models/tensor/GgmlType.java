package org.mirrorsd.models.tensor;

/**
 * Weight element types, numbered as GGML numbers them (the GGUF tensor-info type field), with ggml's block
 * sizes ({@code ggml-common.h}). Only the types the engine can compute with are listed; anything else is
 * rejected at load time.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 2 + 16),
    Q4_1(3, 32, 2 + 2 + 16),
    Q5_0(6, 32, 2 + 4 + 16),
    Q5_1(7, 32, 2 + 2 + 4 + 16),
    Q8_0(8, 32, 2 + 32),
    Q2_K(10, 256, 16 + 64 + 2 + 2),
    Q3_K(11, 256, 32 + 64 + 12 + 2),
    Q4_K(12, 256, 2 + 2 + 12 + 128),
    Q5_K(13, 256, 2 + 2 + 12 + 32 + 128),
    Q6_K(14, 256, 128 + 64 + 16 + 2),
    IQ4_NL(20, 32, 2 + 16),
    IQ4_XS(23, 256, 2 + 2 + 4 + 128),
    BF16(30, 1, 2);

    private final int id;
    private final int blockSize;
    private final int bytesPerBlock;

    GgmlType(int id, int blockSize, int bytesPerBlock) {
        this.id = id;
        this.blockSize = blockSize;
        this.bytesPerBlock = bytesPerBlock;
    }

    public int id() { return id; }

    /** Elements per quantisation block (1 for plain float types). */
    public int blockSize() { return blockSize; }

    public int bytesPerBlock() { return bytesPerBlock; }

    /** True for the block-quantised types (everything but F32, F16, BF16). */
    public boolean quantized() { return blockSize > 1; }

    /** Bytes taken by {@code elements} elements; elements must be a multiple of the block size. */
    public long bytesFor(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(this + " needs a multiple of " + blockSize + " elements, got " + elements);
        }
        return elements / blockSize * bytesPerBlock;
    }

    /** The type with GGML id {@code id}, or null when the engine does not support it. */
    public static GgmlType byId(int id) {
        for (GgmlType t : values()) {
            if (t.id == id) return t;
        }
        return null;
    }

    /** The supported names, for error messages. */
    public static String supportedNames() {
        StringBuilder s = new StringBuilder();
        for (GgmlType t : values()) s.append(s.isEmpty() ? "" : ", ").append(t);
        return s.toString();
    }
}
