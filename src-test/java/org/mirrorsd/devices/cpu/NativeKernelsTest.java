package org.mirrorsd.devices.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mirrorsd.models.tensor.GgmlType;
import org.mirrorsd.models.tensor.Tensor;

/**
 * The native K-quant kernels give the Java kernels' bits: random blocks, blocks at the edges of every field's
 * range (where the integer sums are largest and Q6_K's scales are most negative), any weight-row and
 * activation-row range, and activations from Gaussian to all ±1.
 */
class NativeKernelsTest {
    private static final GgmlType[] TYPES = {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.Q8_0, GgmlType.Q4_0};
    private final Arena arena = Arena.ofAuto();
    private final Random random = new Random(11);

    private Tensor filled(GgmlType type, int rows, int cols, int fill, float scale) {
        return BlockFill.filled(arena, random, type, rows, cols, fill, scale, true);
    }

    private static void assertSameBits(float[] java, float[] nat, String what) {
        for (int i = 0; i < java.length; i++) {
            assertEquals(Float.floatToIntBits(java[i]), Float.floatToIntBits(nat[i]), what + ": output " + i + " (" + java[i] + " vs " + nat[i] + ")");
        }
    }

    private void compare(Tensor t, float[] in, int rows) {
        QuantizedActivations a = new QuantizedActivations(in, 0, t.cols(), t.cols(), rows).prepare(t).withAvx2Copies();
        float[] java = new float[rows * t.rows()], nat = new float[rows * t.rows()];
        assertTrue(VectorKernels.javaIntegerKernel(t, 0, t.rows(), a, 0, rows, java, 0, t.rows()));
        assertTrue(NativeKernels.matvec(t, 0, t.rows(), a, 0, rows, nat, 0, t.rows(), false));
        assertSameBits(java, nat, t.name() + " with " + rows + " activation rows");
        if (NativeKernels.hasWide(t)) { // the AVX-512 kernel this CPU runs instead
            float[] wide = new float[rows * t.rows()];
            assertTrue(NativeKernels.matvec(t, 0, t.rows(), a, 0, rows, wide, 0, t.rows(), true));
            assertSameBits(java, wide, t.name() + " with " + rows + " activation rows, AVX-512");
        }
    }

    @Test
    void theLibraryIsBuiltAndLoadsWhereGccIsInstalled() {
        // The cpu-native profile builds it wherever /usr/bin/gcc exists; a library that is there must load.
        boolean built = NativeKernels.class.getResource(NativeKernels.LIBRARY) != null;
        if (Files.exists(Path.of("/usr/bin/gcc")) && "amd64".equals(System.getProperty("os.arch"))
                && !"java".equals(System.getProperty("mirrorsd.cpu.kernels"))) {
            assertTrue(built, "gcc is installed but the native library was not built into the classpath");
        }
        if (built && !NativeKernels.available()) {
            assertTrue(NativeKernels.describe().contains("lacks AVX2") || NativeKernels.describe().contains("off"), NativeKernels.describe());
        }
    }

    @Test
    void randomBlocksGiveTheJavaBits() {
        assumeTrue(NativeKernels.available(), NativeKernels.describe());
        for (GgmlType type : TYPES) {
            // blocks of 32: also rows of 3 and 13 blocks (the loops' two-block steps and their remainders)
            int[] widths = type.blockSize() == 256 ? new int[] {256, 1024, 2816} : new int[] {96, 256, 416, 1024, 2816};
            for (int cols : widths) {
                Tensor t = filled(type, 7, cols, -1, 0.02f);
                for (int rows : new int[] {1, 2, 3, 5, 8, 12, 13, 16}) { // every grouping of rows the kernels make
                    float[] in = new float[rows * cols];
                    for (int i = 0; i < in.length; i++) in[i] = (float) random.nextGaussian() * (i % 97 == 0 ? 30 : 1);
                    compare(t, in, rows);
                }
            }
        }
    }

