/* Thin wrapper over libstemmer so the rest of tokenize/ never sees its types or length limits. */
#include "tokenize/stem.h"

#include <limits.h>
#include <libstemmer.h>
#include <stdlib.h>

#include "common/utf8.h"

struct stem {
  struct sb_stemmer *sb;
};

stem *stem_new(topics_status *st) {
  stem *s = malloc(sizeof *s);
  if (!s) {
    *st = TOPICS_ENOMEM;
    return NULL;
  }
  s->sb = sb_stemmer_new("english", "UTF_8");
  if (!s->sb) { /* only fails when out of memory: "english" is always built in */
    free(s);
    *st = TOPICS_ENOMEM;
    return NULL;
  }
  *st = TOPICS_OK;
  return s;
}

void stem_free(stem *s) {
  if (!s) return;
  sb_stemmer_delete(s->sb);
  free(s);
}

static int latin_letter(unsigned cp) {
  /* Latin-1 Supplement, Latin Extended-A/B letters (minus the two math signs) */
  return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
}

int stem_applies(const char *w, size_t len) {
  const unsigned char *p = (const unsigned char *)w;
  if (len < 3) return 0;
  for (size_t i = 0; i < len;) {
    unsigned c = p[i];
    if (c >= 'a' && c <= 'z') {
      i++;
      continue;
    }
    if (c == '\'' && i > 0 && i + 1 < len) {
      i++;
      continue;
    }
    if (c < 0x80) return 0;
    unsigned cp;
    size_t n = utf8_decode(p + i, len - i, &cp);
    if (!latin_letter(cp)) return 0;
    i += n;
  }
  return 1;
}

const char *stem_word(stem *s, const char *w, size_t len, size_t *outlen) {
  if (len > INT_MAX) len = INT_MAX;
  const sb_symbol *r = sb_stemmer_stem(s->sb, (const sb_symbol *)w, (int)len);
  if (!r) return NULL;
  *outlen = (size_t)sb_stemmer_length(s->sb);
  return (const char *)r;
}
