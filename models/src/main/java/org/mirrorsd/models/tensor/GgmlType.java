package org.mirrorsd.models.tensor;

/**
 * Weight element types, numbered as GGML numbers them (the GGUF tensor-info type field).
 * Only the types the engine can compute with are listed; anything else is rejected at load time.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 2 + 16),
    Q8_0(8, 32, 2 + 32),
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
}
