/*
 * Q4_K, Q5_K and Q6_K against eight activation rows at a time (verification windows, prefill chunks), with
 * AVX-512 F, BW and VNNI. The integers are the AVX2 kernels' (cpu_kernels.c), per super-block, exact: maddubs
 * pairs the weights with the activations as there, and vpdpwssd multiplies the pairs by the sub-block scales and
 * adds them in one instruction (AVX2 needs pmaddwd and an add). A zmm register holds two sub-blocks of 32 (Q4_K,
 * Q5_K) or four groups of 16 (Q6_K) whose activations lie side by side, so each activation load is one 64-byte
 * load, and 32 registers hold eight rows' accumulators beside the unpacked weights. The float part is the AVX2
 * kernels' four-lane expression in eight lanes, each lane its row's scalar expression in the same order, so a row's
 * bits do not depend on its batch or on which kernel ran.
 *
 * Fewer than eight rows left (the tail of a chunk, a decoding step) go to the AVX2 kernels.
 */
#include "cpu_common.h"

#define RB8 8

K_KERNEL(mirrorsd_q4_k);
K_KERNEL(mirrorsd_q5_k);
K_KERNEL(mirrorsd_q6_k);

/* Shorts 0..15 of a zmm are `lo`, shorts 16..31 `hi`. */
INLINE __m512i halves16(short lo, short hi) {
    return _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_set1_epi16(lo)), _mm256_set1_epi16(hi), 1);
}

/* Lane k: the sum of f[k]'s eight ints (exact, in any order). */
INLINE __m256i hsum8(const __m256i f[RB8]) {
    __m256i h0123 = _mm256_hadd_epi32(_mm256_hadd_epi32(f[0], f[1]), _mm256_hadd_epi32(f[2], f[3]));
    __m256i h4567 = _mm256_hadd_epi32(_mm256_hadd_epi32(f[4], f[5]), _mm256_hadd_epi32(f[6], f[7]));
    return _mm256_add_epi32(_mm256_permute2x128_si256(h0123, h4567, 0x20), _mm256_permute2x128_si256(h0123, h4567, 0x31));
}

INLINE __m256i fold(__m512i v) {
    return _mm256_add_epi32(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
}

/*
 * Q4_K and Q5_K, super-block x against eight activation rows: per row sum_j scale_j sum_l q_l a_l (lane k of
 * *isum) and sum_j min_j bs32_j (lane k of *mins). Register j holds sub-block 2j (the low nibbles of qs bytes
 * 32j..32j+31) in its low half and sub-block 2j+1 (their high nibbles) in its high half, against activation bytes
 * 64j..64j+63. Bounds as in cpu_kernels.c's q45_k_sums.
 */
INLINE void q45_k_sums8(const uint8_t *x, int q5, const int8_t *q8, int64_t q_stride, const int16_t *bs32,
                        int64_t b_stride, __m256i *isum, __m256i *mins) {
    const __m512i m4 = _mm512_set1_epi8(0x0F), m10 = _mm512_set1_epi8(0x10), nibble = halves16(0, 4);
    const __m256i sm = scales_mins16(x + 4);
    const __m512i sm5 = _mm512_castsi256_si512(sm);
    const uint8_t *qs = x + (q5 ? 48 : 16);
    const __m512i qh = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *) (x + 16)));
    __m512i acc[RB8];
    for (int k = 0; k < RB8; k++) acc[k] = _mm512_setzero_si512();
    for (int j = 0; j < 4; j++) {
        __m512i q = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *) (qs + 32 * j)));
        __m512i v = _mm512_and_si512(_mm512_srlv_epi16(q, nibble), m4);
        if (q5) { /* bit 2j (low half) or 2j+1 (high half) of each qh byte to bit 4, as in cpu_kernels.c */
            v = _mm512_or_si512(v, _mm512_and_si512(_mm512_slli_epi16(_mm512_srlv_epi16(qh, halves16(2 * j, 2 * j + 1)), 4), m10));
        }
        const __m512i sc = _mm512_permutexvar_epi16(halves16(2 * j, 2 * j + 1), sm5);
        for (int k = 0; k < RB8; k++) {
            __m512i a = _mm512_loadu_si512((const void *) (q8 + k * q_stride + 64 * j));
            acc[k] = _mm512_dpwssd_epi32(acc[k], _mm512_maddubs_epi16(v, a), sc);
        }
    }
    __m256i f[RB8];
    for (int k = 0; k < RB8; k++) f[k] = fold(acc[k]);
    *isum = hsum8(f);
    const __m128i mn = _mm256_extracti128_si256(sm, 1);
    __m128i m[RB8];
    for (int k = 0; k < RB8; k++) m[k] = _mm_madd_epi16(mn, _mm_loadu_si128((const __m128i *) (bs32 + k * b_stride)));
    __m128i lo = _mm_hadd_epi32(_mm_hadd_epi32(m[0], m[1]), _mm_hadd_epi32(m[2], m[3]));
    __m128i hi = _mm_hadd_epi32(_mm_hadd_epi32(m[4], m[5]), _mm_hadd_epi32(m[6], m[7]));
    *mins = _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
}

/*
 * Q6_K, super-block x against eight activation rows: sum_g scale_g sum_l q_l a_l - 32 sum_g scale_g bsum_g per
 * row. Register (h, p) holds quarters 2p and 2p+1 of half h (their activations: bytes 128h + 64p ..), whose four
 * groups of 16 take scales 8h + 4p .. 8h + 4p + 3. Bounds as in cpu_kernels.c's q6_k_sums.
 */
