/* libFuzzer target for the WordNet readers of the keyphrase filter (models/wordclass.h):
 * arbitrary bytes as one file, the first byte picking which (0: an index, 1: verb.exc, 2: sense
 * counts, 3: all three in turn). Checks: verb.exc's reader returns a known status; every word gets
 * only defined class bits, WC_COMMON only with WC_PAST, WC_VERB3 never with WC_NOUN; a word not
 * asked for has no class. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/wordclass.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const words[] = {"compared", "stopped", "verified", "deploys", "pushes", "wrote",
                                    "speed",    "afterwards", "applies", "named", "x"};
#define NWORDS (sizeof words / sizeof words[0])

static void fail(const char *what) {
  fprintf(stderr, "invariant broken: %s\n", what);
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  wc_map *m = wc_new();
  if (!m) return 0;
  for (size_t i = 0; i < NWORDS; i++)
    if (wc_want(m, words[i], strlen(words[i])) != TOPICS_OK) {
      wc_free(m);
      return 0;
    }
  const char *buf = (const char *)data + 1;
  size_t len = size - 1;
  unsigned which = data[0] % 4;
  if (which == 0 || which == 3) wc_parse_index(m, buf, len, (unsigned)data[0] >> 2);
  if (which == 1 || which == 3) {
    topics_status st = wc_parse_exc(m, buf, len);
    if (st != TOPICS_OK && st != TOPICS_ENOMEM) fail("unexpected status");
  }
  if (which == 2 || which == 3) wc_parse_counts(m, buf, len);
  const unsigned all = WC_NOUN | WC_VERB | WC_ADJ | WC_ADV | WC_PAST | WC_VERB3 | WC_COMMON;
  for (size_t i = 0; i < NWORDS; i++) {
    unsigned c = wc_class(m, words[i], strlen(words[i]));
    if (c & ~all) fail("undefined class bits");
    if ((c & WC_COMMON) && !(c & WC_PAST)) fail("common without a past form");
    if ((c & WC_VERB3) && (c & WC_NOUN)) fail("an -s verb form that is a noun");
  }
  if (wc_class(m, "unasked", 7) != 0) fail("a class for a word not asked for");
  wc_free(m);
  return 0;
}
