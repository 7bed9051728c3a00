package org.mirrorsd.models.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads little-endian GGUF primitives from a mapped file, front to back.
 * Every read checks the end of the file first, so a truncated file fails with the name of the field being read
 * rather than with an IndexOutOfBounds deep inside the FFM API.
 */
final class GgufCursor {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment segment;
    private final String fileName;
    private long position;

    GgufCursor(MemorySegment segment, String fileName) {
        this.segment = segment;
        this.fileName = fileName;
    }

    long position() {
        return position;
    }

    /** Fails unless {@code bytes} more bytes are left for {@code what}. */
    private void need(long bytes, String what) {
        if (bytes < 0 || position + bytes > segment.byteSize()) {
            throw new GgufFormatException(fileName + ": truncated file: reading " + what + " needs " + bytes
                    + " bytes at offset " + position + ", but the file has " + segment.byteSize() + " bytes");
        }
    }

    byte i8(String what) {
        need(1, what);
        return segment.get(ValueLayout.JAVA_BYTE, position++);
    }

    short i16(String what) {
        need(2, what);
        short v = segment.get(SHORT, position);
        position += 2;
        return v;
    }

    int i32(String what) {
        need(4, what);
        int v = segment.get(INT, position);
        position += 4;
        return v;
    }

    long i64(String what) {
        need(8, what);
        long v = segment.get(LONG, position);
        position += 8;
        return v;
    }

    float f32(String what) {
        need(4, what);
        float v = segment.get(FLOAT, position);
        position += 4;
        return v;
    }

    double f64(String what) {
        need(8, what);
        double v = segment.get(DOUBLE, position);
        position += 8;
        return v;
    }

    /** A GGUF string: uint64 byte length, then UTF-8 bytes (no terminator). */
    String string(String what) {
        long length = i64(what + " (string length)");
        if (length > Integer.MAX_VALUE) {
            throw new GgufFormatException(fileName + ": " + what + ": string length " + length + " is not plausible");
        }
        need(length, what);
        byte[] bytes = new byte[(int) length];
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, position, bytes, 0, bytes.length);
        position += length;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    void skipTo(long newPosition, String what) {
        need(newPosition - position, what);
        position = newPosition;
    }
}
