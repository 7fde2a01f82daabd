/* Tests for the output writers (pipeline/output_*.c, json_write.c): the JSON document is parsed
 * with a small strict parser written here and checked field by field against DESIGN.md; escaping of
 * quotes, backslashes, control characters, bad UTF-8 and CJK; the text report; every file of -o DIR
 * with its format (UCI docword sums, MALLET topic keys, TSV cells); and failure handling: a missing
 * or non-directory target, a stop request, a full disk (RLIMIT_FSIZE in a child) and a write that
 * fails half-way leave earlier results intact and no temporary file behind. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "tests/test_util.h"
#include "common/diag.h"
#include "common/utf8.h"
#include "pipeline/json_write.h"
#include "common/mem.h"
#include "pipeline/output.h"
#include "pipeline/output_int.h"
#include "pipeline/sha256.h"

#include "tests/json_check.h"

/* The parser must itself be strict, or the checks below prove nothing. */
static void test_parser(void) {
  const char *bad[] = {"{\"a\":1,}", "[1,]", "{\"a\":1 \"b\":2}", "[01]", "[1.]", "[.5]",
                       "[nan]", "[inf]", "[\"a\tb\"]", "{\"a\":1,\"a\":2}", "[\"\xff\"]",
                       "[\"\\ud800\"]", "[\"\\x\"]", "{a:1}", "[1] x", "", "[1e]"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    jval v;
    const char *err;
    CHECK_MSG(!jparse(bad[i], strlen(bad[i]), &v, &err), "accepted %s", bad[i]);
  }
  const char *good = "{\"a\": [1, -2.5e-3, 0, true, null], \"b\": \"x\\u00e9\\ud83d\\ude00\\n\"}";
  jval v;
  const char *err;
  CHECK(jparse(good, strlen(good), &v, &err));
  CHECK(jis(jget(&v, "a"), J_ARR) && jget(&v, "a")->n == 5);
  CHECK(jis(jget(&v, "b"), J_STR) && !strcmp(jget(&v, "b")->str, "x\xC3\xA9\xF0\x9F\x98\x80\n"));
  jfree(&v);
}

/* ---------- json_write.h ---------- */

static char *jw_to_string(const char *s) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return NULL;
  jw_string(f, s);
  fclose(f);
  return buf;
}

static void test_json_write(void) {
  struct { const char *in, *out; } cases[] = {
      {"plain", "\"plain\""},
      {"a\"b\\c/d", "\"a\\\"b\\\\c/d\""},
      {"t\tn\nr\rb\bf\f", "\"t\\tn\\nr\\rb\\bf\\f\""},
      {"\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\""},
      {"容器 docker 測試", "\"容器 docker 測試\""},
      {"bad\377x", "\"bad\xEF\xBF\xBDx\""},
      {"cut\xe5\xae", "\"cut\xEF\xBF\xBD\""},
      {"ls\xe2\x80\xa8ps\xe2\x80\xa9", "\"ls\\u2028ps\\u2029\""},
      {"emoji \xF0\x9F\x98\x80", "\"emoji \xF0\x9F\x98\x80\""},
      {"", "\"\""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *got = jw_to_string(cases[i].in);
    CHECK_STREQ(got, cases[i].out);
    free(got);
  }
  char *got = jw_to_string(NULL);
  CHECK_STREQ(got, "\"\"");
  free(got);

  struct { double x; const char *out; } nums[] = {
      {0.034, "0.034"},     {-7.91, "-7.91"},   {0.0, "0"},          {-0.0, "0"},
      {1.0, "1"},           {0.125, "0.125"},   {1.0 / 3, "0.333333"}, {123456.7, "123457"},
      {2.5e-6, "2.5e-6"},   {0.00001, "0.00001"}, {1e20, "1e20"},     {-1.5e-300, "-1.5e-300"},
      {0.9999999, "1"},     {1e15, "1e15"},     {99999949999999.0, "99999900000000"},
      {NAN, "null"},        {INFINITY, "null"}, {-INFINITY, "null"},
  };
  char buf[JW_NUMBUF];
  for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
    CHECK_STREQ(jw_format_number(buf, nums[i].x), nums[i].out);
    /* every finite result reads back within 6 significant digits */
    if (isfinite(nums[i].x) && nums[i].x != 0) {
      double back = strtod(buf, NULL);
      CHECK_MSG(fabs(back - nums[i].x) <= 5e-6 * fabs(nums[i].x), "%s", buf);
    }
  }
  struct { double x; int d; const char *out; } fixed[] = {
      {12.5, 1, "12.5"}, {12.5, 0, "13"}, {-7.91049, 3, "-7.910"}, {-0.0004, 3, "0.000"},
      {0.05, 2, "0.05"}, {99.96, 1, "100.0"}, {3.0, 0, "3"}, {NAN, 1, "n/a"}, {1e16, 2, "1e16"},
  };
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    CHECK_STREQ(jw_format_fixed(buf, fixed[i].x, fixed[i].d), fixed[i].out);
}

/* ---------- a small realistic run ---------- */

/* Three themes, mixed English and Chinese, plus words that need escaping. */
static const char *const WORDS[] = {
    "docker", "容器", "deployment", "kubernetes", "部署", "image",          /* 0..5 deployment */
    "testing", "pytest", "測試", "mock", "fixture", "coverage",            /* 6..11 testing */
    "search", "索引", "elasticsearch", "query", "ranking", "crawler",      /* 12..17 search */
    "say \"hi\" \\o/", "tab\there", "new\nline", "ctl\x01z", "a,b", "<b>&amp;</b>", /* 18..23 */
};
#define NTERMS (sizeof WORDS / sizeof WORDS[0])
#define NDOCS 12
#define DOCLEN 40

typedef struct fixture {
  dtm *m;
  lda *model;
  summary *sum;
  tags_doc *tags;
  out_doc_meta meta[NDOCS];
  char ids[NDOCS][32];
  rd_skipped skipped[2];
  out_run run;
} fixture;

static const char *const TITLES[NDOCS] = {
    "Docker and the web",        "容器化部署實戰",              "Kubernetes \"in\" production",
    "Images\tand layers",        "Testing with pytest",        "單元測試與 mock",
    "Fixtures\nand coverage",    "Back\\slash\001tests",           "Search engines <script>alert(1)</script>",
    "建立索引",                   "Ranking & queries",          "bad utf-8 \xff\xfe title",
};

