package org.mirrorsd.devices.cpu;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import org.mirrorsd.models.tensor.Blocks;
import org.mirrorsd.models.tensor.Q4_0Tensor;

/**
 * Q4_0 weights against Q8_0 activations ({@code ggml_vec_dot_q4_0_q8_0}): per block of 32,
 * sum (q - 8) * a in integers, times d_w * d_a.
 */
final class Q4_0Kernel {
    private static final int BB = Q4_0Tensor.BLOCK_BYTES;

    private Q4_0Kernel() {}

    static float dot(MemorySegment w, long firstBlock, int blocks, QuantizedActivations a, int aRow) {
        FloatVector acc = FloatVector.zero(VectorKernels.F);
        int q = aRow * a.width, d = aRow * (a.width / 32);
        long base = firstBlock * BB;
        for (int b = 0; b < blocks; b++, q += 32) {
            long off = base + (long) b * BB;
            IntVector sum = IntVector.zero(IntLanes.I);
            for (int c = 0; c < 16; c += IntLanes.L) {
                IntVector packed = IntLanes.bytes(w, off + 2 + c);
                sum = IntLanes.low(packed).sub(8).mul(IntLanes.ints(a.q32, q + c)).add(sum);
                sum = IntLanes.high(packed).sub(8).mul(IntLanes.ints(a.q32, q + 16 + c)).add(sum);
            }
            float scale = Blocks.f16(w, off) * a.d32[d + b];
            acc = ((FloatVector) sum.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(VectorKernels.F, scale), acc);
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
                s += ((p & 0xF) - 8) * a.q32[q + j] + ((p >>> 4) - 8) * a.q32[q + 16 + j];
            }
            sum += s * (Blocks.f16(w, off) * a.d32[aRow * (a.width / 32) + b]);
        }
        return sum;
    }
}
