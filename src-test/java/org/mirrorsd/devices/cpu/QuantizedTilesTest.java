package org.mirrorsd.devices.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mirrorsd.models.tensor.GgmlType;
import org.mirrorsd.models.tensor.Tensor;

/**
 * The float tiles give the integer kernels' bits, also where the sums are largest: weights whose every value and
 * scale is at the edge of its range, against activations that all quantise to ±127 with the weights' sign, so
 * each lane reaches the bound the tiles' exactness rests on.
 */
class QuantizedTilesTest {
    private static final GgmlType[] TYPES = {GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K};
    private final Arena arena = Arena.ofAuto();
    private final Random random = new Random(7);

    private Tensor filled(GgmlType type, int rows, int cols, int fill, float scale) {
        return BlockFill.filled(arena, random, type, rows, cols, fill, scale, false);
    }

    private void assertSameBits(Tensor t, float[] in, int rows) {
        if (QuantizedTiles.minRows(t) == Integer.MAX_VALUE) return; // no tiles for this format on these lanes
        QuantizedActivations a = new QuantizedActivations(in, 0, t.cols(), t.cols(), rows).prepare(t)
                .withFloats(QuantizedActivations.Kind.of(t)); // the tiles at any row count, not only past the threshold
        float[] tiles = new float[rows * t.rows()], integers = new float[rows * t.rows()];
        QuantizedTiles.matvec(t, 0, t.rows(), a, tiles, 0, t.rows());
        VectorKernels.matvecIntegers(t, 0, t.rows(), a, integers, 0, t.rows());
        for (int i = 0; i < tiles.length; i++) {
            assertEquals(Float.floatToIntBits(integers[i]), Float.floatToIntBits(tiles[i]),
                    t.name() + ": activation row " + i / t.rows() + ", weight row " + i % t.rows() + " of " + rows + " rows");
        }
    }

    @Test
    void everySupportedFormatHasTiles() {
        for (GgmlType type : TYPES) {
            Tensor t = filled(type, 4, 256, -1, 0.01f);
            assertTrue(QuantizedTiles.minRows(t) <= 16 || VectorKernels.floatLanes() < 8, type.toString());
        }
    }

    @Test
    void extremeWeightsAndActivationsKeepTheIntegerBits() {
        int cols = 1024;
        for (GgmlType type : TYPES) {
            // 0x00: Q6_K's -32 (times scale 0 here), Q4_0's -8; 0xFF: every 4-bit value 15, 6-bit scales and mins 63,
            // Q5_K's 31, Q6_K's 31 with scale -1; 0x80: Q8_0's -128, Q6_K's scale -128.
            for (int fill : new int[] {0x00, 0xFF, 0x80, 0x88, -1}) {
                Tensor t = filled(type, 9, cols, fill, 1f);
                for (float sign : new float[] {1f, -1f}) {
                    float[] in = new float[9 * cols];
                    java.util.Arrays.fill(in, sign);
                    for (int rows : new int[] {2, 3, 4, 5, 8, 9}) assertSameBits(t, in, rows);
                }
                float[] mixed = new float[9 * cols];
                for (int i = 0; i < mixed.length; i++) mixed[i] = (float) random.nextGaussian();
                assertSameBits(t, mixed, 9);
            }
        }
    }

    /** Through the public entry point, below and above each format's row threshold: the same bits either way. */
    @Test
    void dispatchByRowCountKeepsTheBits() {
        for (GgmlType type : TYPES) {
            Tensor t = filled(type, 6, 512, -1, 0.02f);
            for (int rows : new int[] {1, 2, 3, 4, 8, 16, 17}) {
                float[] in = new float[rows * 512];
                for (int i = 0; i < in.length; i++) in[i] = (float) random.nextGaussian();
                float[] out = new float[rows * 6];
                VectorKernels.matvecRange(t, 0, 6, in, 512, rows, out, 6);
                for (int r = 0; r < rows; r++) {
                    float[] one = new float[6];
                    VectorKernels.matvecRange(t, 0, 6, java.util.Arrays.copyOfRange(in, r * 512, (r + 1) * 512), 512, 1, one, 6);
                    for (int k = 0; k < 6; k++) {
                        assertEquals(Float.floatToIntBits(one[k]), Float.floatToIntBits(out[r * 6 + k]), type + ": row " + r + " of " + rows);
                    }
                }
            }
        }
    }

    /** Blocks of 32 in rows of any block count, odd ones included. */
    @Test
    void rowsOfAnyBlockCountKeepTheIntegerBits() {
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0}) {
            for (int cols : new int[] {32, 96, 416, 800}) {
                Tensor t = filled(type, 8, cols, -1, 0.02f);
                float[] in = new float[5 * cols];
                for (int i = 0; i < in.length; i++) in[i] = (float) random.nextGaussian();
                assertSameBits(t, in, 5);
            }
        }
    }

    /** Weight rows split anywhere between calls (the thread split), tiles of four and remainders mixed. */
    @Test
    void rowSplitsDoNotChangeBits() {
        for (GgmlType type : TYPES) {
            Tensor t = filled(type, 11, 512, -1, 0.02f);
            if (QuantizedTiles.minRows(t) == Integer.MAX_VALUE) continue;
            float[] in = new float[6 * 512];
            for (int i = 0; i < in.length; i++) in[i] = (float) random.nextGaussian();
            QuantizedActivations a = new QuantizedActivations(in, 0, 512, 512, 6).prepare(t).withFloats(QuantizedActivations.Kind.of(t));
            float[] whole = new float[6 * 11];
            VectorKernels.matvecIntegers(t, 0, 11, a, whole, 0, 11);
            for (int split = 0; split <= 11; split++) {
                float[] parts = new float[6 * 11];
                QuantizedTiles.matvec(t, 0, split, a, parts, 0, 11);
                QuantizedTiles.matvec(t, split, 11, a, parts, 0, 11);
                for (int i = 0; i < parts.length; i++) {
                    assertEquals(Float.floatToIntBits(whole[i]), Float.floatToIntBits(parts[i]), type + " split at " + split + ", output " + i);
                }
            }
        }
    }
}
