/* The model file: writer (to a FILE *, so that the output folder's temporary-then-rename writer
 * can hold it) and a loader that checks every length, id and number before using it. The byte
 * layout is in docs/model-format.md; the reader below follows it field by field. */
#include "models/model_file.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/mem.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull
#define HEADER_BYTES 24u /* magic, version, reserved, payload length */
#define TRAILER_BYTES 8u /* checksum */
#define MAX_K 65535u     /* the sampler keeps a topic in 16 bits */
#define MAX_PARTS 64u

/* FNV-1a 64 over data[0..n): cheap, and any flipped byte changes it. */
static uint64_t fnv1a64(const unsigned char *p, size_t n) {
  uint64_t h = FNV_OFFSET;
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= FNV_PRIME;
  }
  return h;
}

/* ---- writing: the payload is built in memory, then written behind its header ---- */

typedef struct wbuf {
  unsigned char *p;
  size_t n, cap;
  int oom;
} wbuf;

static void wb_bytes(wbuf *b, const void *s, size_t n) {
  size_t need;
  if (b->oom || mem_add(b->n, n, &need) != TOPICS_OK || MEM_RESERVE(b->p, b->cap, need) != TOPICS_OK) {
    b->oom = 1;
    return;
  }
  if (n) memcpy(b->p + b->n, s, n);
  b->n = need;
}

/* Little-endian on every host. */
static void put_le(unsigned char *out, uint64_t x, unsigned bytes) {
  for (unsigned i = 0; i < bytes; i++) out[i] = (unsigned char)(x >> (8 * i));
}

static void wb_u32(wbuf *b, uint32_t x) {
  unsigned char t[4];
  put_le(t, x, 4);
  wb_bytes(b, t, 4);
}

static void wb_u64(wbuf *b, uint64_t x) {
  unsigned char t[8];
  put_le(t, x, 8);
  wb_bytes(b, t, 8);
}

static void wb_f64(wbuf *b, double x) {
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  wb_u64(b, u);
}

static void wb_str(wbuf *b, const char *s) {
  size_t n = s ? strlen(s) : 0;
  if (n > UINT32_MAX) {
    b->oom = 1;
    return;
  }
  wb_u32(b, (uint32_t)n);
  wb_bytes(b, s, n);
}

/* One topic's counts, recovered exactly from the smoothed distribution the public API gives:
 * phi = (n + beta) / (n_k + V beta), and counts are integers far below 2^53. */
static void wb_topic(wbuf *b, const lda *model, uint32_t t, uint32_t v, double *phi) {
  double beta = lda_beta(model);
  double den = (double)lda_topic_tokens(model, t) + (double)v * beta;
  lda_topic_word_dist(model, t, phi);
  uint32_t nnz = 0;
  for (uint32_t w = 0; w < v; w++)
    if (llround(phi[w] * den - beta) > 0) nnz++;
  wb_u32(b, nnz);
  for (uint32_t w = 0; w < v; w++) {
    long long c = llround(phi[w] * den - beta);
    if (c <= 0) continue;
    wb_u32(b, w);
    wb_u32(b, c > (long long)UINT32_MAX ? UINT32_MAX : (uint32_t)c);
  }
}

