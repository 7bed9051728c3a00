package org.mirrorsd.devices.cpu;

import org.mirrorsd.models.Architecture.Activation;

/**
 * The element-wise pieces in which model families differ (biases, per-head norms, soft-capping, the gate
 * activation), used by {@link CpuExecutor}'s one forward pass. Each works on one row, so a row's result never
 * depends on what else is in its batch; transcendental functions go through StrictMath for the same bits in
 * every JIT tier.
 */
final class FamilyOps {
    private static final float GELU_COEF_A = 0.044715f;
    private static final float SQRT_2_OVER_PI = 0.79788456080286535587989211986876f;
    /** tanh-GELU of every F16 value, rounded to F16: the table ggml's CPU backend computes GELU with. */
    private static final float[] GELU_F16 = geluTable();

    private FamilyOps() {}

    /** v[off + i] += bias[i] for i < bias.length. */
    static void addBias(float[] v, int off, float[] bias) {
        for (int i = 0; i < bias.length; i++) v[off + i] += bias[i];
    }

    /** RMSNorm of each of {@code heads} consecutive heads of weight.length floats, in place (qwen3/gemma3 q/k norms). */
    static void headNorms(float[] v, int off, int heads, float[] weight, float eps) {
        int n = weight.length;
        for (int h = 0; h < heads; h++) CpuExecutor.rmsnorm(v, off + h * n, v, off + h * n, weight, n, eps);
    }

    /** v = cap * tanh(v / cap) over {@code [off, off + n)}. */
    static void softcap(float[] v, int off, int n, float cap) {
        for (int i = off; i < off + n; i++) v[i] = cap * (float) StrictMath.tanh(v[i] / cap);
    }

    /** gate[i] = act(gate[i]) * up[i] over the first n elements. */
    static void gatedActivation(Activation act, float[] gate, float[] up, int n) {
        switch (act) {
            case SILU -> {
                for (int i = 0; i < n; i++) {
                    float g = gate[i];
                    gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
                }
            }
            case GELU_TANH -> {
                for (int i = 0; i < n; i++) gate[i] = gelu(gate[i]) * up[i];
            }
        }
    }

    /**
     * GELU as llama.cpp's CPU backend computes it: 0 below -10, identity above 10, and in between the tanh
     * approximation looked up, for the input rounded to F16, in a table of F16 results. Matching that table
     * rather than computing the exact value keeps gemma's log-probs within ~1e-3 of llama.cpp instead of ~1e-2.
     */
    static float gelu(float x) {
        if (x <= -10f) return 0f;
        if (x >= 10f) return x;
        return GELU_F16[Float.floatToFloat16(x) & 0xffff];
    }

    private static float[] geluTable() {
        float[] t = new float[1 << 16];
        for (int i = 0; i < t.length; i++) {
            float x = Float.float16ToFloat((short) i);
            float y = 0.5f * x * (1.0f + (float) StrictMath.tanh(SQRT_2_OVER_PI * x * (1.0f + GELU_COEF_A * x * x)));
            t[i] = Float.float16ToFloat(Float.floatToFloat16(y));
        }
        return t;
    }
}
