/* Packing a term-matrix builder into bytes and merging packed builders (see dtm_pack.h).
 * Layout: magic, surfaces, documents, tokens, total size; then per surface its flags byte and
 * its key and spelling (each a 32-bit length and the bytes); then ndocs + 1 64-bit offsets into
 * the tokens; then the tokens as 32-bit surface ids (or DTM_GAP, or DTM_HYPHEN where the builder
 * noted a hyphen). */
#include "models/dtm_pack.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "models/dtm_int.h"

#define PACK_MAGIC 0x314b5054u /* "TPK1" */
#define HEADER_BYTES (4 + 4 + 4 + 8)
#define NONE UINT32_MAX

struct dtm_unpack {
  const uint8_t *buf;
  size_t len;
  uint32_t nsurf, ndocs;
  uint64_t ntoks;
  size_t *soff;          /* each surface's record */
  const uint64_t *doff;  /* (unaligned: read with memcpy) */
  const uint8_t *toks;
  uint32_t *map;         /* packed sid -> dst sid, NONE until first used */
  uint32_t *scratch;
  size_t scratch_cap;
};

static void put(mem_buf *w, const void *s, size_t n) { mem_buf_put(w, s, n); }

static void put_str(mem_buf *w, const char *s, size_t n) {
  if (n > UINT32_MAX) {
    w->st = TOPICS_ELIMIT;
    return;
  }
  uint32_t n32 = (uint32_t)n;
  put(w, &n32, sizeof n32);
  put(w, s, n);
}

topics_status dtm_pack(const dtm_builder *b, uint8_t **buf, size_t *len) {
  *buf = NULL;
  *len = 0;
  if (b->npoff) return TOPICS_EINVAL; /* phrases already made */
  uint32_t nsurf = strmap_count(b->surfaces), magic = PACK_MAGIC;
  uint32_t ndocs = (uint32_t)b->ndocs;
  uint64_t ntoks = b->ntoks;
  if (b->ndocs > UINT32_MAX - 1) return TOPICS_ELIMIT;
  mem_buf w = {NULL, 0, 0, TOPICS_OK};
  put(&w, &magic, 4);
  put(&w, &nsurf, 4);
  put(&w, &ndocs, 4);
  put(&w, &ntoks, 8);
  for (uint32_t s = 0; s < nsurf && w.st == TOPICS_OK; s++) {
    size_t sl, kl;
    const char *surf = strmap_str(b->surfaces, s, &sl);
    const char *key = strmap_str(b->keys, b->surf_key[s], &kl);
    put(&w, &b->surf_flags[s], 1);
    put_str(&w, key, kl);
    put_str(&w, surf, sl);
  }
  for (uint32_t d = 0; d < ndocs; d++) put(&w, &b->doc_off[d], 8);
  put(&w, &ntoks, 8);
  /* the tokens, each noted hyphen written as DTM_HYPHEN (noted positions hold gaps) */
  uint64_t from = 0;
  const uint32_t hyphen = DTM_HYPHEN;
  for (size_t h = 0; b->nmarks && h < b->nhyph && b->hyph[h] < ntoks; h++) {
    uint64_t at = b->hyph[h];
    if (at > from) put(&w, b->toks + from, (size_t)(at - from) * sizeof *b->toks);
    put(&w, &hyphen, sizeof hyphen);
    from = at + 1;
  }
  if (ntoks > from) put(&w, b->toks + from, (size_t)(ntoks - from) * sizeof *b->toks);
  if (w.st != TOPICS_OK) {
    free(w.p);
    return w.st;
  }
  *buf = w.p;
  *len = w.len;
  return TOPICS_OK;
}

/* Reads a length-prefixed string at *at, checking it fits. */
static int take_str(const uint8_t *buf, size_t len, size_t *at, const char **s, uint32_t *n) {
  if (len - *at < 4) return 0;
  memcpy(n, buf + *at, 4);
  *at += 4;
  if (len - *at < *n) return 0;
  *s = (const char *)buf + *at;
  *at += *n;
  return 1;
}

static uint64_t doc_start(const dtm_unpack *u, uint32_t i) {
  uint64_t v;
  memcpy(&v, (const uint8_t *)u->doff + (size_t)i * 8, 8);
  return v;
}

