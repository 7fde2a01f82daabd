/* Packed spans (seg_pack.h). */
#include "tokenize/seg_pack.h"

enum { PACK_GAP = 16, PACK_LEN_SHIFT = 5, PACK_LEN_MAX = 7 };

static size_t varint_size(size_t v) {
  size_t n = 1;
  while (v >= 128) {
    v >>= 7;
    n++;
  }
  return n;
}

static uint8_t *varint_put(uint8_t *p, size_t v) {
  while (v >= 128) {
    *p++ = (uint8_t)(v | 128);
    v >>= 7;
  }
  *p++ = (uint8_t)v;
  return p;
}

static const uint8_t *varint_get(const uint8_t *p, size_t *v) {
  size_t x = 0;
  for (unsigned sh = 0;; sh += 7) {
    uint8_t c = *p++;
    x |= (size_t)(c & 127) << sh;
    if (c < 128) break;
  }
  *v = x;
  return p;
}

size_t seg_pack_size(const seg_span *sp, size_t n) {
  size_t bytes = n, end = 0;
  for (size_t i = 0; i < n; i++) {
    if (sp[i].len < 1 || sp[i].len > PACK_LEN_MAX) bytes += varint_size(sp[i].len);
    if (sp[i].start > end) bytes += varint_size(sp[i].start - end);
    end = sp[i].start + sp[i].len;
  }
  return bytes;
}

void seg_pack(const seg_span *sp, size_t n, uint8_t *out) {
  size_t end = 0;
  for (size_t i = 0; i < n; i++) {
    size_t gap = sp[i].start - end, len = sp[i].len;
    int small = len >= 1 && len <= PACK_LEN_MAX;
    *out++ = (uint8_t)((sp[i].kind & 7) | (sp[i].glued ? 8 : 0) | (gap ? PACK_GAP : 0) |
                       (small ? len << PACK_LEN_SHIFT : 0));
    if (!small) out = varint_put(out, len);
    if (gap) out = varint_put(out, gap);
    end = sp[i].start + len;
  }
}

size_t seg_unpack(const uint8_t *in, size_t n, seg_span *out) {
  const uint8_t *p = in;
  size_t end = 0;
  for (size_t i = 0; i < n; i++) {
    uint8_t h = *p++;
    size_t len = h >> PACK_LEN_SHIFT, gap = 0;
    if (!len) p = varint_get(p, &len);
    if (h & PACK_GAP) p = varint_get(p, &gap);
    out[i] = (seg_span){end + gap, len, (uint8_t)(h & 7), (uint8_t)((h >> 3) & 1)};
    end += gap + len;
  }
  return (size_t)(p - in);
}