/* Up to 3 distinct terms with the highest counts in document d (ties by lower term id). */
static void make_tags(fixture *fx) {
  fx->tags = calloc(NDOCS, sizeof *fx->tags);
  const uint64_t *rows = dtm_csr_rows(fx->m);
  const uint32_t *cols = dtm_csr_cols(fx->m), *vals = dtm_csr_vals(fx->m);
  for (uint32_t d = 0; d < NDOCS; d++) {
    tags_doc *td = &fx->tags[d];
    td->terms = calloc(3, sizeof *td->terms);
    td->scores = calloc(3, sizeof *td->scores);
    for (uint32_t j = 0; j < 3; j++) {
      uint64_t best = rows[d + 1];
      for (uint64_t i = rows[d]; i < rows[d + 1]; i++) {
        int taken = 0;
        for (uint32_t q = 0; q < j; q++) taken |= td->terms[q] == cols[i];
        if (!taken && (best == rows[d + 1] || vals[i] > vals[best])) best = i;
      }
      if (best == rows[d + 1]) break;
      td->terms[j] = cols[best];
      td->scores[j] = vals[best];
      td->n = j + 1;
    }
  }
  /* document 0 always carries the words that need escaping */
  fx->tags[0].n = 3;
  fx->tags[0].terms[0] = 18;
  fx->tags[0].terms[1] = 19;
  fx->tags[0].terms[2] = 22;
  for (uint32_t d = 0; d < NDOCS; d++) { /* shown as the terms' display words in the talk */
    tags_doc *td = &fx->tags[d];
    td->words = calloc(3, sizeof *td->words);
    for (uint32_t j = 0; j < td->n; j++) {
      const char *w = dtm_doc_word(fx->m, d, td->terms[j]);
      td->words[j] = mem_strndup(w, strlen(w));
    }
  }
}

static void free_tags(tags_doc *t, uint32_t n) {
  for (uint32_t d = 0; t && d < n; d++) {
    free(t[d].terms);
    free(t[d].scores);
    for (uint32_t j = 0; t[d].words && j < t[d].n; j++) free(t[d].words[j]);
    free(t[d].words);
  }
  free(t);
}

static int fixture_init(fixture *fx, int with_model) {
  memset(fx, 0, sizeof *fx);
  uint32_t buf[NDOCS][DOCLEN], lens[NDOCS];
  const uint32_t *docs[NDOCS];
  uint64_t x = 12345;
  for (uint32_t d = 0; d < NDOCS; d++) {
    uint32_t theme = d / 4; /* 4 talks per theme */
    for (uint32_t i = 0; i < DOCLEN; i++) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      uint32_t r = (uint32_t)(x >> 33);
      /* mostly the talk's theme, sometimes an odd word */
      buf[d][i] = (r % 10 < 8) ? theme * 6 + r / 10 % 6 : 18 + r / 10 % 6;
    }
    lens[d] = DOCLEN - d; /* different lengths */
    docs[d] = buf[d];
  }
  if (dtm_from_ids(NDOCS, docs, lens, NTERMS, WORDS, &fx->m) != TOPICS_OK) return 0;
  for (uint32_t d = 0; d < NDOCS; d++) {
    snprintf(fx->ids[d], sizeof fx->ids[d], "notes/talks.md#%u", d + 1);
    fx->meta[d].id = fx->ids[d];
    fx->meta[d].path = "notes/talks.md";
    fx->meta[d].title = TITLES[d];
    fx->meta[d].line = 1 + 10 * (long)d;
  }
  fx->skipped[0].path = (char *)"notes/photo.png";
  fx->skipped[0].reason = (char *)"binary file";
  fx->skipped[1].path = (char *)"notes/\"odd\"\tname.md";
  fx->skipped[1].reason = (char *)"not UTF-8";
  make_tags(fx);
  out_run *r = &fx->run;
  r->version = "0.1.0";
  r->m = fx->m;
  r->docs = fx->meta;
  r->skipped = fx->skipped;
  r->nskipped = 2;
  r->tags = fx->tags;
  r->seed = 7;
  r->read_s = 0.01;
  r->tokenize_s = 0.02;
  r->model_s = 0.375;
  r->total_s = 0.41;
  if (with_model) {
    lda_options o = lda_default_options();
    o.k = 3;
    o.iterations = 60;
    o.seed = 7;
    o.threads = 1;
    topics_status st;
    fx->model = lda_new(fx->m, &o, &st);
    if (!fx->model || lda_train(fx->model) != TOPICS_OK) return 0;
    if (sum_compute(fx->model, fx->m, 5, 3, &fx->sum) != TOPICS_OK) return 0;
    r->model = fx->model;
    r->sum = fx->sum;
  }
  return 1;
}

static void fixture_free(fixture *fx) {
  sum_free(fx->sum);
  lda_free(fx->model);
  free_tags(fx->tags, NDOCS);
  dtm_free(fx->m);
}

/* out_json / out_text / out_html into a malloc'd string. */
static char *capture(topics_status (*fn)(FILE *, const out_run *), const out_run *r, size_t *len,
                     topics_status *st) {
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  if (!f) return NULL;
  *st = fn(f, r);
  fclose(f);
  if (len) *len = n;
  return buf;
}

/* ---------- report.html ---------- */

static size_t count_str(const char *s, const char *needle) {
  size_t n = 0;
  for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle)) n++;
  return n;
}

/* The text between open (which must occur once) and the next close, malloc'd. */
static char *between(const char *s, const char *open, const char *close) {
  const char *a = strstr(s, open);
  if (!a || strstr(a + 1, open)) return NULL;
  a += strlen(open);
  const char *b = strstr(a, close);
  return b ? mem_strndup(a, (size_t)(b - a)) : NULL;
}

/* A CSP source 'sha256-...' for text, as the page must declare it. */
static void csp_source(const char *text, char *out, size_t n) {
  char b64[SHA256_B64_SIZE];
  sha256_base64(text, strlen(text), b64);
  snprintf(out, n, "'sha256-%s'", b64);
}

/* What the page holds: one data block and one script, nothing that loads from elsewhere, a CSP
 * whose hashes are those of the inline script and style sheet, and a data block that parses and
 * carries every talk's title and id unchanged (bad UTF-8 repaired). */
