/* The tiny assertion header every unit test shares. CHECK records a failure and goes on; a test
 * program returns check_done(), which prints "N passed, N failed" and exits non-zero on failure. */
#ifndef TOPICS_CHECK_H
#define TOPICS_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_pass_count, check_fail_count;

#define CHECK(cond)                                                                   \
  do {                                                                                \
    if (cond) {                                                                       \
      check_pass_count++;                                                             \
    } else {                                                                          \
      check_fail_count++;                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);        \
    }                                                                                 \
  } while (0)

#define CHECK_MSG(cond, ...)                                                          \
  do {                                                                                \
    if (cond) {                                                                       \
      check_pass_count++;                                                             \
    } else {                                                                          \
      check_fail_count++;                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);        \
      fprintf(stderr, __VA_ARGS__);                                                   \
      fputc('\n', stderr);                                                            \
    }                                                                                 \
  } while (0)

#define CHECK_STREQ(a, b)                                                             \
  do {                                                                                \
    const char *check_a_ = (a), *check_b_ = (b);                                      \
    CHECK_MSG(check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0,                \
              "got \"%s\", want \"%s\"", check_a_ ? check_a_ : "(null)",              \
              check_b_ ? check_b_ : "(null)");                                        \
  } while (0)

/* Prints the summary line and gives main's return value. */
static inline int check_done(void) {
  printf("%d passed, %d failed\n", check_pass_count, check_fail_count);
  return check_fail_count ? 1 : 0;
}

/* ctest's SKIP_RETURN_CODE: tests that need ../shared return this when it is absent. */
#define CHECK_SKIP 77

#endif
