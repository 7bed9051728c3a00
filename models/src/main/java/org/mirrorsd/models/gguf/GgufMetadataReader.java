package org.mirrorsd.models.gguf;

/** Reads one typed metadata value (scalars, strings, arrays, arrays of arrays) from a {@link GgufCursor}. */
final class GgufMetadataReader {
    private final GgufCursor in;
    private final String fileName;
    private final long fileSize;

    GgufMetadataReader(GgufCursor in, String fileName, long fileSize) {
        this.in = in;
        this.fileName = fileName;
        this.fileSize = fileSize;
    }

    Object readValue(String what) {
        return readTyped(readType(what + " type"), what);
    }

    private GgufValueType readType(String what) {
        int id = in.i32(what);
        GgufValueType type = GgufValueType.byId(id);
        if (type == null) {
            throw new GgufFormatException(fileName + ": " + what + ": unknown metadata value type " + id);
        }
        return type;
    }

    private Object readTyped(GgufValueType type, String what) {
        return switch (type) {
            case UINT8 -> Byte.toUnsignedInt(in.i8(what));
            case INT8 -> (int) in.i8(what);
            case UINT16 -> Short.toUnsignedInt(in.i16(what));
            case INT16 -> (int) in.i16(what);
            case UINT32 -> Integer.toUnsignedLong(in.i32(what));
            case INT32 -> in.i32(what);
            case UINT64, INT64 -> in.i64(what);
            case FLOAT32 -> in.f32(what);
            case FLOAT64 -> in.f64(what);
            case BOOL -> readBool(what);
            case STRING -> in.string(what);
            case ARRAY -> readArray(what);
        };
    }

    private boolean readBool(String what) {
        byte b = in.i8(what);
        if (b != 0 && b != 1) {
            throw new GgufFormatException(fileName + ": " + what + ": bool value " + b + " is neither 0 nor 1");
        }
        return b == 1;
    }

    private Object readArray(String what) {
        GgufValueType elementType = readType(what + " array element type");
        long count = in.i64(what + " array length");
        // Check the length against what is left before allocating, so a corrupt count fails cleanly.
        long minBytes = switch (elementType) {
            case UINT8, INT8, BOOL -> 1;
            case UINT16, INT16 -> 2;
            case UINT32, INT32, FLOAT32 -> 4;
            case UINT64, INT64, FLOAT64, STRING -> 8;
            case ARRAY -> 12;
        };
        if (count < 0 || count > Integer.MAX_VALUE - 8 || count * minBytes > fileSize - in.position()) {
            throw new GgufFormatException(fileName + ": truncated file: " + what + " claims " + count
                    + " elements of " + elementType + ", more than the rest of the file holds");
        }
        int n = (int) count;
        switch (elementType) {
            case UINT8, INT8, UINT16, INT16, INT32 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) a[i] = ((Number) readTyped(elementType, what)).intValue();
                return a;
            }
            case UINT32, UINT64, INT64 -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) a[i] = ((Number) readTyped(elementType, what)).longValue();
                return a;
            }
            case FLOAT32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) a[i] = in.f32(what);
                return a;
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) a[i] = in.f64(what);
                return a;
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) a[i] = readBool(what);
                return a;
            }
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) a[i] = in.string(what);
                return a;
            }
            case ARRAY -> {
                Object[] a = new Object[n];
                for (int i = 0; i < n; i++) a[i] = readArray(what + "[" + i + "]");
                return a;
            }
        }
        throw new AssertionError(elementType);
    }
}