INLINE __m256i q6_k_sums8(const uint8_t *x, const int8_t *q8, int64_t q_stride, const int16_t *bsum16, int64_t b_stride) {
    const __m512i m4 = _mm512_set1_epi8(0x0F), m30 = _mm512_set1_epi8(0x30);
    const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *) (x + 192)));
    const __m512i sc5 = _mm512_castsi256_si512(sc16);
    __m512i acc[RB8];
    for (int k = 0; k < RB8; k++) acc[k] = _mm512_setzero_si512();
    for (int h = 0; h < 2; h++) {
        const __m512i l = _mm512_loadu_si512((const void *) (x + 64 * h)); /* ql bytes: quarter 0/2 | quarter 1/3 */
        const __m512i qh = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *) (x + 128 + 32 * h)));
        for (int p = 0; p < 2; p++) {
            __m512i v = p == 0
                    ? _mm512_or_si512(_mm512_and_si512(l, m4), _mm512_and_si512(_mm512_sllv_epi16(qh, halves16(4, 2)), m30))
                    : _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(l, 4), m4), _mm512_and_si512(_mm512_srlv_epi16(qh, halves16(0, 2)), m30));
            const short g = (short) (8 * h + 4 * p);
            const __m512i group = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_setr_epi16(g, g, g, g, g, g, g, g, g + 1, g + 1, g + 1, g + 1, g + 1, g + 1, g + 1, g + 1)),
                                                     _mm256_setr_epi16(g + 2, g + 2, g + 2, g + 2, g + 2, g + 2, g + 2, g + 2, g + 3, g + 3, g + 3, g + 3, g + 3, g + 3, g + 3, g + 3), 1);
            const __m512i sc = _mm512_permutexvar_epi16(group, sc5);
            for (int k = 0; k < RB8; k++) {
                __m512i a = _mm512_loadu_si512((const void *) (q8 + k * q_stride + 128 * h + 64 * p));
                acc[k] = _mm512_dpwssd_epi32(acc[k], _mm512_maddubs_epi16(v, a), sc);
            }
        }
    }
    __m256i f[RB8];
    for (int k = 0; k < RB8; k++) {
        __m256i off = _mm256_madd_epi16(sc16, _mm256_loadu_si256((const __m256i *) (bsum16 + k * b_stride)));
        f[k] = _mm256_sub_epi32(fold(acc[k]), _mm256_slli_epi32(off, 5));
    }
    return hsum8(f);
}

INLINE void k_quant8(const uint8_t *w, enum k_format f, int32_t blocks, int32_t row_from, int32_t row_to,
                     const int8_t *qa, const float *da, const int16_t *bs, int32_t a_from, int32_t a_to, int32_t width,
                     float *out, int32_t out_offset, int32_t out_width) {
    const int64_t bytes = k_bytes(f), per_block = k_sums(f);
    const int32_t whole = a_from + (a_to - a_from) / RB8 * RB8;
    const __m256i rows8 = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(blocks));
    for (int32_t row = row_from; row < row_to; row++) {
        for (int32_t r0 = a_from; r0 < whole; r0 += RB8) {
            __m256 sum = _mm256_setzero_ps(); /* lane k: row r0 + k */
            for (int32_t b = 0; b < blocks; b++) {
                const uint8_t *x = w + ((int64_t) row * blocks + b) * bytes;
                prefetch_block(x, bytes);
                const int8_t *q8 = qa + (int64_t) r0 * width + 256 * b;
                const int16_t *s = bs + per_block * ((int64_t) r0 * blocks + b);
                const __m256 a = _mm256_i32gather_ps(da + (int64_t) r0 * blocks + b, rows8, 4);
                __m256 part;
                if (f == Q6_K) {
                    __m256i isum = q6_k_sums8(x, q8, width, s, per_block * blocks);
                    part = _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(f16(x + 208)), a), _mm256_cvtepi32_ps(isum));
                } else {
                    __m256i isum, mins;
                    q45_k_sums8(x, f == Q5_K, q8, width, s, per_block * blocks, &isum, &mins);
                    __m256 hi = _mm256_mul_ps(_mm256_mul_ps(a, _mm256_set1_ps(f16(x))), _mm256_cvtepi32_ps(isum));
                    __m256 lo = _mm256_mul_ps(_mm256_mul_ps(a, _mm256_set1_ps(f16(x + 2))), _mm256_cvtepi32_ps(mins));
                    part = _mm256_sub_ps(hi, lo);
                }
                sum = _mm256_add_ps(sum, part);
            }
            float s8[RB8];
            _mm256_storeu_ps(s8, sum);
            for (int k = 0; k < RB8; k++) out[out_offset + (int64_t) (r0 + k) * out_width + row] = s8[k];
        }
    }
    if (whole < a_to) {
        K_KERNEL((*rest)) = f == Q4_K ? mirrorsd_q4_k : f == Q5_K ? mirrorsd_q5_k : mirrorsd_q6_k;
        rest(w, blocks, row_from, row_to, qa, da, bs, whole, a_to, width, out, out_offset, out_width);
    }
}

#define K8_ENTRY(name, format) \
    K_KERNEL(name) { k_quant8(w, format, blocks, row_from, row_to, qa, da, bs, a_from, a_to, width, out, out_offset, out_width); }

K8_ENTRY(mirrorsd_q4_k_vnni, Q4_K)
K8_ENTRY(mirrorsd_q5_k_vnni, Q5_K)
K8_ENTRY(mirrorsd_q6_k_vnni, Q6_K)