static void check_report(const char *s, const fixture *fx, int with_model) {
  CHECK(count_str(s, "<script") == 2 && count_str(s, "</script") == 2);
  CHECK(strstr(s, "http:") == NULL && strstr(s, "https:") == NULL && strstr(s, "<link") == NULL &&
        strstr(s, " src=") == NULL && strstr(s, "@import") == NULL && strstr(s, "url(") == NULL &&
        strstr(s, "<iframe") == NULL);
  CHECK(strstr(s, "notes/&quot;odd&quot; name.md") != NULL); /* skipped file, escaped */
  char *csp = between(s, "<meta http-equiv=\"Content-Security-Policy\" content=\"", "\"");
  char *js = between(s, "<script>", "</script>"), *css = between(s, "<style>", "</style>");
  CHECK(csp && js && css);
  if (csp && js && css) {
    char src[80];
    CHECK(strstr(csp, "default-src 'none';") != NULL && strstr(csp, "img-src data:") != NULL);
    csp_source(js, src, sizeof src);
    CHECK_MSG(strstr(csp, src) != NULL, "script hash %s not in %s", src, csp);
    csp_source(css, src, sizeof src);
    CHECK_MSG(strstr(csp, src) != NULL, "style hash %s not in %s", src, csp);
    CHECK(strstr(csp, "unsafe") == NULL);
  }
  free(csp);
  free(js);
  free(css);

  char *data = between(s, "<script type=\"application/json\" id=\"report-data\">", "</script>");
  CHECK(data != NULL);
  if (!data) return;
  CHECK(strchr(data, '<') == NULL && strchr(data, '>') == NULL); /* all \u003c, \u003e */
  jval v;
  const char *err = NULL;
  CHECK_MSG(jparse(data, strlen(data), &v, &err), "data block: %s", err ? err : "");
  free(data);
  if (err) return;
  uint32_t k = with_model ? fx->sum->k : 0;
  CHECK(jis(jget(&v, "k"), J_NUM) && jget(&v, "k")->num == k);
  const jval *docs = jget(&v, "docs");
  CHECK(jis(docs, J_ARR) && docs->n == NDOCS);
  char prev[64] = "";
  for (size_t d = 0; docs && d < docs->n && d < NDOCS; d++) {
    const jval *a = &docs->items[d];
    CHECK(jis(a, J_ARR) && a->n == 6);
    if (!jis(a, J_ARR) || a->n != 6) continue;
    char *want;
    size_t wl;
    utf8_repair(TITLES[d], strlen(TITLES[d]), &want, &wl, NULL);
    CHECK_STREQ(a->items[0].str, want); /* the hostile title round-trips as text */
    free(want);
    /* front-coded id: the length shared with the previous id, then the rest */
    size_t same = (size_t)a->items[1].num;
    CHECK(same <= strlen(prev) && jis(&a->items[2], J_STR));
    char id[64];
    snprintf(id, sizeof id, "%.*s%s", (int)same, prev, a->items[2].str ? a->items[2].str : "");
    CHECK_STREQ(id, fx->ids[d]);
    snprintf(prev, sizeof prev, "%s", id);
    uint32_t len;
    dtm_doc(fx->m, (uint32_t)d, &len);
    CHECK(a->items[3].num == len);
    CHECK(jis(&a->items[4], J_ARR) && a->items[4].n == fx->tags[d].n);
    const jval *mix = &a->items[5];
    CHECK(jis(mix, J_ARR) && mix->n % 2 == 0 && (mix->n > 0) == with_model);
    for (size_t i = 0; jis(mix, J_ARR) && i + 1 < mix->n; i += 2)
      CHECK(mix->items[i].num < k && mix->items[i + 1].num >= 20 && mix->items[i + 1].num <= 1000);
  }
  CHECK(jis(docs, J_ARR) && docs->n && docs->items[0].n == 6 && docs->items[0].items[4].n &&
        jis(&docs->items[0].items[4].items[0], J_STR) &&
        !strcmp(docs->items[0].items[4].items[0].str, "say \"hi\" \\o/"));
  const jval *topics = jget(&v, "topics");
  CHECK((topics != NULL) == with_model);
  if (with_model && jis(topics, J_ARR)) {
    const jval *words = jget(&v, "words"), *cf = jget(&v, "cf");
    CHECK(topics->n == k && jis(words, J_ARR) && jis(cf, J_ARR) && words->n == cf->n);
    CHECK(jis(jget(&v, "time"), J_NULL)); /* no talk here carries a date */
    for (size_t t = 0; t < topics->n && words && cf; t++) {
      const jval *tp = &topics->items[t];
      CHECK(jget(tp, "id")->num == t);
      CHECK(jis(jget(tp, "x"), J_NUM) && jis(jget(tp, "y"), J_NUM));
      const jval *label = jget(tp, "label"), *cand = jget(tp, "cand");
      CHECK(jis(label, J_ARR) && label->n == 3);
      const sum_topic *st = &fx->sum->topics[t];
      for (size_t i = 0; jis(label, J_ARR) && i < label->n; i++) {
        char *w;
        size_t wl;
        const char *raw = dtm_term_word(fx->m, st->words[i]);
        utf8_repair(raw, strlen(raw), &w, &wl, NULL);
        CHECK_STREQ(label->items[i].str, w);
        free(w);
      }
      /* candidates: the relevance ranking needs at least the 30 best, or every word */
      CHECK(jis(cand, J_ARR) && cand->n % 2 == 0 &&
            cand->n / 2 >= (NTERMS < 30 ? NTERMS : 30));
      for (size_t i = 0; jis(cand, J_ARR) && i + 1 < cand->n; i += 2)
        CHECK(cand->items[i].num < words->n && cand->items[i + 1].num > 0 &&
              cand->items[i + 1].num <= 1);
    }
  }
  jfree(&v);
}

