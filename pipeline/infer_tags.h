/* Keyphrase tags of the talks `topics infer` reads, made as the main command makes them: the
 * talks also go through an ingest (the model's stopwords and dictionary, its phrase setting), and
 * the tags come from each talk's own word stretches (models/keycand.h, models/tags.h), not only
 * from the model's terms. Document frequencies are those of the talks given. */
#ifndef TOPICS_INFER_TAGS_H
#define TOPICS_INFER_TAGS_H

#include <signal.h>
#include <stdint.h>

#include "common/status.h"
#include "models/tags.h"
#include "pipeline/reader.h"
#include "tokenize/lexicon.h"
#include "tokenize/tokenizer.h"

typedef struct infer_tags infer_tags;

/* A tagger whose sink hands every call on to next (first) and to its own ingest. lx and next
 * must outlive it; stop as for ingest_new. NULL and *st set on failure. */
infer_tags *itg_new(const lex *lx, const tok_options *topt, int phrases, uint32_t threads,
                    volatile sig_atomic_t *stop, const rd_sink *next, topics_status *st);
void itg_free(infer_tags *t); /* NULL does nothing */

/* The sink to read into; valid while t lives. */
const rd_sink *itg_sink(infer_tags *t);

/* After reading: up to ntags tags for each talk read, in order; *out (free with tags_free) gets
 * *ndocs entries, one per talk handed to the sink. */
topics_status itg_finish(infer_tags *t, uint32_t ntags, tags_doc **out, uint32_t *ndocs);

#endif
