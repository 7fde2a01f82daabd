/* Packing term-matrix builders and merging them (models/dtm_pack.h): a generated corpus with
 * phrases, gaps and single-character pieces, split into shares dealt out in blocks as the MPI
 * run deals talks, packed and merged back in input order, must give exactly the term matrix one
 * builder of the whole corpus gives (terms, display words, phrases, documents, counts), with and
 * without the phrase pass; damaged packs are refused. */
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "models/dtm.h"
#include "models/dtm_pack.h"

#define NDOCS 300
#define NSURF 120
#define BLOCK 16

typedef struct corpus {
  uint32_t *len;
  uint32_t **tok; /* surface numbers, NSURF for a gap */
} corpus;

/* Surface s: spelling "wS" or "WS" (two spellings per key), key "kS/2"; every 10th is a piece. */
static topics_status intern(dtm_builder *b, uint32_t s, uint32_t *sid) {
  char key[16], surf[16];
  snprintf(key, sizeof key, "k%u", s / 2);
  snprintf(surf, sizeof surf, "%c%u", s % 2 ? 'W' : 'w', s / 2);
  unsigned flags = s % 10 == 9 ? DTM_PIECE : 0;
  return dtm_builder_surface_marked(b, key, strlen(key), surf, strlen(surf), flags, sid);
}

static void make(corpus *c, unsigned long seed) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  c->len = calloc(NDOCS, sizeof *c->len);
  c->tok = calloc(NDOCS, sizeof *c->tok);
  for (uint32_t d = 0; d < NDOCS; d++) {
    c->len[d] = d % 37 == 5 ? 0 : 20 + (uint32_t)gsl_rng_uniform_int(r, 60); /* some empty */
    c->tok[d] = malloc((c->len[d] + 1) * sizeof **c->tok);
    for (uint32_t i = 0; i < c->len[d]; i++) {
      uint32_t u = (uint32_t)gsl_rng_uniform_int(r, 100);
      /* frequent collocations (keys k0 k1 and k2 k3, in either spelling) make phrases */
      if (u < 8 && i + 1 < c->len[d]) c->tok[d][i] = u % 2, c->tok[d][++i] = 2 + u % 2;
      else if (u < 14 && i + 1 < c->len[d]) c->tok[d][i] = 4, c->tok[d][++i] = 6;
      else if (u < 20) c->tok[d][i] = NSURF; /* a gap */
      else c->tok[d][i] = 8 + (uint32_t)(gsl_rng_uniform_int(r, NSURF - 8) * gsl_rng_uniform(r));
    }
  }
  gsl_rng_free(r);
}

/* Adds documents d with keep(d) to b, interning surfaces as they first occur. */
static void feed(dtm_builder *b, const corpus *c, int share, int nshares) {
  uint32_t map[NSURF];
  for (uint32_t s = 0; s < NSURF; s++) map[s] = UINT32_MAX;
  for (uint32_t d = 0; d < NDOCS; d++) {
    if (share >= 0 && (int)((d / BLOCK) % (uint32_t)nshares) != share) continue;
    CHECK(dtm_builder_begin_doc(b) == TOPICS_OK);
    for (uint32_t i = 0; i < c->len[d]; i++) {
      uint32_t s = c->tok[d][i], sid = DTM_GAP;
      if (s < NSURF) {
        if (map[s] == UINT32_MAX) CHECK(intern(b, s, &map[s]) == TOPICS_OK);
        sid = map[s];
      }
      CHECK(dtm_builder_add(b, &sid, 1) == TOPICS_OK);
    }
  }
}

static void same_dtm(const dtm *a, const dtm *b) {
  CHECK(dtm_ndocs(a) == dtm_ndocs(b));
  CHECK(dtm_nterms(a) == dtm_nterms(b));
  CHECK(dtm_ntokens(a) == dtm_ntokens(b));
  CHECK(dtm_ntokens_raw(a) == dtm_ntokens_raw(b));
  if (dtm_nterms(a) != dtm_nterms(b) || dtm_ndocs(a) != dtm_ndocs(b)) return;
  int terms = 1, docs = 1;
  for (uint32_t t = 0; t < dtm_nterms(a); t++)
    terms &= strcmp(dtm_term_key(a, t), dtm_term_key(b, t)) == 0 &&
             strcmp(dtm_term_word(a, t), dtm_term_word(b, t)) == 0 &&
             dtm_term_nwords(a, t) == dtm_term_nwords(b, t) && dtm_term_df(a, t) == dtm_term_df(b, t);
  for (uint32_t d = 0; d < dtm_ndocs(a); d++) {
    uint32_t la, lb;
    const uint32_t *x = dtm_doc(a, d, &la), *y = dtm_doc(b, d, &lb);
    docs &= la == lb && (la == 0 || memcmp(x, y, la * sizeof *x) == 0);
  }
  CHECK_MSG(terms, "terms differ");
  CHECK_MSG(docs, "documents differ");
}

