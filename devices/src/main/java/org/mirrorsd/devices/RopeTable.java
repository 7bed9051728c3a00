package org.mirrorsd.devices;

import org.mirrorsd.models.Architecture;
import org.mirrorsd.models.LlamaConfig;
import org.mirrorsd.models.RopeLayout;

/**
 * Precomputed rotary-embedding angles: cos and sin for every position and every dimension pair of a head.
 * Computed in float the way llama2.c's run.c does, so logits match its reference to well under 1e-3.
 */
public final class RopeTable {
    private final int pairs;
    private final RopeLayout layout;
    private final float[] cos;
    private final float[] sin;

    public RopeTable(LlamaConfig c, float[] freqFactors) {
        this(c, freqFactors, c.ropeTheta(), c.ropeScale());
    }

    /**
     * The table for base {@code theta} and linear position scale {@code scale} (sliding-window layers of gemma3
     * have their own), with the file's attention factor and YaRN settings.
     */
    public RopeTable(LlamaConfig c, float[] freqFactors, float theta, float scale) {
        this.pairs = c.headSize() / 2;
        this.layout = c.ropeLayout();
        int positions = c.contextLength();
        this.cos = new float[positions * pairs];
        this.sin = new float[positions * pairs];
        Architecture.Yarn yarn = c.arch().yarn();
        float mscale = c.arch().ropeAttnFactor();
        float[] ramp = new float[pairs];
        if (yarn != null && yarn.extFactor() != 0f) {
            float[] corr = yarnCorrectionDims(c.headSize(), yarn, theta);
            for (int i = 0; i < pairs; i++) {
                float y = (i - corr[0]) / Math.max(0.001f, corr[1] - corr[0]);
                ramp[i] = (1 - Math.min(1, Math.max(0, y))) * yarn.extFactor();
            }
            mscale *= 1.0f + 0.1f * (float) Math.log(scale);
        }
        for (int i = 0; i < pairs; i++) {
            float freq = (float) (1.0 / Math.pow(theta, (2 * i) / (float) c.headSize()));
            if (freqFactors != null) freq /= freqFactors[i];
            for (int pos = 0; pos < positions; pos++) {
                float angle;
                if (yarn == null) {
                    angle = (pos / scale) * freq;
                } else { // ggml's rope_yarn: interpolated and extrapolated angles mixed by the ramp
                    float extrap = pos * freq;
                    angle = (extrap / scale) * (1 - ramp[i]) + extrap * ramp[i];
                }
                cos[pos * pairs + i] = (float) Math.cos(angle) * mscale;
                sin[pos * pairs + i] = (float) Math.sin(angle) * mscale;
            }
        }
    }

    /** ggml_rope_yarn_corr_dims: the pair range over which YaRN blends from extrapolation to interpolation. */
    private static float[] yarnCorrectionDims(int dims, Architecture.Yarn yarn, float base) {
        float start = (float) Math.floor(corrDim(dims, yarn.originalContext(), yarn.betaFast(), base));
        float end = (float) Math.ceil(corrDim(dims, yarn.originalContext(), yarn.betaSlow(), base));
        return new float[] {Math.max(0, start), Math.min(dims - 1, end)};
    }

    private static float corrDim(int dims, int originalContext, float rotations, float base) {
        return dims * (float) Math.log(originalContext / (rotations * 2 * (float) Math.PI)) / (2 * (float) Math.log(base));
    }

    /** Dimension pairs per head (headSize / 2). */
    public int pairs() { return pairs; }

    public RopeLayout layout() { return layout; }

    /** The cosine table, {@code [contextLength, pairs]} row-major (a copy, for exporters). */
    public float[] cosTable() { return cos.clone(); }

    /** The sine table, like {@link #cosTable()}. */
    public float[] sinTable() { return sin.clone(); }

    /** Rotates {@code heads} consecutive heads of {@code headSize} floats starting at {@code off}, at position pos. */
    public void rotate(float[] v, int off, int heads, int pos) {
        int base = pos * pairs;
        int headSize = pairs * 2;
        for (int h = 0; h < heads; h++) {
            int ho = off + h * headSize;
            for (int i = 0; i < pairs; i++) {
                int a = layout == RopeLayout.INTERLEAVED ? ho + 2 * i : ho + i;
                int b = layout == RopeLayout.INTERLEAVED ? a + 1 : a + pairs;
                float c = cos[base + i], s = sin[base + i];
                float v0 = v[a], v1 = v[b];
                v[a] = v0 * c - v1 * s;
                v[b] = v0 * s + v1 * c;
            }
        }
    }
}
