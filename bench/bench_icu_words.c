/* Raw ICU as a whole process, the baseline of bench/segment_whole.sh: reads a file line by line,
 * breaks each line with ICU's word break iterator (over UTF-8 through a UText) and prints the
 * number of words (segments whose rule status is not "none"). It does what `topics segment`
 * does at the least: read, break, count; so the ratio of their times is the cost of everything
 * else segment does (normalising, stemming, stopwords, writing).
 * Usage: bench_icu_words FILE */
#ifndef _POSIX_C_SOURCE /* getline; the build defines it too */
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <unicode/ubrk.h>
#include <unicode/utext.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: bench_icu_words FILE\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  UErrorCode err = U_ZERO_ERROR;
  UBreakIterator *bi = ubrk_open(UBRK_WORD, "en", NULL, 0, &err);
  UText *ut = NULL;
  char *line = NULL;
  size_t cap = 0;
  uint64_t words = 0;
  ssize_t n;
  while (U_SUCCESS(err) && (n = getline(&line, &cap, f)) > 0) {
    ut = utext_openUTF8(ut, line, (int64_t)n, &err);
    ubrk_setUText(bi, ut, &err);
    if (U_FAILURE(err)) break;
    for (int32_t e = ubrk_next(bi); e != UBRK_DONE; e = ubrk_next(bi))
      if (ubrk_getRuleStatus(bi) != UBRK_WORD_NONE) words++;
  }
  int rc = 0;
  if (U_FAILURE(err)) {
    fprintf(stderr, "%s: ICU error %s\n", argv[1], u_errorName(err));
    rc = 1;
  } else if (ferror(f)) {
    perror(argv[1]);
    rc = 1;
  } else {
    printf("%llu words\n", (unsigned long long)words);
  }
  free(line);
  utext_close(ut);
  ubrk_close(bi);
  fclose(f);
  return rc;
}
