package org.mirrorsd.models.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mirrorsd.models.tensor.GgmlType;

/**
 * Writes a GGUF v3 file: metadata, tensor infos, then 32-byte-aligned tensor data streamed from producers,
 * so a large model never has to sit in memory whole. Integer metadata is written as uint32 (as llama.cpp
 * expects; int32 when negative), {@link Long} as uint64 (use {@link U32} for a uint32 read back as a Long), floats
 * as float32, doubles as float64.
 */
public final class GgufWriter {
    private static final int ALIGNMENT = 32;

    /** Writes one tensor's bytes (exactly {@code type.bytesFor(elements)}) into the buffer. */
    @FunctionalInterface
    public interface TensorData {
        void write(ByteBuffer out);
    }

    private record Entry(String name, long[] shape, GgmlType type, TensorData data) {
        long bytes() {
            long n = 1;
            for (long d : shape) n *= d;
            return type.bytesFor(n);
        }
    }

    /** A uint32 value above {@link Integer#MAX_VALUE}, or a {@link Long} read from a uint32 key, kept uint32. */
    public record U32(long value) {}

    private final Map<String, Object> metadata = new LinkedHashMap<>();
    private final List<Entry> tensors = new ArrayList<>();

    public GgufWriter put(String key, Object value) {
        metadata.put(key, value);
        return this;
    }

    /** @param shape GGML order: shape[0] is the row length */
    public GgufWriter tensor(String name, long[] shape, GgmlType type, TensorData data) {
        tensors.add(new Entry(name, shape, type, data));
        return this;
    }

    public void write(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            Buf head = new Buf();
            head.raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(3).u64(tensors.size()).u64(metadata.size());
            for (Map.Entry<String, Object> e : metadata.entrySet()) {
                head.str(e.getKey());
                value(head, e.getValue());
            }
            long offset = 0;
            for (Entry t : tensors) {
                head.str(t.name()).u32(t.shape().length);
                for (long d : t.shape()) head.u64(d);
                head.u32(t.type().id()).u64(offset);
                offset = align(offset + t.bytes());
            }
            while (head.size() % ALIGNMENT != 0) head.u8(0);
            ch.write(head.toBuffer());
            for (Entry t : tensors) {
                long bytes = t.bytes();
                ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(align(bytes))).order(ByteOrder.LITTLE_ENDIAN);
                t.data().write(data);
                if (data.position() != bytes) {
                    throw new IllegalStateException("tensor '" + t.name() + "' wrote " + data.position() + " bytes, expected " + bytes);
                }
                data.position(0).limit(data.capacity());
                while (data.hasRemaining()) ch.write(data);
            }
        }
    }

    private static long align(long v) {
        return (v + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static void value(Buf b, Object v) {
        switch (v) {
            case U32 u -> b.u32(4).u32((int) u.value());
            case Integer i when i < 0 -> b.u32(5).u32(i);
            case Integer i -> b.u32(4).u32(i);
            case Long l -> b.u32(10).u64(l);
            case Float f -> b.u32(6).f32(f);
            case Double d -> b.u32(12).u64(Double.doubleToRawLongBits(d));
            case Boolean z -> b.u32(7).u8(z ? 1 : 0);
            case String s -> b.u32(8).str(s);
            case String[] a -> {
                b.u32(9).u32(8).u64(a.length);
                for (String s : a) b.str(s);
            }
            case float[] a -> {
                b.u32(9).u32(6).u64(a.length);
                for (float f : a) b.f32(f);
            }
            case int[] a -> {
                b.u32(9).u32(5).u64(a.length);
                for (int i : a) b.u32(i);
            }
            case long[] a -> {
                boolean u32 = java.util.Arrays.stream(a).allMatch(x -> x >= 0 && x <= 0xFFFF_FFFFL);
                b.u32(9).u32(u32 ? 4 : 11).u64(a.length);
                for (long x : a) {
                    if (u32) b.u32((int) x);
                    else b.u64(x);
                }
            }
            case boolean[] a -> {
                b.u32(9).u32(7).u64(a.length);
                for (boolean z : a) b.u8(z ? 1 : 0);
            }
            case double[] a -> {
                b.u32(9).u32(12).u64(a.length);
                for (double d : a) b.u64(Double.doubleToRawLongBits(d));
            }
            default -> throw new IllegalArgumentException("unsupported metadata value " + v.getClass());
        }
    }

    /** A growable little-endian byte buffer for the header. */
    private static final class Buf {
        private ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private void ensure(int n) {
            if (b.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n)).order(ByteOrder.LITTLE_ENDIAN);
                b.flip();
                bigger.put(b);
                b = bigger;
            }
        }

        Buf u8(int v) { ensure(1); b.put((byte) v); return this; }

        Buf u32(int v) { ensure(4); b.putInt(v); return this; }

        Buf u64(long v) { ensure(8); b.putLong(v); return this; }

        Buf f32(float v) { ensure(4); b.putFloat(v); return this; }

        Buf raw(byte[] bytes) { ensure(bytes.length); b.put(bytes); return this; }

        Buf str(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            return u64(bytes.length).raw(bytes);
        }

        int size() { return b.position(); }

        ByteBuffer toBuffer() { return b.duplicate().flip(); }
    }
}
