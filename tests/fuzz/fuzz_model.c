/* libFuzzer target for the model file loader. Each input is tried twice: as a whole file, and as
 * a payload wrapped in a valid header and checksum (a fuzzer cannot forge the checksum, so without
 * this the payload parser would never be reached). A model that loads must be consistent: ids in
 * range, offsets ascending, strings NUL-terminated. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/model_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what) {
  fprintf(stderr, "invariant broken: %s\n", what);
  abort();
}

static void check(const mf_model *md) {
  if (md->k == 0 || md->v == 0) fail("empty model");
  for (uint32_t t = 0; t < md->v; t++) {
    if (!md->keys[t][0]) fail("empty key");
    if (md->parts_off[t] > md->parts_off[t + 1]) fail("parts offsets");
    for (uint64_t i = md->parts_off[t]; i < md->parts_off[t + 1]; i++)
      if (md->parts[i] != UINT32_MAX && md->parts[i] >= md->v) fail("part id");
    (void)strlen(md->words[t]);
  }
  for (uint32_t t = 0; t < md->k; t++) {
    if (md->row_off[t] > md->row_off[t + 1]) fail("row offsets");
    for (uint64_t i = md->row_off[t]; i < md->row_off[t + 1]; i++)
      if (md->terms[i] >= md->v || md->counts[i] == 0) fail("count entry");
  }
}

static void try_parse(const unsigned char *p, size_t n) {
  mf_model *md = NULL;
  char err[256];
  if (mf_parse(p, n, &md, err, sizeof err) == TOPICS_OK) {
    check(md);
  } else if (md || !err[0]) {
    fail("a failed parse left a model or no message");
  }
  mf_free(md);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  try_parse(data, size);
  if (size > (1u << 20)) return 0;
  unsigned char *buf = malloc(size + 32);
  if (!buf) return 0;
  memcpy(buf, MF_MAGIC, 8);
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 0x100000001b3ull;
  for (int b = 0; b < 4; b++) buf[8 + b] = (unsigned char)(MF_FORMAT_VERSION >> (8 * b));
  memset(buf + 12, 0, 4);
  for (int b = 0; b < 8; b++) buf[16 + b] = (unsigned char)((uint64_t)size >> (8 * b));
  if (size) memcpy(buf + 24, data, size);
  for (int b = 0; b < 8; b++) buf[24 + size + b] = (unsigned char)(h >> (8 * b));
  try_parse(buf, size + 32);
  free(buf);
  return 0;
}
