package org.mirrorsd.models.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes small GGUF files byte by byte, so tests can build valid and broken ones. */
final class GgufTestWriter {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    GgufTestWriter u8(int v) { out.write(v); return this; }

    GgufTestWriter u16(int v) { return bytes(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v).array()); }

    GgufTestWriter u32(int v) { return bytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array()); }

    GgufTestWriter u64(long v) { return bytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array()); }

    GgufTestWriter f32(float v) { return bytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array()); }

    GgufTestWriter f64(double v) { return bytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(v).array()); }

    GgufTestWriter str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(b.length);
        return bytes(b);
    }

    GgufTestWriter bytes(byte[] b) { out.writeBytes(b); return this; }

    GgufTestWriter header(int version, long tensors, long kvs) {
        return bytes("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(version).u64(tensors).u64(kvs);
    }

    /** Zero bytes up to the next multiple of {@code alignment}. */
    GgufTestWriter pad(int alignment) {
        while (out.size() % alignment != 0) out.write(0);
        return this;
    }

    int size() { return out.size(); }

    byte[] toByteArray() { return out.toByteArray(); }
}
