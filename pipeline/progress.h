/* Progress on standard error while the input is read and while the model trains: only when
 * standard error is a terminal and -q was not given, so logs and pipes stay clean. */
#ifndef TOPICS_PROGRESS_H
#define TOPICS_PROGRESS_H

#include <stdint.h>

#include <stdio.h>

typedef struct progress {
  int enabled;
  FILE *out;   /* stderr; tests may point it elsewhere */
  double last; /* monotonic seconds of the last line drawn */
  double start;
} progress;

/* Enabled when !quiet and stderr is a terminal. */
void progress_init(progress *p, int quiet);

/* An ingest_progress_fn: redraws "reading: talks, MB, tokens, MB/s" at most 10 times a second.
 * ud is a progress*. */
void progress_read(void *ud, uint64_t talks, uint64_t bytes, uint64_t tokens);

/* An lda_progress_fn: redraws "iteration i/n, tokens/s, log-likelihood/token" at most 10 times a
 * second (and always for the last iteration). ud is a progress*. */
void progress_lda(void *ud, uint32_t iteration, uint32_t iterations, double tokens_per_second,
                  double log_likelihood_per_token);

/* An lda_progress_fn for the warm start's sample model: redraws "warm start: iteration i/n of a
 * sample, tokens/s" at most 10 times a second; the model's own lines then replace it. */
void progress_warm(void *ud, uint32_t iteration, uint32_t iterations, double tokens_per_second,
                   double log_likelihood_per_token);

/* A one-line stage note ("read 64 talks") when enabled; it replaces a progress line being redrawn. */
void progress_note(progress *p, const char *what);

#endif
