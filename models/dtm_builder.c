/* Collects talks as surface ids and freezes them into a dtm: document frequencies, the
 * --min-df/--max-df filter, term numbering (descending corpus frequency, then key bytes) and the
 * display word of each term (its most frequent surface, ties by bytes), and the documents whose own
 * most frequent surface of a term differs from it. */
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/strmap.h"
#include "models/dtm_int.h"

dtm_builder *dtm_builder_new(void) {
  dtm_builder *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  b->surfaces = strmap_new();
  b->keys = strmap_new();
  if (!b->surfaces || !b->keys) {
    dtm_builder_free(b);
    return NULL;
  }
  return b;
}

void dtm_builder_free(dtm_builder *b) {
  if (!b) return;
  strmap_free(b->surfaces);
  strmap_free(b->keys);
  free(b->surf_key);
  free(b->surf_flags);
  free(b->poff);
  free(b->parts);
  free(b->toks);
  free(b->hyph);
  free(b->doc_off);
  free(b);
}

topics_status dtm_builder_surface_marked(dtm_builder *b, const char *term, size_t tlen,
                                         const char *surface, size_t slen, unsigned flags,
                                         uint32_t *sid) {
  int added = 0;
  topics_status st = strmap_intern(b->surfaces, surface, slen, sid, &added);
  if (st != TOPICS_OK || !added) return st;
  uint32_t kid;
  if ((st = strmap_intern(b->keys, term, tlen, &kid, NULL)) != TOPICS_OK) return st;
  if ((st = MEM_RESERVE(b->surf_key, b->surf_cap, (size_t)*sid + 1)) != TOPICS_OK ||
      (st = MEM_RESERVE(b->surf_flags, b->flags_cap, (size_t)*sid + 1)) != TOPICS_OK)
    return st;
  b->surf_key[*sid] = kid;
  b->surf_flags[*sid] = (uint8_t)flags;
  return TOPICS_OK;
}

topics_status dtm_builder_surface(dtm_builder *b, const char *term, size_t tlen, const char *surface,
                                  size_t slen, uint32_t *sid) {
  return dtm_builder_surface_marked(b, term, tlen, surface, slen, 0, sid);
}

topics_status dtm_builder_begin_doc(dtm_builder *b) {
  if (b->ndocs >= UINT32_MAX - 1) return TOPICS_ELIMIT;
  topics_status st = MEM_RESERVE(b->doc_off, b->doc_cap, b->ndocs + 1);
  if (st != TOPICS_OK) return st;
  b->doc_off[b->ndocs++] = b->ntoks;
  return TOPICS_OK;
}

topics_status dtm_builder_add(dtm_builder *b, const uint32_t *sids, size_t n) {
  if (b->ndocs == 0) return TOPICS_EINVAL; /* no dtm_builder_begin_doc yet */
  size_t need;
  if (mem_add(b->ntoks, n, &need) != TOPICS_OK) return TOPICS_ENOMEM;
  if (need - b->doc_off[b->ndocs - 1] > UINT32_MAX) return TOPICS_ELIMIT; /* doc length is 32-bit */
  uint32_t nsurf = strmap_count(b->surfaces);
  uint64_t marks = 0;
  size_t nh = 0;
  for (size_t i = 0; i < n; i++) {
    if (sids[i] == DTM_GAP || sids[i] == DTM_HYPHEN) {
      marks++;
      nh += sids[i] == DTM_HYPHEN;
      continue;
    }
    if (sids[i] >= nsurf) return TOPICS_EINVAL;
    marks += b->surf_flags[sids[i]] & DTM_PIECE;
  }
  topics_status st = MEM_RESERVE(b->toks, b->toks_cap, need);
  if (st == TOPICS_OK && nh) st = MEM_RESERVE(b->hyph, b->hyph_cap, b->nhyph + nh);
  if (st != TOPICS_OK) return st;
  b->nmarks += marks;
  if (n) memcpy(b->toks + b->ntoks, sids, n * sizeof *sids);
  for (size_t i = 0; nh && i < n; i++)
    if (sids[i] == DTM_HYPHEN) {
      b->toks[b->ntoks + i] = DTM_GAP;
      b->hyph[b->nhyph++] = b->ntoks + i;
    }
  b->ntoks = need;
  return TOPICS_OK;
}

dtm_options dtm_default_options(void) {
  dtm_options o = {2, -1.0};
  return o;
}

/* Byte order of two NUL-free strings with lengths; a proper prefix sorts first. */
static int cmp_bytes(const char *a, size_t al, const char *b, size_t bl) {
  int c = memcmp(a, b, al < bl ? al : bl);
  if (c) return c;
  return (al > bl) - (al < bl);
}

