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
import org.mirrorsd.models.tensor.Halfs;
import org.mirrorsd.models.tensor.Int8GroupTensor;
import org.mirrorsd.models.tensor.Q4_0Tensor;
import org.mirrorsd.models.tensor.Q8_0Tensor;
import org.mirrorsd.models.tensor.Tensor;

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

    @Test
    void quantised() {
        for (int cols : new int[] {32, 96, 256}) {
            MemorySegment q8 = randomBytes(9L * cols / 32 * 34);
            MemorySegment q4 = randomBytes(3L * cols / 32 * 18);
            for (int blk = 0; blk < 9 * cols / 32; blk++) {
                q8.set(S, blk * 34L, Float.floatToFloat16((float) random.nextGaussian() * 0.01f));
                if (blk < 3 * cols / 32) q4.set(S, blk * 18L, Float.floatToFloat16((float) random.nextGaussian() * 0.01f));
            }
            assertMatchesScalar(new Q8_0Tensor("q8x" + cols, 9, cols, q8));
            assertMatchesScalar(new Q4_0Tensor("q4x" + cols, 3, cols, q4));
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