static void test_merge(const corpus *c, int nshares, int phrases) {
  dtm_builder *whole = dtm_builder_new();
  feed(whole, c, -1, 1);
  uint8_t *buf[4];
  size_t len[4];
  dtm_unpack *u[4];
  for (int s = 0; s < nshares; s++) {
    dtm_builder *part = dtm_builder_new();
    feed(part, c, s, nshares);
    CHECK(dtm_pack(part, &buf[s], &len[s]) == TOPICS_OK);
    dtm_builder_free(part);
    topics_status st;
    u[s] = dtm_unpack_new(buf[s], len[s], &st);
    CHECK(u[s] != NULL && st == TOPICS_OK);
  }
  dtm_builder *merged = dtm_builder_new();
  uint32_t next[4] = {0};
  for (uint32_t d = 0; d < NDOCS; d++) {
    uint32_t s = (d / BLOCK) % (uint32_t)nshares;
    CHECK(dtm_builder_begin_doc(merged) == TOPICS_OK);
    CHECK(dtm_unpack_doc(u[s], next[s]++, merged) == TOPICS_OK);
  }
  dtm_phrase_options po = dtm_phrase_default_options();
  if (!phrases) po.max_words = 1;
  CHECK(dtm_builder_phrases(whole, &po) == TOPICS_OK);
  CHECK(dtm_builder_phrases(merged, &po) == TOPICS_OK);
  dtm_options o = dtm_default_options();
  o.max_df = 1.0; /* the collocations are in most documents */
  dtm *a = NULL, *b = NULL;
  CHECK(dtm_build(whole, &o, &a) == TOPICS_OK);
  CHECK(dtm_build(merged, &o, &b) == TOPICS_OK);
  if (a && b) {
    same_dtm(a, b);
    uint32_t phr = 0;
    for (uint32_t t = 0; t < dtm_nterms(a); t++) phr += dtm_term_nwords(a, t) > 1;
    CHECK(phrases ? phr > 0 : phr == 0); /* the corpus does exercise the phrase pass */
  }
  /* A packed builder that already went through the phrase pass is refused. */
  uint8_t *late = NULL;
  size_t late_len;
  CHECK(dtm_pack(whole, &late, &late_len) == (phrases ? TOPICS_EINVAL : TOPICS_OK));
  free(late);
  dtm_free(a);
  dtm_free(b);
  dtm_builder_free(whole);
  dtm_builder_free(merged);
  for (int s = 0; s < nshares; s++) {
    dtm_unpack_free(u[s]);
    free(buf[s]);
  }
}

static void test_damaged(const corpus *c) {
  dtm_builder *b = dtm_builder_new();
  feed(b, c, -1, 1);
  uint8_t *buf;
  size_t len;
  CHECK(dtm_pack(b, &buf, &len) == TOPICS_OK);
  topics_status st;
  int refused = 1;
  /* Every truncation is refused, never read past. */
  for (size_t cut = 0; cut < len; cut += 1 + cut / 3) {
    dtm_unpack *u = dtm_unpack_new(buf, cut, &st);
    refused &= u == NULL && st == TOPICS_EINVAL;
    dtm_unpack_free(u);
  }
  CHECK(refused);
  buf[0] ^= 1; /* magic */
  CHECK(dtm_unpack_new(buf, len, &st) == NULL && st == TOPICS_EINVAL);
  free(buf);
  dtm_builder_free(b);
}

int main(void) {
  static corpus c;
  make(&c, 5);
  for (int n = 1; n <= 4; n++) test_merge(&c, n, 1);
  test_merge(&c, 3, 0);
  test_damaged(&c);
  for (uint32_t d = 0; d < NDOCS; d++) free(c.tok[d]);
  free(c.tok);
  free(c.len);
  return check_done();
}
