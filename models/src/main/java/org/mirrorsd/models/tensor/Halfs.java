package org.mirrorsd.models.tensor;

/** Scalar conversions of 16-bit floats. */
public final class Halfs {
    private Halfs() {}

    public static float f16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round-to-nearest-even bf16 of {@code f}. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) 0x7FC0;
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
