package org.mirrorsd.devices.cpu;

import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The integer lanes the quantised kernels multiply in: weight bytes are sign-extended straight into int lanes
 * ({@code ByteVector.fromMemorySegment(B, ..).convertShape(B2I, I, 0)}: a byte vector a quarter as wide as the
 * int vector, one instruction) and unpacked there, since x86 has no byte shifts; the activations are already
 * ints. Products and sums of 8-bit values stay exact in int.
 *
 * <p>The kernels spell their vector operations out instead of calling small helpers that return vectors: past
 * C2's inlining budget such a helper is compiled as a real call, its vector result is boxed, and the kernel
 * measured five to ten times slower (the Vector API's own methods are force-inlined, ours are not).
 *
 * <p>For the same reason they read block fields through the segment's own accessors
 * ({@code Float.float16ToFloat(w.get(LE_SHORT, x))}, {@code w.get(JAVA_BYTE, x)}), never through
 * {@code Blocks.f16} or {@code Blocks.s8}: once a kernel passes C2's node-count inlining cutoff, such a call stays a
 * real call, every vector register is spilled around it, and Q6_K decode ran at half speed with the scale read in
 * its inner loop left as a call ({@code -XX:+PrintInlining}: "NodeCountInliningCutoff").
 */
final class IntLanes {
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    static final int L = I.length();
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(I.vectorBitSize() / 4));
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Shorts, as many lanes as the int vectors: 4-bit weights times 8-bit activations, summed in 16 bits. */
    static final VectorSpecies<Short> S = ShortVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(I.vectorBitSize() / 2));

    /**
     * Sixteen bytes widened to sixteen shorts: 8-bit weights times 8-bit activations fit a short, and so does the
     * sum of two such products, so a block of 32 is multiplied and paired in 16-bit lanes and widened once.
     * On AVX-512 this measured four times the int-lane kernel's speed streaming from memory (13 against 3 GB/s).
     */
    static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    static final VectorSpecies<Short> S16 = ShortVector.SPECIES_256;

    private IntLanes() {}
}
