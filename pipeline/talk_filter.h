/* A reader sink placed before the ingest sink: it reads each talk's markup as a person would
 * (markup.h), drops speaker bylines (byline.h), and leaves out talks whose text is a copy or near
 * copy of an earlier talk (dedup.h). A talk is held back until its end so that a copy can be dropped before the next sink sees it;
 * a talk longer than TFL_HOLD_MAX bytes is passed on as it comes and is never dropped (it can
 * still be the kept original of a later copy). Titles are cleaned of inline markup too. */
#ifndef TOPICS_TALK_FILTER_H
#define TOPICS_TALK_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"
#include "pipeline/dedup.h"
#include "pipeline/output.h"
#include "pipeline/reader.h"

#define TFL_HOLD_MAX ((size_t)8 << 20)
#define TFL_MIN_WORDS 20 /* shorter talks are never taken for copies */

typedef struct tfl_options {
  int keep_code;       /* --code keep: code blocks are read as text */
  int keep_duplicates; /* --keep-duplicates: no talk is dropped */
  /* Every talk is handed on and its mark kept (tfl_marks), for a judge that sees the talks of
   * several readers to decide later (tfl_judge). */
  int defer;
} tfl_options;

/* What the judging of one talk needs: its sketch, and how the filter met it. */
typedef struct tfl_mark {
  uint32_t min[DD_K];
  uint8_t judge;  /* long enough to be judged (TFL_MIN_WORDS) */
  uint8_t passed; /* too long to hold (TFL_HOLD_MAX): never dropped, still a possible original */
} tfl_mark;

typedef struct talk_filter talk_filter;

/* A filter handing talks on to next (which must outlive it). NULL when out of memory.
 * tfl_free(NULL) does nothing. */
talk_filter *tfl_new(const rd_sink *next, const tfl_options *o);
void tfl_free(talk_filter *f);

/* The sink to hand to rd_read; valid while f lives. */
const rd_sink *tfl_sink(talk_filter *f);

/* The copies left out, grouped by the talk kept, in that talk's input order; *n gets the number
 * of groups. Valid until tfl_free or the next talk read. NULL with *n == 0 when there are none
 * (or when building the list ran out of memory). */
const out_dup *tfl_duplicates(talk_filter *f, size_t *n);

/* With defer: the marks of the talks handed on, in order; *n gets their number. Valid until the
 * next talk read or tfl_free. */
const tfl_mark *tfl_marks(const talk_filter *f, size_t *n);

/* Judges a talk read elsewhere, as the filter judges its own, given in input order: *drop is set
 * when it is a copy of an earlier talk kept (recorded for tfl_duplicates under id). Use a filter
 * made without defer or keep_duplicates that reads nothing itself. */
topics_status tfl_judge(talk_filter *f, const tfl_mark *m, const char *id, int *drop);

/* Warns once, on one line, about the copies left out (nothing when there are none). */
void tfl_warn(talk_filter *f);

#endif
