package org.mirrorsd.devices.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mirrorsd.models.tensor.BF16Tensor;
import org.mirrorsd.models.tensor.F16Tensor;
import org.mirrorsd.models.tensor.F32Tensor;
import org.mirrorsd.models.tensor.GgmlType;
import org.mirrorsd.models.tensor.Halfs;
import org.mirrorsd.models.tensor.Int8GroupTensor;
import org.mirrorsd.models.tensor.Tensor;
import org.mirrorsd.models.tensor.Tensors;

/**
 * Every vector kernel agrees with the scalar reference on random weights, including awkward row lengths, and
 * gives each activation row the same bits whatever batch it comes in and however the weight rows are split
 * between threads (batch invariance: what makes batched verification and batched requests bit-exact).
 */
class VectorKernelsTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort S = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final Random random = new Random(42);
    private final Arena arena = Arena.ofAuto();

    private MemorySegment randomBytes(long n) {
        MemorySegment m = arena.allocate(n);
        for (long i = 0; i < n; i++) m.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt());
        return m;
    }

    private float[] randomVector(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
        return x;
    }

    private void assertMatchesScalar(Tensor t) {
        // The batched paths (4x4 register tiles and their remainders) against scalar dots.
        int rows = 13;
        float[] in = randomVector(rows * t.cols());
        float[] out = new float[rows * t.rows()];
        for (int row = 0; row < t.rows(); row++) VectorKernels.matvecRows(t, row, in, t.cols(), rows, out, t.rows());
        for (int r = 0; r < rows; r++) {
            for (int row = 0; row < t.rows(); row++) {
                float expected = ScalarKernels.dot(t, row, in, r * t.cols());
                assertEquals(expected, out[r * t.rows() + row], 1e-3f * (1 + Math.abs(expected)), t.name() + " batch row " + r);
            }
        }
        // The range path with 1..3 activation rows (four weight rows streamed side by side).
        for (int few = 1; few <= 3; few++) {
            float[] o = new float[few * t.rows()];
            VectorKernels.matvecRange(t, 0, t.rows(), in, t.cols(), few, o, t.rows());
            for (int r = 0; r < few; r++) {
                for (int row = 0; row < t.rows(); row++) {
                    float expected = ScalarKernels.dot(t, row, in, r * t.cols());
                    assertEquals(expected, o[r * t.rows() + row], 1e-3f * (1 + Math.abs(expected)), t.name() + " range rows " + few);
                }
            }
        }
        assertBatchInvariant(t, in, rows);
        float[] x = randomVector(t.cols() + 3);
        for (int row = 0; row < t.rows(); row++) {
            float expected = ScalarKernels.dot(t, row, x, 3);
            float actual = VectorKernels.dot(t, row, x, 3);
            assertEquals(expected, actual, 1e-3f * (1 + Math.abs(expected)), t.name() + " row " + row);
        }
    }

    /** Row r alone, then rows 0..k-1 together for every k, with the weight rows split at every point. */
    private void assertBatchInvariant(Tensor t, float[] in, int rows) {
        float[][] alone = new float[rows][t.rows()];
        for (int r = 0; r < rows; r++) {
            float[] one = java.util.Arrays.copyOfRange(in, r * t.cols(), (r + 1) * t.cols());
            VectorKernels.matvecRange(t, 0, t.rows(), one, t.cols(), 1, alone[r], t.rows());
        }
        for (int k = 1; k <= rows; k++) {
            for (int split = 0; split < t.rows(); split++) {
                float[] out = new float[k * t.rows()];
                VectorKernels.matvecRange(t, 0, split, in, t.cols(), k, out, t.rows());
                VectorKernels.matvecRange(t, split, t.rows(), in, t.cols(), k, out, t.rows());
                for (int r = 0; r < k; r++) {
                    for (int row = 0; row < t.rows(); row++) {
                        assertEquals(Float.floatToIntBits(alone[r][row]), Float.floatToIntBits(out[r * t.rows() + row]),
                                t.name() + ": row " + r + " of a batch of " + k + ", weight rows split at " + split
                                        + ", weight row " + row);
                    }
                }
            }
        }
        for (int row = 0; row < t.rows(); row++) {
            float[] one = java.util.Arrays.copyOfRange(in, 0, t.cols());
            assertEquals(Float.floatToIntBits(alone[0][row]), Float.floatToIntBits(VectorKernels.dot(t, row, one, 0)),
                    t.name() + ": the single-row dot, weight row " + row);
        }
    }

    @Test
    void sumLanesIsAPlainSum() {
        float[] v = new float[VectorKernels.floatLanes()];
        for (int i = 0; i < v.length; i++) v[i] = i + 1;
        var vector = jdk.incubator.vector.FloatVector.fromArray(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED, v, 0);
        assertEquals(v.length * (v.length + 1) / 2f, VectorKernels.sumLanes(vector));
    }

    @Test
    void scalarLaneSumHasTheVectorSumsBits() {
        var species = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
        for (int trial = 0; trial < 1000; trial++) {
            float[] v = randomVector(VectorKernels.floatLanes());
            for (int i = 0; i < v.length; i++) v[i] *= (float) Math.pow(10, random.nextInt(9) - 4); // mixed magnitudes
            float vector = VectorKernels.sumLanes(jdk.incubator.vector.FloatVector.fromArray(species, v, 0));
            float[] copy = new float[v.length + 3];
            System.arraycopy(v, 0, copy, 3, v.length);
            assertEquals(Float.floatToIntBits(vector), Float.floatToIntBits(VectorKernels.sumLanes(copy, 3)), "trial " + trial);
        }
    }

    @Test
    void f32() {
        for (int cols : new int[] {7, 64, 100, 256}) {
            MemorySegment m = arena.allocate(9L * cols * 4);
            for (int i = 0; i < 9 * cols; i++) m.set(F, 4L * i, (float) random.nextGaussian());
            assertMatchesScalar(new F32Tensor("f32x" + cols, 9, cols, m));
        }
    }

    @Test
    void f16AndBf16() {
        // 19 rows: four-row register tiles, a remainder, and more than one widened 16-row tile.
        for (int cols : new int[] {9, 64, 200}) {
            MemorySegment h = arena.allocate(19L * cols * 2);
            MemorySegment b = arena.allocate(19L * cols * 2);
            for (int i = 0; i < 19 * cols; i++) {
                float v = (float) random.nextGaussian() * (i % 17 == 0 ? 1e-6f : 1f); // some f16 subnormals
                h.set(S, 2L * i, Float.floatToFloat16(v));
                b.set(S, 2L * i, Halfs.floatToBf16(v));
            }
            assertMatchesScalar(new F16Tensor("f16x" + cols, 19, cols, h));
            assertMatchesScalar(new BF16Tensor("bf16x" + cols, 19, cols, b));
        }
    }

    /** The vector widening gives every finite half, subnormals and both zeros included, exactly Java's float. */
    @Test
    void everyFiniteHalfWidensExactly() {
        short[] halves = new short[65536 - 2 * 1024];
        int n = 0;
        for (int bits = 0; bits < 65536; bits++) if (((bits >> 10) & 0x1F) != 0x1F) halves[n++] = (short) bits;
        MemorySegment m = arena.allocate(2L * n);
        for (int i = 0; i < n; i++) m.set(S, 2L * i, halves[i]);
        float[] wide = new float[n];
        HalfKernels.widenF16(m, 0, n, wide);
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToRawIntBits(Float.float16ToFloat(halves[i])), Float.floatToRawIntBits(wide[i]),
                    "half 0x" + Integer.toHexString(halves[i] & 0xFFFF));
        }
    }

    /** Where each block-quantised format keeps its f16 scales (ggml-common.h), so random blocks get sane ones. */
    private static int[] scaleOffsets(GgmlType t) {
        return switch (t) {
            case Q4_1, Q5_1, Q4_K, Q5_K -> new int[] {0, 2};
            case Q2_K -> new int[] {80, 82};
            case Q3_K -> new int[] {108};
            case Q6_K -> new int[] {208};
            default -> new int[] {0};
        };
    }

    /** Random blocks with random f16 scales; block 1 of each row gets a zero scale, block 2 a subnormal one. */
    private Tensor randomQuantised(GgmlType type, int rows, int cols) {
        long blocks = (long) rows * cols / type.blockSize();
        MemorySegment m = randomBytes(blocks * type.bytesPerBlock());
        for (long b = 0; b < blocks; b++) {
            long inRow = b % (cols / type.blockSize());
            for (int o : scaleOffsets(type)) {
                float scale = inRow == 1 ? 0f : inRow == 2 ? 3e-7f : (float) random.nextGaussian() * 0.01f;
                m.set(S, b * type.bytesPerBlock() + o, Float.floatToFloat16(scale));
            }
        }
        return Tensors.of(type, type + "x" + cols, rows, cols, m);
    }

    @Test
    void quantised() {
        for (GgmlType type : GgmlType.values()) {
            if (!type.quantized()) continue;
            for (int cols : type.blockSize() == 32 ? new int[] {32, 96, 256} : new int[] {256, 768}) {
                assertMatchesScalar(randomQuantised(type, 5, cols));
            }
        }
    }

    /**
     * The integer kernels against their scalar references: the K-quants add their integer sums in one float
     * expression per super-block, so vector and scalar agree to the bit; the 32-blocks scale sums in float lanes.
     * Activation rows: random, all zero (a zero Q8_K block), and with one huge element (most values round to 0).
     */
    @Test
    void quantisedKernelsAgreeWithTheirReferences() {
        for (GgmlType type : GgmlType.values()) {
            if (!type.quantized()) continue;
            Tensor t = randomQuantised(type, 7, 512);
            float[] in = randomVector(3 * 512);
            java.util.Arrays.fill(in, 512, 1024, 0f);
            in[1024 + 5] = 1e4f;
            QuantizedActivations a = new QuantizedActivations(in, 0, 512, 512, 3).prepare(t);
            for (int r = 0; r < 3; r++) {
                for (int row = 0; row < t.rows(); row++) {
                    float expected = ScalarKernels.dotQuantized(t, row, a, r);
                    float actual = VectorKernels.dotQuantized(t, row, a, r);
                    if (type.blockSize() == 256) {
                        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(actual), type + " row " + row + " input " + r);
                    } else {
                        assertEquals(expected, actual, 1e-5f * (1 + Math.abs(expected)), type + " row " + row + " input " + r);
                    }
                }
            }
        }
    }

    /** The quantised kernels stay close to the float dot of the dequantised weights: only the activations round. */
    @Test
    void quantisedDotsApproximateTheFloatDot() {
        for (GgmlType type : GgmlType.values()) {
            if (!type.quantized()) continue;
            Tensor t = randomQuantised(type, 3, 512);
            float[] x = randomVector(512);
            for (int row = 0; row < t.rows(); row++) {
                double exact = 0, magnitude = 0;
                for (int i = 0; i < 512; i++) {
                    exact += (double) t.getFloat((long) row * 512 + i) * x[i];
                    magnitude += Math.abs((double) t.getFloat((long) row * 512 + i) * x[i]);
                }
                float actual = VectorKernels.dot(t, row, x, 0);
                assertEquals(exact, actual, 0.02 * magnitude + 1e-6, type + " row " + row);
            }
        }
    }

    @Test
    void int8GroupsStraddlingRows() {
        int rows = 4, cols = 172, gs = 8; // 172 is not a multiple of 8: groups cross row boundaries
        MemorySegment values = randomBytes((long) rows * cols);
        MemorySegment scales = arena.allocate((long) rows * cols / gs * 4);
        for (int g = 0; g < rows * cols / gs; g++) scales.set(F, 4L * g, (float) random.nextDouble() * 0.1f);
        assertMatchesScalar(new Int8GroupTensor("int8", rows, cols, values, scales, gs));
    }
}
