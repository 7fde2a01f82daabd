/* Terminal progress lines, redrawn in place with a carriage return. */
#include "pipeline/progress.h"

#include <stdio.h>
#include <unistd.h>

#include "common/clock.h"

void progress_init(progress *p, int quiet) {
  p->enabled = !quiet && isatty(STDERR_FILENO);
  p->out = stderr;
  p->last = 0;
  p->start = clock_seconds();
}

void progress_read(void *ud, uint64_t talks, uint64_t bytes, uint64_t tokens) {
  progress *p = ud;
  if (!p->enabled) return;
  double t = clock_seconds();
  if (t - p->last < 0.1) return;
  p->last = t;
  double secs = t - p->start;
  fprintf(p->out, "\r  reading: %llu talks, %.1f MB, %.1fM tokens, %.1f MB/s\033[K",
          (unsigned long long)talks, (double)bytes / 1e6, (double)tokens / 1e6,
          secs > 0 ? (double)bytes / 1e6 / secs : 0.0);
  fflush(p->out);
}

void progress_lda(void *ud, uint32_t iteration, uint32_t iterations, double tokens_per_second,
                  double log_likelihood_per_token) {
  progress *p = ud;
  if (!p->enabled) return;
  double t = clock_seconds();
  int last = iteration >= iterations;
  if (!last && t - p->last < 0.1) return;
  p->last = t;
  fprintf(p->out, "\r  iteration %u/%u  %.1fM tokens/s  log-likelihood/token %.4f\033[K",
          iteration, iterations, tokens_per_second / 1e6, log_likelihood_per_token);
  if (last) fputc('\n', p->out);
  fflush(p->out);
}

void progress_warm(void *ud, uint32_t iteration, uint32_t iterations, double tokens_per_second,
                   double log_likelihood_per_token) {
  progress *p = ud;
  (void)log_likelihood_per_token;
  if (!p->enabled) return;
  double t = clock_seconds();
  if (t - p->last < 0.1) return;
  p->last = t;
  fprintf(p->out, "\r  warm start: iteration %u/%u on a sample of the talks  %.1fM tokens/s\033[K",
          iteration, iterations, tokens_per_second / 1e6);
  fflush(p->out);
}

void progress_note(progress *p, const char *what) {
  if (!p->enabled) return;
  fprintf(p->out, "\r  %s\033[K\n", what);
  fflush(p->out);
}
