package org.mirrorsd.devices.cpu;

import org.mirrorsd.models.tensor.GgmlType;
import org.mirrorsd.models.tensor.Tensor;

/**
 * A matmul's input rows quantised the way ggml quantises them before a quantised matmul, made once per matmul
 * and shared by every weight row (and thread). ggml rounds the activations to 8 bits and multiplies in integers;
 * doing the same is what puts our log-probabilities within 1e-4 of llama.cpp's instead of 0.1-0.8 away.
 *
 * <ul>
 *   <li>{@link Kind#Q8_0} (Q4_0, Q5_0, Q8_0, IQ4_NL weights): blocks of 32, d = max|x| / 127 rounded to F16,
 *       q = rint(x * 127 / max|x|) (ggml's AVX2 {@code quantize_row_q8_0}).</li>
 *   <li>{@link Kind#Q8_1} (Q4_1, Q5_1): the same, plus s = F16(d * sum q) per block, which multiplies the
 *       weights' block minimum.</li>
 *   <li>{@link Kind#Q8_K} (Q2_K..Q6_K, IQ4_XS): blocks of 256, x_m the element of largest |x|,
 *       q = min(127, rint(-127 / x_m * x)), d = 1 / (-127 / x_m) in F32, plus the sums of q per 16
 *       ({@code quantize_row_q8_K_ref}).</li>
 * </ul>
 * The quantised values are kept widened (to short for blocks of 32, to int and short for Q8_K): they are read once
 * per weight row, so widening them here, once, takes a conversion out of every kernel's inner loop.
 */
public final class QuantizedActivations {
    /** The activation formats ggml pairs with weight formats ({@code vec_dot_type}). */
    public enum Kind {
        NONE, Q8_0, Q8_1, Q8_K;

        public static Kind of(Tensor w) {
            GgmlType t = w.ggmlType();
            if (t == null) return NONE;
            return switch (t) {
                case Q4_0, Q5_0, Q8_0, IQ4_NL -> Q8_0;
                case Q4_1, Q5_1 -> Q8_1;
                case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_XS -> Q8_K;
                case F32, F16, BF16 -> NONE;
            };
        }
    }

    final float[] in;
    final int inOffset;
    final int inWidth;
    final int rows;
    final int width;
    /**
     * Blocks of 32: values (as shorts: the vector kernels multiply 8-bit weights by them in 16-bit lanes), F16-rounded
     * scales, and F16-rounded d * sum(q) (Q8_1's s).
     */
    short[] q32Short;
    float[] d32;
    float[] s32;
    /**
     * For {@link NativeKernels}: each block's values as bytes interleaved (a_0, a_16, a_1, a_17, ...), the pairs the
     * Java kernels' short lanes add, and 8 (a_i + a_i+16) per lane, which Q4_0's offset of 8 subtracts.
     */
    byte[] q32Interleaved;
    short[] q32PairSums8;
    /** The interleaved values as shorts, for the AVX-512 kernels' pmaddwd (made only where those run). */
    short[] q32InterleavedShort;
    /** Blocks of 256: values, F32 scales, sums of each 16 values. */
    int[] qK;
    /** The same values as shorts, for kernels whose products and sums fit in 16 bits (4-bit weights). */
    short[] qKShort;
    /** And as bytes (they are -127..127), for the native kernels' byte multiply-adds ({@link NativeKernels}). */
    byte[] qKByte;
    float[] dK;
    int[] bsumsK;
    /** The integer values again, as floats, for {@link QuantizedTiles} (made only where a tensor takes the tiles). */
    private float[] q32Float;
    private float[] qKFloat;
    /** Sums of each 32 values (two of bsumsK), the eight per super-block that multiply Q4_K/Q5_K mins. */
    private int[] bsums32K;
    /** bsumsK and bsums32K as shorts (at most 32 * 127 in magnitude), for {@link NativeKernels}. */
    short[] bsumsKShort;
    short[] bsums32KShort;

