/* Differential fuzz target for the segmenter's fast path (ASCII and the non-ASCII characters of
 * seg_latin.c): on arbitrary input, repaired to well-formed UTF-8 as the reader hands text over,
 * seg_run must give exactly the spans of the general route (tests/seg_reference.h: every chunk
 * through ICU, protected spans first, then the merges), and the fast path alone, when it takes the
 * whole text, the same spans once merged. Aborts on the first difference. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../seg_reference.h"
#include "common/utf8.h"
#include "tokenize/seg_int.h"
#include "tokenize/segmenter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static segmenter *fz_seg;
static seg_span *fz_x, *fz_y, *fz_z;
static size_t fz_cx, fz_cy, fz_cz;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!fz_seg && !(fz_seg = seg_new(NULL))) abort();
  char *text;
  size_t len;
  if (utf8_repair((const char *)data, size, &text, &len, NULL) != TOPICS_OK) return 0;
  size_t nx = 0, ny = 0, nz = 0, stop;
  if (sr_reference_run(fz_seg, text, len, &fz_x, &nx, &fz_cx) != TOPICS_OK ||
      seg_run(fz_seg, text, len, &fz_y, &ny, &fz_cy) != TOPICS_OK)
    abort();
  if (!sr_same(fz_x, nx, fz_y, ny)) abort();
  if (seg_ascii_scan(text, 0, len, &fz_z, &nz, &fz_cz, 0, &stop) != TOPICS_OK) abort();
  if (stop == len) {
    seg_merge(text, len, fz_z, 0, &nz);
    if (!sr_same(fz_x, nx, fz_z, nz)) abort();
  }
  free(text);
  return 0;
}
