/*
 * What the kernel files share: block sizes, the scalar readers and the Q4_K/Q5_K scale unpacking. Each file is
 * compiled for its own instruction set; everything here is inlined into it.
 */
#ifndef MIRRORSD_CPU_COMMON_H
#define MIRRORSD_CPU_COMMON_H
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#define Q4_K_BYTES 144
#define Q5_K_BYTES 176
#define Q6_K_BYTES 210
#define Q8_0_BYTES 34
#define Q4_0_BYTES 18
#define INLINE static inline __attribute__((always_inline))

/* The K formats a driver serves; the format is a constant once the driver is inlined into its entry point. */
enum k_format { Q4_K, Q5_K, Q6_K };

INLINE int64_t k_bytes(enum k_format f) {
    return f == Q4_K ? Q4_K_BYTES : f == Q5_K ? Q5_K_BYTES : Q6_K_BYTES;
}

/* The activation sums per super-block Q8_K gives the format: of 16 values (Q6_K), or of 32. */
INLINE int64_t k_sums(enum k_format f) {
    return f == Q6_K ? 16 : 8;
}

/*
 * The K formats' entry points (NativeKernels binds every kernel with one descriptor): weight rows [row_from, row_to)
 * against the Q8_K activation rows [a_from, a_to) (values qa at row stride width, scales da, sums bs), into
 * out[out_offset + r * out_width + row].
 */
#define K_KERNEL(name) \
    void name(const uint8_t *w, int32_t blocks, int32_t row_from, int32_t row_to, const int8_t *qa, const float *da, \
              const int16_t *bs, int32_t a_from, int32_t a_to, int32_t width, float *out, int32_t out_offset, \
              int32_t out_width)

static inline float f16(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

/*
 * The weights stream from memory once per token, and the hardware prefetchers alone did not keep up with the
 * one-row loops: on a Xeon (2 vCPU, AVX-512) a 100 MB Q4_0 matrix read at 3.4 GB/s against the 14 GB/s a
 * plain read loop gets, 7.8-8.8 GB/s with each block's lines asked for PREFETCH_AHEAD bytes ahead (0.5-16 KB all did
 * about as well; 256 bytes was too close). A prefetch never faults, so reading past the last row is harmless.
 */
#define PREFETCH_AHEAD 2048
INLINE void prefetch_block(const uint8_t *x, int64_t bytes) {
    for (int64_t o = 0; o < bytes; o += 64) _mm_prefetch((const char *) x + PREFETCH_AHEAD + o, _MM_HINT_T0);
}

static inline uint32_t u32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/*
 * The scales (shorts 0..7) and mins (shorts 8..15) of a Q4_K/Q5_K super-block from its 12 bytes, as
 * KScales.unpack reads them.
 */
INLINE __m256i scales_mins16(const uint8_t *p) {
    uint32_t u0 = u32(p), u1 = u32(p + 4), u2 = u32(p + 8);
    uint32_t s0 = u0 & 0x3f3f3f3f, s1 = (u2 & 0x0f0f0f0f) | (((u0 >> 6) & 0x03030303) << 4);
    uint32_t m0 = u1 & 0x3f3f3f3f, m1 = ((u2 >> 4) & 0x0f0f0f0f) | (((u1 >> 6) & 0x03030303) << 4);
    return _mm256_cvtepu8_epi16(_mm_set_epi32((int) m1, (int) m0, (int) s1, (int) s0));
}

#endif
