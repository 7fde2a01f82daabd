/* The JSON document of DESIGN.md. Two-space indentation, one object per line for words, skipped
 * files and document topics, numbers through json_write.h so the bytes do not depend on the locale.
 *
 * `topics tags` (r->model == NULL): "model" is left out (there is no model to describe), while
 * "topics" and every document's "topics" are present as empty arrays, so that a consumer can loop
 * over them without checking for the mode first. */
#include <inttypes.h>

#include "pipeline/json_write.h"
#include "pipeline/output_int.h"
#include "pipeline/over_time.h"

static void key(FILE *f, const char *indent, const char *k) {
  fputs(indent, f);
  jw_string(f, k);
  fputs(": ", f);
}

/* Talks left out as copies: one object per kept talk. */
static void write_duplicates(FILE *f, const out_run *r) {
  key(f, "    ", "duplicates");
  if (!r->ndups) {
    fputs("[]\n", f);
    return;
  }
  fputs("[\n", f);
  for (size_t g = 0; g < r->ndups; g++) {
    fputs("      {\"kept\": ", f);
    jw_string(f, r->dups[g].kept);
    fputs(", \"dropped\": [", f);
    for (size_t i = 0; i < r->dups[g].ndropped; i++) {
      if (i) fputs(", ", f);
      jw_string(f, r->dups[g].dropped[i]);
    }
    fputs(g + 1 < r->ndups ? "]},\n" : "]}\n", f);
  }
  fputs("    ]\n", f);
}

static void write_corpus(FILE *f, const out_run *r) {
  fputs("  \"corpus\": {\n", f);
  key(f, "    ", "documents");
  fprintf(f, "%" PRIu32 ",\n", dtm_ndocs(r->m));
  key(f, "    ", "tokens");
  fprintf(f, "%" PRIu64 ",\n", dtm_ntokens(r->m));
  key(f, "    ", "tokens_raw");
  fprintf(f, "%" PRIu64 ",\n", dtm_ntokens_raw(r->m));
  key(f, "    ", "vocabulary");
  fprintf(f, "%" PRIu32 ",\n", dtm_nterms(r->m));
  key(f, "    ", "skipped");
  if (!r->nskipped) {
    fputs("[],\n", f);
  } else {
    fputs("[\n", f);
    for (size_t i = 0; i < r->nskipped; i++) {
      fputs("      {\"path\": ", f);
      jw_string(f, r->skipped[i].path);
      fputs(", \"reason\": ", f);
      jw_string(f, r->skipped[i].reason);
      fputs(i + 1 < r->nskipped ? "},\n" : "}\n", f);
    }
    fputs("    ],\n", f);
  }
  write_duplicates(f, r);
  fputs("  },\n", f);
}

static void write_model(FILE *f, const out_run *r) {
  const lda *md = r->model;
  uint32_t k = lda_k(md);
  const double *alpha = lda_alpha(md);
  fputs("  \"model\": {\n", f);
  key(f, "    ", "k");
  fprintf(f, "%" PRIu32 ",\n", k);
  key(f, "    ", "iterations");
  fprintf(f, "%" PRIu32 ",\n", lda_iterations(md));
  key(f, "    ", "seed");
  fprintf(f, "%" PRIu64 ",\n", r->seed);
  key(f, "    ", "alpha");
  fputc('[', f);
  for (uint32_t t = 0; t < k; t++) {
    if (t) fputs(", ", f);
    jw_number(f, alpha[t]);
  }
  fputs("],\n", f);
  key(f, "    ", "beta");
  jw_number(f, lda_beta(md));
  fputs(",\n", f);
  key(f, "    ", "log_likelihood_per_token");
  jw_number(f, lda_log_likelihood_per_token(md));
  if (r->coherence) { /* share of distinct words among all topics' top words */
    fputs(",\n", f);
    key(f, "    ", "diversity");
    jw_number(f, r->diversity);
  }
  if (r->holdout_perplexity > 0) { /* --holdout: document completion on the held-out talks */
    fputs(",\n", f);
    key(f, "    ", "holdout_perplexity");
    jw_number(f, r->holdout_perplexity);
  }
  fputs("\n  },\n", f);
}