dtm_unpack *dtm_unpack_new(const uint8_t *buf, size_t len, topics_status *st) {
  *st = TOPICS_EINVAL;
  uint32_t magic, nsurf, ndocs;
  uint64_t ntoks;
  if (len < HEADER_BYTES) return NULL;
  memcpy(&magic, buf, 4);
  memcpy(&nsurf, buf + 4, 4);
  memcpy(&ndocs, buf + 8, 4);
  memcpy(&ntoks, buf + 12, 8);
  /* Each surface takes at least a flag byte and two lengths: a count the bytes cannot hold is
   * refused before anything is allocated for it. */
  if (magic != PACK_MAGIC || nsurf == UINT32_MAX || nsurf > (len - HEADER_BYTES) / 9) return NULL;
  dtm_unpack *u = calloc(1, sizeof *u);
  if (!u) {
    *st = TOPICS_ENOMEM;
    return NULL;
  }
  u->buf = buf;
  u->len = len;
  u->nsurf = nsurf;
  u->ndocs = ndocs;
  u->ntoks = ntoks;
  u->soff = malloc(((size_t)nsurf + 1) * sizeof *u->soff);
  u->map = malloc(((size_t)nsurf + 1) * sizeof *u->map);
  if (!u->soff || !u->map) {
    *st = TOPICS_ENOMEM;
    dtm_unpack_free(u);
    return NULL;
  }
  size_t at = HEADER_BYTES;
  for (uint32_t s = 0; s < nsurf; s++) {
    const char *p;
    uint32_t n;
    u->soff[s] = at;
    u->map[s] = NONE;
    if (len - at < 1 || (at++, !take_str(buf, len, &at, &p, &n)) || !take_str(buf, len, &at, &p, &n)) {
      dtm_unpack_free(u);
      return NULL;
    }
  }
  uint64_t tail;
  size_t offs;
  if (mem_mul(ndocs, 8, &offs) != TOPICS_OK || len - at < offs || len - at - offs < 8) {
    dtm_unpack_free(u);
    return NULL;
  }
  u->doff = (const uint64_t *)(buf + at);
  at += offs;
  memcpy(&tail, buf + at, 8);
  at += 8;
  int ok = tail == ntoks && (len - at) / 4 == ntoks && (len - at) % 4 == 0;
  for (uint32_t i = 0; ok && i < ndocs; i++) {
    uint64_t b = doc_start(u, i), e = i + 1 < ndocs ? doc_start(u, i + 1) : ntoks;
    ok = b <= e && e <= ntoks;
  }
  if (!ok) {
    dtm_unpack_free(u);
    return NULL;
  }
  u->toks = buf + at;
  *st = TOPICS_OK;
  return u;
}

void dtm_unpack_free(dtm_unpack *u) {
  if (!u) return;
  free(u->soff);
  free(u->map);
  free(u->scratch);
  free(u);
}

uint32_t dtm_unpack_ndocs(const dtm_unpack *u) { return u->ndocs; }

/* dst's sid for packed surface s, interned on first use. */
static topics_status map_surface(dtm_unpack *u, uint32_t s, dtm_builder *dst, uint32_t *out) {
  if (u->map[s] != NONE) {
    *out = u->map[s];
    return TOPICS_OK;
  }
  size_t at = u->soff[s];
  uint8_t flags = u->buf[at++];
  const char *key = NULL, *surf = NULL;
  uint32_t kl = 0, sl = 0;
  /* (dtm_unpack_new checked that both fit) */
  if (!take_str(u->buf, u->len, &at, &key, &kl) || !take_str(u->buf, u->len, &at, &surf, &sl))
    return TOPICS_EINVAL;
  topics_status st = dtm_builder_surface_marked(dst, key, kl, surf, sl, flags, &u->map[s]);
  *out = u->map[s];
  return st;
}

topics_status dtm_unpack_doc(dtm_unpack *u, uint32_t i, dtm_builder *dst) {
  if (i >= u->ndocs) return TOPICS_EINVAL;
  uint64_t b = doc_start(u, i), e = i + 1 < u->ndocs ? doc_start(u, i + 1) : u->ntoks;
  size_t n = (size_t)(e - b);
  if (n == 0) return TOPICS_OK;
  if (MEM_RESERVE(u->scratch, u->scratch_cap, n) != TOPICS_OK) return TOPICS_ENOMEM;
  memcpy(u->scratch, u->toks + (size_t)b * 4, n * 4);
  for (size_t j = 0; j < n; j++) {
    uint32_t s = u->scratch[j];
    if (s == DTM_GAP || s == DTM_HYPHEN) continue;
    if (s >= u->nsurf) return TOPICS_EINVAL;
    topics_status st = map_surface(u, s, dst, &u->scratch[j]);
    if (st != TOPICS_OK) return st;
  }
  return dtm_builder_add(dst, u->scratch, n);
}
