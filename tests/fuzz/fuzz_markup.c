/* libFuzzer target for the markup reader and the byline stripper that follows it: arbitrary
 * bytes as a talk's text (the first byte picks Markdown or plain text, code kept or dropped, and
 * where the text is cut into two calls). Checks: the result is no longer than the input, keeps
 * exactly the input's line ends, adds no NUL byte, keeps well-formed UTF-8 well-formed, and a
 * title is cleaned to at most its length with no line end left. Bounded time is checked by
 * libFuzzer's timeout. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "pipeline/byline.h"
#include "pipeline/markup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what) {
  fprintf(stderr, "invariant broken: %s\n", what);
  abort();
}

static size_t count(const char *s, size_t n, char c) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += s[i] == c;
  return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  unsigned flags = data[0];
  mk_kind kind = (flags & 1) ? MK_MARKDOWN : MK_TEXT;
  int keep = (flags >> 1) & 1;
  data++;
  size--;
  char *s = malloc(size + 1);
  if (!s) return 0;
  memcpy(s, data, size);
  int valid = utf8_valid_prefix(s, size) == size;
  int nul = memchr(s, 0, size) != NULL;
  size_t lines = count(s, size, '\n');
  /* cut after a line end near the fraction the flags ask for */
  size_t cut = size * ((flags >> 2) & 63) / 64;
  while (cut > 0 && s[cut - 1] != '\n') cut--;
  mk_reader *m = mk_new(kind, keep);
  if (!m) {
    free(s);
    return 0;
  }
  size_t a = mk_clean(m, s, cut);
  if (a > cut) fail("first part grew");
  if (count(s, a, '\n') != count((const char *)data, cut, '\n')) fail("line ends of the first part");
  size_t b = mk_clean(m, s + cut, size - cut);
  if (b > size - cut) fail("second part grew");
  if (count(s, a, '\n') + count(s + cut, b, '\n') != lines) fail("line ends changed");
  if (!nul && (memchr(s, 0, a) || memchr(s + cut, 0, b))) fail("NUL produced");
  if (valid && (utf8_valid_prefix(s, a) != a || utf8_valid_prefix(s + cut, b) != b))
    fail("ill-formed UTF-8 produced");
  mk_free(m);
  bl_names names = {.len = 0};
  size_t a2 = bl_strip(s, a, &names), b2 = bl_strip(s + cut, b, &names);
  if (names.len > BL_NAMES_MAX) fail("bylines: names overflow");
  bl_hide_names(s, a2, &names);
  bl_hide_names(s + cut, b2, &names);
  if (a2 > a || b2 > b) fail("bylines: text grew");
  if (count(s, a2, '\n') + count(s + cut, b2, '\n') != lines) fail("bylines: line ends changed");
  if (!nul && (memchr(s, 0, a2) || memchr(s + cut, 0, b2))) fail("bylines: NUL produced");
  if (valid && (utf8_valid_prefix(s, a2) != a2 || utf8_valid_prefix(s + cut, b2) != b2))
    fail("bylines: ill-formed UTF-8 produced");

  /* the whole input as a title */
  memcpy(s, data, size);
  size_t t = mk_clean_title(s, size, kind);
  if (t > size) fail("title grew");
  if (memchr(s, '\n', t)) fail("line end in a title");
  if (valid && utf8_valid_prefix(s, t) != t) fail("ill-formed UTF-8 title");
  free(s);
  return 0;
}