static topics_status build_payload(wbuf *b, const mf_save_info *in, volatile sig_atomic_t *stop) {
  const lda *model = in->model;
  const dtm *m = in->m;
  uint32_t k = lda_k(model), v = dtm_nterms(m);
  wb_str(b, TOPICS_VERSION);
  wb_u32(b, k);
  wb_u32(b, v);
  wb_u32(b, lda_iterations(model));
  wb_u64(b, in->seed);
  wb_f64(b, lda_beta(model));
  const double *alpha = lda_alpha(model);
  for (uint32_t t = 0; t < k; t++) wb_f64(b, alpha[t]);
  wb_u32(b, in->fold_han ? 1 : 0);
  wb_u32(b, in->phrases ? 1 : 0);
  wb_u32(b, in->keep_code ? 1 : 0);
  wb_u32(b, in->nstop);
  for (uint32_t i = 0; i < in->nstop; i++) wb_str(b, in->stop[i]);
  wb_u32(b, in->ndict);
  for (uint32_t i = 0; i < in->ndict; i++) wb_str(b, in->dict[i]);
  for (uint32_t t = 0; t < v; t++) {
    if (stop && *stop && t % 4096 == 0) return TOPICS_EINTR;
    wb_str(b, dtm_term_key(m, t));
    wb_str(b, dtm_term_word(m, t));
    uint32_t n = 1;
    const uint32_t *parts = dtm_term_parts(m, t, &n);
    if (!parts) n = 1;
    wb_u32(b, n);
    for (uint32_t i = 0; parts && i < n; i++) wb_u32(b, parts[i]);
  }
  size_t bytes;
  if (mem_mul(v ? v : 1, sizeof(double), &bytes) != TOPICS_OK) return TOPICS_ENOMEM;
  double *phi = malloc(bytes);
  if (!phi) return TOPICS_ENOMEM;
  for (uint32_t t = 0; t < k; t++) {
    if (stop && *stop) {
      free(phi);
      return TOPICS_EINTR;
    }
    wb_topic(b, model, t, v, phi);
  }
  free(phi);
  return b->oom ? TOPICS_ENOMEM : TOPICS_OK;
}

topics_status mf_write(FILE *f, const mf_save_info *in) {
  return mf_write_fill(f, (void *)in, NULL);
}

topics_status mf_write_fill(FILE *f, void *ud, volatile sig_atomic_t *stop) {
  const mf_save_info *in = ud;
  if (!in || !in->model || !in->m) return TOPICS_EINVAL;
  wbuf b = {0};
  topics_status st = build_payload(&b, in, stop);
  if (st == TOPICS_OK) {
    unsigned char head[HEADER_BYTES], tail[TRAILER_BYTES];
    memcpy(head, MF_MAGIC, 8);
    put_le(head + 8, MF_FORMAT_VERSION, 4);
    put_le(head + 12, 0, 4);
    put_le(head + 16, b.n, 8);
    put_le(tail, fnv1a64(b.p, b.n), 8);
    if (fwrite(head, 1, sizeof head, f) != sizeof head || fwrite(b.p, 1, b.n, f) != b.n ||
        fwrite(tail, 1, sizeof tail, f) != sizeof tail)
      st = TOPICS_EIO;
  }
  free(b.p);
  return st;
}

/* ---- reading ---- */

typedef struct rbuf {
  const unsigned char *p;
  size_t n, at;
  char *err;
  size_t errlen;
  int bad;
  char *arena; /* NUL-terminated copies of the strings */
  size_t arena_at;
} rbuf;

static int fail(rbuf *r, const char *what) {
  if (!r->bad) snprintf(r->err, r->errlen, "damaged model file: %s", what);
  r->bad = 1;
  return 0;
}

static uint64_t get_le(const unsigned char *p, unsigned bytes) {
  uint64_t x = 0;
  for (unsigned i = 0; i < bytes; i++) x |= (uint64_t)p[i] << (8 * i);
  return x;
}

static int rd_u32(rbuf *r, uint32_t *x, const char *what) {
  if (r->bad) return 0;
  if (r->n - r->at < 4) return fail(r, what);
  *x = (uint32_t)get_le(r->p + r->at, 4);
  r->at += 4;
  return 1;
}

static int rd_u64(rbuf *r, uint64_t *x, const char *what) {
  if (r->bad) return 0;
  if (r->n - r->at < 8) return fail(r, what);
  *x = get_le(r->p + r->at, 8);
  r->at += 8;
  return 1;
}

/* A finite positive double. */
static int rd_pos(rbuf *r, double *x, const char *what) {
  uint64_t u;
  if (!rd_u64(r, &u, what)) return 0;
  memcpy(x, &u, sizeof *x);
  if (!isfinite(*x) || *x <= 0) return fail(r, what);
  return 1;
}

/* A string without NUL bytes, copied into the arena (which the payload's size bounds). */
static int rd_str(rbuf *r, char **s, int nonempty, const char *what) {
  uint32_t len;
  if (!rd_u32(r, &len, what)) return 0;
  if (r->n - r->at < len || (nonempty && len == 0)) return fail(r, what);
  if (memchr(r->p + r->at, 0, len)) return fail(r, what);
  *s = r->arena + r->arena_at;
  memcpy(*s, r->p + r->at, len);
  (*s)[len] = '\0';
  r->arena_at += (size_t)len + 1;
  r->at += len;
  return 1;
}

