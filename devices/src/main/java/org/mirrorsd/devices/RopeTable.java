package org.mirrorsd.devices;

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
        this.pairs = c.headSize() / 2;
        this.layout = c.ropeLayout();
        int positions = c.contextLength();
        this.cos = new float[positions * pairs];
        this.sin = new float[positions * pairs];
        for (int i = 0; i < pairs; i++) {
            float freq = (float) (1.0 / Math.pow(c.ropeTheta(), (2 * i) / (float) c.headSize()));
            if (freqFactors != null) freq /= freqFactors[i];
            for (int pos = 0; pos < positions; pos++) {
                float angle = (pos / c.ropeScale()) * freq;
                cos[pos * pairs + i] = (float) Math.cos(angle);
                sin[pos * pairs + i] = (float) Math.sin(angle);
            }
        }
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
