/*
 * K-quant matmul kernels for x86-64 with AVX2, FMA and F16C, called from the JVM through the FFM API
 * (org.mirrorsd.devices.cpu.NativeKernels).
 *
 * Why native: the Vector API has no widening byte multiply-add (pmaddubsw, pmaddwd), and the K formats' Java
 * kernels measured compute-bound at a third of llama.cpp's speed. Here every super-block's integer sums are formed
 * with those instructions, exactly (every product and partial sum fits its lane, bounds beside each kernel), and
 * the float part is the Java kernels' own expression, operation for operation, in the same order. Built with
 * -ffp-contract=off, so no multiply-add is fused that Java rounds twice: a (weight row, activation row) pair gets
 * the same bits here as in Q4_KKernel, Q5_KKernel, Q6_KKernel and QuantizedTiles, and the choice between them is
 * invisible to batch invariance and to every lossless suite.
 *
 * Arguments (all kernels): w, the tensor's blocks from row 0; blocks, super-blocks per row; weight rows
 * [row_from, row_to); the Q8_K activations of rows [a_from, a_to) (int8 values, row stride width; F32 scales, one
 * per super-block; sums per 16 or 32 values, as shorts); out[out_offset + r * out_width + row].
 *
 * Several activation rows (verification windows, prefill chunks) go RB at a time: each weight super-block is
 * unpacked once for the RB rows, then every row takes its multiply-adds from the same registers. A row's sums are
 * the same integers either way, and its float sum is added in the same super-block order, so the bits do not
 * depend on the batch.
 */
#include "cpu_common.h"

/* Activation rows per pass over a weight row: four accumulators and the unpacked weights fit AVX2's 16 registers. */
#define RB 4

static inline int32_t hsum_i32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

/* Q4_KKernel.combine: da * d * isum - da * dmin * mins, rounded as Java rounds it. */
INLINE float combine_k(float da, float d, float dmin, int32_t isum, int32_t mins) {
    return da * d * (float) isum - da * dmin * (float) mins;
}

/* A shuffle mask that broadcasts short k of each 128-bit half: the byte pair (2k, 2k+1) sixteen times. */
INLINE __m256i short_broadcast(int k) {
    return _mm256_set1_epi16((short) (((2 * k + 1) << 8) | (2 * k)));
}

/* The lane sums of acc (eight ints) and mn (four ints) at once. */
INLINE void hsum2(__m256i acc, __m128i mn, int32_t *isum, int32_t *mins) {
    __m128i a = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    __m128i h = _mm_hadd_epi32(a, mn);
    h = _mm_hadd_epi32(h, h);
    *isum = _mm_cvtsi128_si32(h);
    *mins = _mm_extract_epi32(h, 1);
}

_Static_assert(RB == 4, "hsum4 and the four-lane combines assume four rows per pass");

/* Lane k: the sum of acc[k]'s eight ints (exact, in any order). */
INLINE __m128i hsum4(const __m256i acc[RB]) {
    __m256i t = _mm256_hadd_epi32(_mm256_hadd_epi32(acc[0], acc[1]), _mm256_hadd_epi32(acc[2], acc[3]));
    return _mm_add_epi32(_mm256_castsi256_si128(t), _mm256_extracti128_si256(t, 1));
}

/* The four rows' activation scales for super-block b, one per lane. */
INLINE __m128 da4(const float *da, int64_t r0, int32_t blocks, int32_t b) {
    return _mm_setr_ps(da[r0 * blocks + b], da[(r0 + 1) * blocks + b], da[(r0 + 2) * blocks + b], da[(r0 + 3) * blocks + b]);
}

/*
 * Q4_K and Q5_K, one super-block x against n activation rows (q8 + k * q_stride, bs32 + k * b_stride): per row
 * sum_j scale_j sum_l q_l a_l over the eight sub-blocks of 32, and sum_j min_j bs32_j. maddubs pairs q (0..15, or
 * 0..31 with Q5_K's fifth bit from qh) with a (-127..127): at most 2 * 31 * 127 per short; madd by the 6-bit
 * scale: at most 2 * 7874 * 63 per int; a super-block at most 256 * 31 * 63 * 127 < 2^31. The mins' madd:
 * 63 * 32 * 127 * 2 per int.
 */
