/* The readable report on standard output: a header line, then each topic with its share, words and
 * representative talks, then one line per talk. Fields are joined with " | " and ", " rather than
 * padded into columns, because the width of mixed CJK/Latin text on a terminal cannot be known
 * reliably. Numbers go through json_write.h so the report does not depend on the locale. */
#include <inttypes.h>

#include "pipeline/json_write.h"
#include "pipeline/output_int.h"

/* p as a percentage with `decimals` digits, e.g. "12.5%". */
static void put_percent(FILE *f, double p, int decimals) {
  char buf[JW_NUMBUF];
  fputs(jw_format_fixed(buf, p * 100.0, decimals), f);
  fputc('%', f);
}

static void put_header(FILE *f, const out_run *r) {
  fprintf(f, "topics %s: %" PRIu32 " talks, %" PRIu64 " tokens, %" PRIu32 " terms", out_version(r),
          dtm_ndocs(r->m), dtm_ntokens(r->m), dtm_nterms(r->m));
  if (r->model) {
    char buf[JW_NUMBUF];
    fprintf(f, ", %" PRIu32 " topics, %" PRIu32 " iterations, seed %" PRIu64
            ", log-likelihood %s per token\n",
            lda_k(r->model), lda_iterations(r->model), r->seed,
            jw_format_fixed(buf, lda_log_likelihood_per_token(r->model), 3));
    if (r->holdout_perplexity > 0)
      fprintf(f, "held-out perplexity %s (document completion)\n",
              jw_format_fixed(buf, r->holdout_perplexity, 1));
  } else {
    fputs(" (tags only, no topic model)\n", f);
  }
  for (size_t i = 0; i < r->nskipped; i++) {
    fputs("skipped: ", f);
    out_put_clean(f, r->skipped[i].path, 0);
    fputs(" (", f);
    out_put_clean(f, r->skipped[i].reason, 0);
    fputs(")\n", f);
  }
  for (size_t g = 0; g < r->ndups; g++) {
    fputs("left out as copies of ", f);
    out_put_clean(f, r->dups[g].kept, 0);
    fputc(':', f);
    for (size_t i = 0; i < r->dups[g].ndropped; i++) {
      fputs(i ? ", " : " ", f);
      out_put_clean(f, r->dups[g].dropped[i], 0);
    }
    fputc('\n', f);
  }
}

static void put_topics(FILE *f, const out_run *r) {
  const summary *s = r->sum;
  for (uint32_t t = 0; t < s->k; t++) {
    const sum_topic *tp = &s->topics[t];
    fprintf(f, "\nTopic %" PRIu32 " (", t);
    put_percent(f, tp->share, 1);
    fputs("):", f);
    for (uint32_t i = 0; i < tp->nwords; i++) {
      fputs(i ? ", " : " ", f);
      out_put_clean(f, dtm_term_word(r->m, tp->words[i]), 0);
    }
    fputc('\n', f);
    for (uint32_t i = 0; i < tp->ndocs; i++) {
      const out_doc_meta *dm = &r->docs[tp->docs[i]];
      fputs("    ", f);
      out_put_clean(f, dm->title, 0);
      fputs(" (", f);
      out_put_clean(f, dm->id, 0);
      fputs(")\n", f);
    }
  }
}

static void put_talks(FILE *f, const out_run *r) {
  uint32_t nd = dtm_ndocs(r->m);
  fputs("\nTalks\n", f);
  for (uint32_t d = 0; d < nd; d++) {
    const out_doc_meta *dm = &r->docs[d];
    out_put_clean(f, dm->id, 0);
    fputs(" | ", f);
    out_put_clean(f, dm->title, 0);
    if (r->model) {
      const sum_doc *sd = &r->sum->docs[d];
      fputs(" | topics:", f);
      for (uint32_t i = 0; i < sd->ntop; i++) {
        fprintf(f, "%s%" PRIu32 " (", i ? ", " : " ", sd->top[i]);
        put_percent(f, sd->theta[sd->top[i]], 0);
        fputc(')', f);
      }
      if (!sd->ntop) fputs(" -", f);
    }
    fputs(" | tags:", f);
    const tags_doc *td = r->tags ? &r->tags[d] : NULL;
    if (!td || !td->n) fputs(" -", f);
    for (uint32_t i = 0; td && i < td->n; i++) {
      fputs(i ? ", " : " ", f);
      out_put_clean(f, td->words[i], 0);
    }
    fputc('\n', f);
  }
}

topics_status out_text(FILE *f, const out_run *r) {
  topics_status st = out_check_run(r);
  if (st != TOPICS_OK) return st;
  put_header(f, r);
  if (r->model) put_topics(f, r);
  put_talks(f, r);
  return ferror(f) ? TOPICS_EIO : TOPICS_OK;
}
