package org.mirrorsd.models.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** A little-endian cursor over a mapped file whose every read is bounds-checked with a message naming the field. */
public final class SegmentReader {
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final MemorySegment segment;
    private long position;

    public SegmentReader(Path path, MemorySegment segment) {
        this.path = path;
        this.segment = segment;
    }

    public long position() { return position; }

    public void seek(long newPosition) {
        if (newPosition < 0 || newPosition > segment.byteSize()) {
            throw error("offset " + newPosition + " is outside the file");
        }
        position = newPosition;
    }

    public long remaining() { return segment.byteSize() - position; }

    public int readInt(String field) {
        need(4, field);
        int v = segment.get(LE_INT, position);
        position += 4;
        return v;
    }

    public float readFloat(String field) {
        need(4, field);
        float v = segment.get(LE_FLOAT, position);
        position += 4;
        return v;
    }

    public byte readByte(String field) {
        need(1, field);
        return segment.get(ValueLayout.JAVA_BYTE, position++);
    }

    /** The next {@code bytes} bytes as a slice of the mapping (no copy). */
    public MemorySegment slice(long bytes, String field) {
        need(bytes, field);
        MemorySegment s = segment.asSlice(position, bytes);
        position += bytes;
        return s;
    }

    private void need(long bytes, String field) {
        if (bytes < 0 || position + bytes > segment.byteSize()) {
            throw error("file is truncated: '" + field + "' needs " + bytes + " bytes at offset " + position
                    + " but the file has " + segment.byteSize() + " bytes");
        }
    }

    public ModelFormatException error(String message) {
        return new ModelFormatException(path, message);
    }
}