/* tb: topic shares per period (NULL when fewer than two periods have dated talks). */
static void write_topics(FILE *f, const out_run *r, const ot_table *tb) {
  key(f, "  ", "topics");
  if (!r->model || r->sum->k == 0) {
    fputs("[],\n", f);
    return;
  }
  const summary *s = r->sum;
  fputs("[\n", f);
  for (uint32_t t = 0; t < s->k; t++) {
    const sum_topic *tp = &s->topics[t];
    fputs("    {\n", f);
    key(f, "      ", "id");
    fprintf(f, "%" PRIu32 ",\n", t);
    key(f, "      ", "share");
    jw_number(f, tp->share);
    fputs(",\n", f);
    if (r->coherence) { /* NPMI of the top words over the corpus */
      key(f, "      ", "coherence");
      jw_number(f, r->coherence[t]);
      fputs(",\n", f);
    }
    key(f, "      ", "words");
    if (!tp->nwords) fputs("[],\n", f);
    else fputs("[\n", f);
    for (uint32_t i = 0; i < tp->nwords; i++) {
      fputs("        {\"word\": ", f);
      jw_string(f, dtm_term_word(r->m, tp->words[i]));
      fputs(", \"weight\": ", f);
      jw_number(f, tp->weights[i]);
      fputs(i + 1 < tp->nwords ? "},\n" : "}\n      ],\n", f);
    }
    key(f, "      ", "documents");
    fputc('[', f);
    for (uint32_t i = 0; i < tp->ndocs; i++) {
      if (i) fputs(", ", f);
      jw_string(f, r->docs[tp->docs[i]].id);
    }
    fputs("],\n", f);
    key(f, "      ", "over_time");
    ot_put_json(f, tb, t);
    fputc('\n', f);
    fputs(t + 1 < s->k ? "    },\n" : "    }\n", f);
  }
  fputs("  ],\n", f);
}

static void write_documents(FILE *f, const out_run *r) {
  uint32_t nd = dtm_ndocs(r->m);
  key(f, "  ", "documents");
  if (!nd) {
    fputs("[],\n", f);
    return;
  }
  fputs("[\n", f);
  for (uint32_t d = 0; d < nd; d++) {
    const out_doc_meta *dm = &r->docs[d];
    fputs("    {\n", f);
    key(f, "      ", "id");
    jw_string(f, dm->id);
    fputs(",\n", f);
    key(f, "      ", "path");
    jw_string(f, dm->path);
    fputs(",\n", f);
    key(f, "      ", "title");
    jw_string(f, dm->title);
    fputs(",\n", f);
    key(f, "      ", "line");
    fprintf(f, "%ld,\n", dm->line);
    key(f, "      ", "date");
    if (dm->date) jw_string(f, dm->date);
    else fputs("null", f);
    fputs(",\n", f);
    key(f, "      ", "topics");
    fputc('[', f);
    if (r->model) {
      const sum_doc *sd = &r->sum->docs[d];
      for (uint32_t i = 0; i < sd->ntop; i++) {
        fputs(i ? ", {\"id\": " : "{\"id\": ", f);
        fprintf(f, "%" PRIu32 ", \"weight\": ", sd->top[i]);
        jw_number(f, sd->theta[sd->top[i]]);
        fputc('}', f);
      }
    }
    fputs("],\n", f);
    key(f, "      ", "tags");
    fputc('[', f);
    if (r->tags) {
      const tags_doc *td = &r->tags[d];
      for (uint32_t i = 0; i < td->n; i++) {
        if (i) fputs(", ", f);
        jw_string(f, td->words[i]);
      }
    }
    fputs("]\n", f);
    fputs(d + 1 < nd ? "    },\n" : "    }\n", f);
  }
  fputs("  ],\n", f);
}

topics_status out_json(FILE *f, const out_run *r) {
  topics_status st = out_check_run(r);
  if (st != TOPICS_OK) return st;
  fputs("{\n", f);
  key(f, "  ", "version");
  jw_string(f, out_version(r));
  fputs(",\n", f);
  write_corpus(f, r);
  if (r->model) write_model(f, r);
  ot_table *tb = NULL;
  if (r->model && (st = ot_compute(r, &tb)) != TOPICS_OK) return st;
  write_topics(f, r, tb);
  ot_free(tb);
  write_documents(f, r);
  fputs("  \"timing\": {\"read_s\": ", f);
  jw_number(f, r->read_s);
  fputs(", \"tokenize_s\": ", f);
  jw_number(f, r->tokenize_s);
  fputs(", \"model_s\": ", f);
  jw_number(f, r->model_s);
  fputs(", \"total_s\": ", f);
  jw_number(f, r->total_s);
  fputs(", \"peak_rss_mb\": ", f);
  jw_number(f, r->peak_rss_mb);
  fputs("}\n}\n", f);
  /* stdio errors are sticky, so one check here covers every write above */
  return ferror(f) ? TOPICS_EIO : TOPICS_OK;
}