/* Titles written to break out of the data block or the page. */
static void test_html_hostile(fixture *fx) {
  out_doc_meta saved[3];
  memcpy(saved, fx->meta, sizeof saved);
  fx->meta[0].title = "</script><script>alert(1)</script>";
  fx->meta[1].title = "<!--<script> \xe2\x80\xa8 </SCRIPT ";
  fx->meta[2].title = "\"]}]</script>";
  topics_status st;
  size_t len;
  char *s = capture(out_html, &fx->run, &len, &st);
  CHECK(st == TOPICS_OK && s);
  if (s) {
    CHECK(count_str(s, "<script") == 2 && count_str(s, "</script") == 2);
    CHECK(strstr(s, "<!--") == NULL && strstr(s, "</SCRIPT") == NULL);
    CHECK(strstr(s, "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)") != NULL);
    CHECK(strstr(s, "\\u2028") != NULL && strstr(s, "\xe2\x80\xa8") == NULL);
    char *data = between(s, "id=\"report-data\">", "</script>");
    jval v;
    const char *err = NULL;
    CHECK(data && jparse(data, strlen(data), &v, &err));
    if (data && !err) {
      const jval *docs = jget(&v, "docs");
      CHECK(docs && docs->n == NDOCS && !strcmp(docs->items[0].items[0].str, fx->meta[0].title) &&
            !strcmp(docs->items[2].items[0].str, fx->meta[2].title));
      jfree(&v);
    }
    free(data);
  }
  free(s);
  memcpy(fx->meta, saved, sizeof saved);
}

/* ---------- out_json ---------- */

static int is_str_array(const jval *v) {
  if (!jis(v, J_ARR)) return 0;
  for (size_t i = 0; i < v->n; i++)
    if (v->items[i].t != J_STR) return 0;
  return 1;
}

/* Checks the parsed document against DESIGN.md and against the run it came from. */
static void check_json_doc(const jval *root, const fixture *fx, int with_model) {
  CHECK(jis(root, J_OBJ));
  CHECK(jis(jget(root, "version"), J_STR) && !strcmp(jget(root, "version")->str, "0.1.0"));

  const jval *corpus = jget(root, "corpus");
  CHECK(jis(corpus, J_OBJ));
  CHECK(jis(jget(corpus, "documents"), J_NUM) && jget(corpus, "documents")->num == NDOCS);
  CHECK(jis(jget(corpus, "tokens"), J_NUM) &&
        jget(corpus, "tokens")->num == (double)dtm_ntokens(fx->m));
  CHECK(jis(jget(corpus, "vocabulary"), J_NUM) && jget(corpus, "vocabulary")->num == NTERMS);
  const jval *sk = jget(corpus, "skipped");
  CHECK(jis(sk, J_ARR) && sk->n == 2);
  for (size_t i = 0; sk && i < sk->n && i < 2; i++) {
    CHECK(jis(jget(&sk->items[i], "path"), J_STR) &&
          !strcmp(jget(&sk->items[i], "path")->str, fx->skipped[i].path));
    CHECK(jis(jget(&sk->items[i], "reason"), J_STR) &&
          !strcmp(jget(&sk->items[i], "reason")->str, fx->skipped[i].reason));
  }

  const jval *model = jget(root, "model"), *topics = jget(root, "topics");
  if (with_model) {
    CHECK(jis(model, J_OBJ));
    CHECK(jis(jget(model, "k"), J_NUM) && jget(model, "k")->num == 3);
    CHECK(jis(jget(model, "iterations"), J_NUM) && jget(model, "iterations")->num == 60);
    CHECK(jis(jget(model, "seed"), J_NUM) && jget(model, "seed")->num == 7);
    const jval *alpha = jget(model, "alpha");
    CHECK(jis(alpha, J_ARR) && alpha->n == 3);
    for (size_t t = 0; alpha && t < alpha->n; t++) {
      CHECK(alpha->items[t].t == J_NUM && alpha->items[t].num > 0);
      CHECK(fabs(alpha->items[t].num - lda_alpha(fx->model)[t]) <=
            1e-5 * lda_alpha(fx->model)[t]);
    }
    CHECK(jis(jget(model, "beta"), J_NUM) && fabs(jget(model, "beta")->num - 0.01) < 1e-9);
    const jval *ll = jget(model, "log_likelihood_per_token");
    CHECK(jis(ll, J_NUM) && ll->num < 0 && ll->num > -50);

    CHECK(jis(topics, J_ARR) && topics->n == 3);
    double shares = 0;
    for (size_t t = 0; topics && t < topics->n; t++) {
      const jval *tp = &topics->items[t];
      const sum_topic *st = &fx->sum->topics[t];
      CHECK(jis(jget(tp, "id"), J_NUM) && jget(tp, "id")->num == (double)t);
      const jval *share = jget(tp, "share");
      CHECK(jis(share, J_NUM) && share->num >= 0 && share->num <= 1);
      if (jis(share, J_NUM)) shares += share->num;
      const jval *words = jget(tp, "words");
      CHECK(jis(words, J_ARR) && words->n == st->nwords && words->n > 0);
      for (size_t i = 0; words && i < words->n && i < st->nwords; i++) {
        const jval *w = jget(&words->items[i], "word"), *wt = jget(&words->items[i], "weight");
        /* the display word itself, byte for byte after unescaping */
        CHECK(jis(w, J_STR) && !strcmp(w->str, dtm_term_word(fx->m, st->words[i])));
        CHECK(jis(wt, J_NUM) && wt->num > 0 && wt->num <= 1);
        if (i && jis(wt, J_NUM)) CHECK(wt->num <= jget(&words->items[i - 1], "weight")->num);
      }
      const jval *docs = jget(tp, "documents");
      CHECK(is_str_array(docs) && docs->n == st->ndocs);
      for (size_t i = 0; docs && i < docs->n && i < st->ndocs; i++)
        CHECK(!strcmp(docs->items[i].str, fx->meta[st->docs[i]].id));
    }
    CHECK(fabs(shares - 1) < 1e-4);
  } else {
    CHECK(model == NULL);
    CHECK(jis(topics, J_ARR) && topics->n == 0);
  }

  const jval *docs = jget(root, "documents");
  CHECK(jis(docs, J_ARR) && docs->n == NDOCS);
  for (size_t d = 0; docs && d < docs->n && d < NDOCS; d++) {
    const jval *dv = &docs->items[d];
    /* input order, exact strings after unescaping */
    CHECK(jis(jget(dv, "id"), J_STR) && !strcmp(jget(dv, "id")->str, fx->meta[d].id));
    CHECK(jis(jget(dv, "path"), J_STR) && !strcmp(jget(dv, "path")->str, "notes/talks.md"));
    const jval *title = jget(dv, "title");
    CHECK(jis(title, J_STR));
    if (d != 11) CHECK(jis(title, J_STR) && !strcmp(title->str, TITLES[d]));
    else CHECK(jis(title, J_STR) && !strcmp(title->str, "bad utf-8 \xEF\xBF\xBD\xEF\xBF\xBD title"));
    const jval *tps = jget(dv, "topics");
    CHECK(jis(tps, J_ARR));
    if (with_model) {
      const sum_doc *sd = &fx->sum->docs[d];
      CHECK(tps && tps->n == sd->ntop && tps->n >= 1);
      for (size_t i = 0; tps && i < tps->n && i < sd->ntop; i++) {
        const jval *id = jget(&tps->items[i], "id"), *w = jget(&tps->items[i], "weight");
        CHECK(jis(id, J_NUM) && id->num == sd->top[i]);
        CHECK(jis(w, J_NUM) && w->num >= 0.05 && w->num <= 1);
      }
    } else {
      CHECK(tps && tps->n == 0);
    }
    const jval *tags = jget(dv, "tags");
    CHECK(is_str_array(tags) && tags->n == fx->tags[d].n);
    for (size_t i = 0; tags && i < tags->n && i < fx->tags[d].n; i++)
      CHECK(!strcmp(tags->items[i].str, dtm_term_word(fx->m, fx->tags[d].terms[i])));
  }
  /* the escaping words came through exactly */
  const jval *t0 = docs && docs->n ? jget(&docs->items[0], "tags") : NULL;
  CHECK(t0 && t0->n == 3 && !strcmp(t0->items[0].str, "say \"hi\" \\o/") &&
        !strcmp(t0->items[1].str, "tab\there") && !strcmp(t0->items[2].str, "a,b"));

  const jval *timing = jget(root, "timing");
  CHECK(jis(timing, J_OBJ));
  const char *tk[] = {"read_s", "tokenize_s", "model_s", "total_s"};
  const double tv[] = {0.01, 0.02, 0.375, 0.41};
  for (size_t i = 0; i < 4; i++)
    CHECK(jis(jget(timing, tk[i]), J_NUM) && fabs(jget(timing, tk[i])->num - tv[i]) < 1e-9);
}