/* qsort has no user pointer in C11, so each record carries its own sort keys. */
typedef struct term_rec {
  uint64_t cf;
  const char *key;
  size_t klen;
  uint32_t kid;
} term_rec;

static int cmp_term_rec(const void *pa, const void *pb) {
  const term_rec *a = pa, *b = pb;
  if (a->cf != b->cf) return a->cf > b->cf ? -1 : 1;
  return cmp_bytes(a->key, a->klen, b->key, b->klen);
}

/* Surface a beats surface b as a display word (counts ca, cb): more often seen, then the
 * corpus-wide display word g, then by bytes. */
static int surf_beats(const dtm_builder *b, uint32_t a, uint64_t ca, uint32_t bb, uint64_t cb,
                      uint32_t g) {
  if (ca != cb) return ca > cb;
  if (a == g || bb == g) return a == g;
  size_t al, bl;
  const char *as = strmap_str(b->surfaces, a, &al), *bs = strmap_str(b->surfaces, bb, &bl);
  return cmp_bytes(as, al, bs, bl) < 0;
}

static int cmp_u64_pair(const void *pa, const void *pb) {
  const uint64_t *a = pa, *b = pb;
  return (*a > *b) - (*a < *b);
}

/* The per-document display words (dtm_doc_word): for each document, each kept term whose most
 * frequent surface there is not its corpus-wide display word best[k]. One pass over the tokens with
 * per-surface counters that are reset after each document, so the cost is linear in the tokens. */
static topics_status doc_words(const dtm_builder *b, const uint32_t *kterm, const uint32_t *best,
                               dtm *m) {
  uint32_t nsurf = strmap_count(b->surfaces), ndocs = (uint32_t)b->ndocs;
  topics_status st = TOPICS_ENOMEM;
  uint32_t *cnt = calloc(nsurf ? nsurf : 1, sizeof *cnt);      /* surface -> count in this doc */
  uint32_t *dbest = malloc((nsurf ? nsurf : 1) * sizeof *dbest); /* key id -> this doc's pick */
  uint32_t *sidx = malloc((nsurf ? nsurf : 1) * sizeof *sidx);   /* surface -> index in xstr */
  uint32_t *seen = NULL, *keys = NULL;
  uint64_t *pairs = NULL; /* (term << 32 | surface) of one document, sorted */
  size_t seen_cap = 0, keys_cap = 0, pairs_cap = 0, nx = 0, xcap = 0, scap = 0;
  if (!cnt || !dbest || !sidx || !(m->xoff = malloc(((size_t)ndocs + 1) * sizeof *m->xoff)))
    goto done;
  /* dbest is indexed by key id; there are never more keys than surfaces */
  for (uint32_t i = 0; i < nsurf; i++) dbest[i] = sidx[i] = UINT32_MAX;
  for (uint32_t d = 0; d < ndocs; d++) {
    m->xoff[d] = nx;
    size_t end = d + 1 < ndocs ? (size_t)b->doc_off[d + 1] : b->ntoks, nseen = 0, nkeys = 0;
    int variant = 0;
    for (size_t i = (size_t)b->doc_off[d]; i < end; i++) {
      uint32_t s = b->toks[i], k = b->surf_key[s];
      if (kterm[k] == UINT32_MAX) continue;
      if (cnt[s]++ == 0) {
        if (MEM_RESERVE(seen, seen_cap, nseen + 1) != TOPICS_OK) goto done;
        seen[nseen++] = s;
      }
      variant |= s != best[k];
    }
    size_t np = 0;
    if (variant) {
      for (size_t i = 0; i < nseen; i++) {
        uint32_t s = seen[i], k = b->surf_key[s], c = dbest[k];
        if (c == UINT32_MAX) {
          if (MEM_RESERVE(keys, keys_cap, nkeys + 1) != TOPICS_OK) goto done;
          keys[nkeys++] = k;
          dbest[k] = s;
        } else if (surf_beats(b, s, cnt[s], c, cnt[c], best[k])) {
          dbest[k] = s;
        }
      }
      for (size_t i = 0; i < nkeys; i++) {
        uint32_t k = keys[i];
        if (dbest[k] != best[k]) {
          if (MEM_RESERVE(pairs, pairs_cap, np + 1) != TOPICS_OK) goto done;
          pairs[np++] = (uint64_t)kterm[k] << 32 | dbest[k];
        }
        dbest[k] = UINT32_MAX;
      }
      if (np > 1) qsort(pairs, np, sizeof *pairs, cmp_u64_pair);
    }
    for (size_t i = 0; i < nseen; i++) cnt[seen[i]] = 0;
    if (np && (MEM_RESERVE(m->xterm, xcap, nx + np) != TOPICS_OK ||
               MEM_RESERVE(m->xword, scap, nx + np) != TOPICS_OK))
      goto done;
    for (size_t i = 0; i < np; i++) {
      uint32_t s = (uint32_t)pairs[i];
      if (sidx[s] == UINT32_MAX) { /* a new string: grow xstr one by one (they are few) */
        size_t sl;
        const char *ss = strmap_str(b->surfaces, s, &sl);
        char **nxs = realloc(m->xstr, ((size_t)m->nxstr + 1) * sizeof *nxs);
        if (!nxs) goto done;
        m->xstr = nxs;
        if (!(m->xstr[m->nxstr] = mem_strndup(ss, sl))) goto done;
        sidx[s] = m->nxstr++;
      }
      m->xterm[nx] = (uint32_t)(pairs[i] >> 32);
      m->xword[nx] = sidx[s];
      nx++;
    }
  }
  m->xoff[ndocs] = nx;
  if (nx == 0) { /* every document agrees with the corpus */
    free(m->xoff);
    m->xoff = NULL;
  }
  st = TOPICS_OK;
done:
  free(cnt);
  free(dbest);
  free(sidx);
  free(seen);
  free(keys);
  free(pairs);
  return st;
}