INLINE void q45_k_sums(const uint8_t *x, int q5, const int8_t *q8, int64_t q_stride, const int16_t *bs32,
                       int64_t b_stride, int n, int32_t *isum, int32_t *mins) {
    const __m256i m4 = _mm256_set1_epi8(0x0F), m10 = _mm256_set1_epi8(0x10);
    const __m256i sm = scales_mins16(x + 4);
    const __m256i sc = _mm256_permute2x128_si256(sm, sm, 0x00); /* the scales in both halves */
    const uint8_t *qs = x + (q5 ? 48 : 16);
    __m256i acc[RB];
    for (int k = 0; k < n; k++) acc[k] = _mm256_setzero_si256();
    for (int j = 0; j < 4; j++) {
        __m256i q4 = _mm256_loadu_si256((const __m256i *) (qs + 32 * j));
        __m256i lo = _mm256_and_si256(q4, m4), hi = _mm256_and_si256(_mm256_srli_epi16(q4, 4), m4);
        if (q5) {
            /* bit 2j (2j+1) of each qh byte to bit 4: 16-bit shifts, right by 2j then left by 4 keeps bits in their byte */
            const __m256i qh = _mm256_loadu_si256((const __m256i *) (x + 16));
            lo = _mm256_or_si256(lo, _mm256_and_si256(_mm256_slli_epi16(_mm256_srli_epi16(qh, 2 * j), 4), m10));
            hi = _mm256_or_si256(hi, _mm256_and_si256(_mm256_slli_epi16(_mm256_srli_epi16(qh, 2 * j + 1), 4), m10));
        }
        __m256i sl = _mm256_shuffle_epi8(sc, short_broadcast(2 * j)), sh = _mm256_shuffle_epi8(sc, short_broadcast(2 * j + 1));
        for (int k = 0; k < n; k++) {
            const int8_t *a = q8 + k * q_stride + 64 * j;
            __m256i pl = _mm256_maddubs_epi16(lo, _mm256_loadu_si256((const __m256i *) a));
            __m256i ph = _mm256_maddubs_epi16(hi, _mm256_loadu_si256((const __m256i *) (a + 32)));
            acc[k] = _mm256_add_epi32(acc[k], _mm256_add_epi32(_mm256_madd_epi16(pl, sl), _mm256_madd_epi16(ph, sh)));
        }
    }
    const __m128i mn = _mm256_extracti128_si256(sm, 1);
    if (n == RB) { /* four rows' sums side by side: a few hadds instead of four horizontal sums each */
        _mm_storeu_si128((__m128i *) isum, hsum4(acc));
        __m128i m0 = _mm_madd_epi16(mn, _mm_loadu_si128((const __m128i *) bs32));
        __m128i m1 = _mm_madd_epi16(mn, _mm_loadu_si128((const __m128i *) (bs32 + b_stride)));
        __m128i m2 = _mm_madd_epi16(mn, _mm_loadu_si128((const __m128i *) (bs32 + 2 * b_stride)));
        __m128i m3 = _mm_madd_epi16(mn, _mm_loadu_si128((const __m128i *) (bs32 + 3 * b_stride)));
        _mm_storeu_si128((__m128i *) mins, _mm_hadd_epi32(_mm_hadd_epi32(m0, m1), _mm_hadd_epi32(m2, m3)));
        return;
    }
    for (int k = 0; k < n; k++) {
        hsum2(acc[k], _mm_madd_epi16(mn, _mm_loadu_si128((const __m128i *) (bs32 + k * b_stride))), isum + k, mins + k);
    }
}

