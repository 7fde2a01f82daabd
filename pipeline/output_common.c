/* Small helpers every output writer shares: checking an out_run and cleaning text for line- and
 * cell-based formats. */
#include "pipeline/output_int.h"

#include <string.h>

#include "common/utf8.h"

topics_status out_check_run(const out_run *r) {
  if (!r || !r->m || (dtm_ndocs(r->m) > 0 && !r->docs)) return TOPICS_EINVAL;
  if (r->nskipped && !r->skipped) return TOPICS_EINVAL;
  if (r->model) {
    const summary *s = r->sum;
    if (!s || s->k != lda_k(r->model) || s->ndocs != dtm_ndocs(r->m)) return TOPICS_EINVAL;
  }
  return TOPICS_OK;
}

const char *out_version(const out_run *r) { return r->version ? r->version : TOPICS_VERSION; }

const char *out_str(const char *s) { return s ? s : ""; }

void out_put_clean(FILE *f, const char *s, int flags) {
  if (!s) return;
  size_t len = strlen(s), i = 0;
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) c = ' ';
      if (c == ' ' && (flags & OUT_CLEAN_SPACE)) c = '_'; /* a word stays one field */
      else if (c == ',' && (flags & OUT_CLEAN_COMMA)) c = ' ';
      putc_unlocked(c, f); /* one writer per file: no lock per byte */
      i++;
      continue;
    }
    unsigned cp;
    size_t n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
    if (cp == 0xFFFD) fputs("\xEF\xBF\xBD", f);
    else if (cp == 0x2028 || cp == 0x2029 || cp == 0x85) fputc(' ', f); /* line separators */
    else fwrite(s + i, 1, n, f);
    i += n;
  }
}
