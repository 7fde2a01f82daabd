/* Terminal progress lines, redrawn in place with a carriage return. */
#include "pipeline/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void progress_init(progress *p, int quiet) {
  p->enabled = !quiet && isatty(STDERR_FILENO);
  p->last = 0;
}

void progress_lda(void *ud, uint32_t iteration, uint32_t iterations, double tokens_per_second,
                  double log_likelihood_per_token) {
  progress *p = ud;
  if (!p->enabled) return;
  double t = mono();
  int last = iteration >= iterations;
  if (!last && t - p->last < 0.1) return;
  p->last = t;
  fprintf(stderr, "\r  iteration %u/%u  %.1fM tokens/s  log-likelihood/token %.4f\033[K", iteration,
          iterations, tokens_per_second / 1e6, log_likelihood_per_token);
  if (last) fputc('\n', stderr);
  fflush(stderr);
}

void progress_note(progress *p, const char *what) {
  if (!p->enabled) return;
  fprintf(stderr, "  %s\n", what);
}
