package org.mirrorsd.devices.cpu;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static org.mirrorsd.devices.cpu.IntLanes.B;
import static org.mirrorsd.devices.cpu.IntLanes.I;
import static org.mirrorsd.devices.cpu.IntLanes.L;
import static org.mirrorsd.devices.cpu.IntLanes.LE;

import static org.mirrorsd.models.tensor.Blocks.LE_SHORT;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import org.mirrorsd.models.tensor.Blocks;
import org.mirrorsd.models.tensor.Q6_KTensor;

/**
 * Q6_K weights against Q8_K activations ({@code ggml_vec_dot_q6_K_q8_K}): per super-block
 * d_w d_a sum_g scale_g sum (q6 - 32) a over sixteen groups of 16, in integers.
 */
final class Q6_KKernel {
    private static final int BB = Q6_KTensor.BLOCK_BYTES;

    private Q6_KKernel() {}

    /**
     * Weight rows {@code [rowFrom, rowTo)} against activation rows {@code [aFrom, aTo)}, into
     * {@code out[outOffset + r * outWidth + row]}. The loops and the kernel are one method on purpose: as a row
     * loop calling a dot method, C2 sometimes compiled the dot alone first, then would not inline it ("already
     * compiled into a big method"), and that copy ran 4-20x slower, in some JVMs and not others.
     */
    static void matvec(MemorySegment w, int blocks, int rowFrom, int rowTo, QuantizedActivations a, int aFrom, int aTo,
                       float[] out, int outOffset, int outWidth) {
        int[] qk = a.qK;
        int[] scales = new int[16];
        for (int row = rowFrom; row < rowTo; row++) {
            for (int r = aFrom; r < aTo; r++) {
                float sum = 0;
                for (int b = 0; b < blocks; b++) {
                    long x = ((long) row * blocks + b) * BB;
                    for (int g = 0; g < 16; g++) scales[g] = w.get(ValueLayout.JAVA_BYTE, x + 192 + g);
                    IntVector acc = IntVector.zero(I);
                    for (int n = 0; n < 2; n++) {
                        long ql = x + 64L * n, qh = x + 128 + 32L * n;
                        int q = r * a.width + 256 * b + 128 * n;
                        for (int c = 0; c < 32; c += L) {
                            IntVector l0 = (IntVector) ByteVector.fromMemorySegment(B, w, ql + c, LE).convertShape(B2I, I, 0);
                            IntVector l1 = (IntVector) ByteVector.fromMemorySegment(B, w, ql + 32 + c, LE).convertShape(B2I, I, 0);
                            IntVector h = (IntVector) ByteVector.fromMemorySegment(B, w, qh + c, LE).convertShape(B2I, I, 0);
                            int s = 8 * n + c / 16;
                            IntVector part = l0.and(0xF).or(h.and(3).lanewise(LSHL, 4)).sub(32)
                                    .mul(IntVector.fromArray(I, qk, q + c)).mul(scales[s])
                                    .add(l1.and(0xF).or(h.lanewise(LSHL, 2).and(0x30)).sub(32)
                                            .mul(IntVector.fromArray(I, qk, q + 32 + c)).mul(scales[s + 2]))
                                    .add(l0.lanewise(ASHR, 4).and(0xF).or(h.and(0x30)).sub(32)
                                            .mul(IntVector.fromArray(I, qk, q + 64 + c)).mul(scales[s + 4]))
                                    .add(l1.lanewise(ASHR, 4).and(0xF).or(h.lanewise(ASHR, 2).and(0x30)).sub(32)
                                            .mul(IntVector.fromArray(I, qk, q + 96 + c)).mul(scales[s + 6]));
                            acc = acc.add(part);
                        }
                    }
                    sum += Float.float16ToFloat(w.get(LE_SHORT, x + 208)) * a.dK[r * (a.width / 256) + b] * acc.reduceLanes(VectorOperators.ADD);
                }
                out[outOffset + r * outWidth + row] = sum;
            }
        }
    }

