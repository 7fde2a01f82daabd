/* Keyphrase tags for `topics infer` (infer_tags.h): a tee in front of an ingest. */
#include "pipeline/infer_tags.h"

#include <stdlib.h>

#include "pipeline/ingest.h"

struct infer_tags {
  ingest *g;
  const rd_sink *next;
  rd_sink sink;
  uint32_t ntags;
  int phrases;
  tags_doc *tags;
  uint32_t ndocs;
};

static topics_status tee_begin(void *ud, const rd_talk_info *talk) {
  infer_tags *t = ud;
  topics_status st = t->next->begin(t->next->ud, talk);
  const rd_sink *in = ingest_sink(t->g);
  return st == TOPICS_OK ? in->begin(in->ud, talk) : st;
}

static topics_status tee_text(void *ud, const char *s, size_t len) {
  infer_tags *t = ud;
  topics_status st = t->next->text(t->next->ud, s, len);
  const rd_sink *in = ingest_sink(t->g);
  return st == TOPICS_OK ? in->text(in->ud, s, len) : st;
}

static topics_status tee_end(void *ud) {
  infer_tags *t = ud;
  topics_status st = t->next->end(t->next->ud);
  const rd_sink *in = ingest_sink(t->g);
  return st == TOPICS_OK ? in->end(in->ud) : st;
}

/* The ingest's stream hook: the candidates of the whole stream, before the phrase pass. */
static topics_status on_stream(void *ud, const dtm_builder *b) {
  infer_tags *t = ud;
  return tags_from_stream(b, t->phrases, t->ntags, &t->tags, &t->ndocs);
}

infer_tags *itg_new(const lex *lx, const tok_options *topt, int phrases, uint32_t threads,
                    volatile sig_atomic_t *stop, const rd_sink *next, topics_status *st) {
  infer_tags *t = calloc(1, sizeof *t);
  if (!t) {
    *st = TOPICS_ENOMEM;
    return NULL;
  }
  if (!(t->g = ingest_new(lx, topt, threads, stop, st))) {
    free(t);
    return NULL;
  }
  t->next = next;
  t->phrases = phrases;
  t->sink = (rd_sink){tee_begin, tee_text, tee_end, t};
  ingest_set_phrases(t->g, phrases);
  ingest_set_stream_hook(t->g, on_stream, t);
  return t;
}

void itg_free(infer_tags *t) {
  if (!t) return;
  tags_free(t->tags, t->ndocs);
  ingest_free(t->g);
  free(t);
}

const rd_sink *itg_sink(infer_tags *t) { return &t->sink; }

topics_status itg_finish(infer_tags *t, uint32_t ntags, tags_doc **out, uint32_t *ndocs) {
  t->ntags = ntags;
  topics_status st = ingest_finish(t->g);
  if (st != TOPICS_OK) return st;
  *out = t->tags;
  *ndocs = t->ndocs;
  t->tags = NULL;
  t->ndocs = 0;
  return TOPICS_OK;
}
