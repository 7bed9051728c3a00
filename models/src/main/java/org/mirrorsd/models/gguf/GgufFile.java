package org.mirrorsd.models.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import org.mirrorsd.models.tensor.GgmlType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A GGUF (version 2 or 3) file, memory-mapped read-only.
 *
 * <p>Metadata is parsed onto the heap once; tensor data stays in the mapping and is handed out as slices, so
 * opening a multi-gigabyte model costs no copying. The file must stay open while tensor slices are in use.
 *
 * <p>Metadata values arrive as Java objects: int8..uint16 and int32 as {@link Integer}, uint32 and the 64-bit
 * integers as {@link Long} (uint64 above 2^63 wraps, as no real file stores one), float32 as {@link Float},
 * float64 as {@link Double}, bool as {@link Boolean}, string as {@link String}. Arrays become primitive arrays of
 * the same widening ({@code int[]}, {@code long[]}, {@code float[]}, {@code double[]}, {@code boolean[]},
 * {@code String[]}), and arrays of arrays {@code Object[]}.
 */
public final class GgufFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GgufFile.class);

    private static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian int
    private static final int DEFAULT_ALIGNMENT = 32;
    private static final int MAX_DIMS = 4; // GGML_MAX_DIMS

    private final Path path;
    private final List<Arena> arenas;
    private final int version;
    private final Map<String, Object> metadata;
    private final List<GgufTensorInfo> tensors;
    private final Map<String, GgufTensorInfo> tensorsByName;
    private final long dataStart;
    private final int alignment;

    private GgufFile(Path path, List<Arena> arenas, int version, Map<String, Object> metadata,
                     List<GgufTensorInfo> tensors, long dataStart, int alignment) {
        this.path = path;
        this.arenas = List.copyOf(arenas);
        this.version = version;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = List.copyOf(tensors);
        Map<String, GgufTensorInfo> byName = new LinkedHashMap<>();
        for (GgufTensorInfo t : tensors) byName.put(t.name(), t);
        this.tensorsByName = Collections.unmodifiableMap(byName);
        this.dataStart = dataStart;
        this.alignment = alignment;
    }

    /**
     * Maps and parses {@code path}. Format errors throw {@link GgufFormatException} naming the file and field.
     * The first shard of a split model ({@code name-00001-of-00003.gguf}, as llama.cpp's gguf-split writes it)
     * opens every shard: one file whose tensors live in several mappings.
     */
    public static GgufFile open(Path path) throws IOException {
        GgufFile first = openSingle(path);
        try {
            return GgufSplit.isSplit(first) ? GgufSplit.join(first) : first;
        } catch (IOException | RuntimeException e) {
            first.close();
            throw e;
        }
    }

    /** One file, a shard of a split model or not, without looking for the other shards. */
    static GgufFile openSingle(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            GgufFile gguf = parse(path, arena, file);
            LOG.debug("opened {}: GGUF v{}, {} metadata keys, {} tensors", path, gguf.version,
                    gguf.metadata.size(), gguf.tensors.size());
            return gguf;
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static GgufFile parse(Path path, Arena arena, MemorySegment file) {
        String name = path.toString();
        GgufCursor in = new GgufCursor(file, name);

        int magic = in.i32("magic");
        if (magic != MAGIC) {
            throw new GgufFormatException(name + ": not a GGUF file (magic 0x" + Integer.toHexString(magic)
                    + ", expected \"GGUF\")");
        }
        int version = in.i32("version");
        if (version != 2 && version != 3) {
            throw new GgufFormatException(name + ": unsupported GGUF version " + version
                    + (version > 0xFFFF ? " (a big-endian file?)" : "") + "; versions 2 and 3 are supported");
        }
        long tensorCount = in.i64("tensor count");
        long kvCount = in.i64("metadata count");
        if (tensorCount < 0 || kvCount < 0) {
            throw new GgufFormatException(name + ": implausible counts: " + tensorCount + " tensors, "
                    + kvCount + " metadata keys");
        }

        GgufMetadataReader values = new GgufMetadataReader(in, name, file.byteSize());
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = in.string("metadata key #" + i);
            Object value = values.readValue("metadata key '" + key + "'");
            if (metadata.putIfAbsent(key, value) != null) {
                throw new GgufFormatException(name + ": metadata key '" + key + "' appears twice");
            }
        }

        int alignment = DEFAULT_ALIGNMENT;
        Object alignValue = metadata.get("general.alignment");
        if (alignValue != null) {
            if (!(alignValue instanceof Number n) || n.longValue() <= 0 || Long.bitCount(n.longValue()) != 1
                    || n.longValue() > (1 << 20)) {
                throw new GgufFormatException(name + ": metadata key 'general.alignment' must be a power of two, got "
                        + alignValue);
            }
            alignment = n.intValue();
        }

        record RawTensor(String name, long[] shape, GgmlType type, long offset) {}
        List<RawTensor> raw = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            String tensorName = in.string("tensor #" + i + " name");
            String field = "tensor '" + tensorName + "'";
            int nDims = in.i32(field + " dimension count");
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw new GgufFormatException(name + ": " + field + " has " + Integer.toUnsignedString(nDims)
                        + " dimensions; 1 to " + MAX_DIMS + " are allowed");
            }
            long[] shape = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                shape[d] = in.i64(field + " dimension " + d);
                if (shape[d] < 0) {
                    throw new GgufFormatException(name + ": " + field + " has negative dimension " + d);
                }
            }
            int typeId = in.i32(field + " type");
            GgmlType type = GgmlType.byId(typeId);
            if (type == null) {
                throw new GgufFormatException(name + ": " + field + " has GGML type id " + typeId
                        + ", which this engine does not support (supported: " + GgmlType.supportedNames() + ")");
            }
            long offset = in.i64(field + " offset");
            raw.add(new RawTensor(tensorName, shape, type, offset));
        }

        // The data section starts at the next multiple of the alignment after the tensor infos.
        long dataStart = alignUp(in.position(), alignment);
        if (!raw.isEmpty() && dataStart > file.byteSize()) {
            throw new GgufFormatException(name + ": truncated file: the data section would start at " + dataStart
                    + " but the file has " + file.byteSize() + " bytes");
        }

        List<GgufTensorInfo> tensors = new ArrayList<>(raw.size());
        Set<String> seen = new HashSet<>();
        for (RawTensor t : raw) {
            String field = "tensor '" + t.name() + "'";
            if (!seen.add(t.name())) {
                throw new GgufFormatException(name + ": " + field + " appears twice");
            }
            if (t.offset() < 0 || t.offset() % alignment != 0) {
                throw new GgufFormatException(name + ": " + field + " has offset " + t.offset()
                        + ", not a multiple of the alignment " + alignment);
            }
            long elements = 1;
            for (long d : t.shape()) elements = Math.multiplyExact(elements, d);
            long bytes;
            try {
                bytes = t.type().bytesFor(elements);
            } catch (IllegalArgumentException e) {
                throw new GgufFormatException(name + ": " + field + " shape does not fit its type: " + e.getMessage());
            }
            long start = dataStart + t.offset();
            if (start + bytes > file.byteSize()) {
                throw new GgufFormatException(name + ": truncated file: " + field + " needs bytes " + start + ".."
                        + (start + bytes) + " but the file has " + file.byteSize() + " bytes");
            }
            tensors.add(new GgufTensorInfo(t.name(), t.shape(), t.type(), t.offset(), file.asSlice(start, bytes)));
        }
        return new GgufFile(path, List.of(arena), version, metadata, tensors, dataStart, alignment);
    }

    /** This file's metadata with the tensors (and mappings) of every shard: the joined view of a split model. */
    GgufFile withShards(List<GgufFile> shards) {
        List<Arena> all = new ArrayList<>();
        List<GgufTensorInfo> joined = new ArrayList<>();
        for (GgufFile s : shards) {
            all.addAll(s.arenas);
            joined.addAll(s.tensors);
        }
        Set<String> names = new HashSet<>();
        for (GgufTensorInfo t : joined) {
            if (!names.add(t.name())) {
                throw new GgufFormatException(path + ": tensor '" + t.name() + "' appears in two shards");
            }
        }
        return new GgufFile(path, all, version, metadata, joined, dataStart, alignment);
    }

    private static long alignUp(long position, int alignment) {
        return (position + alignment - 1) / alignment * alignment;
    }

    public Path path() { return path; }

    public int version() { return version; }

    /** All metadata in file order (see the class comment for the Java types of values). */
    public Map<String, Object> metadata() { return metadata; }

    public List<GgufTensorInfo> tensors() { return tensors; }

    /** Offset in the file at which tensor data starts. */
    public long dataStart() { return dataStart; }

    public int alignment() { return alignment; }

    /** The tensor named {@code name}; throws when the file has none. */
    public GgufTensorInfo tensor(String name) {
        GgufTensorInfo t = tensorsByName.get(name);
        if (t == null) {
            throw new IllegalArgumentException(path + ": no tensor named '" + name + "'");
        }
        return t;
    }

    public Optional<GgufTensorInfo> findTensor(String name) {
        return Optional.ofNullable(tensorsByName.get(name));
    }

    public boolean has(String key) { return metadata.containsKey(key); }

    // ---- typed metadata getters: a missing key or a value of another type is an IllegalArgumentException ----

    public int getInt(String key) {
        return toInt(key, required(key));
    }

    public int getInt(String key, int defaultValue) {
        Object v = metadata.get(key);
        return v == null ? defaultValue : toInt(key, v);
    }

    public OptionalInt getOptionalInt(String key) {
        Object v = metadata.get(key);
        return v == null ? OptionalInt.empty() : OptionalInt.of(toInt(key, v));
    }

    public long getLong(String key) {
        Object v = required(key);
        if (v instanceof Integer || v instanceof Long) return ((Number) v).longValue();
        throw wrongType(key, v, "an integer");
    }

    public float getFloat(String key) {
        return toFloat(key, required(key));
    }

    public float getFloat(String key, float defaultValue) {
        Object v = metadata.get(key);
        return v == null ? defaultValue : toFloat(key, v);
    }

    public boolean getBoolean(String key) {
        return toBoolean(key, required(key));
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        Object v = metadata.get(key);
        return v == null ? defaultValue : toBoolean(key, v);
    }

    public String getString(String key) {
        return toString(key, required(key));
    }

    public Optional<String> getOptionalString(String key) {
        Object v = metadata.get(key);
        return v == null ? Optional.empty() : Optional.of(toString(key, v));
    }

    /** A string array; the returned array is the stored one, so do not modify it. */
    public String[] getStringArray(String key) {
        Object v = required(key);
        if (v instanceof String[] a) return a;
        throw wrongType(key, v, "an array of strings");
    }

    public Optional<String[]> getOptionalStringArray(String key) {
        return metadata.containsKey(key) ? Optional.of(getStringArray(key)) : Optional.empty();
    }

    /** An array of 32-bit-or-narrower integers (or wider ones that all fit an int). */
    public int[] getIntArray(String key) {
        Object v = required(key);
        if (v instanceof int[] a) return a;
        if (v instanceof long[] a) {
            int[] out = new int[a.length];
            for (int i = 0; i < a.length; i++) {
                if (a[i] != (int) a[i]) throw wrongType(key, v, "an array of 32-bit integers (element " + i + " is " + a[i] + ")");
                out[i] = (int) a[i];
            }
            return out;
        }
        throw wrongType(key, v, "an array of integers");
    }

    public Optional<int[]> getOptionalIntArray(String key) {
        return metadata.containsKey(key) ? Optional.of(getIntArray(key)) : Optional.empty();
    }

    public float[] getFloatArray(String key) {
        Object v = required(key);
        if (v instanceof float[] a) return a;
        throw wrongType(key, v, "an array of float32");
    }

    public Optional<float[]> getOptionalFloatArray(String key) {
        return metadata.containsKey(key) ? Optional.of(getFloatArray(key)) : Optional.empty();
    }

    private Object required(String key) {
        Object v = metadata.get(key);
        if (v == null) {
            throw new IllegalArgumentException(path + ": metadata key '" + key + "' is missing");
        }
        return v;
    }

    private int toInt(String key, Object v) {
        if (v instanceof Integer i) return i;
        if (v instanceof Long l && l == l.intValue()) return l.intValue();
        throw wrongType(key, v, "a 32-bit integer");
    }

    private float toFloat(String key, Object v) {
        if (v instanceof Float f) return f;
        if (v instanceof Double d) return d.floatValue();
        throw wrongType(key, v, "a float");
    }

    private boolean toBoolean(String key, Object v) {
        if (v instanceof Boolean b) return b;
        throw wrongType(key, v, "a bool");
    }

    private String toString(String key, Object v) {
        if (v instanceof String s) return s;
        throw wrongType(key, v, "a string");
    }

    private IllegalArgumentException wrongType(String key, Object v, String expected) {
        String actual = v.getClass().isArray() ? v.getClass().getComponentType().getSimpleName() + "[]"
                : v.getClass().getSimpleName() + " " + v;
        return new IllegalArgumentException(path + ": metadata key '" + key + "' should be " + expected
                + " but is " + actual);
    }

    /** Unmaps the file; tensor slices handed out before become unusable. */
    @Override
    public void close() {
        for (Arena a : arenas) a.close();
    }

    @Override
    public String toString() {
        return "GgufFile[" + path + ", v" + version + ", " + metadata.size() + " keys, " + tensors.size() + " tensors]";
    }
}