/* n pointers, when the rest of the payload can hold n items of at least min_bytes each. */
static int rd_array(rbuf *r, void **out, uint64_t n, size_t elem, size_t min_bytes,
                    const char *what) {
  if (r->bad) return 0;
  if (n > (r->n - r->at) / min_bytes) return fail(r, what);
  size_t bytes;
  if (mem_mul((size_t)n + 1, elem, &bytes) != TOPICS_OK || !(*out = calloc(1, bytes))) {
    snprintf(r->err, r->errlen, "%s", topics_strerror(TOPICS_ENOMEM));
    r->bad = 2;
    return 0;
  }
  return 1;
}

static int rd_list(rbuf *r, char ***list, uint32_t *n, const char *what) {
  if (!rd_u32(r, n, what) || !rd_array(r, (void **)list, *n, sizeof **list, 4, what)) return 0;
  for (uint32_t i = 0; i < *n; i++)
    if (!rd_str(r, &(*list)[i], 1, what)) return 0;
  return 1;
}

static int rd_terms(rbuf *r, mf_model *md) {
  if (!rd_array(r, (void **)&md->keys, md->v, sizeof *md->keys, 13, "vocabulary") ||
      !rd_array(r, (void **)&md->words, md->v, sizeof *md->words, 1, "vocabulary") ||
      !rd_array(r, (void **)&md->nwords, md->v, sizeof *md->nwords, 1, "vocabulary") ||
      !rd_array(r, (void **)&md->parts_off, md->v, sizeof *md->parts_off, 1, "vocabulary"))
    return 0;
  size_t cap = 0, np = 0;
  for (uint32_t t = 0; t < md->v; t++) {
    uint32_t nw;
    if (!rd_str(r, &md->keys[t], 1, "term key") || !rd_str(r, &md->words[t], 0, "term word") ||
        !rd_u32(r, &nw, "term parts"))
      return 0;
    if (nw == 0 || nw > MAX_PARTS) return fail(r, "term parts");
    md->nwords[t] = nw;
    md->parts_off[t] = np;
    if (nw == 1) continue;
    if (MEM_RESERVE(md->parts, cap, np + nw) != TOPICS_OK) return fail(r, "out of memory");
    for (uint32_t i = 0; i < nw; i++) {
      uint32_t p;
      if (!rd_u32(r, &p, "term parts")) return 0;
      if (p != UINT32_MAX && p >= md->v) return fail(r, "phrase part out of range");
      md->parts[np++] = p;
    }
  }
  md->parts_off[md->v] = np;
  return 1;
}

static int rd_counts(rbuf *r, mf_model *md) {
  if (!rd_array(r, (void **)&md->row_off, md->k, sizeof *md->row_off, 4, "topic counts") ||
      !rd_array(r, (void **)&md->topic_tokens, md->k, sizeof *md->topic_tokens, 1, "topic counts"))
    return 0;
  size_t cap = 0, cap2 = 0, nz = 0;
  for (uint32_t t = 0; t < md->k; t++) {
    uint32_t nnz;
    if (!rd_u32(r, &nnz, "topic counts")) return 0;
    if (nnz > md->v || nnz > (r->n - r->at) / 8) return fail(r, "topic counts");
    md->row_off[t] = nz;
    if (MEM_RESERVE(md->terms, cap, nz + nnz + 1) != TOPICS_OK ||
        MEM_RESERVE(md->counts, cap2, nz + nnz + 1) != TOPICS_OK)
      return fail(r, "out of memory");
    uint64_t sum = 0;
    for (uint32_t i = 0; i < nnz; i++) {
      uint32_t w, c;
      if (!rd_u32(r, &w, "topic counts") || !rd_u32(r, &c, "topic counts")) return 0;
      if (w >= md->v || (i && w <= md->terms[nz - 1]) || c == 0)
        return fail(r, "topic counts out of order or range");
      md->terms[nz] = w;
      md->counts[nz++] = c;
      sum += c;
    }
    md->topic_tokens[t] = sum;
  }
  md->row_off[md->k] = nz;
  return 1;
}

