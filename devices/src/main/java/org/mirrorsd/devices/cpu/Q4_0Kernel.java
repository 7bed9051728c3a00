package org.mirrorsd.devices.cpu;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.I2F;
import static org.mirrorsd.devices.cpu.IntLanes.B16;
import static org.mirrorsd.devices.cpu.IntLanes.I;
import static org.mirrorsd.devices.cpu.IntLanes.L;
import static org.mirrorsd.devices.cpu.IntLanes.LE;
import static org.mirrorsd.devices.cpu.IntLanes.S16;

import static org.mirrorsd.models.tensor.Blocks.LE_SHORT;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;
import org.mirrorsd.models.tensor.Blocks;
import org.mirrorsd.models.tensor.Q4_0Tensor;

/**
 * Q4_0 weights against Q8_0 activations ({@code ggml_vec_dot_q4_0_q8_0}): per block of 32, sum (q - 8) * a in
 * integers, times d_w * d_a.
 *
 * <p>The order of the float operations, which every Q4_0 path repeats (this kernel, {@link QuantizedTiles}, the
 * native kernels): block b's exact integer sum, as a float, goes into lane b mod 8 of eight float accumulators by
 * one fused multiply-add with the scale F16(d_w) * d_a, block after block; the eight lanes are then added as
 * {@link #sumLanes8} adds them. Eight lanes whatever the machine's vectors, so Q4_0's bits are the same with AVX2
 * and AVX-512, and the native kernels convert and scale one register per eight blocks (a lane per block of 32
 * values, as the lanes of earlier versions were, cost sixteen conversions and multiply-adds per block).
 */
final class Q4_0Kernel {
    private static final int BB = Q4_0Tensor.BLOCK_BYTES;
    /** The accumulators' lanes: blocks b, b + 8, b + 16, ... go into lane b. */
    static final int LANES = 8;
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;

    private Q4_0Kernel() {}

    /**
     * Weight rows {@code [rowFrom, rowTo)} against activation rows {@code [aFrom, aTo)}, into
     * {@code out[outOffset + r * outWidth + row]}. The loops and the kernel are one method on purpose: as a row
     * loop calling a dot method, C2 sometimes compiled the dot alone first, then would not inline it ("already
     * compiled into a big method"), and that copy ran 4-20x slower, in some JVMs and not others.
     */
    static void matvec(MemorySegment w, int blocks, int rowFrom, int rowTo, QuantizedActivations a, int aFrom, int aTo,
                       float[] out, int outOffset, int outWidth) {
        short[] qa = a.q32Short;
        float[] da = a.d32;
        float[] sums = new float[LANES], scales = new float[LANES];
        for (int row = rowFrom; row < rowTo; row++) {
            for (int r = aFrom; r < aTo; r++) {
                FloatVector acc = FloatVector.zero(F8);
                int q = r * a.width, d = r * (a.width / 32);
                long off = (long) row * blocks * BB + 2;
                for (int b0 = 0; b0 < blocks; b0 += LANES) {
                    int n = Math.min(LANES, blocks - b0);
                    for (int j = 0; j < n; j++, q += 32, off += BB) {
                        ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(B16, w, off, LE).convertShape(B2S, S16, 0);
                        // lane i: (lo_i - 8) a_i + (hi_i - 8) a_i+16, at most 2 * 8 * 127 in magnitude; all 16 at most 32512.
                        ShortVector pairs = packed.and((short) 0xF).sub((short) 8).mul(ShortVector.fromArray(S16, qa, q))
                                .add(packed.lanewise(ASHR, 4).and((short) 0xF).sub((short) 8).mul(ShortVector.fromArray(S16, qa, q + 16)));
                        sums[j] = pairs.reduceLanes(ADD);
                        scales[j] = Float.float16ToFloat(w.get(LE_SHORT, off - 2)) * da[d + b0 + j];
                    }
                    // a short last group: its missing blocks add 0 * 0, which leaves a lane as it was (never -0)
                    for (int j = n; j < LANES; j++) sums[j] = scales[j] = 0;
                    acc = FloatVector.fromArray(F8, sums, 0).fma(FloatVector.fromArray(F8, scales, 0), acc);
                }
                acc.intoArray(sums, 0);
                out[outOffset + r * outWidth + row] = sumLanes8(sums, 0);
            }
        }
    }

    /** The sum of the eight lanes at {@code v[off..]}: lane i plus lane i + width, for width = 4, 2, 1 (in place). */
    static float sumLanes8(float[] v, int off) {
        for (int width = LANES / 2; width >= 1; width /= 2) {
            for (int i = 0; i < width; i++) v[off + i] = v[off + i] + v[off + i + width];
        }
        return v[off];
    }

    /** Weight row {@code row} as its integer values (q - 8), in order, into {@code values[vOff..]} and its scales into {@code scales[sOff..]}. */
    static void unpack(MemorySegment w, int row, int blocks, float[] values, int vOff, float[] scales, int sOff) {
        long off = (long) row * blocks * BB;
        for (int b = 0; b < blocks; b++, off += BB) {
            scales[sOff + b] = Float.float16ToFloat(w.get(LE_SHORT, off));
            for (int c = 0; c < 16; c += L) {
                IntVector packed = (IntVector) ByteVector.fromMemorySegment(IntLanes.B, w, off + 2 + c, LE).convertShape(B2I, I, 0);
                ((FloatVector) packed.and(0xF).sub(8).convertShape(I2F, VectorKernels.F, 0)).intoArray(values, vOff + 32 * b + c);
                ((FloatVector) packed.lanewise(ASHR, 4).and(0xF).sub(8).convertShape(I2F, VectorKernels.F, 0)).intoArray(values, vOff + 32 * b + 16 + c);
            }
        }
    }

    static float reference(MemorySegment w, long firstBlock, int blocks, QuantizedActivations a, int aRow) {
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long off = (firstBlock + b) * BB;
            int q = aRow * a.width + 32 * b;
            int s = 0;
            for (int j = 0; j < 16; j++) {
                int p = Blocks.u8(w, off + 2 + j);
                s += ((p & 0xF) - 8) * a.q32Short[q + j] + ((p >>> 4) - 8) * a.q32Short[q + 16 + j];
            }
            sum += s * (Blocks.f16(w, off) * a.d32[aRow * (a.width / 32) + b]);
        }
        return sum;
    }
}