/* The parts of each phrase term, as term ids (kterm maps key ids to them). */
static topics_status phrase_parts(const dtm_builder *b, const uint32_t *kterm, const term_rec *recs,
                                  dtm *m) {
  size_t total = 0;
  for (uint32_t t = 0; t < m->nterms; t++) {
    uint32_t k = recs[t].kid;
    if (k >= b->pkey0 && k - b->pkey0 < b->npoff && b->poff[k - b->pkey0] != UINT32_MAX)
      total += 1 + (size_t)b->parts[b->poff[k - b->pkey0]];
  }
  if (total == 0) return TOPICS_OK;
  if (total > UINT32_MAX - 1) return TOPICS_ELIMIT;
  m->poff = malloc((size_t)m->nterms * sizeof *m->poff);
  m->parts = malloc(total * sizeof *m->parts);
  if (!m->poff || !m->parts) return TOPICS_ENOMEM;
  uint32_t at = 0;
  for (uint32_t t = 0; t < m->nterms; t++) {
    uint32_t k = recs[t].kid;
    m->poff[t] = UINT32_MAX;
    if (k < b->pkey0 || k - b->pkey0 >= b->npoff || b->poff[k - b->pkey0] == UINT32_MAX) continue;
    const uint32_t *p = b->parts + b->poff[k - b->pkey0];
    m->poff[t] = at;
    m->parts[at++] = p[0];
    for (uint32_t i = 1; i <= p[0]; i++) m->parts[at++] = kterm[p[i]];
  }
  return TOPICS_OK;
}

