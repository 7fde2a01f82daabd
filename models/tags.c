/* Per-talk keyword tags.
 *
 *   score(t, d) = (1 + ln tf) · idf(t) · position(t, d) · title(t, d) · length(t)
 *
 * Log-scaled tf keeps one long talk that repeats a word twenty times from drowning everything
 * else.
 *
 * idf(t) = 1 + ln((D + B + 1) / (df + B·q_t + 1)): the corpus's D documents are joined by B
 * pseudo-documents of general language in which term t occurs with probability q_t. When the
 * background word list knows the word, q_t = 1 − exp(−L · f_t), the chance that a document of L
 * tokens (the corpus's mean length) holds a word of relative frequency f_t at least once; a word
 * the list covers but never saw gets q_t = 0, and a word the list cannot judge (it has no Han:
 * the list is Chinese) gets Q_UNKNOWN, a typical content word. B = 100: with a dozen talks the
 * background decides (their df is noise), with thousands the corpus does. Without any list the
 * same formula is plain smoothed idf. The "1 +" keeps a single talk's tags ranked by frequency.
 *
 * position(t, d) = 1 + POS_GAIN · (1 − first/len): the subject of a talk is named in its opening
 * (abstracts, talk descriptions), so a term first seen at the start counts up to 1.5 times one
 * first seen at the end. title(t, d) = TITLE_GAIN for a term of the document's title.
 *
 * length(t) = 1 + LEN_GAIN · (words − 1) for a phrase term (dtm_term_nwords): a phrase names its
 * subject more exactly than any of its words, and its count is already split from theirs, so it
 * gets half a word's worth of credit per extra word.
 *
 * A term in every talk of a corpus of several is never a tag: it tells no talk from another.
 * The noise rule: a term qualifies for a talk only when tf ≥ 2 in that talk, or df ≥ 2 in the
 * corpus, or the background list knows it. A word seen once, in one talk only, unknown to general
 * language, is the typical typo, name fragment or pasted URL piece, and plain idf would rank it
 * highest of all.
 *
 * No tag is a part of a better-ranked tag: `learning` is skipped under `machine learning` and 控制
 * under 控制器, compared on the folded keys (whole words for Latin script, any stretch of Han).
 * Ties are broken by term id, which is the corpus-frequency order, so results are stable. */
#include "models/tags.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/background.h"
#include "tokenize/normalize.h"

#define BG_DOCS 100.0
#define Q_UNKNOWN 0.01
#define POS_GAIN 0.5
#define TITLE_GAIN 2.0
#define LEN_GAIN 0.5

typedef struct cand {
  double score;
  uint32_t term;
} cand;

static int cmp_cand(const void *pa, const void *pb) {
  const cand *a = pa, *b = pb;
  if (a->score != b->score) return a->score > b->score ? -1 : 1;
  return (a->term > b->term) - (a->term < b->term);
}

tags_options tags_default_options(void) {
  tags_options o;
  memset(&o, 0, sizeof o);
  o.ntags = 5;
  o.background = BG_ESSAY_PATH;
  return o;
}

void tags_free(tags_doc *docs, uint32_t ndocs) {
  if (!docs) return;
  for (uint32_t d = 0; d < ndocs; d++) {
    free(docs[d].terms);
    free(docs[d].scores);
  }
  free(docs);
}

/* The code point that ends just before s[p] (s[0..p) well-formed UTF-8, p > 0). */
static unsigned cp_before(const char *s, size_t p) {
  size_t q = p - 1;
  while (q > 0 && ((unsigned char)s[q] & 0xC0) == 0x80) q--;
  return norm_first_cp(s + q, p - q);
}

/* 1 when key a is a part of key b: it occurs in b where it starts and ends at a word edge (the
 * ends of b, a space, or Han on both sides of the edge, since Han phrase parts are joined without
 * a space). */
static int is_part(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la == 0 || la >= lb) return 0;
  int a_cjk_first = norm_is_cjk(norm_first_cp(a, la)), a_cjk_last = norm_is_cjk(norm_last_cp(a, la));
  for (const char *p = strstr(b, a); p; p = strstr(p + 1, a)) {
    size_t off = (size_t)(p - b), end = off + la;
    int left = off == 0 || b[off - 1] == ' ' || (a_cjk_first && norm_is_cjk(cp_before(b, off)));
    int right = end == lb || b[end] == ' ' ||
                (a_cjk_last && norm_is_cjk(norm_first_cp(b + end, lb - end)));
    if (left && right) return 1;
  }
  return 0;
}

