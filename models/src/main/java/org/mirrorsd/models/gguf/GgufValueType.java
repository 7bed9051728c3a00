package org.mirrorsd.models.gguf;

/** The metadata value types of the GGUF format, numbered as the file numbers them. */
enum GgufValueType {
    UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64;

    /** The type with file id {@code id}, or null when the id is not a GGUF value type. */
    static GgufValueType byId(int id) {
        GgufValueType[] all = values();
        return id >= 0 && id < all.length ? all[id] : null;
    }
}
