/* One-line diagnostics, serialised with a mutex so threads never interleave a line. File names and
 * message text can hold anything a file name can (escape sequences, newlines, bytes that are not
 * UTF-8), so every line is escaped on its way to the terminal: a message stays one line and
 * cannot drive the terminal. */
#include "common/diag.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

static pthread_mutex_t diag_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *diag_stream;
static unsigned long diag_warnings;

void diag_set_stream(FILE *f) {
  pthread_mutex_lock(&diag_lock);
  diag_stream = f;
  pthread_mutex_unlock(&diag_lock);
}

/* Code points a terminal acts on or that hide what the text says: C0 and C1 controls, DEL, line
 * and paragraph separators, and the bidirectional overrides and isolates. */
static int diag_is_unsafe(unsigned cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
         cp == 0x200F || cp == 0x061C;
}

static const char diag_hex[] = "0123456789abcdef";

size_t diag_escape(const char *s, size_t len, char *out, size_t cap) {
  size_t o = 0, i = 0;
  const unsigned char *u = (const unsigned char *)s;
  while (i < len) {
    unsigned cp;
    size_t n = utf8_decode(u + i, len - i, &cp);
    /* A real U+FFFD is three bytes; a shorter one stands for ill-formed bytes. */
    int bad = cp == 0xFFFD && !(n == 3 && u[i] == 0xEF && u[i + 1] == 0xBF && u[i + 2] == 0xBD);
    if (bad || diag_is_unsafe(cp)) {
      if (!bad && cp > 0xFF) {
        /* "\u202e" */
        char e[6] = {'\\', 'u', diag_hex[(cp >> 12) & 15], diag_hex[(cp >> 8) & 15],
                     diag_hex[(cp >> 4) & 15], diag_hex[cp & 15]};
        for (size_t k = 0; k < sizeof e; k++, o++)
          if (o < cap) out[o] = e[k];
      } else {
        /* each byte as "\x1b" (a C1 control is shown by its code point, "\x9b") */
        size_t nb = bad ? n : 1;
        for (size_t b = 0; b < nb; b++) {
          unsigned v = bad ? u[i + b] : cp;
          char e[4] = {'\\', 'x', diag_hex[(v >> 4) & 15], diag_hex[v & 15]};
          for (size_t k = 0; k < sizeof e; k++, o++)
            if (o < cap) out[o] = e[k];
        }
      }
    } else {
      for (size_t k = 0; k < n; k++, o++)
        if (o < cap) out[o] = s[i + k];
    }
    i += n;
  }
  if (cap) out[o < cap ? o : cap - 1] = '\0';
  return o;
}

/* Writes s escaped (see diag_escape) to out. */
static void diag_put(FILE *out, const char *s) {
  size_t len = strlen(s);
  char small[512];
  /* each input byte becomes at most four output bytes ("\x1b") */
  size_t cap = len <= (sizeof small - 1) / 4 ? sizeof small : 0;
  char *buf = small;
  if (!cap) {
    if (len > ((size_t)-1 - 1) / 4 || !(buf = malloc(len * 4 + 1))) {
      fputs("(message too long to show)", out);
      return;
    }
    cap = len * 4 + 1;
  }
  size_t n = diag_escape(s, len, buf, cap);
  fwrite(buf, 1, n, out);
  if (buf != small) free(buf);
}

static void diag_vprint(const char *kind, const char *file, long line, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static void diag_vprint(const char *kind, const char *file, long line, const char *fmt, va_list ap) {
  /* Format first, so that text from the arguments is escaped too. */
  char small[1024], *msg = small;
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  if (n < 0) {
    msg = NULL;
  } else if ((size_t)n >= sizeof small) {
    msg = malloc((size_t)n + 1);
    if (msg) vsnprintf(msg, (size_t)n + 1, fmt, ap2);
    else msg = small; /* the cut message is better than none */
  }
  va_end(ap2);
  pthread_mutex_lock(&diag_lock);
  FILE *out = diag_stream ? diag_stream : stderr;
  fprintf(out, "topics: %s: ", kind);
  if (file) {
    diag_put(out, file);
    if (line > 0) fprintf(out, ":%ld", line);
    fputs(": ", out);
  }
  diag_put(out, msg ? msg : "(message could not be formatted)");
  fputc('\n', out);
  fflush(out);
  pthread_mutex_unlock(&diag_lock);
  if (msg != small) free(msg);
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