topics_status dtm_build(const dtm_builder *b, const dtm_options *opt, dtm **out) {
  *out = NULL;
  if (b->nmarks) return TOPICS_EINVAL; /* gaps and pieces are for dtm_builder_phrases */
  dtm_options o = opt ? *opt : dtm_default_options();
  uint32_t nkeys = strmap_count(b->keys), nsurf = strmap_count(b->surfaces);
  uint32_t ndocs = (uint32_t)b->ndocs;
  topics_status st = TOPICS_ENOMEM;
  uint64_t *kcf = calloc(nkeys ? nkeys : 1, sizeof *kcf);
  uint32_t *kdf = calloc(nkeys ? nkeys : 1, sizeof *kdf);
  uint32_t *klast = malloc((nkeys ? nkeys : 1) * sizeof *klast); /* last doc seen + 1 */
  uint64_t *scf = calloc(nsurf ? nsurf : 1, sizeof *scf);
  uint32_t *kterm = malloc((nkeys ? nkeys : 1) * sizeof *kterm); /* key id -> term id or MAX */
  uint32_t *best = malloc((nkeys ? nkeys : 1) * sizeof *best);   /* key id -> display sid */
  term_rec *recs = malloc((nkeys ? nkeys : 1) * sizeof *recs);
  dtm *m = dtm_alloc_();
  if (!kcf || !kdf || !klast || !scf || !kterm || !best || !recs || !m) goto done;
  memset(klast, 0, (nkeys ? nkeys : 1) * sizeof *klast);

  for (uint32_t d = 0; d < ndocs; d++) {
    size_t end = d + 1 < ndocs ? (size_t)b->doc_off[d + 1] : b->ntoks;
    for (size_t i = (size_t)b->doc_off[d]; i < end; i++) {
      uint32_t s = b->toks[i], k = b->surf_key[s];
      scf[s]++;
      kcf[k]++;
      if (klast[k] != d + 1) {
        klast[k] = d + 1;
        kdf[k]++;
      }
    }
  }

  /* max_df < 0 is the default rule: half the documents, only once there are 20 of them, because
   * in a handful of talks a term in "more than half" of them is still informative. */
  double limit = (double)ndocs + 1.0;
  if (o.max_df < 0) {
    if (ndocs >= 20) limit = 0.5 * ndocs;
  } else {
    limit = o.max_df * ndocs;
  }
  uint32_t nterms = 0;
  for (uint32_t k = 0; k < nkeys; k++) {
    kterm[k] = UINT32_MAX;
    if (kcf[k] == 0 || kdf[k] < o.min_df || (double)kdf[k] > limit) continue;
    size_t kl;
    const char *ks = strmap_str(b->keys, k, &kl);
    recs[nterms++] = (term_rec){kcf[k], ks, kl, k};
  }
  qsort(recs, nterms, sizeof *recs, cmp_term_rec);
  for (uint32_t t = 0; t < nterms; t++) kterm[recs[t].kid] = t;

  /* Display word: the surface seen most often, ties by bytes. */
  for (uint32_t k = 0; k < nkeys; k++) best[k] = UINT32_MAX;
  for (uint32_t s = 0; s < nsurf; s++) {
    uint32_t k = b->surf_key[s];
    if (kterm[k] == UINT32_MAX || scf[s] == 0) continue;
    uint32_t c = best[k];
    if (c == UINT32_MAX || scf[s] > scf[c]) {
      best[k] = s;
    } else if (scf[s] == scf[c]) {
      size_t al, bl;
      const char *as = strmap_str(b->surfaces, s, &al), *bs = strmap_str(b->surfaces, c, &bl);
      if (cmp_bytes(as, al, bs, bl) < 0) best[k] = s;
    }
  }

  m->ndocs = ndocs;
  m->nterms = nterms;
  m->ntokens_raw = b->ntoks;
  m->doc_off = malloc(((size_t)ndocs + 1) * sizeof *m->doc_off);
  m->keys = calloc(nterms ? nterms : 1, sizeof *m->keys);
  m->words = calloc(nterms ? nterms : 1, sizeof *m->words);
  m->words_owned = calloc(nterms ? nterms : 1, 1);
  if (!m->doc_off || !m->keys || !m->words || !m->words_owned) goto done;
  for (uint32_t t = 0; t < nterms; t++) {
    m->keys[t] = mem_strndup(recs[t].key, recs[t].klen);
    if (!m->keys[t]) goto done;
    size_t sl;
    const char *ss = strmap_str(b->surfaces, best[recs[t].kid], &sl);
    if (sl == recs[t].klen && memcmp(ss, recs[t].key, sl) == 0) {
      m->words[t] = m->keys[t];
    } else {
      if (!(m->words[t] = mem_strndup(ss, sl))) goto done;
      m->words_owned[t] = 1;
    }
  }
  uint64_t kept = 0;
  for (size_t i = 0; i < b->ntoks; i++) kept += kterm[b->surf_key[b->toks[i]]] != UINT32_MAX;
  m->ntokens = kept;
  m->ids = malloc((kept ? (size_t)kept : 1) * sizeof *m->ids);
  if (!m->ids) goto done;
  size_t at = 0;
  for (uint32_t d = 0; d < ndocs; d++) {
    m->doc_off[d] = at;
    size_t end = d + 1 < ndocs ? (size_t)b->doc_off[d + 1] : b->ntoks;
    for (size_t i = (size_t)b->doc_off[d]; i < end; i++) {
      uint32_t t = kterm[b->surf_key[b->toks[i]]];
      if (t != UINT32_MAX) m->ids[at++] = t;
    }
  }
  m->doc_off[ndocs] = at;
  if ((st = dtm_finish_(m)) != TOPICS_OK) goto done;
  if ((st = doc_words(b, kterm, best, m)) != TOPICS_OK) goto done;
  if ((st = phrase_parts(b, kterm, recs, m)) != TOPICS_OK) goto done;
  *out = m;
  m = NULL;
  st = TOPICS_OK;
done:
  dtm_free(m);
  free(kcf);
  free(kdf);
  free(klast);
  free(scf);
  free(kterm);
  free(best);
  free(recs);
  return st;
}