static void test_json(fixture *fx, int with_model) {
  size_t len = 0;
  topics_status st;
  char *out = capture(out_json, &fx->run, &len, &st);
  CHECK(st == TOPICS_OK && out);
  if (!out) return;
  jval root;
  const char *err = NULL;
  int ok = jparse(out, len, &root, &err);
  CHECK_MSG(ok, "invalid JSON: %s", err ? err : "?");
  if (ok) {
    check_json_doc(&root, fx, with_model);
    jfree(&root);
  }
  /* raw bytes: control characters escaped, CJK kept as UTF-8, two-space indentation */
  CHECK(strstr(out, "\\u0001") != NULL);
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)out[i] < 0x20 && out[i] != '\n') {
      CHECK_MSG(0, "raw control byte 0x%02x at %zu", (unsigned char)out[i], i);
      break;
    }
  CHECK(strstr(out, "\"title\": \"容器化部署實戰\"") != NULL);
  CHECK(!strncmp(out, "{\n  \"version\": \"0.1.0\",\n  \"corpus\": {\n", 38));
  CHECK(len > 0 && out[len - 1] == '\n');
  /* byte-identical when repeated */
  size_t len2 = 0;
  char *again = capture(out_json, &fx->run, &len2, &st);
  CHECK(again && len2 == len && !memcmp(out, again, len));
  free(again);
  free(out);
}

/* Non-finite numbers never reach the JSON. */
static void test_json_nonfinite(fixture *fx) {
  out_run r = fx->run;
  r.read_s = NAN;
  r.total_s = INFINITY;
  size_t len;
  topics_status st;
  char *out = capture(out_json, &r, &len, &st);
  jval root;
  const char *err = NULL;
  CHECK(out && jparse(out, len, &root, &err));
  if (out && !err) {
    CHECK(jis(jget(jget(&root, "timing"), "read_s"), J_NULL));
    CHECK(jis(jget(jget(&root, "timing"), "total_s"), J_NULL));
    jfree(&root);
  }
  free(out);
  /* an incomplete run is refused rather than half written */
  r = fx->run;
  r.sum = NULL;
  if (fx->model) {
    out = capture(out_json, &r, &len, &st);
    CHECK(st == TOPICS_EINVAL && len == 0);
    free(out);
  }
}

/* ---------- helpers for files and lines ---------- */

/* Splits s on '\n' in place (s must end with '\n'); returns the number of lines. */
static size_t split_lines(char *s, char **lines, size_t max) {
  size_t n = 0;
  char *p = s;
  while (*p && n < max) {
    char *nl = strchr(p, '\n');
    if (!nl) break;
    *nl = '\0';
    lines[n++] = p;
    p = nl + 1;
  }
  return n;
}

/* Splits a line on `sep` in place; returns the number of fields. */
static size_t split_fields(char *s, char sep, char **f, size_t max) {
  size_t n = 0;
  f[n++] = s;
  for (char *p = s; *p; p++)
    if (*p == sep) {
      *p = '\0';
      if (n < max) f[n++] = p + 1;
      else return max + 1;
    }
  return n;
}

/* What out_put_clean makes of the ASCII test strings: control characters become spaces. */
static void clean(const char *s, char *out, size_t n, char space, int comma) {
  size_t i = 0;
  for (; s[i] && i + 1 < n; i++) {
    char c = s[i];
    if ((unsigned char)c < 0x20 || c == 0x7f) c = ' ';
    if (c == ' ' && space) c = space;
    else if (c == ',' && comma) c = ' ';
    out[i] = c;
  }
  out[i] = '\0';
}


static void path_in(char *out, size_t n, const char *dir, const char *name) {
  snprintf(out, n, "%s/%s", dir, name);
}

static void rm_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  char p[512];
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    path_in(p, sizeof p, dir, e->d_name);
    struct stat sb;
    if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) rm_tree(p);
    else unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

/* ---------- out_text ---------- */

