/* One-line diagnostics, serialised with a mutex so threads never interleave a line. */
#include "common/diag.h"

#include <pthread.h>
#include <stdarg.h>

static pthread_mutex_t diag_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *diag_stream;
static unsigned long diag_warnings;

void diag_set_stream(FILE *f) {
  pthread_mutex_lock(&diag_lock);
  diag_stream = f;
  pthread_mutex_unlock(&diag_lock);
}

static void diag_vprint(const char *kind, const char *file, long line, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static void diag_vprint(const char *kind, const char *file, long line, const char *fmt, va_list ap) {
  pthread_mutex_lock(&diag_lock);
  FILE *out = diag_stream ? diag_stream : stderr;
  fprintf(out, "topics: %s: ", kind);
  if (file && line > 0)
    fprintf(out, "%s:%ld: ", file, line);
  else if (file)
    fprintf(out, "%s: ", file);
  vfprintf(out, fmt, ap);
  fputc('\n', out);
  fflush(out);
  pthread_mutex_unlock(&diag_lock);
}

void diag_warn(const char *file, long line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diag_vprint("warning", file, line, fmt, ap);
  va_end(ap);
  pthread_mutex_lock(&diag_lock);
  diag_warnings++;
  pthread_mutex_unlock(&diag_lock);
}

void diag_error(const char *file, long line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diag_vprint("error", file, line, fmt, ap);
  va_end(ap);
}

unsigned long diag_warning_count(void) {
  pthread_mutex_lock(&diag_lock);
  unsigned long n = diag_warnings;
  pthread_mutex_unlock(&diag_lock);
  return n;
}
