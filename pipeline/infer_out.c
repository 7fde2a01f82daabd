/* The output of `topics infer`, in the main command's shapes: the text report (a header, each
 * topic's words, one line per talk with its topics and tags) and the JSON document of DESIGN.md
 * ("corpus", "model", "topics", "documents", "timing"), where "corpus" also counts the tokens the
 * model never saw ("unknown_tokens") and "model" names the model file. */
#include <inttypes.h>
#include <stdlib.h>

#include "models/eval.h"
#include "pipeline/infer_int.h"
#include "pipeline/json_write.h"
#include "pipeline/output_int.h"

uint32_t infer_top_topics(const double *theta, uint32_t k, uint32_t top[3]) {
  uint32_t n = 0;
  for (uint32_t t = 0; t < k; t++) {
    if (theta[t] < 0.05) continue;
    uint32_t j = n < 3 ? n++ : 3;
    if (j == 3) {
      if (theta[t] <= theta[top[2]]) continue;
      j = 2;
    }
    while (j > 0 && theta[top[j - 1]] < theta[t]) { /* ties keep the lower id first */
      top[j] = top[j - 1];
      j--;
    }
    top[j] = t;
  }
  return n;
}

/* Each topic's top words by p(word | topic), k * n ids; NULL when out of memory. */
static uint32_t *top_words(const infer_result *r, uint32_t *n) {
  *n = r->top_words < r->md->v ? r->top_words : r->md->v;
  uint32_t *w = malloc((size_t)r->md->k * *n * sizeof *w);
  if (w) ev_top_words(r->f, *n, w);
  return w;
}

static void put_percent(FILE *f, double p) {
  char buf[JW_NUMBUF];
  fputs(jw_format_fixed(buf, p * 100.0, 0), f);
  fputc('%', f);
}

topics_status infer_out_text(FILE *f, const infer_result *r) {
  const mf_model *md = r->md;
  uint32_t nd = dtm_ndocs(r->m), nw;
  uint32_t *words = top_words(r, &nw);
  if (!words) return TOPICS_ENOMEM;
  fprintf(f, "topics %s infer: %" PRIu32 " talks, %" PRIu64 " tokens (%" PRIu64
          " not in the model), model ", TOPICS_VERSION, nd, r->tokens, r->unknown);
  out_put_clean(f, r->model_path, 0);
  fprintf(f, " (%" PRIu32 " topics, %" PRIu32 " terms), seed %" PRIu64 "\n", md->k, md->v, r->seed);
  for (size_t i = 0; i < r->nskipped; i++) {
    fputs("skipped: ", f);
    out_put_clean(f, r->skipped[i].path, 0);
    fputs(" (", f);
    out_put_clean(f, r->skipped[i].reason, 0);
    fputs(")\n", f);
  }
  for (uint32_t t = 0; t < md->k; t++) {
    fprintf(f, "\nTopic %" PRIu32 ":", t);
    for (uint32_t i = 0; i < nw; i++) {
      fputs(i ? ", " : " ", f);
      out_put_clean(f, md->words[words[(size_t)t * nw + i]], 0);
    }
    fputc('\n', f);
  }
  free(words);
  fputs("\nTalks\n", f);
  for (uint32_t d = 0; d < nd; d++) {
    const out_doc_meta *dm = &r->docs[d];
    out_put_clean(f, dm->id, 0);
    fputs(" | ", f);
    out_put_clean(f, dm->title, 0);
    fputs(" | topics:", f);
    uint32_t top[3];
    const double *th = r->theta + (size_t)d * md->k;
    uint32_t nt = infer_top_topics(th, md->k, top);
    for (uint32_t i = 0; i < nt; i++) {
      fprintf(f, "%s%" PRIu32 " (", i ? ", " : " ", top[i]);
      put_percent(f, th[top[i]]);
      fputc(')', f);
    }
    if (!nt) fputs(" -", f);
    fputs(" | tags:", f);
    const tags_doc *td = &r->tags[d];
    if (!td->n) fputs(" -", f);
    for (uint32_t i = 0; i < td->n; i++) {
      fputs(i ? ", " : " ", f);
      out_put_clean(f, td->words[i], 0);
    }
    fputc('\n', f);
  }
  return ferror(f) ? TOPICS_EIO : TOPICS_OK;
}