/*
 * Q6_K, one super-block x against n activation rows: sum_g scale_g sum_l (q_l - 32) a_l over sixteen groups of
 * 16, as sum_g scale_g sum_l q_l a_l - 32 sum_g scale_g bsum_g (the same integer). maddubs pairs q (0..63) with
 * a: at most 2 * 63 * 127 per short; madd by the signed 8-bit scale: at most 2 * 16002 * 128 per int; a
 * super-block at most 256 * 63 * 128 * 127 < 2^31; the group sums' madd 2 * 128 * 2032 per int. Weight l of
 * quarter k of half h: ql's low (k = 0, 1) or high (k = 2, 3) nibble, qh's bits 2k, 2k+1 above it.
 */
INLINE void q6_k_sums(const uint8_t *x, const int8_t *q8, int64_t q_stride, const int16_t *bsum16, int64_t b_stride,
                      int n, int32_t *isum) {
    const __m256i m4 = _mm256_set1_epi8(0x0F), m30 = _mm256_set1_epi8(0x30);
    /* shorts g = scale g; quarter k of half h wants scale 8h+2k in shorts 0..7 and 8h+2k+1 in 8..15 */
    const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *) (x + 192)));
    const __m256i pick = _mm256_setr_epi8(0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1,
                                          2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3);
    __m256i acc[RB];
    for (int k = 0; k < n; k++) acc[k] = _mm256_setzero_si256();
    for (int h = 0; h < 2; h++) {
        const uint8_t *ql = x + 64 * h;
        const __m256i l0 = _mm256_loadu_si256((const __m256i *) ql), l1 = _mm256_loadu_si256((const __m256i *) (ql + 32));
        const __m256i qh = _mm256_loadu_si256((const __m256i *) (x + 128 + 32 * h));
        for (int q = 0; q < 4; q++) {
            __m256i v;
            switch (q) {
                case 0: v = _mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 4), m30)); break;
                case 1: v = _mm256_or_si256(_mm256_and_si256(l1, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 2), m30)); break;
                case 2: v = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4), _mm256_and_si256(qh, m30)); break;
                default: v = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4), _mm256_and_si256(_mm256_srli_epi16(qh, 2), m30)); break;
            }
            __m256i s = _mm256_shuffle_epi8(_mm256_permutevar8x32_epi32(sc16, _mm256_set1_epi32(4 * h + q)), pick);
            for (int k = 0; k < n; k++) {
                __m256i p = _mm256_maddubs_epi16(v, _mm256_loadu_si256((const __m256i *) (q8 + k * q_stride + 128 * h + 32 * q)));
                acc[k] = _mm256_add_epi32(acc[k], _mm256_madd_epi16(p, s));
            }
        }
    }
    for (int k = 0; k < n; k++) {
        __m256i off = _mm256_madd_epi16(sc16, _mm256_loadu_si256((const __m256i *) (bsum16 + k * b_stride)));
        acc[k] = _mm256_sub_epi32(acc[k], _mm256_slli_epi32(off, 5));
    }
    if (n == RB) {
        _mm_storeu_si128((__m128i *) isum, hsum4(acc));
        return;
    }
    for (int k = 0; k < n; k++) isum[k] = hsum_i32(acc[k]);
}

/*
 * Weight rows [row_from, row_to) against activation rows [a_from, a_to): whole groups of RB rows share each
 * super-block's unpacking and add their float parts in RB SSE lanes, each lane its row's scalar expression in the
 * same order; the rest (decoding's single row) takes a loop of its own, free of the batch's bookkeeping.
 * The float parts are the Java kernels': Q4_KKernel.combine for Q4_K/Q5_K, d * da * isum for Q6_K.
 */
