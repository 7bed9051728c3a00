package org.mirrorsd.devices.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * Growable native-order direct buffers. ONNX Runtime wraps a direct buffer without copying it, so inputs are
 * packed straight into session memory and outputs written straight into ours; buffers only ever grow, so a
 * steady decode loop allocates none.
 */
final class DirectBuffers {
    private DirectBuffers() {}

    static FloatBuffer floats(FloatBuffer current, long needed) {
        if (current != null && current.capacity() >= needed) return current;
        return bytes(grow(current == null ? 0 : current.capacity(), needed) * Float.BYTES).asFloatBuffer();
    }

    static LongBuffer longs(LongBuffer current, long needed) {
        if (current != null && current.capacity() >= needed) return current;
        return bytes(grow(current == null ? 0 : current.capacity(), needed) * Long.BYTES).asLongBuffer();
    }

    private static long grow(long capacity, long needed) {
        long n = Math.max(needed, capacity + capacity / 2);
        return Math.max(n, 16);
    }

    private static ByteBuffer bytes(long n) {
        if (n > Integer.MAX_VALUE) throw new IllegalStateException("a single ONNX input of " + n + " bytes is too large");
        return ByteBuffer.allocateDirect((int) n).order(ByteOrder.nativeOrder());
    }
}
