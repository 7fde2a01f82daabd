/* From talks to the term matrix: a reader sink that gathers talk text into bounded batches,
 * tokenises each batch on several threads (one tok each) and merges the results into a
 * dtm_builder in input order, so term ids and output do not depend on the thread count and memory
 * does not grow with the raw bytes read. */
#ifndef TOPICS_INGEST_H
#define TOPICS_INGEST_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "common/status.h"
#include "models/dtm.h"
#include "pipeline/output.h"
#include "pipeline/reader.h"
#include "tokenize/lexicon.h"
#include "tokenize/tokenizer.h"

typedef struct ingest ingest;

/* A new ingest using lx (must outlive it) with nthreads tokenizer threads (>= 1); stop, when
 * non-NULL and set, makes the sink return TOPICS_EINTR. NULL and *st set on failure. */
ingest *ingest_new(const lex *lx, const tok_options *topt, uint32_t nthreads,
                   volatile sig_atomic_t *stop, topics_status *st);
/* ingest_free(NULL) does nothing. Frees the builder and the talk metadata unless taken. */
void ingest_free(ingest *g);

/* The sink to hand to rd_read; valid while g lives. */
const rd_sink *ingest_sink(ingest *g);

/* Phrases on (1, the default) or off (0, --no-phrases). On: the token stream marks where
 * adjacency breaks and holds the single Han characters, and ingest_finish runs the corpus phrase
 * pass (dtm_builder_phrases) so that multi-word terms become terms. Call before reading. */
void ingest_set_phrases(ingest *g, int on);

/* Called by ingest_finish with the whole token stream, before the phrase pass changes it (so with
 * phrases on it still marks gaps and single Han characters); an error it returns ends
 * ingest_finish with that status. Per-talk keyword candidates are taken from it. */
typedef topics_status (*ingest_stream_fn)(void *ud, const dtm_builder *b);
void ingest_set_stream_hook(ingest *g, ingest_stream_fn fn, void *ud);

/* Tokenises what is still buffered (and finds the phrases). Call once after rd_read. */
topics_status ingest_finish(ingest *g);

/* The builder holding every talk read (one document per talk, in order). */
const dtm_builder *ingest_builder(const ingest *g);

/* Frees the builder (every token read, as surface ids) once the term matrix is built from it, so
 * the model does not train with a second copy of the corpus in memory. */
void ingest_drop_builder(ingest *g);

/* Talk metadata, one per document; valid until ingest_free. */
const out_doc_meta *ingest_docs(const ingest *g, uint32_t *ndocs);

/* Called after each batch is tokenised (about every 16 MiB of text, and once at the end) with the
 * talks, bytes of talk text and tokens read so far. */
typedef void (*ingest_progress_fn)(void *ud, uint64_t talks, uint64_t bytes, uint64_t tokens);
void ingest_set_progress(ingest *g, ingest_progress_fn fn, void *ud);

/* Seconds spent tokenising (the rest of the reading time is I/O and splitting). */
double ingest_tokenize_seconds(const ingest *g);

#endif