INLINE void k_quant(const uint8_t *w, enum k_format f, int32_t blocks, int32_t row_from, int32_t row_to,
                    const int8_t *qa, const float *da, const int16_t *bs, int32_t a_from, int32_t a_to, int32_t width,
                    float *out, int32_t out_offset, int32_t out_width) {
    const int64_t bytes = k_bytes(f), per_block = k_sums(f);
    const int32_t whole = a_from + (a_to - a_from) / RB * RB;
    for (int32_t row = row_from; row < row_to; row++) {
        for (int32_t r0 = a_from; r0 < whole; r0 += RB) {
            __m128 sum = _mm_setzero_ps(); /* lane k: row r0 + k */
            for (int32_t b = 0; b < blocks; b++) {
                const uint8_t *x = w + ((int64_t) row * blocks + b) * bytes;
                prefetch_block(x, bytes);
                const int8_t *q8 = qa + (int64_t) r0 * width + 256 * b;
                const int16_t *s = bs + per_block * ((int64_t) r0 * blocks + b);
                int32_t isum[RB], mins[RB];
                __m128 a = da4(da, r0, blocks, b), part;
                if (f == Q6_K) {
                    q6_k_sums(x, q8, width, s, per_block * blocks, RB, isum);
                    part = _mm_mul_ps(_mm_mul_ps(_mm_set1_ps(f16(x + 208)), a), _mm_cvtepi32_ps(_mm_loadu_si128((const __m128i *) isum)));
                } else {
                    q45_k_sums(x, f == Q5_K, q8, width, s, per_block * blocks, RB, isum, mins);
                    __m128 hi = _mm_mul_ps(_mm_mul_ps(a, _mm_set1_ps(f16(x))), _mm_cvtepi32_ps(_mm_loadu_si128((const __m128i *) isum)));
                    __m128 lo = _mm_mul_ps(_mm_mul_ps(a, _mm_set1_ps(f16(x + 2))), _mm_cvtepi32_ps(_mm_loadu_si128((const __m128i *) mins)));
                    part = _mm_sub_ps(hi, lo);
                }
                sum = _mm_add_ps(sum, part);
            }
            float s4[RB];
            _mm_storeu_ps(s4, sum);
            for (int k = 0; k < RB; k++) out[out_offset + (int64_t) (r0 + k) * out_width + row] = s4[k];
        }
        for (int32_t r = whole; r < a_to; r++) {
            float sum = 0;
            for (int32_t b = 0; b < blocks; b++) {
                const uint8_t *x = w + ((int64_t) row * blocks + b) * bytes;
                prefetch_block(x, bytes);
                const int8_t *q8 = qa + (int64_t) r * width + 256 * b;
                const int16_t *s = bs + per_block * ((int64_t) r * blocks + b);
                const float d_a = da[(int64_t) r * blocks + b];
                int32_t isum, mins;
                if (f == Q6_K) {
                    q6_k_sums(x, q8, 0, s, 0, 1, &isum);
                    sum += f16(x + 208) * d_a * (float) isum;
                } else {
                    q45_k_sums(x, f == Q5_K, q8, 0, s, 0, 1, &isum, &mins);
                    sum += combine_k(d_a, f16(x), f16(x + 2), isum, mins);
                }
            }
            out[out_offset + (int64_t) r * out_width + row] = sum;
        }
    }
}

#define K_ENTRY(name, format) \
    K_KERNEL(name) { k_quant(w, format, blocks, row_from, row_to, qa, da, bs, a_from, a_to, width, out, out_offset, out_width); }

/* bs: Q4_K/Q5_K the activations' sums per 32 values, Q6_K per 16 (QuantizedActivations.bsums32KShort, bsumsKShort) */
K_ENTRY(mirrorsd_q4_k, Q4_K)
K_ENTRY(mirrorsd_q5_k, Q5_K)
K_ENTRY(mirrorsd_q6_k, Q6_K)

/*
 * Q8_0 and Q4_0 (blocks of 32, one F16 scale) in the Java kernels' lanes (Q8_0Kernel, Q4_0Kernel): with L float
 * lanes (16 with AVX-512's preferred species, 8 with AVX2's), lane i of block b holds the integer
 * sum of w_j a_j over j = i, i + 16 (and i + 8, i + 24 when L = 8), added into the lane's float accumulator by one
 * fused multiply-add with the scale F16(d_w) * d_a, block after block; the L lanes are then summed in
 * VectorKernels.sumLanes' pairing. maddubs forms w_i a_i + w_i+16 a_i+16 from bytes interleaved as (i, i + 16): the
 * weights are interleaved here, the activations once per matmul (qai). Q8_0's weights are signed, so maddubs takes
 * |w| and a with w's sign: each pair at most 2 * 128 * 127, a short. Q4_0's nibbles q are unsigned; (q - 8) a
 * is q a - 8 a, with 8 (a_i + a_i+16) precomputed per lane (ps8).
 */

