/* Raw ICU word segmentation for bench/segf1: reads UTF-8 lines from standard input and writes, for
 * each, ICU's word-break segments (UBRK_WORD, root locale, over a UText on the UTF-8 itself) with
 * single spaces between them, white space left out -- the same shape as `topics segment --raw`,
 * so that one scorer reads both. One output line per input line.
 * Usage: bench_icuseg < FILE */
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

#include <unicode/ubrk.h>
#include <unicode/utext.h>

static int is_space(unsigned char c) { return c == ' ' || (c >= 9 && c <= 13); }

/* Writes the segments of line[0..len) through bi; returns 0, or -1 on an ICU error. */
static int write_segments(UBreakIterator *bi, const char *line, size_t len) {
  UErrorCode err = U_ZERO_ERROR;
  UText ut = UTEXT_INITIALIZER;
  utext_openUTF8(&ut, line, (int64_t)len, &err);
  ubrk_setUText(bi, &ut, &err);
  if (U_FAILURE(err)) {
    utext_close(&ut);
    return -1;
  }
  int first = 1;
  for (int32_t a = ubrk_first(bi), b; (b = ubrk_next(bi)) != UBRK_DONE; a = b) {
    /* A segment of white space alone is a gap, not a word; spaces inside one are dropped so that
     * every printed word is one token for the scorer. */
    int any = 0;
    for (int32_t i = a; i < b; i++)
      if (!is_space((unsigned char)line[i])) {
        if (!any && !first) putchar(' ');
        putchar(line[i]);
        any = 1;
      }
    if (any) first = 0;
  }
  putchar('\n');
  utext_close(&ut);
  return 0;
}

int main(void) {
  UErrorCode err = U_ZERO_ERROR;
  UBreakIterator *bi = ubrk_open(UBRK_WORD, "", NULL, 0, &err);
  if (U_FAILURE(err)) {
    fprintf(stderr, "bench_icuseg: cannot open ICU's word breaker: %s\n", u_errorName(err));
    return 1;
  }
  char *line = NULL;
  size_t cap = 0;
  int rc = 0;
  for (ssize_t n; (n = getline(&line, &cap, stdin)) != -1;) {
    size_t len = (size_t)n;
    if (len && line[len - 1] == '\n') len--;
    if (write_segments(bi, line, len) != 0) {
      fprintf(stderr, "bench_icuseg: ICU cannot segment a line of standard input\n");
      rc = 1;
      break;
    }
  }
  free(line);
  ubrk_close(bi);
  if (fflush(stdout) != 0) rc = 1;
  return rc;
}
