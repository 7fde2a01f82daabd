/* libFuzzer target for the background word lists (models/background.h): arbitrary bytes as a
 * list, the first byte picking the format (odd: WordNet's sense counts, even: rime-essay's
 * "word<TAB>count" lines). Checks: a known status; on success every key gets a frequency in
 * [0, 1] or −1, the frequencies of the distinct keys add up to at most 1, nfound counts those
 * above 0; on failure nothing is left allocated. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "models/background.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const keys[] = {"run", "take off", "graph", "使用", "机器学习", "valu", "a b c"};
#define NKEYS (sizeof keys / sizeof keys[0])

static void fail(const char *what) {
  fprintf(stderr, "invariant broken: %s\n", what);
  abort();
}

static const char *key(void *ud, uint32_t i, size_t *len) {
  (void)ud;
  *len = strlen(keys[i]);
  return keys[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static FILE *devnull;
  if (!devnull) devnull = fopen("/dev/null", "w");
  diag_set_stream(devnull);
  if (size == 0) return 0;
  const char *buf = (const char *)data + 1;
  bg_freq f;
  topics_status st = data[0] & 1 ? bg_parse_en_keys("fuzz", buf, size - 1, NKEYS, key, NULL, &f)
                                 : bg_parse_keys("fuzz", buf, size - 1, NKEYS, key, NULL, &f);
  if (st != TOPICS_OK) {
    if (st != TOPICS_EINVAL && st != TOPICS_ENOMEM && st != TOPICS_EICU) fail("unexpected status");
    if (f.rel) fail("frequencies left after a failure");
    return 0;
  }
  double sum = 0;
  size_t found = 0;
  for (size_t i = 0; i < NKEYS; i++) {
    double r = f.rel[i];
    if (r != -1.0 && (r < 0 || r > 1)) fail("frequency out of range");
    if (r > 0) {
      sum += r;
      found++;
    }
  }
  if (sum > 1.0 + 1e-9) fail("frequencies add up past 1");
  if (found != f.nfound) fail("nfound");
  bg_freq_clear(&f);
  return 0;
}
