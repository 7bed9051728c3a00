package org.mirrorsd.devices.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The eight-dimension attention loops give the bits their scalar definitions give. */
class SmallHeadsTest {
    private final Random random = new Random(13);

    private float[] gaussian(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) random.nextGaussian() * 3;
        return v;
    }

    @Test
    void scoresSumTheProductsInSumLanesPairing() {
        int stride = 24, count = 37;
        float[] q = gaussian(16), keys = gaussian(stride * count + 8), att = new float[count + 2];
        SmallHeads.scores(q, 5, keys, 3, stride, count, 0.35f, att, 2);
        for (int i = 0; i < count; i++) {
            float[] p = new float[8];
            for (int d = 0; d < 8; d++) p[d] = q[5 + d] * keys[3 + i * stride + d];
            float expected = (((p[0] + p[4]) + (p[2] + p[6])) + ((p[1] + p[5]) + (p[3] + p[7]))) * 0.35f;
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(att[2 + i]), "position " + i);
        }
    }

    @Test
    void weightedSumAddsPositionAfterPosition() {
        int stride = 16, count = 29;
        float[] att = gaussian(count + 1), values = gaussian(stride * count + 8), y = gaussian(12), expected = y.clone();
        SmallHeads.weightedSum(att, 1, values, 4, stride, count, y, 3);
        for (int i = 0; i < count; i++) {
            for (int d = 0; d < 8; d++) expected[3 + d] += att[1 + i] * values[4 + i * stride + d];
        }
        for (int d = 0; d < 12; d++) assertEquals(Float.floatToIntBits(expected[d]), Float.floatToIntBits(y[d]), "element " + d);
    }
}
