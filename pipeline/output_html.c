/* report.html: one self-contained page. The static part (header, skipped files) is HTML; the map,
 * the topic words, the talks and the chart over time are drawn by the page's own inline script
 * (pipeline/report.js) from one JSON block. Nothing is loaded from anywhere: a Content-Security-
 * Policy allows only the inline script and style sheet whose SHA-256 the page declares, and images
 * from data: URLs. Input text reaches the page either through html_text (markup characters
 * escaped) or through hj_string (a JSON string in which '<', '>' and '&' are \u escapes, so no
 * title can close the data block), and bad UTF-8 becomes U+FFFD on both routes. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/utf8.h"
#include "models/topicmap.h"
#include "pipeline/json_write.h"
#include "pipeline/output_int.h"
#include "pipeline/over_time.h"
#include "pipeline/report_assets.h"
#include "pipeline/sha256.h"

/* The slider starts where the text output and the map rank the words. */
#define LAMBDA_STR_(x) #x
#define LAMBDA_STR(x) LAMBDA_STR_(x)
#define LAMBDA_TEXT LAMBDA_STR(SUM_LAMBDA)

/* Words per topic the page ranks, and the relevance weights (lambda) at which the candidates are
 * chosen: at each of these the page's top REPORT_WORDS are exactly the corpus-wide top. */
#define REPORT_WORDS 30
#define LAMBDA_STEPS 20
/* Share of a talk's topic mix below which the page leaves a topic out, in thousandths. */
#define MIX_MIN_PERMILLE 20

/* Writes s as HTML text or attribute content. */
static void html_text(FILE *f, const char *s) {
  if (!s) return;
  size_t len = strlen(s), i = 0;
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      switch (c) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
      }
      i++;
      continue;
    }
    unsigned cp;
    size_t n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
    if (cp == 0xFFFD) fputs("\xEF\xBF\xBD", f);
    else fwrite(s + i, 1, n, f);
    i += n;
  }
}

/* Writes s as a JSON string that is also safe inside <script type="application/json">. */
static void hj_string(FILE *f, const char *s) {
  fputc('"', f);
  size_t len = s ? strlen(s) : 0, i = 0;
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
      else if (c < 0x20 || c == '<' || c == '>' || c == '&') fprintf(f, "\\u%04x", c);
      else putc_unlocked(c, f); /* one writer per file: no lock per byte */
      i++;
      continue;
    }
    unsigned cp;
    size_t n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
    if (cp == 0xFFFD) fputs("\xEF\xBF\xBD", f);
    else if (cp == 0x2028 || cp == 0x2029) fprintf(f, "\\u%04x", cp);
    else fwrite(s + i, 1, n, f);
    i += n;
  }
  fputc('"', f);
}

static void put_fixed(FILE *f, double x, int decimals) {
  char buf[JW_NUMBUF];
  fputs(jw_format_fixed(buf, x, decimals), f);
}

static void put_num(FILE *f, double x) {
  char buf[JW_NUMBUF];
  fputs(jw_format_number(buf, x), f);
}

static void put_meta(FILE *f, const out_run *r) {
  fprintf(f, "<p class=\"meta\">%" PRIu32 " talks &middot; %" PRIu64 " tokens &middot; %" PRIu32
          " terms", dtm_ndocs(r->m), dtm_ntokens(r->m), dtm_nterms(r->m));
  if (r->model) {
    fprintf(f, " &middot; %" PRIu32 " topics &middot; %" PRIu32 " iterations &middot; seed %" PRIu64
            " &middot; log-likelihood ", lda_k(r->model), lda_iterations(r->model), r->seed);
    put_fixed(f, lda_log_likelihood_per_token(r->model), 3);
    fputs(" per token", f);
  } else {
    fputs(" &middot; tags only, no topic model", f);
  }
  fputs("</p>\n", f);
  if (r->nskipped) {
    fprintf(f, "<details><summary>%zu file%s skipped</summary>\n<ul>\n", r->nskipped,
            r->nskipped == 1 ? "" : "s");
    for (size_t i = 0; i < r->nskipped; i++) {
      fputs("<li>", f);
      html_text(f, r->skipped[i].path);
      fputs(": ", f);
      html_text(f, r->skipped[i].reason);
      fputs("</li>\n", f);
    }
    fputs("</ul></details>\n", f);
  }
}

/* What the model part of the data block needs, computed before anything is written. */
typedef struct model_data {
  uint32_t k, v;
  double *phi;       /* k x v */
  double *xy;        /* 2k map coordinates */
  uint8_t *cand;     /* k x v: 1 when the word is a candidate for the topic */
  int32_t *slot;     /* v: index in the page's word list, or -1 */
  uint32_t nwords;   /* candidates over all topics */
  ot_table *time;
} model_data;

