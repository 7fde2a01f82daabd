/* A 64-bit integer mix for hash tables, sketches and seeds derived from a seed. */
#ifndef TOPICS_MIX_H
#define TOPICS_MIX_H

#include <stdint.h>

/* splitmix64's finaliser: a bijection on 64 bits that maps 0 to 0 and spreads every input bit
 * over every output bit. */
static inline uint64_t mix_fin64(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/* splitmix64's golden-ratio step, added before the finaliser when deriving seeds. */
#define MIX_GOLDEN 0x9e3779b97f4a7c15ull

#endif