    /** The copies only the native kernels read are made only when they run. */
    private static final boolean NATIVE = NativeKernels.available();
    /** Q8_0/Q4_0 run their AVX-512 kernels, which read {@link #q32InterleavedShort}, not the AVX2 kernels' copies. */
    private static final boolean WIDE = NativeKernels.wide();
    private static final boolean AVX2_COPIES = NATIVE && !WIDE;

    /** Threads to quantise several rows with (see {@link #on}); null: the calling thread alone. */
    private WorkerPool pool;

    /**
     * Wraps {@code rows} input rows of {@code width} elements, the first at {@code in[inOffset]}, at stride
     * {@code inWidth}; nothing is quantised yet.
     */
    public QuantizedActivations(float[] in, int inOffset, int inWidth, int width, int rows) {
        this.in = in;
        this.inOffset = inOffset;
        this.inWidth = inWidth;
        this.width = width;
        this.rows = rows;
    }

    /**
     * Quantises several rows on {@code pool}'s threads (each row on its own, so the values do not depend on the
     * split); call before {@link #prepare}.
     */
    QuantizedActivations on(WorkerPool pool) {
        this.pool = pool;
        return this;
    }

    /**
     * Quantises for every kind the tensors need, with the float copies {@link QuantizedTiles} reads where a
     * tensor will take the tiles at this many rows; call before sharing this object between threads.
     */
    public QuantizedActivations prepare(Tensor... weights) {
        for (Tensor w : weights) {
            prepare(Kind.of(w));
            if (rows >= QuantizedTiles.minRows(w) && !NativeKernels.handles(w)) withFloats(Kind.of(w));
        }
        return this;
    }

    /** The float copies of the {@code kind} values (quantised already), for {@link QuantizedTiles}. */
    QuantizedActivations withFloats(Kind kind) {
        if (kind == Kind.Q8_K && qKFloat == null) {
            qKFloat = new float[qK.length];
            for (int i = 0; i < qKFloat.length; i++) qKFloat[i] = qK[i];
        } else if ((kind == Kind.Q8_0 || kind == Kind.Q8_1) && q32Float == null) {
            q32Float = new float[q32Short.length];
            for (int i = 0; i < q32Float.length; i++) q32Float[i] = q32Short[i];
        }
        return this;
    }

    public QuantizedActivations prepare(Kind kind) {
        switch (kind) {
            case Q8_0, Q8_1 -> { if (q32Short == null) quantize32(); }
            case Q8_K -> { if (qK == null) quantizeK(); }
            case NONE -> { }
        }
        return this;
    }

    public int rows() { return rows; }

    public int width() { return width; }

    private void quantize32() {
        if (width % 32 != 0) throw new IllegalArgumentException("Q8_0 activations need a multiple of 32 elements, got " + width);
        int blocks = width / 32;
        q32Short = new short[rows * width];
        d32 = new float[rows * blocks];
        s32 = new float[rows * blocks];
        if (AVX2_COPIES) allocateAvx2Copies();
        if (WIDE) q32InterleavedShort = new short[rows * width];
        eachRow(this::quantizeRows32);
    }

    private void allocateAvx2Copies() {
        q32Interleaved = new byte[rows * width];
        q32PairSums8 = new short[rows * width / 2];
    }

    /**
     * Makes the AVX2 kernels' copies of the Q8_0 values where the AVX-512 kernels run instead (so the matmuls skip
     * them): for tests that hold both kernels to the Java bits. Call after {@link #prepare}, before any matmul.
     */
    QuantizedActivations withAvx2Copies() {
        if (q32Short != null && q32Interleaved == null) {
            allocateAvx2Copies();
            for (int o = 0; o < rows * width; o += 32) avx2Copies(o);
        }
        return this;
    }

    /** The AVX2 kernels' copies of the block at {@code o}: interleaved bytes and 8 (a_i + a_i+16) per lane. */
    private void avx2Copies(int o) {
        for (int i = 0; i < 16; i++) {
            q32Interleaved[o + 2 * i] = (byte) q32Short[o + i];
            q32Interleaved[o + 2 * i + 1] = (byte) q32Short[o + 16 + i];
            q32PairSums8[o / 2 + i] = (short) (8 * (q32Short[o + i] + q32Short[o + 16 + i]));
        }
    }

