/* Internals shared by the output writers (output_*.c) and their tests; not part of the public
 * contract in output.h. */
#ifndef TOPICS_OUTPUT_INT_H
#define TOPICS_OUTPUT_INT_H

#include <stdio.h>

#include "pipeline/output.h"

/* TOPICS_EINVAL unless r holds what every writer needs: a dtm, its document metadata, and a summary
 * for the same k whenever a model is given. */
topics_status out_check_run(const out_run *r);

/* r->version, or the build's version when NULL. */
const char *out_version(const out_run *r);

/* s, or "" when NULL. */
const char *out_str(const char *s);

/* How out_put_clean rewrites characters (flags may be or'ed). */
enum {
  OUT_CLEAN_CONTROL = 0,      /* control characters (tab, newline, ...) become spaces: always */
  OUT_CLEAN_SPACE = 1,        /* spaces and control characters become '_' (space-separated lists) */
  OUT_CLEAN_COMMA = 2         /* ',' becomes a space (for comma-separated lists) */
};

/* Writes s (NULL: nothing) on one line: control characters become spaces, ill-formed UTF-8
 * becomes U+FFFD, plus what flags ask. For TSV cells and the text report. */
void out_put_clean(FILE *f, const char *s, int flags);

/* The self-contained HTML report (report.html): no external CSS, scripts or fonts; all text
 * escaped. TOPICS_EIO when a write to f failed, TOPICS_EINVAL for an incomplete r. */
topics_status out_html(FILE *f, const out_run *r);

#endif
