package org.mirrorsd.devices.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Attention for heads of eight dimensions where the float vectors are wider (AVX-512): one eight-lane vector per
 * key or value row instead of a scalar loop per position. The story models and their scaled copies have heads of
 * eight, and there the scalar loops took a fifth of a decode step.
 *
 * <p>A score is the eight products summed in {@link VectorKernels#sumLanes}' pairing for eight lanes, the bits
 * {@link VectorKernels#dot} gives on AVX2 machines; the weighted sum adds {@code a * v} to each dimension position
 * after position, multiplied then added, the scalar loop's bits. Vectors never cross a call (the methods take and
 * fill arrays): past C2's inlining budget a vector argument is boxed.
 */
final class SmallHeads {
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
    private static final VectorShuffle<Float> ROT4 = VectorShuffle.iota(S8, 4, 1, true);
    private static final VectorShuffle<Float> ROT2 = VectorShuffle.iota(S8, 2, 1, true);
    private static final VectorShuffle<Float> ROT1 = VectorShuffle.iota(S8, 1, 1, true);

    private SmallHeads() {}

    /** True when heads of {@code headSize} take these loops: eight dimensions, and wider preferred vectors. */
    static boolean fits(int headSize) {
        return headSize == 8 && VectorKernels.floatLanes() > 8;
    }

    /**
     * {@code att[attOff + i] = (q . k_i) * scale} for the {@code count} keys at {@code keys[off + i * stride]}.
     */
    static void scores(float[] q, int qOff, float[] keys, int off, int stride, int count, float scale, float[] att, int attOff) {
        FloatVector qv = FloatVector.fromArray(S8, q, qOff);
        for (int i = 0; i < count; i++, off += stride) {
            FloatVector p = qv.mul(FloatVector.fromArray(S8, keys, off));
            p = p.add(p.rearrange(ROT4));
            p = p.add(p.rearrange(ROT2));
            p = p.add(p.rearrange(ROT1));
            att[attOff + i] = p.lane(0) * scale;
        }
    }

    /** {@code y[yOff..yOff + 8) += att[attOff + i] * v_i} for the {@code count} values at {@code values[off + i * stride]}, in order. */
    static void weightedSum(float[] att, int attOff, float[] values, int off, int stride, int count, float[] y, int yOff) {
        FloatVector acc = FloatVector.fromArray(S8, y, yOff);
        for (int i = 0; i < count; i++, off += stride) {
            acc = acc.add(FloatVector.fromArray(S8, values, off).mul(att[attOff + i]));
        }
        acc.intoArray(y, yOff);
    }
}
