#ifndef FANGFAN_SHA_H
#define FANGFAN_SHA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when this CPU has the x86 SHA extensions (plus SSSE3 and SSE4.1, which the
   compression function also uses), else 0. Always 0 on non-x86 architectures. */
int fangfan_sha256_has_ni(void);

/* SHA-256 compression of `blocks` consecutive 64-byte blocks at `data` into `state`
   (a, b, c, d, e, f, g, h as host-order words). Reads exactly 64 * blocks bytes;
   `data` needs no alignment. Call only when fangfan_sha256_has_ni() returned 1: on an
   x86 CPU without the extensions it dies of an illegal instruction, and non-x86 builds
   abort. */
void fangfan_sha256_ni_compress(uint32_t *_Nonnull state, const void *_Nonnull data, size_t blocks);

#ifdef __cplusplus
}
#endif

#endif
