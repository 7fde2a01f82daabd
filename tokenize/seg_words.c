/* The joinable word sets and the join itself (seg_words.h). */
#include "tokenize/seg_words.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strmap.h"
#include "common/utf8.h"
#include "tokenize/han_fold.h"

struct seg_words {
  strmap *set;
};

seg_words *seg_words_new(void) {
  seg_words *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  if (!(w->set = strmap_new())) {
    free(w);
    return NULL;
  }
  return w;
}

void seg_words_free(seg_words *w) {
  if (!w) return;
  strmap_free(w->set);
  free(w);
}

topics_status seg_words_add(seg_words *w, const char *s, size_t len) {
  uint32_t id;
  return strmap_intern(w->set, s, len, &id, NULL);
}

int seg_words_has(const seg_words *w, const char *s, size_t len) {
  uint32_t id;
  return w && strmap_find(w->set, s, len, &id);
}

size_t seg_words_count(const seg_words *w) { return w ? strmap_count(w->set) : 0; }

/* Number of characters of s[0..len) when every one is a CJK unified ideograph, else 0. */
static size_t han_chars(const char *s, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len;) {
    unsigned cp;
    size_t k = utf8_decode((const unsigned char *)s + i, len - i, &cp);
    if (!((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF))) return 0;
    i += k;
    n++;
  }
  return n;
}

/* Adds one "word<TAB>frequency" line when it qualifies. */
static topics_status take_entry(seg_words *w, const han_fold *hf, const char *s, size_t len,
                                long min_freq, char **fb, size_t *fcap) {
  const char *tab = memchr(s, '\t', len);
  if (!tab || tab == s) return TOPICS_OK;
  size_t wl = (size_t)(tab - s);
  char num[24];
  size_t nl = len - wl - 1;
  if (nl == 0 || nl >= sizeof num) return TOPICS_OK;
  memcpy(num, tab + 1, nl);
  num[nl] = '\0';
  char *end;
  errno = 0;
  long f = strtol(num, &end, 10);
  if (errno || *end != '\0' || f < min_freq) return TOPICS_OK;
  size_t nc = han_chars(s, wl);
  if (nc < 2 || nc > SEG_WORDS_MAX_CHARS) return TOPICS_OK;
  topics_status st = seg_words_add(w, s, wl);
  size_t flen;
  if (st == TOPICS_OK && hf && han_fold_apply(hf, s, wl, fb, fcap, &flen) == TOPICS_OK &&
      (flen != wl || memcmp(*fb, s, wl) != 0))
    st = seg_words_add(w, *fb, flen);
  return st;
}

topics_status seg_words_load(seg_words *w, const char *path, long min_freq) {
  FILE *f = fopen(path, "rb");
  if (!f) return TOPICS_EIO;
  const han_fold *hf = NULL;
  if (han_fold_get(&hf) != TOPICS_OK) hf = NULL; /* without the fold: Traditional entries only */
  char line[256], *fb = NULL;
  size_t fcap = 0;
  topics_status st = TOPICS_OK;
  while (st == TOPICS_OK && fgets(line, sizeof line, f)) {
    size_t len = strlen(line);
    if (len == sizeof line - 1 && line[len - 1] != '\n') { /* overlong: skip the rest of it */
      int c;
      while ((c = getc(f)) != EOF && c != '\n') {
      }
      continue;
    }
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
    if (utf8_valid_prefix(line, len) != len) continue;
    st = take_entry(w, hf, line, len, min_freq, &fb, &fcap);
  }
  if (st == TOPICS_OK && ferror(f)) st = TOPICS_EIO;
  free(fb);
  fclose(f);
  return st;
}

/* Single characters that glue to anything (particles, prepositions, pronouns, conjunctions):
 * their pairs recur for grammar's sake, not because they make a word. */
static const char function_chars[] =
    "的了着著是在和与與及或也都就而但把被将將对對从從向以于於为為之其这這那个個等不很又还還所由"
    "给給让讓吗嗎呢吧啊地得已并並即则則且一二两兩三几幾每各该該此才至到再最更只太没沒会會能要可"
    "第年月日号號";

int seg_words_function_piece(const char *s, size_t len) {
  if (len != 3) return 0;
  for (size_t i = 0; i + 3 <= sizeof function_chars - 1; i += 3)
    if (memcmp(function_chars + i, s, 3) == 0) return 1;
  return 0;
}

/* 1 when spans sp[0..k) make a word of j: a learned compound, or a word of the list made of
 * single characters only, none of them a function piece. A list word is joined from single
 * characters only, as ICU's own dictionary words are the ones segmentation standards keep: the
 * list's longer entries (一個, 體育用品) are mostly what they split. */
static int joinable(const seg_joiner *j, const char *text, const seg_span *sp, size_t k) {
  size_t a = sp[0].start, b = sp[k - 1].start + sp[k - 1].len;
  if (seg_words_has(j->learned, text + a, b - a)) return 1;
  if (!j->lexicon) return 0;
  for (size_t i = 0; i < k; i++)
    if (sp[i].len > 4 || seg_words_function_piece(text + sp[i].start, sp[i].len)) return 0;
  return seg_words_has(j->lexicon, text + a, b - a);
}

void seg_join(const seg_joiner *j, const char *text, seg_span *sp, size_t base, size_t *n) {
  size_t w = base, i = base, end = *n;
  while (i < end) {
    size_t take = 1;
    if (sp[i].kind == SEG_IDEO && i + 1 < end && sp[i + 1].glued && sp[i + 1].kind == SEG_IDEO) {
      /* The longest run of glued Han spans within the length bound that is a word. */
      size_t k = i + 1, chars = sp[i].len / 3;
      while (k < end && sp[k].glued && sp[k].kind == SEG_IDEO &&
             chars + sp[k].len / 3 <= SEG_WORDS_MAX_CHARS) {
        chars += sp[k].len / 3;
        k++;
      }
      for (size_t m = k; m > i + 1; m--) {
        if (joinable(j, text, sp + i, m - i)) {
          take = m - i;
          break;
        }
      }
    }
    if (take == 1) {
      if (w != i) sp[w] = sp[i];
    } else {
      seg_span out = sp[i];
      out.len = sp[i + take - 1].start + sp[i + take - 1].len - out.start;
      sp[w] = out;
    }
    w++;
    i += take;
  }
  *n = w;
}