/* The document-frequency prior q_t of every term (see the top of the file). */
static topics_status prior_q(const dtm *m, const char *background, double *q, uint8_t *known) {
  uint32_t V = dtm_nterms(m), D = dtm_ndocs(m);
  bg_freq bg = {0};
  topics_status st = background ? bg_read(background, m, &bg) : TOPICS_ENOENT;
  if (st == TOPICS_ENOMEM) return st;
  double L = D ? (double)dtm_ntokens_raw(m) / D : 0.0;
  for (uint32_t t = 0; t < V; t++) {
    double f = st == TOPICS_OK ? bg.rel[t] : -1.0;
    known[t] = f > 0;
    q[t] = f < 0 ? Q_UNKNOWN : 1.0 - exp(-L * f);
  }
  bg_freq_clear(&bg);
  return TOPICS_OK;
}

/* Picks up to ntags of the n sorted candidates into td, skipping parts of picked ones. */
static topics_status pick(const dtm *m, const cand *c, size_t n, uint32_t ntags, tags_doc *td) {
  uint32_t cap = n < ntags ? (uint32_t)n : ntags;
  if (cap == 0) return TOPICS_OK;
  td->terms = malloc(cap * sizeof *td->terms);
  td->scores = malloc(cap * sizeof *td->scores);
  if (!td->terms || !td->scores) return TOPICS_ENOMEM;
  for (size_t i = 0; i < n && td->n < cap; i++) {
    const char *key = dtm_term_key(m, c[i].term);
    int part = 0;
    for (uint32_t j = 0; j < td->n && !part; j++) part = is_part(key, dtm_term_key(m, td->terms[j]));
    if (part) continue;
    td->terms[td->n] = c[i].term;
    td->scores[td->n++] = c[i].score;
  }
  return TOPICS_OK;
}

topics_status tags_compute(const dtm *m, uint32_t ntags, tags_doc **out) {
  tags_options o = tags_default_options();
  o.ntags = ntags;
  return tags_compute_opts(m, &o, out);
}

topics_status tags_compute_opts(const dtm *m, const tags_options *o, tags_doc **out) {
  *out = NULL;
  uint32_t D = dtm_ndocs(m), V = dtm_nterms(m);
  tags_doc *docs = calloc(D ? D : 1, sizeof *docs);
  double *q = malloc((V ? V : 1) * sizeof *q);
  uint8_t *known = malloc(V ? V : 1);
  uint32_t *first = malloc((V ? V : 1) * sizeof *first);
  const uint64_t *rows = dtm_csr_rows(m);
  const uint32_t *cols = dtm_csr_cols(m), *vals = dtm_csr_vals(m);
  uint64_t maxrow = 0;
  for (uint32_t d = 0; d < D; d++)
    if (rows[d + 1] - rows[d] > maxrow) maxrow = rows[d + 1] - rows[d];
  cand *c = malloc((maxrow ? (size_t)maxrow : 1) * sizeof *c);
  topics_status st = docs && q && known && first && c ? TOPICS_OK : TOPICS_ENOMEM;
  if (st == TOPICS_OK && o->ntags > 0) st = prior_q(m, o->background, q, known);
  for (uint32_t t = 0; st == TOPICS_OK && t < V; t++) first[t] = UINT32_MAX;
  for (uint32_t d = 0; st == TOPICS_OK && o->ntags > 0 && d < D; d++) {
    uint32_t len;
    const uint32_t *ids = dtm_doc(m, d, &len);
    for (uint32_t i = len; i-- > 0;) first[ids[i]] = i;
    uint32_t tlen = o->title_lens ? o->title_lens[d] : 0;
    const uint32_t *title = o->title_terms && tlen ? o->title_terms[d] : NULL;
    size_t n = 0;
    for (uint64_t j = rows[d]; j < rows[d + 1]; j++) {
      uint32_t t = cols[j], tf = vals[j], df = dtm_term_df(m, t);
      if (tf < 2 && df < 2 && !known[t]) continue; /* one-off noise */
      if (D > 1 && df == D) continue;              /* tells no talk from another */
      double idf = 1.0 + log((D + BG_DOCS + 1.0) / (df + BG_DOCS * q[t] + 1.0));
      double pos = first[t] < len ? 1.0 + POS_GAIN * (1.0 - (double)first[t] / len) : 1.0;
      double len_prior = 1.0 + LEN_GAIN * (dtm_term_nwords(m, t) - 1);
      double s = (1.0 + log((double)tf)) * idf * pos * len_prior;
      for (uint32_t i = 0; title && i < tlen; i++)
        if (title[i] == t) {
          s *= TITLE_GAIN;
          break;
        }
      if (s <= 0) continue;
      c[n++] = (cand){s, t};
    }
    for (uint32_t i = 0; i < len; i++) first[ids[i]] = UINT32_MAX;
    qsort(c, n, sizeof *c, cmp_cand);
    st = pick(m, c, n, o->ntags, &docs[d]);
  }
  free(c);
  free(q);
  free(known);
  free(first);
  if (st != TOPICS_OK) {
    tags_free(docs, D);
    return st;
  }
  *out = docs;
  return TOPICS_OK;
}
