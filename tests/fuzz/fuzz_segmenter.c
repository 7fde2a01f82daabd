/* libFuzzer target for the segmenter: seg_run on arbitrary bytes (ill-formed UTF-8 included) must
 * return spans in order, not overlapping, inside the text, never empty, and covering every byte
 * that is not white space; the spans of a second call appended after the first must obey the same
 * rules relative to their own text. The spans must also come back unchanged from seg_pack. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "tokenize/seg_pack.h"
#include "tokenize/segmenter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* White space as the segmenter sees it: ASCII and the Unicode White_Space characters. */
static int is_space_cp(unsigned cp) {
  return cp == ' ' || (cp >= 9 && cp <= 13) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

static void check(const char *text, size_t len, const seg_span *sp, size_t n) {
  size_t pos = 0;
  for (size_t i = 0; i < n; i++) {
    if (sp[i].len == 0 || sp[i].start < pos || sp[i].start > len || sp[i].len > len - sp[i].start)
      abort();
    if (sp[i].kind > SEG_PROTECTED) abort();
    /* Between spans: white space only (a whole well-formed white-space character). */
    for (size_t k = pos; k < sp[i].start;) {
      unsigned cp;
      size_t m = utf8_decode((const unsigned char *)text + k, sp[i].start - k, &cp);
      if (!is_space_cp(cp)) abort();
      k += m;
    }
    pos = sp[i].start + sp[i].len;
  }
  for (size_t k = pos; k < len;) {
    unsigned cp;
    size_t m = utf8_decode((const unsigned char *)text + k, len - k, &cp);
    if (!is_space_cp(cp)) abort();
    k += m;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static segmenter *s;
  topics_status st;
  if (!s && !(s = seg_new(&st))) abort();
  seg_span *sp = NULL;
  size_t n = 0, cap = 0;
  const char *text = (const char *)data;
  if (seg_run(s, text, size, &sp, &n, &cap) != TOPICS_OK) abort();
  check(text, size, sp, n);
  size_t bytes = seg_pack_size(sp, n);
  uint8_t *packed = malloc(bytes + 1);
  seg_span *back = malloc((n + 1) * sizeof *back);
  if (!packed || !back) abort();
  seg_pack(sp, n, packed);
  if (seg_unpack(packed, n, back) != bytes) abort();
  for (size_t i = 0; i < n; i++)
    if (back[i].start != sp[i].start || back[i].len != sp[i].len || back[i].kind != sp[i].kind ||
        back[i].glued != sp[i].glued)
      abort();
  free(packed);
  free(back);
  /* Append a second segmentation of the second half after the first one's spans. */
  size_t first = n, half = size / 2;
  if (seg_run(s, text + half, size - half, &sp, &n, &cap) != TOPICS_OK) abort();
  if (n > first && sp[first].glued) abort();
  check(text + half, size - half, sp + first, n - first);
  free(sp);
  return 0;
}
