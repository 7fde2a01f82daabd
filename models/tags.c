/* Per-talk keyword tags.
 *
 * The main command and `topics tags` score the talk's own word stretches (models/keycand.h: every
 * run of 1-4 consecutive content words, never across punctuation, a line end, a number or a
 * stopword, but across the hyphen of a compound such as AC-TEM), so a keyphrase is found whether
 * or not it is frequent enough to be a term:
 *
 *   score(p, d) = (1 + ln tf_p) · position(p, d) · Σ_w (1 + ln tf_w) · idf(w) / √n · (1 + idf(p))
 *
 * over the n words w of stretch p. The sum of the words' TF-IDF weights says how much of the
 * talk's subject the stretch covers (as graph rankers such as SingleRank sum their word scores),
 * and dividing by √n instead of n lets a phrase of two informative words beat either word while a
 * long run of ordinary words does not win by length alone. The stretch's own idf (its document
 * frequency as a whole, smoothed as below, with the background list's frequency of the joined
 * Han string) sinks stock phrases (`recent years`, 研究方法) whose words look informative.
 * A stretch of several words must recur (twice in the talk, or in two talks): a one-off run of
 * words is mostly a clause, not a name (`felix team run nightly`). One exception, for text
 * without Han: a stretch said once that is a whole run (a break on both sides) and whose last
 * word recurs in the talk. Stopwords and punctuation cut English into short runs that are mostly
 * noun phrases (the observation behind RAKE), English noun phrases end in their head noun, and a
 * talk names its subjects' heads again (`maintenance scheduling` ... `scheduling`), while a
 * clause ends in a verb or adverb said once (`grace teaches`), and a cut such as `provincial
 * seismic` from `chinese provincial seismic networks` is arbitrary. Where WordNet's dictionary
 * files are installed, the word classes they give keep recurring clauses out too (clause_like:
 * `loss caused`, `explained pytest fixtures`). Chinese runs are
 * clause-long, with few breaks, so there the rule stays. A stretch that begins or ends inside a
 * hyphenated compound (`tem` of `AC-TEM`, `semi` of `semi-classical`) is never a tag: a part of
 * a compound names no subject by itself.
 * position is as below; the noise rule and the every-talk rule hold for one-word stretches, and
 * a single Han character is a candidate only inside a longer stretch. Shown: each word in the
 * spelling the corpus uses most (Han words as the talk writes them), joined by a space, or
 * without one where Han meets (循环肿瘤细胞, Lyapunov函数).
 *
 * The term-based score below serves `topics infer`, whose talks are seen through a saved model's
 * vocabulary:
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
 * the list is Chinese) gets Q_UNKNOWN, a typical content word; a stretch of n such words gets
 * Q_UNKNOWN^n, since the chance of meeting a given phrase is about the product of its words'
 * chances, far below any one word's (one typical word's prior would rank `tangent stiffness
 * matrix` as common as `matrix`). For keyphrase stretches without Han, the English list
 * (WordNet's SemCor sense counts, a lemma's senses summed, read only when such stretches exist)
 * refines this: a word of relative frequency f there gets q = 1 − (1 − Q_UNKNOWN) · exp(−L · f),
 * Q_UNKNOWN for a word the list never saw (SemCor's quarter million tags miss most technical
 * words, which are not thereby rarer than a typical one), rising towards 1 for `use` or `year`; a
 * stretch gets the product of its words' q, or its own q when the list holds it as a lemma
 * (`take off`) and that is larger. B = 100: with a dozen talks the
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

#include "common/diag.h"
#include "common/mem.h"
#include "models/background.h"
#include "models/wordclass.h"
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
    for (uint32_t i = 0; docs[d].words && i < docs[d].n; i++) free(docs[d].words[i]);
    free(docs[d].words);
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

/* td->words from the terms' display words in document d. */
static topics_status name_terms(const dtm *m, uint32_t d, tags_doc *td) {
  if (td->n == 0) return TOPICS_OK;
  if (!(td->words = calloc(td->n, sizeof *td->words))) return TOPICS_ENOMEM;
  for (uint32_t i = 0; i < td->n; i++)
    if (!(td->words[i] = mem_strndup(dtm_doc_word(m, d, td->terms[i]), strlen(dtm_doc_word(m, d, td->terms[i]))))) return TOPICS_ENOMEM;
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
    if (st == TOPICS_OK) st = name_terms(m, d, &docs[d]);
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

/* ---- tags from the talks' own word stretches ---- */

typedef struct kc_tagger {
  const kc_set *s;
  const tags_options *o;
  double *idf;    /* per candidate */
  uint8_t *known; /* per candidate: the background list holds it */
  uint32_t *slot; /* per candidate: its index among the current document's candidates */
  wc_map *wc;     /* English word classes of the corpus's spellings, NULL without WordNet */
  char *buf;
  size_t cap;
} kc_tagger;

static const char *cand_key(void *ud, uint32_t c, size_t *len) {
  kc_tagger *t = ud;
  return kc_key(t->s, c, &t->buf, &t->cap, len) == TOPICS_OK ? t->buf : NULL;
}

/* The English list's frequencies of the candidates, read only when some candidate is one the
 * Chinese list could not judge (f[c] < 0 for those, or f NULL when none was read). *en is left
 * zeroed when there is no English list; one named by the environment that cannot be read is
 * reported and not used. */
static topics_status en_freqs(kc_tagger *t, const double *f, bg_freq *en) {
  uint32_t C = kc_ncands(t->s), c = 0;
  while (f && c < C && f[c] >= 0) c++;
  if (c == C) return TOPICS_OK;
  int named;
  const char *path = bg_en_path(&named);
  topics_status st = path ? bg_read_en_keys(path, C, cand_key, t, en) : TOPICS_ENOENT;
  if (st == TOPICS_ENOENT && path && named)
    diag_warn(path, 0, "cannot open the English word counts named by " BG_WORDNET_ENV);
  return st == TOPICS_ENOMEM ? st : TOPICS_OK;
}

/* The English word classes of the stream's spellings (t->wc), from the WordNet files beside the
 * English list (in the working directory when its name has no directory); left NULL without an
 * English list or without the files. */
static topics_status en_classes(kc_tagger *t) {
  int named;
  const char *path = bg_en_path(&named);
  if (!path) return TOPICS_OK;
  const char *slash = strrchr(path, '/');
  char dir[4096] = ".";
  size_t dl = slash ? (size_t)(slash - path) : 0;
  if (dl >= sizeof dir) return TOPICS_OK;
  if (slash) {
    memcpy(dir, path, dl);
    dir[dl] = '\0';
  }
  wc_map *wc = wc_new();
  topics_status st = wc ? TOPICS_OK : TOPICS_ENOMEM;
  uint32_t n = wc ? kc_nspellings(t->s) : 0;
  for (uint32_t i = 0; i < n && st == TOPICS_OK; i++) {
    size_t len;
    const char *w = kc_spelling(t->s, i, &len);
    st = wc_want(wc, w, len);
  }
  if (st == TOPICS_OK) st = wc_read_dir(wc, dir, path);
  if (st == TOPICS_OK) {
    t->wc = wc;
    return TOPICS_OK;
  }
  wc_free(wc);
  return st == TOPICS_ENOMEM ? st : TOPICS_OK;
}

/* 1 when occurrence o of document d reads as a piece of a clause, not a name. English noun
 * phrases end in their head noun, so a stretch is no name when its last word is no noun but a
 * verb's past form (`loss caused`, `demonstrated`) or -s form (`team deploys`), or an adverb and
 * nothing else (`renaming columns afterwards`); nor when it starts with the past form of a common
 * verb that is no adjective (`explained pytest fixtures`), as narrative does. A participle of a
 * rarer verb before a noun is mostly technical (`injected charges`, `chirped laser pulses`) and
 * stays; so does a hyphenated compound (`navier-stokes`), whose parts are no clause, and a last
 * word written with a capital, a name (`Twisted`). */
static int clause_like(const kc_tagger *t, uint32_t d, const kc_occ *o) {
  const kc_set *s = t->s;
  uint32_t n = kc_nunits(s, o->cand);
  size_t len;
  int hyphen;
  const char *w = kc_occ_word(s, d, o, n - 1, &len, &hyphen);
  int name = len && w[0] >= 'A' && w[0] <= 'Z'; /* as written there: `Twisted`, `Stokes` */
  unsigned c = hyphen || name ? 0 : wc_class(t->wc, w, len);
  if (!(c & WC_NOUN) && ((c & (WC_PAST | WC_VERB3)) || (c & (WC_ADV | WC_VERB | WC_ADJ)) == WC_ADV))
    return 1;
  if (n == 1) return 0;
  w = kc_occ_word(s, d, o, 0, &len, &hyphen);
  c = wc_class(t->wc, w, len);
  return (c & (WC_PAST | WC_COMMON)) == (WC_PAST | WC_COMMON) && !(c & (WC_NOUN | WC_ADJ));
}

/* q of a word or phrase the English list can judge (see the top of the file). */
static double en_q(const kc_set *s, const double *fe, double L, uint32_t c) {
  double whole = 1.0 - (1.0 - Q_UNKNOWN) * exp(-L * fe[c]);
  uint32_t nu = kc_nunits(s, c);
  if (nu == 1) return whole;
  double prod = 1.0;
  for (uint32_t i = 0; i < nu; i++) prod *= 1.0 - (1.0 - Q_UNKNOWN) * exp(-L * fe[kc_unit(s, c, i)]);
  return fe[c] > 0 && whole > prod ? whole : prod;
}

/* The smoothed idf of every candidate (see the top of the file), with the background lists'
 * frequency of its joined key where a list can judge it. */
static topics_status cand_idf(kc_tagger *t) {
  const kc_set *s = t->s;
  uint32_t C = kc_ncands(s), D = kc_ndocs(s);
  bg_freq bg = {0}, en = {0};
  topics_status st = t->o->background ? bg_read_keys(t->o->background, C, cand_key, t, &bg)
                                      : TOPICS_ENOENT;
  if (st == TOPICS_ENOMEM) return st;
  if (t->o->background && en_freqs(t, st == TOPICS_OK ? bg.rel : NULL, &en) != TOPICS_OK) {
    bg_freq_clear(&bg);
    return TOPICS_ENOMEM;
  }
  uint64_t toks = 0;
  for (uint32_t d = 0; d < D; d++) {
    uint32_t n, len;
    kc_doc(s, d, &n, &len);
    toks += len;
  }
  double L = D ? (double)toks / D : 0.0;
  for (uint32_t c = 0; c < C; c++) {
    double f = st == TOPICS_OK ? bg.rel[c] : -1.0, q;
    if (f >= 0) q = 1.0 - exp(-L * f);
    else if (en.rel && en.rel[c] >= 0) q = en_q(s, en.rel, L, c);
    else q = pow(Q_UNKNOWN, kc_nunits(s, c));
    t->known[c] = f > 0 || (en.rel && en.rel[c] > 0);
    t->idf[c] = log((D + BG_DOCS + 1.0) / (kc_df(s, c) + BG_DOCS * q + 1.0));
  }
  bg_freq_clear(&bg);
  bg_freq_clear(&en);
  return TOPICS_OK;
}

typedef struct kcand {
  double score;
  uint32_t cand, occ;
} kcand;

static int cmp_kcand(const void *pa, const void *pb) {
  const kcand *a = pa, *b = pb;
  if (a->score != b->score) return a->score > b->score ? -1 : 1;
  return (a->cand > b->cand) - (a->cand < b->cand);
}

/* The score of occurrence o of a document of len stream positions whose candidates are occs
 * (t->slot finds a word's entry among them); see the top of the file. */
static double cand_score(const kc_tagger *t, const kc_occ *occs, const kc_occ *o, uint32_t len) {
  const kc_set *s = t->s;
  uint32_t nu = kc_nunits(s, o->cand);
  double pos = len ? 1.0 + POS_GAIN * (1.0 - (double)o->first / len) : 1.0;
  double words = 0;
  for (uint32_t i = 0; i < nu; i++) {
    const kc_occ *w = &occs[t->slot[kc_unit(s, o->cand, i)]];
    words += (1.0 + log((double)w->tf)) * t->idf[w->cand];
  }
  return (1.0 + log((double)o->tf)) * pos * words / sqrt((double)nu) * (1.0 + t->idf[o->cand]);
}

/* 1 when the stretch of occurrence o, seen once in the corpus, is still a phrase: no Han, a whole
 * run, and its last word (the head of an English noun phrase) recurs in the talk. */
static int once_phrase(const kc_tagger *t, const kc_occ *occs, const kc_occ *o) {
  const kc_set *s = t->s;
  uint32_t head = kc_unit(s, o->cand, kc_nunits(s, o->cand) - 1);
  return !kc_is_han(s, o->cand) && o->whole && occs[t->slot[head]].tf >= 2;
}

/* Picks up to o->ntags of the n sorted candidates of document d, skipping parts of picked ones,
 * and names them. */
static topics_status kc_pick(kc_tagger *t, uint32_t d, const kc_occ *occs, const kcand *c,
                             size_t n, tags_doc *td) {
  uint32_t ntags = t->o->ntags, cap = n < ntags ? (uint32_t)n : ntags;
  if (cap == 0) return TOPICS_OK;
  td->terms = malloc(cap * sizeof *td->terms);
  td->scores = malloc(cap * sizeof *td->scores);
  td->words = calloc(cap, sizeof *td->words);
  char **keys = calloc(cap, sizeof *keys);
  topics_status st = td->terms && td->scores && td->words && keys ? TOPICS_OK : TOPICS_ENOMEM;
  size_t klen;
  for (size_t i = 0; st == TOPICS_OK && i < n && td->n < cap; i++) {
    if ((st = kc_key(t->s, c[i].cand, &t->buf, &t->cap, &klen)) != TOPICS_OK) break;
    int part = 0;
    for (uint32_t j = 0; j < td->n && !part; j++) part = is_part(t->buf, keys[j]);
    if (part) continue;
    if (!(keys[td->n] = mem_strndup(t->buf, klen))) st = TOPICS_ENOMEM;
    if (st == TOPICS_OK) st = kc_display(t->s, d, &occs[c[i].occ], &t->buf, &t->cap, &klen);
    if (st == TOPICS_OK && !(td->words[td->n] = mem_strndup(t->buf, klen))) st = TOPICS_ENOMEM;
    if (st != TOPICS_OK) break;
    td->terms[td->n] = c[i].cand;
    td->scores[td->n++] = c[i].score;
  }
  for (uint32_t j = 0; keys && j < cap; j++) free(keys[j]);
  free(keys);
  return st;
}

topics_status tags_from_cands(const kc_set *s, const tags_options *o, tags_doc **out) {
  *out = NULL;
  uint32_t D = kc_ndocs(s), C = kc_ncands(s);
  kc_tagger t = {s, o, NULL, NULL, NULL, NULL, NULL, 0};
  tags_doc *docs = calloc(D ? D : 1, sizeof *docs);
  t.idf = malloc((C ? C : 1) * sizeof *t.idf);
  t.known = malloc(C ? C : 1);
  t.slot = malloc((C ? C : 1) * sizeof *t.slot);
  uint32_t maxn = 0;
  for (uint32_t d = 0; d < D; d++) {
    uint32_t n, len;
    kc_doc(s, d, &n, &len);
    if (n > maxn) maxn = n;
  }
  kcand *c = malloc((maxn ? maxn : 1) * sizeof *c);
  topics_status st = docs && t.idf && t.known && t.slot && c ? TOPICS_OK : TOPICS_ENOMEM;
  if (st == TOPICS_OK && o->ntags > 0) st = cand_idf(&t);
  if (st == TOPICS_OK && o->ntags > 0 && o->background) st = en_classes(&t);
  for (uint32_t d = 0; st == TOPICS_OK && o->ntags > 0 && d < D; d++) {
    uint32_t n, len;
    const kc_occ *occs = kc_doc(s, d, &n, &len);
    for (uint32_t i = 0; i < n; i++) t.slot[occs[i].cand] = i;
    size_t nc = 0;
    for (uint32_t i = 0; i < n; i++) {
      const kc_occ *oc = &occs[i];
      uint32_t df = kc_df(s, oc->cand);
      if (!kc_is_tag(s, oc->cand) || oc->cut) continue; /* a compound's part names no subject */
      if (t.wc && !kc_is_han(s, oc->cand) && clause_like(&t, d, oc)) continue;
      if (D > 1 && df == D) continue; /* tells no talk from another */
      if (kc_nunits(s, oc->cand) == 1 && oc->tf < 2 && df < 2 && !t.known[oc->cand])
        continue; /* one-off noise */
      if (kc_nunits(s, oc->cand) > 1 && oc->tf < 2 && df < 2 && !once_phrase(&t, occs, oc))
        continue; /* a phrase recurs (see the top of the file) */
      double sc = cand_score(&t, occs, oc, len);
      if (sc > 0) c[nc++] = (kcand){sc, oc->cand, i};
    }
    qsort(c, nc, sizeof *c, cmp_kcand);
    st = kc_pick(&t, d, occs, c, nc, &docs[d]);
  }
  free(c);
  free(t.idf);
  free(t.known);
  free(t.slot);
  wc_free(t.wc);
  free(t.buf);
  if (st != TOPICS_OK) {
    tags_free(docs, D);
    return st;
  }
  *out = docs;
  return TOPICS_OK;
}

topics_status tags_from_stream(const dtm_builder *b, int phrases, uint32_t ntags, tags_doc **out,
                               uint32_t *ndocs) {
  *out = NULL;
  *ndocs = 0;
  kc_set *cands;
  topics_status st = kc_collect(b, phrases ? 4 : 1, &cands);
  if (st != TOPICS_OK) return st;
  tags_options to = tags_default_options();
  to.ntags = ntags;
  st = tags_from_cands(cands, &to, out);
  if (st == TOPICS_OK) *ndocs = kc_ndocs(cands);
  kc_free(cands);
  return st;
}