/* Lanes 0..7 and 8..15 of a block's sixteen pair sums, as floats. */
INLINE void pairs_to_floats(__m256i p, int lanes, __m256 *f0, __m256 *f1) {
    __m256i i0 = _mm256_cvtepi16_epi32(_mm256_castsi256_si128(p)), i1 = _mm256_cvtepi16_epi32(_mm256_extracti128_si256(p, 1));
    if (lanes == 16) {
        *f0 = _mm256_cvtepi32_ps(i0);
        *f1 = _mm256_cvtepi32_ps(i1);
    } else {
        *f0 = _mm256_cvtepi32_ps(_mm256_add_epi32(i0, i1)); /* the Java kernel's second S2I part added as ints */
    }
}

/* The interleaved weights (w_0, w_16, w_1, w_17, ...) of block x, as maddubs' unsigned operand u and a's sign source. */
INLINE __m256i q8_0_interleaved(const uint8_t *x) {
    /* short i = w_i | w_i+16 << 8 */
    __m256i w0 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *) (x + 2)));
    __m256i w1 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *) (x + 18)));
    return _mm256_or_si256(w0, _mm256_slli_epi16(w1, 8));
}

INLINE __m256i q4_0_interleaved(const uint8_t *x) {
    /* short i = byte i = lo_i | hi_i << 4; s | s << 4 puts lo_i in bits 0..3 and hi_i in bits 8..11 */
    __m256i s = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *) (x + 2)));
    return _mm256_and_si256(_mm256_or_si256(s, _mm256_slli_epi16(s, 4)), _mm256_set1_epi16(0x0F0F));
}

/*
 * VectorKernels.sumLanes: lane i plus lane i + width, for width = L/2 .. 1 (lanes 0..7 in acc0, 8..15 in acc1), as
 * vector adds, each the same IEEE additions as the scalar loop.
 */
INLINE float sum_lanes(__m256 acc0, __m256 acc1, int lanes) {
    __m256 h = lanes == 16 ? _mm256_add_ps(acc0, acc1) : acc0;
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    return _mm_cvtss_f32(_mm_add_ss(q, _mm_movehdup_ps(q)));
}

/* Weight row xr against activation rows r0 .. r0 + n - 1 (n is RB or 1, a constant once inlined). */
INLINE void row32(const uint8_t *xr, int q4, int32_t blocks, const int8_t *qai, const float *da, const int16_t *ps8,
                  int64_t r0, int n, int32_t lanes, float *out) {
    const int64_t bytes = q4 ? Q4_0_BYTES : Q8_0_BYTES, width = 32 * (int64_t) blocks;
    __m256 acc0[RB], acc1[RB];
    for (int k = 0; k < n; k++) acc0[k] = acc1[k] = _mm256_setzero_ps();
    /* two blocks per iteration: the loop's own instructions were a tenth of a block's */
#pragma GCC unroll 2
    for (int32_t b = 0; b < blocks; b++) {
        const uint8_t *x = xr + b * bytes;
        const float dw = f16(x);
        prefetch_block(x, bytes);
        if (!q4 && n == 1) {
            /* one row of Q8_0: the Java kernel's own sequence, widened weights times the activations as shorts (ps8
             * holds them for Q8_0), is two instructions shorter than interleaving for maddubs */
            const int16_t *a16 = ps8 + r0 * width + 32 * b;
            __m256i p = _mm256_add_epi16(
                    _mm256_mullo_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *) (x + 2))), _mm256_loadu_si256((const __m256i *) a16)),
                    _mm256_mullo_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *) (x + 18))), _mm256_loadu_si256((const __m256i *) (a16 + 16))));
            __m256 s = _mm256_set1_ps(dw * da[r0 * blocks + b]), f0, f1;
            pairs_to_floats(p, lanes, &f0, &f1);
            acc0[0] = _mm256_fmadd_ps(f0, s, acc0[0]);
            if (lanes == 16) acc1[0] = _mm256_fmadd_ps(f1, s, acc1[0]);
            continue;
        }
        const __m256i wi = q4 ? q4_0_interleaved(x) : q8_0_interleaved(x);
        const __m256i u = q4 ? wi : _mm256_abs_epi8(wi);
        for (int k = 0; k < n; k++) {
            const int64_t r = r0 + k;
            __m256i a = _mm256_loadu_si256((const __m256i *) (qai + r * width + 32 * b));
            __m256i p = _mm256_maddubs_epi16(u, q4 ? a : _mm256_sign_epi8(a, wi));
            if (q4) p = _mm256_sub_epi16(p, _mm256_loadu_si256((const __m256i *) (ps8 + r * width / 2 + 16 * b)));
            __m256 s = _mm256_set1_ps(dw * da[r * blocks + b]), f0, f1;
            pairs_to_floats(p, lanes, &f0, &f1);
            acc0[k] = _mm256_fmadd_ps(f0, s, acc0[k]);
            if (lanes == 16) acc1[k] = _mm256_fmadd_ps(f1, s, acc1[k]);
        }
    }
    for (int k = 0; k < n; k++) out[k] = sum_lanes(acc0[k], acc1[k], lanes);
}