static void model_data_free(model_data *md) {
  free(md->phi);
  free(md->xy);
  free(md->cand);
  free(md->slot);
  ot_free(md->time);
}

typedef struct scored {
  double s;
  uint32_t w;
} scored;

/* Marks in cand the top REPORT_WORDS words of one topic by relevance
 * lambda*log(phi) + (1-lambda)*log(phi/p) at each lambda of the grid (Sievert & Shirley 2014). */
static void mark_candidates(const double *phi, const double *logp, uint32_t v, double *lphi,
                            uint8_t *cand) {
  scored top[REPORT_WORDS];
  for (uint32_t w = 0; w < v; w++) lphi[w] = phi[w] > 0 ? log(phi[w]) : -INFINITY;
  for (int step = 0; step <= LAMBDA_STEPS; step++) {
    double lambda = (double)step / LAMBDA_STEPS;
    uint32_t n = 0;
    for (uint32_t w = 0; w < v; w++) {
      if (isinf(lphi[w]) || isinf(logp[w])) continue;
      double s = lphi[w] - (1 - lambda) * logp[w];
      /* a sorted list, best first; ties go to the lower word id, which came first */
      if (n == REPORT_WORDS && !(s > top[n - 1].s)) continue;
      uint32_t i = n < REPORT_WORDS ? n++ : n - 1;
      while (i > 0 && top[i - 1].s < s) {
        top[i] = top[i - 1];
        i--;
      }
      top[i] = (scored){s, w};
    }
    for (uint32_t i = 0; i < n; i++) cand[top[i].w] = 1;
  }
}

static topics_status model_data_build(const out_run *r, model_data *md) {
  memset(md, 0, sizeof *md);
  md->k = lda_k(r->model);
  md->v = dtm_nterms(r->m);
  size_t kv;
  if (mem_mul(md->k, md->v, &kv) != TOPICS_OK) return TOPICS_ENOMEM;
  md->phi = malloc((kv ? kv : 1) * sizeof *md->phi);
  md->xy = calloc(2 * (size_t)md->k + 1, sizeof *md->xy);
  md->cand = calloc(kv ? kv : 1, 1);
  md->slot = malloc(((size_t)md->v + 1) * sizeof *md->slot);
  /* logp: log of each word's corpus probability; lphi: scratch for one topic's log phi */
  double *logp = malloc(((size_t)md->v + 1) * sizeof *logp);
  double *lphi = malloc(((size_t)md->v + 1) * sizeof *lphi);
  topics_status st = TOPICS_ENOMEM;
  if (!md->phi || !md->xy || !md->cand || !md->slot || !logp || !lphi) goto done;
  uint64_t total = 0;
  for (uint32_t w = 0; w < md->v; w++) total += dtm_term_cf(r->m, w);
  for (uint32_t w = 0; w < md->v; w++) {
    uint64_t cf = dtm_term_cf(r->m, w);
    logp[w] = cf && total ? log((double)cf / (double)total) : -INFINITY;
  }
  for (uint32_t t = 0; t < md->k; t++) {
    double *row = md->phi + (size_t)t * md->v;
    lda_topic_word_dist(r->model, t, row);
    mark_candidates(row, logp, md->v, lphi, md->cand + (size_t)t * md->v);
  }
  if (md->v) {
    st = topicmap_coords(md->phi, md->k, md->v, md->xy, NULL);
    if (st != TOPICS_OK) goto done;
  }
  for (uint32_t w = 0; w < md->v; w++) {
    md->slot[w] = -1;
    for (uint32_t t = 0; t < md->k; t++)
      if (md->cand[(size_t)t * md->v + w]) {
        md->slot[w] = (int32_t)md->nwords++;
        break;
      }
  }
  st = ot_compute(r, &md->time);
done:
  free(lphi);
  free(logp);
  return st;
}

/* "words": the candidate words; "cf": their corpus counts. */
static void put_words(FILE *f, const out_run *r, const model_data *md) {
  uint64_t total = 0;
  for (uint32_t w = 0; w < md->v; w++) total += dtm_term_cf(r->m, w);
  fprintf(f, "\"cftotal\":%" PRIu64 ",\n\"words\":[", total);
  for (uint32_t w = 0, n = 0; w < md->v; w++)
    if (md->slot[w] >= 0) {
      if (n++) fputc(',', f);
      hj_string(f, dtm_term_word(r->m, w));
    }
  fputs("],\n\"cf\":[", f);
  for (uint32_t w = 0, n = 0; w < md->v; w++)
    if (md->slot[w] >= 0) fprintf(f, "%s%" PRIu64, n++ ? "," : "", dtm_term_cf(r->m, w));
  fputs("],\n", f);
}

/* "topics": per topic its share, token count, map position, label words, representative talks and
 * candidate words as [slot, phi] pairs. */