static int rd_payload(rbuf *r, mf_model *md) {
  uint32_t fold, phr, code;
  if (!rd_str(r, &md->tool_version, 0, "header") || !rd_u32(r, &md->k, "header") ||
      !rd_u32(r, &md->v, "header") || !rd_u32(r, &md->iterations, "header") ||
      !rd_u64(r, &md->seed, "header") || !rd_pos(r, &md->beta, "beta"))
    return 0;
  if (md->k == 0 || md->k > MAX_K || md->v == 0) return fail(r, "topic or term count");
  if (!rd_array(r, (void **)&md->alpha, md->k, sizeof *md->alpha, 8, "alpha")) return 0;
  for (uint32_t t = 0; t < md->k; t++)
    if (!rd_pos(r, &md->alpha[t], "alpha")) return 0;
  if (!rd_u32(r, &fold, "settings") || !rd_u32(r, &phr, "settings") ||
      !rd_u32(r, &code, "settings"))
    return 0;
  if (fold > 1 || phr > 1 || code > 1) return fail(r, "settings");
  md->fold_han = (int)fold;
  md->phrases = (int)phr;
  md->keep_code = (int)code;
  if (!rd_list(r, &md->stop, &md->nstop, "stopwords") || !rd_list(r, &md->dict, &md->ndict, "dictionary"))
    return 0;
  if (!rd_terms(r, md) || !rd_counts(r, md)) return 0;
  if (r->at != r->n) return fail(r, "bytes after the topic counts");
  /* Keys must be distinct: infer maps text to terms through them. */
  strmap *idx = strmap_new();
  if (!idx) return fail(r, "out of memory");
  for (uint32_t t = 0; t < md->v; t++) {
    uint32_t id;
    int added;
    if (strmap_intern(idx, md->keys[t], strlen(md->keys[t]), &id, &added) != TOPICS_OK) {
      strmap_free(idx);
      return fail(r, "out of memory");
    }
    if (!added) {
      strmap_free(idx);
      return fail(r, "a term key appears twice");
    }
  }
  md->index = idx;
  return 1;
}

topics_status mf_parse(const unsigned char *data, size_t n, mf_model **out, char *err,
                       size_t errlen) {
  *out = NULL;
  char dummy[8];
  if (!err || errlen == 0) {
    err = dummy;
    errlen = sizeof dummy;
  }
  err[0] = '\0';
  if (n < 8 || memcmp(data, MF_MAGIC, 8) != 0) {
    snprintf(err, errlen, "not a topics model file (no model.topics magic number)");
    return TOPICS_EPARSE;
  }
  if (n < HEADER_BYTES) {
    snprintf(err, errlen, "damaged model file: truncated header");
    return TOPICS_EPARSE;
  }
  uint32_t version = (uint32_t)get_le(data + 8, 4);
  if (version != MF_FORMAT_VERSION) {
    snprintf(err, errlen, "model file format version %u, but this topics reads version %u: "
             "train the model again with this version", version, MF_FORMAT_VERSION);
    return TOPICS_EINVAL;
  }
  uint64_t plen = get_le(data + 16, 8);
  if (get_le(data + 12, 4) != 0 || plen != (uint64_t)(n - HEADER_BYTES) - TRAILER_BYTES ||
      n < HEADER_BYTES + TRAILER_BYTES) {
    snprintf(err, errlen, "damaged model file: truncated or extended (length does not match)");
    return TOPICS_EPARSE;
  }
  const unsigned char *payload = data + HEADER_BYTES;
  if (fnv1a64(payload, (size_t)plen) != get_le(payload + plen, 8)) {
    snprintf(err, errlen, "damaged model file: checksum mismatch");
    return TOPICS_EPARSE;
  }
  mf_model *md = calloc(1, sizeof *md);
  rbuf r = {payload, (size_t)plen, 0, err, errlen, 0, NULL, 0};
  if (md) r.arena = malloc((size_t)plen + 1);
  if (!md || !r.arena) {
    free(md);
    free(r.arena);
    snprintf(err, errlen, "%s", topics_strerror(TOPICS_ENOMEM));
    return TOPICS_ENOMEM;
  }
  md->arena = r.arena;
  if (!rd_payload(&r, md)) {
    topics_status st = r.bad == 2 ? TOPICS_ENOMEM : TOPICS_EPARSE;
    mf_free(md);
    return st;
  }
  *out = md;
  return TOPICS_OK;
}