    /**
     * Weight row {@code row} as the integers scale_g * (q - 32), in order, into {@code values[vOff..]}; per
     * super-block b its d into {@code d[dOff + dStride b]}.
     */
    static void unpack(MemorySegment w, int row, int blocks, float[] values, int vOff, float[] d, int dOff, int dStride) {
        int[] scales = new int[16];
        for (int b = 0; b < blocks; b++) {
            long x = ((long) row * blocks + b) * BB;
            d[dOff + dStride * b] = Float.float16ToFloat(w.get(LE_SHORT, x + 208));
            for (int g = 0; g < 16; g++) scales[g] = w.get(ValueLayout.JAVA_BYTE, x + 192 + g);
            for (int n = 0; n < 2; n++) {
                long ql = x + 64L * n, qh = x + 128 + 32L * n;
                for (int c = 0; c < 32; c += L) {
                    IntVector l0 = (IntVector) ByteVector.fromMemorySegment(B, w, ql + c, LE).convertShape(B2I, I, 0);
                    IntVector l1 = (IntVector) ByteVector.fromMemorySegment(B, w, ql + 32 + c, LE).convertShape(B2I, I, 0);
                    IntVector h = (IntVector) ByteVector.fromMemorySegment(B, w, qh + c, LE).convertShape(B2I, I, 0);
                    int v = vOff + 256 * b + 128 * n + c;
                    int s = 8 * n + c / 16;
                    ((FloatVector) l0.and(0xF).or(h.and(3).lanewise(LSHL, 4)).sub(32).mul(scales[s])
                            .convertShape(I2F, VectorKernels.F, 0)).intoArray(values, v);
                    ((FloatVector) l1.and(0xF).or(h.lanewise(LSHL, 2).and(0x30)).sub(32).mul(scales[s + 2])
                            .convertShape(I2F, VectorKernels.F, 0)).intoArray(values, v + 32);
                    ((FloatVector) l0.lanewise(ASHR, 4).and(0xF).or(h.and(0x30)).sub(32).mul(scales[s + 4])
                            .convertShape(I2F, VectorKernels.F, 0)).intoArray(values, v + 64);
                    ((FloatVector) l1.lanewise(ASHR, 4).and(0xF).or(h.lanewise(ASHR, 2).and(0x30)).sub(32).mul(scales[s + 6])
                            .convertShape(I2F, VectorKernels.F, 0)).intoArray(values, v + 96);
                }
            }
        }
    }

    static float reference(MemorySegment w, long firstBlock, int blocks, QuantizedActivations a, int aRow) {
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long x = (firstBlock + b) * BB;
            int isum = 0;
            for (int n = 0; n < 2; n++) {
                long ql = x + 64L * n, qh = x + 128 + 32L * n, sc = x + 192 + 8L * n;
                int q = aRow * a.width + 256 * b + 128 * n;
                for (int l = 0; l < 32; l++) {
                    int is = l / 16, h = Blocks.u8(w, qh + l);
                    int q1 = ((Blocks.u8(w, ql + l) & 0xF) | ((h & 3) << 4)) - 32;
                    int q2 = ((Blocks.u8(w, ql + l + 32) & 0xF) | (((h >>> 2) & 3) << 4)) - 32;
                    int q3 = ((Blocks.u8(w, ql + l) >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
                    int q4 = ((Blocks.u8(w, ql + l + 32) >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
                    isum += Blocks.s8(w, sc + is) * q1 * a.qK[q + l] + Blocks.s8(w, sc + is + 2) * q2 * a.qK[q + 32 + l]
                            + Blocks.s8(w, sc + is + 4) * q3 * a.qK[q + 64 + l] + Blocks.s8(w, sc + is + 6) * q4 * a.qK[q + 96 + l];
                }
            }
            sum += Blocks.f16(w, x + 208) * a.dK[aRow * (a.width / 256) + b] * isum;
        }
        return sum;
    }
}
