package org.mirrorsd.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.mirrorsd.models.Architecture;
import org.mirrorsd.models.LlamaConfig;
import org.mirrorsd.models.RopeLayout;

/**
 * RoPE scaling in {@link RopeTable} (linear, YaRN, attention factor, per-pair factors), against ggml's rope
 * definitions: YaRN keeps the fastest-turning pairs extrapolated, interpolates the slowest by the factor, and
 * scales cos and sin by 1 + 0.1 ln(factor).
 */
class RopeScalingTest {
    private static final int HEAD = 64, CONTEXT = 256;
    private static final float THETA = 10000f;

    private static LlamaConfig config(float scale, Architecture arch) {
        return new LlamaConfig(256, 512, 1, 4, 4, HEAD, 32, CONTEXT, 1e-5f, THETA, scale, RopeLayout.HALF_SPLIT, arch);
    }

    private static Architecture arch(float attnFactor, Architecture.Yarn yarn) {
        Architecture l = Architecture.llama();
        return new Architecture("llama", l.activation(), 1f, 0f, 0f, 0f, l.slidingWindow(), attnFactor, yarn);
    }

    /** Rotates a unit vector in pair i at position pos; returns (cos, sin) times the table's magnitude. */
    private static float[] rotateUnit(RopeTable t, int i, int pos) {
        float[] v = new float[HEAD];
        v[i] = 1f;
        t.rotate(v, 0, 1, pos);
        return new float[] {v[i], v[i + HEAD / 2]};
    }

    private static double freq(int i) {
        return Math.pow(THETA, -2.0 * i / HEAD);
    }

    @Test
    void linearScalingDividesPositions() {
        RopeTable t = new RopeTable(config(4f, Architecture.llama()), null);
        float[] cs = rotateUnit(t, 3, 100);
        assertEquals(Math.cos(100 / 4.0 * freq(3)), cs[0], 1e-5);
        assertEquals(Math.sin(100 / 4.0 * freq(3)), cs[1], 1e-5);
    }

    @Test
    void yarnExtrapolatesFastPairsInterpolatesSlowOnesAndScalesMagnitude() {
        float factor = 8f;
        RopeTable t = new RopeTable(config(factor, arch(1f, new Architecture.Yarn(64, 1f, 32f, 1f))), null);
        double mscale = 1 + 0.1 * Math.log(factor);
        int pos = 200;
        float[] fast = rotateUnit(t, 0, pos); // pair 0 turns far more than beta_fast times over the original context
        assertEquals(Math.cos(pos * freq(0)) * mscale, fast[0], 1e-4);
        assertEquals(Math.sin(pos * freq(0)) * mscale, fast[1], 1e-4);
        float[] slow = rotateUnit(t, HEAD / 2 - 1, pos); // the last pair turns less than beta_slow times
        double angle = pos / (double) factor * freq(HEAD / 2 - 1);
        assertEquals(Math.cos(angle) * mscale, slow[0], 1e-4);
        assertEquals(Math.sin(angle) * mscale, slow[1], 1e-4);
    }

    @Test
    void attentionFactorAndPairFactorsApply() {
        float[] factors = new float[HEAD / 2];
        java.util.Arrays.fill(factors, 1f);
        factors[5] = 4f;
        RopeTable t = new RopeTable(config(1f, arch(1.5f, null)), factors);
        float[] cs = rotateUnit(t, 5, 77);
        assertEquals(Math.cos(77 * freq(5) / 4) * 1.5, cs[0], 1e-4);
        assertEquals(Math.sin(77 * freq(5) / 4) * 1.5, cs[1], 1e-4);
    }
}
