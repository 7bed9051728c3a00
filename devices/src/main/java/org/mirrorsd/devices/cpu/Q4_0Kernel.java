package org.mirrorsd.devices.cpu;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.S2I;
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
import org.mirrorsd.models.tensor.Blocks;
import org.mirrorsd.models.tensor.Q4_0Tensor;

/**
 * Q4_0 weights against Q8_0 activations ({@code ggml_vec_dot_q4_0_q8_0}): per block of 32,
 * sum (q - 8) * a in integers, times d_w * d_a.
 */
final class Q4_0Kernel {
    private static final int BB = Q4_0Tensor.BLOCK_BYTES;

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
        for (int row = rowFrom; row < rowTo; row++) {
            for (int r = aFrom; r < aTo; r++) {
                FloatVector acc = FloatVector.zero(VectorKernels.F);
                int q = r * a.width, d = r * (a.width / 32);
                long off = (long) row * blocks * BB + 2;
                for (int b = 0; b < blocks; b++, q += 32, off += BB) {
                    ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(B16, w, off, LE).convertShape(B2S, S16, 0);
                    // lane i: (lo_i - 8) a_i + (hi_i - 8) a_i+16, at most 2 * 8 * 127 in magnitude.
                    ShortVector pairs = packed.and((short) 0xF).sub((short) 8).mul(ShortVector.fromArray(S16, qa, q))
                            .add(packed.lanewise(ASHR, 4).and((short) 0xF).sub((short) 8).mul(ShortVector.fromArray(S16, qa, q + 16)));
                    IntVector sum = (IntVector) pairs.convertShape(S2I, I, 0);
                    for (int part = 1; part < 16 / L; part++) sum = sum.add((IntVector) pairs.convertShape(S2I, I, part));
                    float scale = Float.float16ToFloat(w.get(LE_SHORT, off - 2)) * da[d + b];
                    acc = ((FloatVector) sum.convertShape(I2F, VectorKernels.F, 0)).fma(FloatVector.broadcast(VectorKernels.F, scale), acc);
                }
                out[outOffset + r * outWidth + row] = VectorKernels.sumLanes(acc);
            }
        }
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