static void put_topic_data(FILE *f, const out_run *r, const model_data *md) {
  fputs("\"topics\":[\n", f);
  for (uint32_t t = 0; t < md->k; t++) {
    const sum_topic *tp = &r->sum->topics[t];
    fprintf(f, "%s{\"id\":%" PRIu32 ",\"share\":", t ? ",\n" : "", t);
    put_num(f, tp->share);
    fprintf(f, ",\"tokens\":%" PRIu64 ",\"x\":", lda_topic_tokens(r->model, t));
    put_num(f, md->xy[2 * t]);
    fputs(",\"y\":", f);
    put_num(f, md->xy[2 * t + 1]);
    fputs(",\"label\":[", f);
    for (uint32_t i = 0; i < tp->nwords && i < 3; i++) {
      if (i) fputc(',', f);
      hj_string(f, dtm_term_word(r->m, tp->words[i]));
    }
    fputs("],\"docs\":[", f);
    for (uint32_t i = 0; i < tp->ndocs; i++) fprintf(f, "%s%" PRIu32, i ? "," : "", tp->docs[i]);
    fputs("],\"cand\":[", f);
    const uint8_t *cand = md->cand + (size_t)t * md->v;
    const double *phi = md->phi + (size_t)t * md->v;
    for (uint32_t w = 0, n = 0; w < md->v; w++) {
      if (!cand[w]) continue;
      fprintf(f, "%s%" PRId32 ",", n++ ? "," : "", md->slot[w]);
      put_num(f, phi[w]);
    }
    fputs("]}", f);
  }
  fputs("],\n", f);
}

static void put_time(FILE *f, const ot_table *tb) {
  fputs("\"time\":", f);
  if (!tb) {
    fputs("null,\n", f);
    return;
  }
  fprintf(f, "{\"unit\":\"%s\",\"dated\":%" PRIu32 ",\"periods\":[", tb->by_month ? "month" : "year",
          tb->ndated);
  for (uint32_t p = 0; p < tb->nperiods; p++) {
    if (p) fputc(',', f);
    hj_string(f, tb->label[p]);
  }
  fputs("],\"talks\":[", f);
  for (uint32_t p = 0; p < tb->nperiods; p++) fprintf(f, "%s%" PRIu32, p ? "," : "", tb->talks[p]);
  fputs("],\"share\":[", f);
  for (uint32_t t = 0; t < tb->k; t++) {
    fputs(t ? ",[" : "[", f);
    for (uint32_t p = 0; p < tb->nperiods; p++) {
      if (p) fputc(',', f);
      put_num(f, tb->share[(size_t)t * tb->nperiods + p]);
    }
    fputc(']', f);
  }
  fputs("]},\n", f);
}

/* Length of the ASCII prefix that a and b share: ids of one folder repeat their start, and an ASCII
 * byte is one UTF-16 unit in the page's script, escaped or not. */
static size_t shared_ascii(const char *a, const char *b) {
  size_t n = 0;
  while (a && b && a[n] && a[n] == b[n] && !((unsigned char)a[n] & 0x80)) n++;
  return n;
}

/* "docs": one array per talk: title; id as the length it shares with the previous talk's id and
 * the rest; token count; tags; the topic mix as flat [topic, thousandths, ...] pairs (parts under
 * MIX_MIN_PERMILLE left out). */
static void put_docs(FILE *f, const out_run *r) {
  uint32_t nd = dtm_ndocs(r->m), k = r->model ? r->sum->k : 0;
  fputs("\"docs\":[\n", f);
  for (uint32_t d = 0; d < nd; d++) {
    const out_doc_meta *dm = &r->docs[d];
    uint32_t len;
    dtm_doc(r->m, d, &len);
    fputs(d ? ",\n[" : "[", f);
    hj_string(f, dm->title);
    size_t same = d ? shared_ascii(r->docs[d - 1].id, dm->id) : 0;
    fprintf(f, ",%zu,", same);
    hj_string(f, dm->id ? dm->id + same : NULL);
    fprintf(f, ",%" PRIu32 ",[", len);
    const tags_doc *td = r->tags ? &r->tags[d] : NULL;
    for (uint32_t i = 0; td && i < td->n; i++) {
      if (i) fputc(',', f);
      hj_string(f, td->words[i]);
    }
    fputs("],[", f);
    const double *th = k ? r->sum->docs[d].theta : NULL;
    for (uint32_t t = 0, n = 0; t < k; t++) {
      long pm = lround(th[t] * 1000);
      if (pm >= MIX_MIN_PERMILLE) fprintf(f, "%s%" PRIu32 ",%ld", n++ ? "," : "", t, pm);
    }
    fputs("]]", f);
  }
  fputs("]\n", f);
}

