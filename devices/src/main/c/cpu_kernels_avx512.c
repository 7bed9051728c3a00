/*
 * Q8_0 and Q4_0 with AVX-512 (F, BW), for JVMs whose float species has 16 lanes: the same integers and the same
 * float operations as the AVX2 kernels in cpu_kernels.c (and so as Q8_0Kernel and Q4_0Kernel), in fewer
 * instructions. The Java lanes' canon (lane i of a block: the integer sum of w_j a_j over j = i, i + 16, added into
 * the lane's float accumulator by one fused multiply-add with F16(d_w) * d_a) needs sixteen int-to-float
 * conversions and sixteen fused multiply-adds per block and activation row: one zmm instruction each here, two ymm
 * instructions with AVX2, where they were half of the one-row loop and most of the batched one.
 *
 * The pairs (i, i + 16) come from pmaddwd over shorts interleaved as (w_0, w_16, w_1, w_17, ...): the activations
 * are interleaved once per matmul (QuantizedActivations.q32Interleaved, widened here), the weights per block: Q8_0's
 * by a short permutation, Q4_0's nibbles by a shift (byte i holds w_i in its low nibble and w_i+16 in its high one),
 * each minus 8 before the multiply. Every product fits a short and every pair sum an int.
 *
 * Several activation rows share each weight block's unpacking, RB8 or 4 at a time (32 zmm registers hold eight
 * accumulators), with their scales multiplied out beforehand; a row's float sum runs block after block whatever
 * its group, so its bits do not depend on the batch.
 *
 * Measured (Zen 4, 1 thread, ns per block and activation row, AVX2 kernel / this one): 8-64 rows 1.4-1.7 / 0.8-1.0;
 * one row with the weights in DRAM, Q8_0 1.7 / 1.6 (bandwidth), Q4_0 2.0 / 1.7 (its unpacking and the fused
 * multiply-adds' four-cycle chain).
 */
#include "cpu_common.h"

#define RB8 8

/*
 * VectorKernels.sumLanes over sixteen lanes: lane i plus lane i + width, for width = 8 .. 1, as four vector adds
 * (each the same IEEE additions as the scalar loop; a row's tail of scalar adds was a third of a 32-block row).
 */
INLINE float sum_lanes16(__m512 acc) {
    __m256 h = _mm256_add_ps(_mm512_castps512_ps256(acc), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(acc), 1)));
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    return _mm_cvtss_f32(_mm_add_ss(q, _mm_movehdup_ps(q)));
}

/* The permutation that takes shorts (w_0 .. w_31) to (w_0, w_16, w_1, w_17, ...). */
INLINE __m512i interleave_shorts(void) {
    return _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8,
                            23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
}

INLINE __m512i weights(const uint8_t *x, int q4, __m512i interleave) {
    if (q4) {
        /* int i = byte i = lo_i | hi_i << 4; (v | v << 12) & 0x000F000F puts lo_i in short 2i, hi_i in short 2i+1 */
        __m512i v = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *) (x + 2)));
        __m512i t = _mm512_and_si512(_mm512_or_si512(v, _mm512_slli_epi32(v, 12)), _mm512_set1_epi32(0x000F000F));
        return _mm512_sub_epi16(t, _mm512_set1_epi16(8));
    }
    return _mm512_permutexvar_epi16(interleave, _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *) (x + 2))));
}

/*
 * Weight row xr (its scales as floats in dw) against activation rows r0 .. r0 + n - 1 (n is RB8 or 4, a constant
 * once inlined); a16: the activations as interleaved shorts; sc: scratch for n rows of per-block scales.
 */
INLINE void rows_n(const uint8_t *xr, const float *dw, int q4, int32_t blocks, const int16_t *a16, const float *da,
                   int64_t r0, int n, float *sc, float *out) {
    const int64_t bytes = q4 ? Q4_0_BYTES : Q8_0_BYTES, width = 32 * (int64_t) blocks;
    const __m512i interleave = interleave_shorts();
    /* the scales F16(d_w) * d_a first, a vector loop, so the loop below takes each as a broadcast operand */
    for (int k = 0; k < n; k++) {
        for (int32_t b = 0; b < blocks; b++) sc[k * blocks + b] = dw[b] * da[(r0 + k) * blocks + b];
    }
    __m512 acc[RB8];
    for (int k = 0; k < n; k++) acc[k] = _mm512_setzero_ps();
    for (int32_t b = 0; b < blocks; b++) {
        prefetch_block(xr + b * bytes, bytes);
        const __m512i w = weights(xr + b * bytes, q4, interleave);
        for (int k = 0; k < n; k++) {
            __m512i a = _mm512_loadu_si512((const void *) (a16 + (r0 + k) * width + 32 * b));
            __m512 f = _mm512_cvtepi32_ps(_mm512_madd_epi16(w, a));
            acc[k] = _mm512_fmadd_ps(f, _mm512_set1_ps(sc[k * blocks + b]), acc[k]);
        }
    }
    for (int k = 0; k < n; k++) out[k] = sum_lanes16(acc[k]);
}

