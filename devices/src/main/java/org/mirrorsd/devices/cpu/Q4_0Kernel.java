package org.mirrorsd.devices.cpu;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.S2I;
import static org.mirrorsd.devices.cpu.IntLanes.B16;
import static org.mirrorsd.devices.cpu.IntLanes.I;
import static org.mirrorsd.devices.cpu.IntLanes.L;
import static org.mirrorsd.devices.cpu.IntLanes.LE;
import static org.mirrorsd.devices.cpu.IntLanes.S16;

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
     * Rows {@code [rowFrom, rowTo)} against every activation row. The row loop lives here, beside the kernel, so
     * that C2 compiles the two as one unit of their own, the same way whatever calls them (inlined into a larger
     * caller, the kernel's vector code compiled unevenly from run to run).
     */
    static void matvec(MemorySegment w, int blocks, int rowFrom, int rowTo, QuantizedActivations a, float[] out, int outWidth) {
        for (int row = rowFrom; row < rowTo; row++) {
            for (int r = 0; r < a.rows; r++) out[r * outWidth + row] = dot(w, (long) row * blocks, blocks, a, r);
        }
    }

    static float dot(MemorySegment w, long firstBlock, int blocks, QuantizedActivations a, int aRow) {
        FloatVector acc = FloatVector.zero(VectorKernels.F);
        short[] qa = a.q32Short;
        int q = aRow * a.width, d = aRow * (a.width / 32);
        long off = firstBlock * BB + 2;
        for (int b = 0; b < blocks; b++, q += 32, off += BB) {
            ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(B16, w, off, LE).convertShape(B2S, S16, 0);
            // lane i: (lo_i - 8) a_i + (hi_i - 8) a_i+16, at most 2 * 8 * 127 in magnitude.
            ShortVector pairs = packed.and((short) 0xF).sub((short) 8).mul(ShortVector.fromArray(S16, qa, q))
                    .add(packed.lanewise(ASHR, 4).and((short) 0xF).sub((short) 8).mul(ShortVector.fromArray(S16, qa, q + 16)));
            IntVector sum = (IntVector) pairs.convertShape(S2I, I, 0);
            for (int part = 1; part < 16 / L; part++) sum = sum.add((IntVector) pairs.convertShape(S2I, I, part));
            float scale = Blocks.f16(w, off - 2) * a.d32[d + b];
            acc = ((FloatVector) sum.convertShape(I2F, VectorKernels.F, 0)).fma(FloatVector.broadcast(VectorKernels.F, scale), acc);
        }
        return VectorKernels.sumLanes(acc);
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