static void test_text(fixture *fx, int with_model) {
  size_t len;
  topics_status st;
  char *out = capture(out_text, &fx->run, &len, &st);
  CHECK(st == TOPICS_OK && out && len > 0 && out[len - 1] == '\n');
  if (!out) return;
  CHECK(memchr(out, '\t', len) == NULL);
  size_t len2;
  char *again = capture(out_text, &fx->run, &len2, &st);
  CHECK(again && len2 == len && !memcmp(out, again, len));
  free(again);

  char *lines[256];
  size_t n = split_lines(out, lines, 256), at = 0;
  char want[512], buf[256];
  snprintf(want, sizeof want, "topics 0.1.0: 12 talks, %llu tokens, 24 terms",
           (unsigned long long)dtm_ntokens(fx->m));
  CHECK(n > 0 && !strncmp(lines[0], want, strlen(want)));
  if (with_model)
    CHECK(n > 0 && strstr(lines[0], ", 3 topics, 60 iterations, seed 7, log-likelihood -") &&
          strstr(lines[0], " per token"));
  else
    CHECK(n > 0 && strstr(lines[0], "tags only"));
  at = 1;
  CHECK(at < n && !strcmp(lines[at], "skipped: notes/photo.png (binary file)"));
  at++;
  CHECK(at < n && !strcmp(lines[at], "skipped: notes/\"odd\" name.md (not UTF-8)"));
  at++;
  if (with_model) {
    for (uint32_t t = 0; t < 3; t++) {
      const sum_topic *tp = &fx->sum->topics[t];
      CHECK(at < n && lines[at][0] == '\0');
      at++;
      snprintf(want, sizeof want, "Topic %u (", t);
      CHECK(at < n && !strncmp(lines[at], want, strlen(want)));
      /* the words, in order, in display form */
      want[0] = '\0';
      for (uint32_t i = 0; i < tp->nwords; i++) {
        clean(dtm_term_word(fx->m, tp->words[i]), buf, sizeof buf, 0, 0);
        strncat(want, i ? ", " : "%): ", sizeof want - strlen(want) - 1);
        strncat(want, buf, sizeof want - strlen(want) - 1);
      }
      CHECK_MSG(at < n && strstr(lines[at], want) && !strcmp(strstr(lines[at], want), want),
                "%s", at < n ? lines[at] : "");
      at++;
      for (uint32_t i = 0; i < tp->ndocs; i++, at++) {
        clean(TITLES[tp->docs[i]], buf, sizeof buf, 0, 0);
        snprintf(want, sizeof want, "    %s (%s)", buf, fx->ids[tp->docs[i]]);
        if (tp->docs[i] == 11) snprintf(want, sizeof want, "    bad utf-8 \xEF\xBF\xBD\xEF\xBF\xBD title (%s)", fx->ids[11]);
        CHECK_MSG(at < n && !strcmp(lines[at], want), "%s", at < n ? lines[at] : "");
      }
    }
  }
  CHECK(at < n && lines[at][0] == '\0');
  at++;
  CHECK(at < n && !strcmp(lines[at], "Talks"));
  at++;
  for (uint32_t d = 0; d < NDOCS; d++, at++) {
    if (at >= n) {
      CHECK(0);
      break;
    }
    clean(TITLES[d], buf, sizeof buf, 0, 0);
    if (d == 11) snprintf(buf, sizeof buf, "bad utf-8 \xEF\xBF\xBD\xEF\xBF\xBD title");
    snprintf(want, sizeof want, "%s | %s | ", fx->ids[d], buf);
    CHECK_MSG(!strncmp(lines[at], want, strlen(want)), "%s", lines[at]);
    if (with_model) {
      const sum_doc *sd = &fx->sum->docs[d];
      snprintf(want, sizeof want, " | topics: %u (", sd->top[0]);
      CHECK(strstr(lines[at], want) != NULL);
    }
    const char *tags = strstr(lines[at], " | tags: ");
    CHECK(tags != NULL);
    if (tags && d == 0) CHECK_STREQ(tags, " | tags: say \"hi\" \\o/, tab here, a,b");
    if (tags && d > 0) {
      clean(dtm_term_word(fx->m, fx->tags[d].terms[0]), buf, sizeof buf, 0, 0);
      CHECK(!strncmp(tags + 9, buf, strlen(buf)));
    }
  }
  CHECK(at == n);
  free(out);
}

/* ---------- out_write_dir ---------- */

static void check_docword(const char *dir, const dtm *m) {
  char p[512];
  path_in(p, sizeof p, dir, "docword.txt");
  char *s = tu_slurp(p, NULL);
  CHECK(s != NULL);
  if (!s) return;
  char **lines = malloc(10000 * sizeof *lines);
  size_t n = split_lines(s, lines, 10000);
  uint32_t nd = dtm_ndocs(m);
  const uint64_t *rows = dtm_csr_rows(m);
  const uint32_t *cols = dtm_csr_cols(m), *vals = dtm_csr_vals(m);
  CHECK(n >= 3 && strtoul(lines[0], NULL, 10) == nd && strtoul(lines[1], NULL, 10) == dtm_nterms(m) &&
        strtoull(lines[2], NULL, 10) == rows[nd]);
  CHECK(n == 3 + rows[nd]);
  uint64_t total = 0, *docsum = calloc(nd, sizeof *docsum);
  unsigned long pd = 0, pw = 0;
  for (size_t i = 3; i < n; i++) {
    char *e1, *e2, *e3;
    unsigned long d = strtoul(lines[i], &e1, 10), w = strtoul(e1, &e2, 10),
                  c = strtoul(e2, &e3, 10);
    CHECK_MSG(*e3 == '\0' && *e1 == ' ' && *e2 == ' ', "line %zu: %s", i, lines[i]);
    CHECK(d >= 1 && d <= nd && w >= 1 && w <= dtm_nterms(m) && c >= 1);
    CHECK_MSG(d > pd || (d == pd && w > pw), "unsorted at line %zu", i);
    pd = d;
    pw = w;
    /* the same cell as the CSR matrix */
    uint64_t k = i - 3;
    CHECK(cols[k] + 1 == w && vals[k] == c && k >= rows[d - 1] && k < rows[d]);
    total += c;
    if (d >= 1 && d <= nd) docsum[d - 1] += c;
  }
  CHECK(total == dtm_ntokens(m));
  for (uint32_t d = 0; d < nd; d++) {
    uint32_t dl;
    dtm_doc(m, d, &dl);
    CHECK(docsum[d] == dl);
  }
  free(docsum);
  free(lines);
  free(s);
}

