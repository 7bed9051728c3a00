package org.mirrorsd.devices.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The softmax's own exponential is accurate to a few ulps, and the softmax is a distribution. */
class SoftmaxTest {
    private static final int FL = FloatVector.SPECIES_PREFERRED.length();

    @Test
    void exponentialMatchesMathExp() {
        Random random = new Random(3);
        float[] x = new float[FL];
        float[] e = new float[FL];
        double worst = 0;
        for (int trial = 0; trial < 20_000; trial++) {
            for (int i = 0; i < FL; i++) x[i] = trial < 10 ? -trial * 0.25f - i * 1e-3f : (float) (-random.nextDouble() * 87);
            System.arraycopy(x, 0, e, 0, FL);
            Softmax.expNonPositive(e, 0, 0f);
            for (int i = 0; i < FL; i++) {
                double expected = Math.exp(x[i]);
                worst = Math.max(worst, Math.abs(e[i] - expected) / expected);
            }
        }
        assertTrue(worst < 1.5e-7, "worst relative error " + worst);
        java.util.Arrays.fill(e, 0f);
        Softmax.expNonPositive(e, 0, 0f);
        assertEquals(1f, e[0]);
        java.util.Arrays.fill(e, Float.NEGATIVE_INFINITY);
        Softmax.expNonPositive(e, 0, 0f);
        assertTrue(e[0] >= 0 && e[0] < 1e-37f, "exp(-inf) is (nearly) zero: " + e[0]);
    }

    @Test
    void softmaxSumsToOneAndKeepsOrder() {
        Random random = new Random(5);
        for (int n : new int[] {1, 3, FL, FL + 5, 257}) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = (float) random.nextGaussian() * 8;
            float[] before = v.clone();
            Softmax.inPlace(v, n);
            double sum = 0;
            for (float p : v) sum += p;
            assertEquals(1.0, sum, 1e-5, "n = " + n);
            for (int i = 1; i < n; i++) {
                assertEquals(Float.compare(before[i], before[0]) > 0, v[i] > v[0] && before[i] != before[0]
                        || Float.compare(before[i], before[0]) > 0 && v[i] > v[0], "order kept");
            }
        }
    }
}