static topics_status put_data(FILE *f, const out_run *r, const model_data *md) {
  fputs("<script type=\"application/json\" id=\"report-data\">\n{", f);
  fprintf(f, "\"k\":%" PRIu32 ",\"ntokens\":%" PRIu64 ",\n", md ? md->k : 0, dtm_ntokens(r->m));
  if (md) {
    put_words(f, r, md);
    put_topic_data(f, r, md);
    put_time(f, md->time);
  }
  put_docs(f, r);
  fputs("}\n</script>\n", f);
  return TOPICS_OK;
}

static const char BODY[] =
    "<noscript><p class=\"warn\">The map, the topic words and the search need JavaScript; "
    "topics.json and the TSV files beside this page hold the same data.</p></noscript>\n"
    "<main>\n"
    "<section id=\"map-sec\" class=\"card model\" aria-labelledby=\"map-h\">\n"
    "<h2 id=\"map-h\">Topic map</h2>\n"
    "<p class=\"hint\">Topics with similar words lie close together (Jensen&ndash;Shannon "
    "divergence, classical scaling); a circle&rsquo;s area is the topic&rsquo;s share of all words. "
    "Click a topic, or Tab to it and press Enter.</p>\n"
    "<svg id=\"map\" role=\"group\" aria-label=\"Topic map\"></svg>\n"
    "</section>\n"
    "<section id=\"words-sec\" class=\"card model\" aria-labelledby=\"words-h\">\n"
    "<h2 id=\"words-h\">Topic words</h2>\n"
    "<div class=\"lambda\"><label for=\"lambda\">Relevance &lambda; = <output id=\"lambda-out\" "
    "for=\"lambda\">" LAMBDA_TEXT "</output></label>\n"
    "<input type=\"range\" id=\"lambda\" min=\"0\" max=\"1\" step=\"0.01\" value=\"" LAMBDA_TEXT
    "\"></div>\n"
    "<p class=\"hint\">&lambda; = 1 ranks words by their probability in the topic; lower values "
    "favour words that are frequent in this topic but rare elsewhere. Bars: "
    "<span class=\"key key-all\"></span> whole corpus, <span class=\"key key-topic\"></span> "
    "this topic (estimated count).</p>\n"
    "<svg id=\"bars\" role=\"img\" aria-labelledby=\"words-h\"></svg>\n"
    "</section>\n"
    "<section id=\"talks-sec\" class=\"card\" aria-labelledby=\"talks-h\">\n"
    "<h2 id=\"talks-h\">Talks</h2>\n"
    "<label class=\"search\">Search titles and tags <input type=\"search\" id=\"q\" "
    "autocomplete=\"off\"></label>\n"
    "<p id=\"talks-note\" class=\"hint\" aria-live=\"polite\"></p>\n"
    "<ol id=\"talk-list\"></ol>\n"
    "<div id=\"talk-view\" aria-live=\"polite\"></div>\n"
    "</section>\n"
    "<section id=\"time-sec\" class=\"card model\" aria-labelledby=\"time-h\">\n"
    "<h2 id=\"time-h\">Over time</h2>\n"
    "<p id=\"time-note\" class=\"hint\"></p>\n"
    "<svg id=\"time\" role=\"img\" aria-labelledby=\"time-h\"></svg>\n"
    "</section>\n"
    "</main>\n";

topics_status out_html(FILE *f, const out_run *r) {
  topics_status st = out_check_run(r);
  if (st != TOPICS_OK) return st;
  model_data md;
  int with_model = r->model != NULL;
  if (with_model) {
    st = model_data_build(r, &md);
    if (st != TOPICS_OK) {
      model_data_free(&md);
      return st;
    }
  }
  char js_hash[SHA256_B64_SIZE], css_hash[SHA256_B64_SIZE];
  sha256_base64(report_js, report_js_len, js_hash);
  sha256_base64(report_css, report_css_len, css_hash);
  fprintf(f,
          "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "script-src 'sha256-%s'; style-src 'sha256-%s'; img-src data:; base-uri 'none'; "
          "form-action 'none'\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"topics ",
          js_hash, css_hash);
  html_text(f, out_version(r));
  fprintf(f, "\">\n<title>%s report</title>\n<style>", with_model ? "Topics" : "Tags");
  fwrite(report_css, 1, report_css_len, f);
  fprintf(f, "</style>\n</head>\n<body class=\"%s\">\n<header>\n<h1>%s</h1>\n",
          with_model ? "has-model" : "no-model", with_model ? "Topics" : "Tags");
  put_meta(f, r);
  fputs("</header>\n", f);
  fputs(BODY, f);
  st = put_data(f, r, with_model ? &md : NULL);
  fputs("<script>", f);
  fwrite(report_js, 1, report_js_len, f);
  fputs("</script>\n</body>\n</html>\n", f);
  if (with_model) model_data_free(&md);
  if (st != TOPICS_OK) return st;
  return ferror(f) ? TOPICS_EIO : TOPICS_OK;
}