static void check_dir_files(const char *dir, fixture *fx, int with_model) {
  const out_run *r = &fx->run;
  char p[512], buf[256];
  int hidden;
  /* the tables and the folder's marker and lock, .topics-output; no temporary file */
  CHECK(tu_count_entries(dir, &hidden) == (with_model ? 9 : 6) && hidden == 1);

  /* topics.json is exactly the --format json document */
  size_t jl, fl;
  topics_status st;
  char *json = capture(out_json, r, &jl, &st);
  path_in(p, sizeof p, dir, "topics.json");
  char *file = tu_slurp(p, &fl);
  CHECK(json && file && jl == fl && !memcmp(json, file, jl));
  free(json);
  free(file);

  /* vocab.txt: one display word per line in term id order */
  path_in(p, sizeof p, dir, "vocab.txt");
  char *s = tu_slurp(p, NULL), *lines[512];
  size_t n = s ? split_lines(s, lines, 512) : 0;
  CHECK(n == NTERMS);
  for (uint32_t t = 0; t < n && t < NTERMS; t++) {
    clean(dtm_term_word(fx->m, t), buf, sizeof buf, 0, 0);
    CHECK_STREQ(lines[t], buf);
  }
  free(s);

  check_docword(dir, fx->m);

  /* tags.tsv: header, then id, title, comma-joined tags; always three cells */
  path_in(p, sizeof p, dir, "tags.tsv");
  s = tu_slurp(p, NULL);
  n = s ? split_lines(s, lines, 512) : 0;
  CHECK(n == NDOCS + 1 && !strcmp(lines[0], "#id\ttitle\ttags"));
  for (size_t i = 1; i < n && i <= NDOCS; i++) {
    char *f[8];
    size_t nf = split_fields(lines[i], '\t', f, 8);
    CHECK_MSG(nf == 3, "tags.tsv line %zu has %zu cells", i, nf);
    if (nf != 3) continue;
    CHECK_STREQ(f[0], fx->ids[i - 1]);
    if (i - 1 != 11) {
      clean(TITLES[i - 1], buf, sizeof buf, 0, 0);
      CHECK_STREQ(f[1], buf);
    }
    char *tg[8];
    size_t nt = f[2][0] ? split_fields(f[2], ',', tg, 8) : 0;
    CHECK(nt == fx->tags[i - 1].n);
    if (i == 1) CHECK(nt == 3 && !strcmp(tg[0], "say \"hi\" \\o/") && !strcmp(tg[1], "tab here") &&
                      !strcmp(tg[2], "a b"));
  }
  free(s);

  /* report.html: self-contained and escaped */
  path_in(p, sizeof p, dir, "report.html");
  s = tu_slurp(p, NULL);
  CHECK(s && !strncmp(s, "<!DOCTYPE html>\n", 16) && strstr(s, "</html>\n"));
  if (s) check_report(s, fx, with_model);
  free(s);

  path_in(p, sizeof p, dir, "topic-keys.tsv");
  s = tu_slurp(p, NULL);
  CHECK((s != NULL) == with_model);
  if (s && with_model) {
    n = split_lines(s, lines, 512);
    CHECK(n == 3);
    for (size_t t = 0; t < n && t < 3; t++) {
      char *f[8], *w[32];
      CHECK(split_fields(lines[t], '\t', f, 8) == 3);
      CHECK(strtoul(f[0], NULL, 10) == t);
      double a = strtod(f[1], NULL), want = lda_alpha(fx->model)[t];
      CHECK(fabs(a - want) <= 1e-5 * want);
      const sum_topic *tp = &fx->sum->topics[t];
      size_t nw = split_fields(f[2], ' ', w, 32);
      CHECK(nw == tp->nwords);
      for (size_t i = 0; i < nw && i < tp->nwords; i++) {
        clean(dtm_term_word(fx->m, tp->words[i]), buf, sizeof buf, '_', 0);
        CHECK_STREQ(w[i], buf);
      }
    }
  }
  free(s);

  path_in(p, sizeof p, dir, "doc-topics.tsv");
  s = tu_slurp(p, NULL);
  CHECK((s != NULL) == with_model);
  if (s && with_model) {
    n = split_lines(s, lines, 512);
    CHECK(n == NDOCS + 1 && !strcmp(lines[0], "#doc\tname\tp0\tp1\tp2"));
    for (size_t i = 1; i < n && i <= NDOCS; i++) {
      char *f[8];
      CHECK(split_fields(lines[i], '\t', f, 8) == 5);
      CHECK(strtoul(f[0], NULL, 10) == i - 1);
      CHECK_STREQ(f[1], fx->ids[i - 1]);
      double sum = 0;
      for (int t = 0; t < 3; t++) {
        double v = strtod(f[2 + t], NULL), want = fx->sum->docs[i - 1].theta[t];
        CHECK(v >= 0 && v <= 1 && fabs(v - want) <= 1e-5 * want + 1e-12);
        sum += v;
      }
      CHECK(fabs(sum - 1) < 1e-4);
    }
  }
  free(s);
}

static char *capture_diag(char **buf, size_t *len, FILE **f) {
  *buf = NULL;
  *len = 0;
  *f = open_memstream(buf, len);
  diag_set_stream(*f);
  return *buf;
}

static char *end_diag(FILE *f, char **buf) {
  diag_set_stream(NULL);
  fclose(f);
  return *buf;
}

static int make_tmpdir(char *buf, size_t n) {
  snprintf(buf, n, "/tmp/topics-output-XXXXXX");
  return mkdtemp(buf) != NULL;
}

static void test_dir(fixture *fx, int with_model) {
  char dir[64];
  CHECK(make_tmpdir(dir, sizeof dir));
  volatile sig_atomic_t stop = 0;
  CHECK(out_write_dir(dir, &fx->run, &stop) == TOPICS_OK);
  check_dir_files(dir, fx, with_model);
  /* writing again replaces the files in place, with the same bytes */
  CHECK(out_write_dir(dir, &fx->run, NULL) == TOPICS_OK);
  check_dir_files(dir, fx, with_model);
  rm_tree(dir);
}

/* `topics tags -o` over the folder of a model run: the model's files go, the rest are this run's;
 * a failing tags run leaves the model's files in place. */