    @Test
    void extremeBlocksGiveTheJavaBits() {
        assumeTrue(NativeKernels.available(), NativeKernels.describe());
        int cols = 1024;
        for (GgmlType type : TYPES) {
            // 0xFF: every 4/5/6-bit value at its top, 6-bit scales and mins 63, Q6_K's scales -1; 0x80: Q6_K's -128.
            for (int fill : new int[] {0x00, 0xFF, 0x80, 0x7F, 0x88}) {
                Tensor t = filled(type, 5, cols, fill, 1f);
                for (float sign : new float[] {1f, -1f}) {
                    float[] in = new float[9 * cols]; // a batch of eight (the AVX-512 kernels' group) and one
                    Arrays.fill(in, sign);
                    compare(t, in, 9);
                }
            }
        }
    }

    /** Any sub-range of weight rows and activation rows writes exactly its own outputs, with the whole call's bits. */
    @Test
    void rangesWriteTheirOwnOutputsOnly() {
        assumeTrue(NativeKernels.available(), NativeKernels.describe());
        for (GgmlType type : TYPES) {
            Tensor t = filled(type, 9, 512, -1, 0.05f);
            float[] in = new float[5 * 512];
            for (int i = 0; i < in.length; i++) in[i] = (float) random.nextGaussian();
            QuantizedActivations a = new QuantizedActivations(in, 0, 512, 512, 5).prepare(t);
            float[] whole = new float[3 + 5 * 11];
            NativeKernels.matvec(t, 0, 9, a, 0, 5, whole, 3, 11);
            float[] parts = new float[whole.length];
            Arrays.fill(parts, Float.NaN);
            NativeKernels.matvec(t, 0, 4, a, 0, 2, parts, 3, 11);
            NativeKernels.matvec(t, 4, 9, a, 0, 2, parts, 3, 11);
            NativeKernels.matvec(t, 0, 9, a, 2, 5, parts, 3, 11);
            for (int i = 0; i < whole.length; i++) {
                int col = (i - 3) % 11;
                if (i < 3 || col >= 9) {
                    assertTrue(Float.isNaN(parts[i]), type + ": output " + i + " is outside every range but was written");
                } else {
                    assertEquals(Float.floatToIntBits(whole[i]), Float.floatToIntBits(parts[i]), type + ": output " + i);
                }
            }
        }
    }

    /** Through the engine's entry point (native where available): one row alone equals the same row in a batch. */
    @Test
    void batchesKeepEachRowsBits() {
        for (GgmlType type : TYPES) {
            Tensor t = filled(type, 6, 512, -1, 0.02f);
            for (int rows : new int[] {2, 8, 17}) {
                float[] in = new float[rows * 512];
                for (int i = 0; i < in.length; i++) in[i] = (float) random.nextGaussian();
                float[] out = new float[rows * 6];
                VectorKernels.matvecRange(t, 0, 6, in, 512, rows, out, 6);
                for (int r = 0; r < rows; r++) {
                    float[] one = new float[6];
                    QuantizedActivations a = new QuantizedActivations(Arrays.copyOfRange(in, r * 512, (r + 1) * 512), 0, 512, 512, 1).prepare(t);
                    assertTrue(VectorKernels.javaIntegerKernel(t, 0, 6, a, 0, 1, one, 0, 6));
                    for (int k = 0; k < 6; k++) {
                        assertEquals(Float.floatToIntBits(one[k]), Float.floatToIntBits(out[r * 6 + k]), type + ": row " + r + " of " + rows);
                    }
                }
            }
        }
    }

    @Test
    void outOfRangeCallsAreRefusedBeforeTheyReachC() {
        assumeTrue(NativeKernels.available(), NativeKernels.describe());
        Tensor t = filled(GgmlType.Q4_K, 4, 256, -1, 0.02f);
        QuantizedActivations a = new QuantizedActivations(new float[256], 0, 256, 256, 1).prepare(t);
        float[] out = new float[4];
        org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class, () -> NativeKernels.matvec(t, 0, 5, a, 0, 1, out, 0, 4));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> NativeKernels.matvec(t, 0, 4, a, 0, 2, out, 0, 4));
        org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class, () -> NativeKernels.matvec(t, 0, 4, a, 0, 1, new float[3], 0, 4));
    }
}