INLINE void blocks32(const uint8_t *w, int q4, int32_t blocks, int32_t row_from, int32_t row_to, const int8_t *qai,
                     const float *da, const int16_t *ps8, int32_t a_from, int32_t a_to, int32_t lanes, float *out,
                     int32_t out_offset, int32_t out_width) {
    const int64_t bytes = q4 ? Q4_0_BYTES : Q8_0_BYTES;
    const int32_t whole = a_from + (a_to - a_from) / RB * RB;
    for (int32_t row = row_from; row < row_to; row++) {
        const uint8_t *xr = w + (int64_t) row * blocks * bytes;
        float sums[RB];
        for (int32_t r0 = a_from; r0 < whole; r0 += RB) {
            row32(xr, q4, blocks, qai, da, ps8, r0, RB, lanes, sums);
            for (int k = 0; k < RB; k++) out[out_offset + (int64_t) (r0 + k) * out_width + row] = sums[k];
        }
        for (int32_t r = whole; r < a_to; r++) {
            row32(xr, q4, blocks, qai, da, ps8, r, 1, lanes, sums);
            out[out_offset + (int64_t) r * out_width + row] = sums[0];
        }
    }
}

/* lanes: the JVM's float lanes, 8 or 16 (NativeKernels passes only those). a16: the activations as shorts, in order. */
void mirrorsd_q8_0(const uint8_t *w, int32_t blocks, int32_t row_from, int32_t row_to, const int8_t *qai,
                   const float *da, const int16_t *a16, int32_t a_from, int32_t a_to, int32_t lanes, float *out,
                   int32_t out_offset, int32_t out_width) {
    if (lanes == 16) blocks32(w, 0, blocks, row_from, row_to, qai, da, a16, a_from, a_to, 16, out, out_offset, out_width);
    else blocks32(w, 0, blocks, row_from, row_to, qai, da, a16, a_from, a_to, 8, out, out_offset, out_width);
}

void mirrorsd_q4_0(const uint8_t *w, int32_t blocks, int32_t row_from, int32_t row_to, const int8_t *qai,
                   const float *da, const int16_t *ps8, int32_t a_from, int32_t a_to, int32_t lanes, float *out,
                   int32_t out_offset, int32_t out_width) {
    if (lanes == 16) blocks32(w, 1, blocks, row_from, row_to, qai, da, ps8, a_from, a_to, 16, out, out_offset, out_width);
    else blocks32(w, 1, blocks, row_from, row_to, qai, da, ps8, a_from, a_to, 8, out, out_offset, out_width);
}