static void json_corpus(FILE *f, const infer_result *r) {
  fprintf(f, "  \"corpus\": {\"documents\": %" PRIu32 ", \"tokens\": %" PRIu64
          ", \"unknown_tokens\": %" PRIu64 ", \"vocabulary\": %" PRIu32 ", \"skipped\": [",
          dtm_ndocs(r->m), r->tokens, r->unknown, r->md->v);
  for (size_t i = 0; i < r->nskipped; i++) {
    fputs(i ? ", {\"path\": " : "{\"path\": ", f);
    jw_string(f, r->skipped[i].path);
    fputs(", \"reason\": ", f);
    jw_string(f, r->skipped[i].reason);
    fputc('}', f);
  }
  fputs("]},\n", f);
}

static void json_model(FILE *f, const infer_result *r) {
  const mf_model *md = r->md;
  fprintf(f, "  \"model\": {\"path\": ");
  jw_string(f, r->model_path);
  fprintf(f, ", \"k\": %" PRIu32 ", \"iterations\": %" PRIu32 ", \"seed\": %" PRIu64
          ", \"infer_seed\": %" PRIu64 ", \"alpha\": [",
          md->k, md->iterations, md->seed, r->seed);
  for (uint32_t t = 0; t < md->k; t++) {
    if (t) fputs(", ", f);
    jw_number(f, md->alpha[t]);
  }
  fputs("], \"beta\": ", f);
  jw_number(f, md->beta);
  fputs("},\n", f);
}

static topics_status json_topics(FILE *f, const infer_result *r) {
  const mf_model *md = r->md;
  uint32_t nw;
  uint32_t *words = top_words(r, &nw);
  if (!words) return TOPICS_ENOMEM;
  fputs("  \"topics\": [\n", f);
  for (uint32_t t = 0; t < md->k; t++) {
    fprintf(f, "    {\"id\": %" PRIu32 ", \"words\": [", t);
    for (uint32_t i = 0; i < nw; i++) {
      uint32_t w = words[(size_t)t * nw + i];
      fputs(i ? ", {\"word\": " : "{\"word\": ", f);
      jw_string(f, md->words[w]);
      fputs(", \"weight\": ", f);
      jw_number(f, lif_phi(r->f, t, w));
      fputc('}', f);
    }
    fputs(t + 1 < md->k ? "]},\n" : "]}\n", f);
  }
  fputs("  ],\n", f);
  free(words);
  return TOPICS_OK;
}

static void json_docs(FILE *f, const infer_result *r) {
  uint32_t nd = dtm_ndocs(r->m), k = r->md->k;
  fputs("  \"documents\": [\n", f);
  for (uint32_t d = 0; d < nd; d++) {
    const out_doc_meta *dm = &r->docs[d];
    fputs("    {\"id\": ", f);
    jw_string(f, dm->id);
    fputs(", \"path\": ", f);
    jw_string(f, dm->path);
    fputs(", \"title\": ", f);
    jw_string(f, dm->title);
    fprintf(f, ", \"line\": %ld, \"date\": ", dm->line);
    if (dm->date) jw_string(f, dm->date);
    else fputs("null", f);
    fputs(", \"topics\": [", f);
    uint32_t top[3];
    const double *th = r->theta + (size_t)d * k;
    uint32_t nt = infer_top_topics(th, k, top);
    for (uint32_t i = 0; i < nt; i++) {
      fprintf(f, "%s{\"id\": %" PRIu32 ", \"weight\": ", i ? ", " : "", top[i]);
      jw_number(f, th[top[i]]);
      fputc('}', f);
    }
    fputs("], \"tags\": [", f);
    const tags_doc *td = &r->tags[d];
    for (uint32_t i = 0; i < td->n; i++) {
      if (i) fputs(", ", f);
      jw_string(f, td->words[i]);
    }
    fputs(d + 1 < nd ? "]},\n" : "]}\n", f);
  }
  fputs("  ],\n", f);
}

topics_status infer_out_json(FILE *f, const infer_result *r) {
  fputs("{\n  \"version\": ", f);
  jw_string(f, TOPICS_VERSION);
  fputs(",\n", f);
  json_corpus(f, r);
  json_model(f, r);
  topics_status st = json_topics(f, r);
  if (st != TOPICS_OK) return st;
  json_docs(f, r);
  fputs("  \"timing\": {\"read_s\": ", f);
  jw_number(f, r->read_s);
  fputs(", \"model_s\": ", f);
  jw_number(f, r->infer_s);
  fputs(", \"total_s\": ", f);
  jw_number(f, r->total_s);
  fputs("}\n}\n", f);
  return ferror(f) ? TOPICS_EIO : TOPICS_OK;
}