topics_status mf_load(const char *path, mf_model **out) {
  *out = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) {
    int e = errno;
    diag_error(path, 0, "cannot open the model: %s", strerror(e));
    return e == ENOENT ? TOPICS_ENOENT : TOPICS_EIO;
  }
  unsigned char *buf = NULL;
  size_t n = 0, cap = 0;
  topics_status st = TOPICS_OK;
  for (;;) {
    if (MEM_RESERVE(buf, cap, n + 65536) != TOPICS_OK) {
      st = TOPICS_ENOMEM;
      break;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) {
      if (ferror(f)) st = TOPICS_EIO;
      break;
    }
  }
  int e = errno;
  fclose(f);
  if (st != TOPICS_OK) {
    diag_error(path, 0, "cannot read the model: %s",
               st == TOPICS_EIO ? strerror(e) : topics_strerror(st));
    free(buf);
    return st;
  }
  char err[256];
  st = mf_parse(buf ? buf : (const unsigned char *)"", n, out, err, sizeof err);
  free(buf);
  if (st != TOPICS_OK) diag_error(path, 0, "%s", err);
  return st;
}

int mf_find(const mf_model *md, const char *key, size_t len, uint32_t *t) {
  return strmap_find(md->index, key, len, t);
}

void mf_free(mf_model *md) {
  if (!md) return;
  free(md->alpha);
  free(md->stop);
  free(md->dict);
  free(md->keys);
  free(md->words);
  free(md->nwords);
  free(md->parts_off);
  free(md->parts);
  free(md->row_off);
  free(md->terms);
  free(md->counts);
  free(md->topic_tokens);
  strmap_free(md->index);
  free(md->arena);
  free(md);
}

/* ---- word lists (the same comment rule as the lexicon's files) ---- */

static void trim(const char **s, size_t *len) {
  const char *p = *s;
  size_t n = *len;
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '#' && (i == 0 || p[i - 1] == ' ' || p[i - 1] == '\t')) {
      n = i;
      break;
    }
  }
  while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r')) n--;
  while (n > 0 && (p[0] == ' ' || p[0] == '\t')) {
    p++;
    n--;
  }
  *s = p;
  *len = n;
}

topics_status mf_read_list(const char *path, char ***out, uint32_t *n) {
  *out = NULL;
  *n = 0;
  FILE *f = fopen(path, "r");
  if (!f) {
    diag_error(path, 0, "cannot open: %s", strerror(errno));
    return TOPICS_EIO;
  }
  char *line = NULL;
  size_t lcap = 0, cap = 0;
  ssize_t got;
  topics_status st = TOPICS_OK;
  char **list = NULL;
  uint32_t cnt = 0;
  while ((got = getline(&line, &lcap, f)) >= 0) {
    const char *s = line;
    size_t len = (size_t)got;
    while (len && s[len - 1] == '\n') len--;
    trim(&s, &len);
    if (len == 0 || memchr(s, 0, len)) continue;
    char *copy = mem_strndup(s, len);
    if (!copy || cnt == UINT32_MAX || MEM_RESERVE(list, cap, (size_t)cnt + 1) != TOPICS_OK) {
      free(copy);
      st = TOPICS_ENOMEM;
      break;
    }
    list[cnt++] = copy;
  }
  if (st == TOPICS_OK && ferror(f)) {
    diag_error(path, 0, "cannot read: %s", strerror(errno));
    st = TOPICS_EIO;
  }
  free(line);
  fclose(f);
  if (st != TOPICS_OK) {
    mf_list_free(list, cnt);
    return st;
  }
  *out = list;
  *n = cnt;
  return TOPICS_OK;
}

void mf_list_free(char **list, uint32_t n) {
  for (uint32_t i = 0; list && i < n; i++) free(list[i]);
  free(list);
}
