package org.mirrorsd.devices.cpu;

import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.I2F;
import static org.mirrorsd.devices.cpu.IntLanes.B;
import static org.mirrorsd.devices.cpu.IntLanes.I;
import static org.mirrorsd.devices.cpu.IntLanes.L;
import static org.mirrorsd.devices.cpu.IntLanes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import org.mirrorsd.models.tensor.Blocks;
import org.mirrorsd.models.tensor.Q8_0Tensor;

/**
 * Q8_0 weights against Q8_0 activations ({@code ggml_vec_dot_q8_0_q8_0}): per block of 32 the integer sum of
 * products, times d_w * d_a. Per-block sums stay in int lanes and are scaled into float lanes (as ggml's AVX2
 * code does); one fixed lane sum at the end.
 */
final class Q8_0Kernel {
    private static final int BB = Q8_0Tensor.BLOCK_BYTES;

    private Q8_0Kernel() {}

    static float dot(MemorySegment w, long firstBlock, int blocks, QuantizedActivations a, int aRow) {
        FloatVector acc = FloatVector.zero(VectorKernels.F);
        int q = aRow * a.width, d = aRow * (a.width / 32);
        long base = firstBlock * BB;
        for (int b = 0; b < blocks; b++, q += 32) {
            long off = base + (long) b * BB + 2;
            IntVector sum = IntVector.zero(I);
            for (int c = 0; c < 32; c += L) {
                sum = sum.add(((IntVector) ByteVector.fromMemorySegment(B, w, off + c, LE).convertShape(B2I, I, 0))
                        .mul(IntVector.fromArray(I, a.q32, q + c)));
            }
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
            for (int j = 0; j < 32; j++) s += Blocks.s8(w, off + 2 + j) * a.q32[q + j];
            sum += s * (Blocks.f16(w, off) * a.d32[aRow * (a.width / 32) + b]);
        }
        return sum;
    }
}
