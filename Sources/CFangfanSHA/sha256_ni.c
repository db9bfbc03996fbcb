/* SHA-256 compression (FIPS 180-4) with the x86 SHA extensions.
 *
 * The instructions work on the state split into two registers, ABEF and CDGH
 * (lane 3 holds the first letter, lane 0 the last):
 *   sha256rnds2(cdgh, abef, wk)  two rounds using the K[t] + W[t] values in lanes 0 and 1
 *                                of wk; returns the new ABEF (the new CDGH is the old ABEF).
 *   sha256msg1(w0, w1)           W[t-16] + sigma0(W[t-15]) for four t, from W[t-16..t-9].
 *   sha256msg2(x, w3)            adds sigma1(W[t-2]) for four t (the last two depend on
 *                                the first two, which the instruction handles), from W[t-4..t-1].
 * The message words live in four registers of four words each, reused round-robin.
 * The function carries a target attribute, so no global -msha flag is needed; callers
 * must check fangfan_sha256_has_ni() first. */

#include "fangfan_sha.h"

#include <stdlib.h>

#if defined(__x86_64__) || defined(__i386__)

#include <cpuid.h>
#include <immintrin.h>

int fangfan_sha256_has_ni(void) {
    /* CPUID directly rather than __builtin_cpu_supports("sha"): that builtin reads a
       feature table in the runtime library (libgcc or compiler-rt), and whether it knows
       the newer bits depends on which of the two gets linked. */
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    int ssse3 = (ecx >> 9) & 1, sse41 = (ecx >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    int sha = (ebx >> 29) & 1;
    return ssse3 && sse41 && sha;
}

static const uint32_t K[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* Rounds 4i .. 4i+3 with message words w = W[4i .. 4i+3]. The second sha256rnds2 takes
   the upper two K+W values, moved down to lanes 0 and 1. */
#define ROUNDS4(i, w)                                                            \
    do {                                                                         \
        __m128i wk = _mm_add_epi32((w), _mm_load_si128((const __m128i *)&K[4 * (i)])); \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);                            \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));   \
    } while (0)

/* W[t .. t+3] (t >= 16) into w0, which holds W[t-16 .. t-13]; w1, w2, w3 hold the
   next twelve words. W[t] = W[t-16] + sigma0(W[t-15]) + W[t-7] + sigma1(W[t-2]);
   the W[t-7 .. t-4] terms straddle w2 and w3, hence the alignr by one word. */
#define SCHEDULE(w0, w1, w2, w3)                                                 \
    (w0) = _mm_sha256msg2_epu32(                                                 \
        _mm_add_epi32(_mm_sha256msg1_epu32((w0), (w1)), _mm_alignr_epi8((w3), (w2), 4)), (w3))

__attribute__((target("sha,sse4.1,ssse3")))
void fangfan_sha256_ni_compress(uint32_t *state, const void *bytes, size_t blocks) {
    const uint8_t *data = (const uint8_t *)bytes;
    /* Each big-endian message word to host order: reverse the bytes within 32-bit lanes. */
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);

    /* state[0..7] = a..h  ->  abef = (lanes 0..3) f e b a, cdgh = h g d c. */
    __m128i abcd = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i efgh = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i badc = _mm_shuffle_epi32(abcd, 0xB1);             /* b a d c */
    __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);             /* h g f e */
    __m128i abef = _mm_alignr_epi8(badc, hgfe, 8);            /* f e b a */
    __m128i cdgh = _mm_blend_epi16(hgfe, badc, 0xF0);         /* h g d c */

    for (; blocks > 0; blocks--, data += 64) {
        const __m128i abef_in = abef, cdgh_in = cdgh;
        __m128i w0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 0)), bswap);
        __m128i w1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16)), bswap);
        __m128i w2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 32)), bswap);
        __m128i w3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 48)), bswap);

        ROUNDS4(0, w0);
        ROUNDS4(1, w1);
        ROUNDS4(2, w2);
        ROUNDS4(3, w3);
        /* Rounds 16..63: twelve groups of four, each scheduling its words first. */
        SCHEDULE(w0, w1, w2, w3); ROUNDS4(4, w0);
        SCHEDULE(w1, w2, w3, w0); ROUNDS4(5, w1);
        SCHEDULE(w2, w3, w0, w1); ROUNDS4(6, w2);
        SCHEDULE(w3, w0, w1, w2); ROUNDS4(7, w3);
        SCHEDULE(w0, w1, w2, w3); ROUNDS4(8, w0);
        SCHEDULE(w1, w2, w3, w0); ROUNDS4(9, w1);
        SCHEDULE(w2, w3, w0, w1); ROUNDS4(10, w2);
        SCHEDULE(w3, w0, w1, w2); ROUNDS4(11, w3);
        SCHEDULE(w0, w1, w2, w3); ROUNDS4(12, w0);
        SCHEDULE(w1, w2, w3, w0); ROUNDS4(13, w1);
        SCHEDULE(w2, w3, w0, w1); ROUNDS4(14, w2);
        SCHEDULE(w3, w0, w1, w2); ROUNDS4(15, w3);

        abef = _mm_add_epi32(abef, abef_in);
        cdgh = _mm_add_epi32(cdgh, cdgh_in);
    }

    /* Back to a..h order. */
    __m128i abfe = _mm_shuffle_epi32(abef, 0x1B);             /* a b e f */
    __m128i ghcd = _mm_shuffle_epi32(cdgh, 0xB1);             /* g h c d */
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(abfe, ghcd, 0xF0)); /* a b c d */
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(ghcd, abfe, 8));    /* e f g h */
}

#else /* not x86 */

int fangfan_sha256_has_ni(void) { return 0; }

void fangfan_sha256_ni_compress(uint32_t *state, const void *data, size_t blocks) {
    (void)state; (void)data; (void)blocks;
    abort(); /* never called: fangfan_sha256_has_ni() is 0 here */
}

#endif
