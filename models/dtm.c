/* The frozen term matrix: accessors, freeing, the CSR/df/cf pass shared by both constructors, and
 * dtm_from_ids for synthetic corpora. */
#include "models/dtm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

dtm *dtm_alloc_(void) { return calloc(1, sizeof(dtm)); }

void dtm_free(dtm *m) {
  if (!m) return;
  for (uint32_t t = 0; m->keys && t < m->nterms; t++) {
    if (m->words_owned && m->words_owned[t]) free(m->words[t]);
    free(m->keys[t]);
  }
  free(m->keys);
  free(m->words);
  free(m->words_owned);
  free(m->doc_off);
  free(m->ids);
  free(m->rows);
  free(m->cols);
  free(m->vals);
  free(m->df);
  free(m->cf);
  for (uint32_t i = 0; m->xstr && i < m->nxstr; i++) free(m->xstr[i]);
  free(m->xstr);
  free(m->xoff);
  free(m->xterm);
  free(m->xword);
  free(m->poff);
  free(m->parts);
  free(m);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

topics_status dtm_finish_(dtm *m) {
  size_t n = (size_t)m->ntokens;
  m->df = calloc(m->nterms ? m->nterms : 1, sizeof *m->df);
  m->cf = calloc(m->nterms ? m->nterms : 1, sizeof *m->cf);
  m->rows = calloc((size_t)m->ndocs + 1, sizeof *m->rows);
  /* The number of non-zeros is at most the token count; shrinking afterwards is not worth it. */
  m->cols = malloc((n ? n : 1) * sizeof *m->cols);
  m->vals = malloc((n ? n : 1) * sizeof *m->vals);
  uint32_t *scratch = NULL;
  size_t cap = 0;
  if (!m->df || !m->cf || !m->rows || !m->cols || !m->vals) return TOPICS_ENOMEM;
  uint64_t nnz = 0;
  for (uint32_t d = 0; d < m->ndocs; d++) {
    size_t len = (size_t)(m->doc_off[d + 1] - m->doc_off[d]);
    if (MEM_RESERVE(scratch, cap, len ? len : 1) != TOPICS_OK) {
      free(scratch);
      return TOPICS_ENOMEM;
    }
    memcpy(scratch, m->ids + m->doc_off[d], len * sizeof *scratch);
    qsort(scratch, len, sizeof *scratch, cmp_u32);
    for (size_t i = 0; i < len;) {
      size_t j = i;
      while (j < len && scratch[j] == scratch[i]) j++;
      m->cols[nnz] = scratch[i];
      m->vals[nnz] = (uint32_t)(j - i);
      m->df[scratch[i]]++;
      m->cf[scratch[i]] += j - i;
      nnz++;
      i = j;
    }
    m->rows[d + 1] = nnz;
  }
  free(scratch);
  return TOPICS_OK;
}

topics_status dtm_from_ids(uint32_t ndocs, const uint32_t *const *docs, const uint32_t *lens,
                           uint32_t nterms, const char *const *words, dtm **out) {
  *out = NULL;
  dtm *m = dtm_alloc_();
  if (!m) return TOPICS_ENOMEM;
  m->ndocs = ndocs;
  m->nterms = nterms;
  topics_status st = TOPICS_ENOMEM;
  m->doc_off = malloc(((size_t)ndocs + 1) * sizeof *m->doc_off);
  if (!m->doc_off) goto fail;
  m->doc_off[0] = 0;
  for (uint32_t d = 0; d < ndocs; d++) m->doc_off[d + 1] = m->doc_off[d] + lens[d];
  m->ntokens = m->ntokens_raw = m->doc_off[ndocs];
  if (m->ntokens > SIZE_MAX / sizeof(uint32_t)) goto fail;
  m->ids = malloc((m->ntokens ? (size_t)m->ntokens : 1) * sizeof *m->ids);
  if (!m->ids) goto fail;
  for (uint32_t d = 0; d < ndocs; d++) {
    for (uint32_t i = 0; i < lens[d]; i++) {
      if (docs[d][i] >= nterms) {
        st = TOPICS_EINVAL;
        goto fail;
      }
    }
    if (lens[d]) memcpy(m->ids + m->doc_off[d], docs[d], (size_t)lens[d] * sizeof(uint32_t));
  }
  m->keys = calloc(nterms ? nterms : 1, sizeof *m->keys);
  m->words = calloc(nterms ? nterms : 1, sizeof *m->words);
  m->words_owned = calloc(nterms ? nterms : 1, 1);
  if (!m->keys || !m->words || !m->words_owned) goto fail;
  for (uint32_t t = 0; t < nterms; t++) {
    char buf[24];
    const char *w = words && words[t] ? words[t] : NULL;
    if (!w) {
      snprintf(buf, sizeof buf, "w%u", (unsigned)t);
      w = buf;
    }
    m->keys[t] = mem_strndup(w, strlen(w));
    if (!m->keys[t]) goto fail;
    m->words[t] = m->keys[t];
  }
  if ((st = dtm_finish_(m)) != TOPICS_OK) goto fail;
  *out = m;
  return TOPICS_OK;
fail:
  dtm_free(m);
  return st;
}

uint32_t dtm_ndocs(const dtm *m) { return m->ndocs; }
uint32_t dtm_nterms(const dtm *m) { return m->nterms; }
uint64_t dtm_ntokens(const dtm *m) { return m->ntokens; }
uint64_t dtm_ntokens_raw(const dtm *m) { return m->ntokens_raw; }

const uint32_t *dtm_doc(const dtm *m, uint32_t d, uint32_t *len) {
  *len = (uint32_t)(m->doc_off[d + 1] - m->doc_off[d]);
  return m->ids + m->doc_off[d];
}

const uint64_t *dtm_csr_rows(const dtm *m) { return m->rows; }
const uint32_t *dtm_csr_cols(const dtm *m) { return m->cols; }
const uint32_t *dtm_csr_vals(const dtm *m) { return m->vals; }
const char *dtm_term_key(const dtm *m, uint32_t t) { return m->keys[t]; }
const char *dtm_term_word(const dtm *m, uint32_t t) { return m->words[t]; }

const char *dtm_doc_word(const dtm *m, uint32_t d, uint32_t t) {
  if (!m->xoff || d >= m->ndocs) return m->words[t];
  uint64_t lo = m->xoff[d], hi = m->xoff[d + 1];
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (m->xterm[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo < m->xoff[d + 1] && m->xterm[lo] == t ? m->xstr[m->xword[lo]] : m->words[t];
}
uint32_t dtm_term_nwords(const dtm *m, uint32_t t) {
  return m->poff && m->poff[t] != UINT32_MAX ? m->parts[m->poff[t]] : 1;
}

const uint32_t *dtm_term_parts(const dtm *m, uint32_t t, uint32_t *n) {
  if (!m->poff || m->poff[t] == UINT32_MAX) {
    *n = 1;
    return NULL;
  }
  *n = m->parts[m->poff[t]];
  return m->parts + m->poff[t] + 1;
}

uint32_t dtm_term_df(const dtm *m, uint32_t t) { return m->df[t]; }
uint64_t dtm_term_cf(const dtm *m, uint32_t t) { return m->cf[t]; }
