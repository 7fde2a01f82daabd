/* libFuzzer target for packed term-matrix builders (models/dtm_pack.h), the bytes processes send
 * each other when they agree on a vocabulary: arbitrary bytes are either refused or merged into a
 * builder whose every document can be read back, and the builder then packs again. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/dtm.h"
#include "models/dtm_pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  topics_status st;
  dtm_unpack *u = dtm_unpack_new(data, size, &st);
  if (!u) {
    if (st != TOPICS_EINVAL && st != TOPICS_ENOMEM) abort();
    return 0;
  }
  dtm_builder *b = dtm_builder_new();
  uint32_t n = dtm_unpack_ndocs(u);
  for (uint32_t i = 0; b && i < n && i < 4096; i++) {
    if (dtm_builder_begin_doc(b) != TOPICS_OK) break;
    st = dtm_unpack_doc(u, i, b);
    if (st != TOPICS_OK && st != TOPICS_EINVAL && st != TOPICS_ENOMEM) abort();
    if (st != TOPICS_OK) break;
  }
  if (dtm_unpack_doc(u, n, b) != TOPICS_EINVAL) abort(); /* past the end */
  uint8_t *again = NULL;
  size_t len;
  if (b && dtm_pack(b, &again, &len) != TOPICS_OK) abort();
  free(again);
  dtm_builder_free(b);
  dtm_unpack_free(u);
  return 0;
}