    private void quantizeRows32(int from, int to) {
        int blocks = width / 32;
        for (int r = from; r < to; r++) {
            for (int b = 0; b < blocks; b++) {
                int x = inOffset + r * inWidth + b * 32, o = r * width + b * 32;
                float max = 0;
                for (int j = 0; j < 32; j++) max = Math.max(max, Math.abs(in[x + j]));
                float d = max / 127f;
                float id = max != 0f ? 127f / max : 0f;
                int sum = 0;
                for (int j = 0; j < 32; j++) {
                    int q = (int) Math.rint(in[x + j] * id);
                    q32Short[o + j] = (short) q;
                    sum += q;
                }
                d32[r * blocks + b] = f16Round(d);
                s32[r * blocks + b] = f16Round(d * sum);
                if (AVX2_COPIES) avx2Copies(o);
                for (int i = 0; WIDE && i < 16; i++) {
                    q32InterleavedShort[o + 2 * i] = q32Short[o + i];
                    q32InterleavedShort[o + 2 * i + 1] = q32Short[o + 16 + i];
                }
            }
        }
    }

    private void quantizeK() {
        if (width % 256 != 0) throw new IllegalArgumentException("Q8_K activations need a multiple of 256 elements, got " + width);
        int blocks = width / 256;
        qK = new int[rows * width];
        qKShort = new short[rows * width];
        dK = new float[rows * blocks];
        bsumsK = new int[rows * width / 16];
        bsums32K = new int[rows * width / 32];
        if (NATIVE) {
            qKByte = new byte[rows * width];
            bsumsKShort = new short[bsumsK.length];
            bsums32KShort = new short[bsums32K.length];
        }
        eachRow(this::quantizeRowsK);
    }

    private void quantizeRowsK(int from, int to) {
        int blocks = width / 256;
        for (int r = from; r < to; r++) {
            for (int b = 0; b < blocks; b++) {
                int x = inOffset + r * inWidth + b * 256, o = r * width + b * 256;
                float max = 0, amax = 0;
                for (int j = 0; j < 256; j++) {
                    float ax = Math.abs(in[x + j]);
                    if (ax > amax) {
                        amax = ax;
                        max = in[x + j];
                    }
                }
                if (amax == 0f) continue; // d = 0 and all values 0, as ggml leaves them
                float iscale = -127f / max;
                for (int j = 0; j < 256; j++) qK[o + j] = Math.min(127, (int) Math.rint(iscale * in[x + j]));
                for (int g = 0; g < 16; g++) {
                    int s = 0;
                    for (int j = 0; j < 16; j++) s += qK[o + 16 * g + j];
                    bsumsK[o / 16 + g] = s;
                }
                dK[r * blocks + b] = 1f / iscale;
                for (int j = 0; j < 256; j++) {
                    qKShort[o + j] = (short) qK[o + j];
                    if (NATIVE) qKByte[o + j] = (byte) qK[o + j];
                }
            }
            for (int i = r * width / 32, end = (r + 1) * width / 32; i < end; i++) {
                bsums32K[i] = bsumsK[2 * i] + bsumsK[2 * i + 1];
                if (NATIVE) bsums32KShort[i] = (short) bsums32K[i];
            }
            for (int i = r * width / 16, end = (r + 1) * width / 16; NATIVE && i < end; i++) bsumsKShort[i] = (short) bsumsK[i];
        }
    }

    /** {@code body} over all rows: split between the pool's threads when there is one and several rows (a prefill chunk). */
    private void eachRow(WorkerPool.RangeBody body) {
        if (pool != null && rows > 1) pool.forRange(rows, 1, body);
        else body.run(0, rows);
    }

    float[] q32Float() {
        if (q32Float == null) throw new IllegalStateException("no float copies: prepare() makes them for tensors that take the tiles");
        return q32Float;
    }

    int[] bsums32K() {
        return bsums32K;
    }

    float[] qKFloat() {
        if (qKFloat == null) throw new IllegalStateException("no float copies: prepare() makes them for tensors that take the tiles");
        return qKFloat;
    }

    private static float f16Round(float f) {
        return Float.float16ToFloat(Float.floatToFloat16(f));
    }
}