/*
 * One activation row r against weight row xr, a loop of its own. One weight row at a time: reading two or four
 * rows side by side (independent chains of multiply-adds) measured slower, not faster, once the weights came
 * from DRAM (the streams interleave within pages, and the prefetchers lose them).
 */
INLINE float one_row(const uint8_t *xr, int q4, int32_t blocks, const int16_t *a16, const float *da, int64_t r) {
    const int64_t bytes = q4 ? Q4_0_BYTES : Q8_0_BYTES, width = 32 * (int64_t) blocks;
    const __m512i interleave = interleave_shorts();
    __m512 acc = _mm512_setzero_ps();
#pragma GCC unroll 2
    for (int32_t b = 0; b < blocks; b++) {
        const uint8_t *x = xr + b * bytes;
        prefetch_block(x, bytes);
        __m512 f = _mm512_cvtepi32_ps(_mm512_madd_epi16(weights(x, q4, interleave), _mm512_loadu_si512((const void *) (a16 + r * width + 32 * b))));
        acc = _mm512_fmadd_ps(f, _mm512_set1_ps(f16(x) * da[r * blocks + b]), acc);
    }
    return sum_lanes16(acc);
}

/*
 * Weight rows go RT at a time: each group of activation rows meets the RT rows while both are in L2 (a prefill
 * chunk's 64 activation rows are 360 KB as shorts of a 2816-wide row; re-read for every weight row they ran 30%
 * slower per block than groups of 8 or 16).
 */
#define RT 8
INLINE void blocks32(const uint8_t *w, int q4, int32_t blocks, int32_t row_from, int32_t row_to, const int16_t *a16,
                     const float *da, int32_t a_from, int32_t a_to, float *out, int32_t out_offset, int32_t out_width) {
    const int64_t bytes = q4 ? Q4_0_BYTES : Q8_0_BYTES, row_bytes = blocks * bytes;
    const int32_t many = a_from + (a_to - a_from) / 4 * 4; /* rows a_from .. many - 1 go in groups of 8 or 4 */
    float sums[RB8], sc[RB8 * blocks], dw[RT * blocks];
    for (int32_t t0 = row_from; t0 < row_to; t0 += RT) {
        const int32_t t1 = t0 + RT < row_to ? t0 + RT : row_to;
        if (many > a_from) {
            for (int32_t row = t0; row < t1; row++) {
                for (int32_t b = 0; b < blocks; b++) dw[(row - t0) * blocks + b] = f16(w + row * row_bytes + b * bytes);
            }
        }
        for (int32_t r0 = a_from; r0 < many;) {
            const int n = many - r0 >= RB8 ? RB8 : 4;
            for (int32_t row = t0; row < t1; row++) {
                const uint8_t *xr = w + row * row_bytes;
                const float *d = dw + (row - t0) * blocks;
                if (n == RB8) rows_n(xr, d, q4, blocks, a16, da, r0, RB8, sc, sums);
                else rows_n(xr, d, q4, blocks, a16, da, r0, 4, sc, sums);
                for (int k = 0; k < n; k++) out[out_offset + (int64_t) (r0 + k) * out_width + row] = sums[k];
            }
            r0 += n;
        }
        for (int32_t row = t0; row < t1; row++) {
            const uint8_t *xr = w + row * row_bytes;
            for (int32_t r = many; r < a_to; r++) out[out_offset + (int64_t) r * out_width + row] = one_row(xr, q4, blocks, a16, da, r);
        }
    }
}

/* The AVX2 entry points' signatures; unused: the first activation array (the AVX2 loops' bytes) and lanes (always 16). */
#define BLOCKS32_ENTRY(name, q4) \
    void name(const uint8_t *w, int32_t blocks, int32_t row_from, int32_t row_to, const int8_t *unused, \
              const float *da, const int16_t *a16, int32_t a_from, int32_t a_to, int32_t lanes, float *out, \
              int32_t out_offset, int32_t out_width) { \
        (void) unused; \
        (void) lanes; \
        blocks32(w, q4, blocks, row_from, row_to, a16, da, a_from, a_to, out, out_offset, out_width); \
    }

BLOCKS32_ENTRY(mirrorsd_q8_0_avx512, 0)
BLOCKS32_ENTRY(mirrorsd_q4_0_avx512, 1)
