package org.mirrorsd.devices.onnx.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The few protocol-buffer encodings ONNX files need: varints, 64-bit ints, fixed32 floats, strings, bytes and
 * nested (length-delimited) messages, appended to a growable byte array.
 *
 * <p>Why hand-written: an ONNX file is a protobuf {@code ModelProto}, and the handful of messages an exporter
 * writes use four wire types only. Generating classes with protoc would add a build step and the protobuf
 * runtime (plus the onnx.proto sources) as dependencies, for ~100 lines of encoding. Field numbers are those of
 * onnx.proto (IR version 8); see {@link OnnxProtos}.
 */
final class ProtoWriter {
    private static final int VARINT = 0;
    private static final int FIXED32 = 5;
    private static final int LENGTH_DELIMITED = 2;

    private byte[] buf = new byte[256];
    private int size;

    int size() { return size; }

    byte[] toByteArray() { return Arrays.copyOf(buf, size); }

    void writeTo(OutputStream out) throws IOException { out.write(buf, 0, size); }

    ProtoWriter int64(int field, long value) {
        tag(field, VARINT);
        varint(value);
        return this;
    }

    ProtoWriter float32(int field, float value) {
        tag(field, FIXED32);
        int bits = Float.floatToRawIntBits(value);
        ensure(4);
        for (int i = 0; i < 4; i++) buf[size++] = (byte) (bits >>> (8 * i));
        return this;
    }

    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter bytes(int field, byte[] value) {
        tag(field, LENGTH_DELIMITED);
        varint(value.length);
        append(value, 0, value.length);
        return this;
    }

    ProtoWriter message(int field, ProtoWriter nested) {
        tag(field, LENGTH_DELIMITED);
        varint(nested.size);
        append(nested.buf, 0, nested.size);
        return this;
    }

    /** Only the tag and length of a nested message, whose bytes the caller streams right after. */
    ProtoWriter messageHeader(int field, long length) {
        tag(field, LENGTH_DELIMITED);
        varint(length);
        return this;
    }

    /** A packed repeated int64 field (proto3 default, accepted for proto2 {@code [packed=true]} and plain repeated). */
    ProtoWriter packedInt64(int field, long[] values) {
        ProtoWriter body = new ProtoWriter();
        for (long v : values) body.varint(v);
        return message(field, body);
    }

    private void tag(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    /** Base-128 varint; negative values take ten bytes, as protobuf encodes int64/int32. */
    void varint(long value) {
        ensure(10);
        while ((value & ~0x7FL) != 0) {
            buf[size++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buf[size++] = (byte) value;
    }

    private void append(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, buf, size, len);
        size += len;
    }

    private void ensure(int more) {
        long needed = (long) size + more;
        if (needed > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("protobuf message over 2 GB: store the weights as external data");
        }
        if (needed > buf.length) buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, buf.length * 2L)));
    }
}