static void test_dir_tags_after_model(fixture *fx, const out_run *with_model) {
  char dir[64], p[512];
  int hidden;
  CHECK(make_tmpdir(dir, sizeof dir));
  CHECK(out_write_dir(dir, with_model, NULL) == TOPICS_OK);
  CHECK(tu_count_entries(dir, &hidden) == 9);
  /* a run that fails (report.html blocked by a directory) removes nothing */
  path_in(p, sizeof p, dir, "report.html");
  CHECK(unlink(p) == 0 && mkdir(p, 0755) == 0);
  FILE *dn = fopen("/dev/null", "w");
  diag_set_stream(dn);
  CHECK(out_write_dir(dir, &fx->run, NULL) == TOPICS_EIO);
  diag_set_stream(NULL);
  if (dn) fclose(dn);
  path_in(p, sizeof p, dir, "topic-keys.tsv");
  CHECK(access(p, F_OK) == 0);
  path_in(p, sizeof p, dir, "report.html");
  CHECK(rmdir(p) == 0);
  CHECK(out_write_dir(dir, &fx->run, NULL) == TOPICS_OK);
  check_dir_files(dir, fx, 0);
  CHECK(tu_count_entries(dir, &hidden) == 6 && hidden == 1);
  rm_tree(dir);
}

static void test_dir_errors(fixture *fx) {
  char dir[64], p[512], *msg;
  size_t mlen;
  FILE *mf;
  int hidden;
  CHECK(make_tmpdir(dir, sizeof dir));

  /* a regular file */
  path_in(p, sizeof p, dir, "plain");
  FILE *f = fopen(p, "w");
  if (f) fclose(f);
  capture_diag(&msg, &mlen, &mf);
  CHECK(out_write_dir(p, &fx->run, NULL) == TOPICS_EIO);
  msg = end_diag(mf, &msg);
  CHECK_MSG(msg && strstr(msg, p) && strstr(msg, "Not a directory"), "%s", msg ? msg : "");
  free(msg);

  /* a missing directory is not created */
  path_in(p, sizeof p, dir, "nope");
  capture_diag(&msg, &mlen, &mf);
  CHECK(out_write_dir(p, &fx->run, NULL) == TOPICS_EIO);
  msg = end_diag(mf, &msg);
  CHECK_MSG(msg && strstr(msg, p) && strstr(msg, strerror(ENOENT)), "%s", msg ? msg : "");
  free(msg);
  CHECK(access(p, F_OK) != 0);
  CHECK(tu_count_entries(dir, &hidden) == 1 && hidden == 0);

  /* a stop request: nothing new appears */
  volatile sig_atomic_t stop = 1;
  CHECK(out_write_dir(dir, &fx->run, &stop) == TOPICS_EINTR);
  CHECK(tu_count_entries(dir, &hidden) == 1 && hidden == 0);
  rm_tree(dir);

  /* a later file's name is taken by a directory: found before any file is written, so nothing
   * is written (all or nothing) and no temporary file remains */
  CHECK(make_tmpdir(dir, sizeof dir));
  path_in(p, sizeof p, dir, "topics.json");
  CHECK(mkdir(p, 0755) == 0);
  capture_diag(&msg, &mlen, &mf);
  CHECK(out_write_dir(dir, &fx->run, NULL) == TOPICS_EIO);
  msg = end_diag(mf, &msg);
  CHECK_MSG(msg && strstr(msg, "topics.json"), "%s", msg ? msg : "");
  free(msg);
  CHECK(tu_count_entries(dir, &hidden) == 2 && hidden == 1); /* the blocking directory + marker */
  path_in(p, sizeof p, dir, "report.html");
  CHECK(access(p, F_OK) != 0);
  path_in(p, sizeof p, dir, "docword.txt");
  CHECK(access(p, F_OK) != 0);
  rm_tree(dir);
}

/* A full disk half-way through: the earlier file of this call is replaced, the failing one and
 * all later ones keep their previous content, no temporary file is left. */
static void test_dir_full_disk(fixture *fx) {
  char dir[64], p[512];
  int hidden;
  CHECK(make_tmpdir(dir, sizeof dir));
  CHECK(out_write_dir(dir, &fx->run, NULL) == TOPICS_OK);
  static const char *const names[] = {"vocab.txt",      "docword.txt", "tags.tsv",
                                      "topic-keys.tsv", "doc-topics.tsv", "topics.json",
                                      "report.html"};
  char *before[7];
  size_t blen[7];
  ino_t ino[7];
  for (int i = 0; i < 7; i++) {
    struct stat sb;
    path_in(p, sizeof p, dir, names[i]);
    before[i] = tu_slurp(p, &blen[i]);
    CHECK(stat(p, &sb) == 0);
    ino[i] = sb.st_ino;
  }
  /* the limit lets vocab.txt through but not docword.txt */
  CHECK(blen[0] + 16 < blen[1]);
  rlim_t limit = (rlim_t)blen[0] + 16;
  out_run changed = fx->run;
  changed.seed = 99; /* a different topics.json, had it been written */
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {limit, limit};
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0) _exit(3);
    FILE *dn = fopen("/dev/null", "w");
    diag_set_stream(dn);
    topics_status st = out_write_dir(dir, &changed, NULL);
    _exit(st == TOPICS_EIO ? 0 : 2);
  }
  int ws = 0;
  CHECK(pid > 0 && waitpid(pid, &ws, 0) == pid);
  CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "child status %d", ws);
  CHECK(tu_count_entries(dir, &hidden) == 9 && hidden == 1);
  for (int i = 0; i < 7; i++) {
    struct stat sb;
    size_t len;
    path_in(p, sizeof p, dir, names[i]);
    char *now = tu_slurp(p, &len);
    CHECK_MSG(now && len == blen[i] && !memcmp(now, before[i], len), "%s changed", names[i]);
    CHECK(stat(p, &sb) == 0);
    /* all files are renamed together only after every write succeeded: none was touched */
    CHECK_MSG(sb.st_ino == ino[i], "%s inode", names[i]);
    free(now);
    free(before[i]);
  }
  rm_tree(dir);
}

int main(void) {
  umask(022);
  test_parser();
  test_json_write();

  fixture fx;
  if (!fixture_init(&fx, 1)) {
    fprintf(stderr, "fixture with a model failed\n");
    fixture_free(&fx);
    return 1;
  }
  test_json(&fx, 1);
  test_json_nonfinite(&fx);
  test_text(&fx, 1);
  test_dir(&fx, 1);
  test_dir_errors(&fx);
  test_dir_full_disk(&fx);
  test_html_hostile(&fx);

  /* `topics tags`: the same run without a model */
  out_run model_run = fx.run;
  fx.run.model = NULL;
  fx.run.sum = NULL;
  test_json(&fx, 0);
  test_text(&fx, 0);
  test_dir(&fx, 0);
  test_dir_tags_after_model(&fx, &model_run);
  fixture_free(&fx);
  return check_done();
}
