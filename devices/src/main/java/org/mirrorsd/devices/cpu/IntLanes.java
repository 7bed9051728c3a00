package org.mirrorsd.devices.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The integer lanes the quantised kernels multiply in: weight bytes are sign-extended straight into int lanes
 * (one instruction: a byte vector a quarter as wide as the int vector, part 0) and unpacked there, since x86 has
 * no byte shifts; the activations are already ints. Products and sums of 8-bit values stay exact in int.
 */
final class IntLanes {
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    static final int L = I.length();
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(I.vectorBitSize() / 4));

    private IntLanes() {}

    /** L signed bytes at {@code off}, one per int lane. */
    static IntVector bytes(MemorySegment m, long off) {
        return (IntVector) ByteVector.fromMemorySegment(B, m, off, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, I, 0);
    }

    /** The low nibbles of L bytes already in int lanes. */
    static IntVector low(IntVector v) {
        return v.and(0xF);
    }

    /** The high nibbles of L bytes already in int lanes (sign-extended, hence the mask). */
    static IntVector high(IntVector v) {
        return v.lanewise(VectorOperators.ASHR, 4).and(0xF);
    }

    /** Bits {@code [shift, shift + 2)} of L bytes in int lanes. */
    static IntVector twoBits(IntVector v, int shift) {
        return v.lanewise(VectorOperators.ASHR, shift).and(3);
    }

    static IntVector ints(int[] a, int off) {
        return IntVector.fromArray(I, a, off);
    }
}
