/* The segmenter's ICU side: it owns the word break iterator, and gives ICU's spans of a stretch of
 * text. A stretch of well-formed UTF-8 up to SEG_U16_MAX bytes is converted into the segmenter's
 * own UTF-16 buffer and broken there; anything else (ill-formed bytes, longer stretches) goes
 * through a UText over the UTF-8 itself. Both give the same breaks and rule statuses; the first is
 * faster because ICU's dictionary engine, handed UTF-8, copies every Han run into a UTF-16 string
 * of its own and records a native offset for each character. */
#include "tokenize/segmenter.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>

#include "common/mem.h"
#include "common/utf8.h"
#include "tokenize/seg_int.h"

/* ubrk works with int32_t offsets, so one ICU call never sees more than this many bytes. */
#define SEG_ICU_MAX ((size_t)1 << 30)

struct segmenter {
  UBreakIterator *bi;
  UText ut; /* reopened over each stretch with utext_openUTF8; never allocates after the first */
  int ut_open;
  UChar *u16; /* the UTF-16 buffer: at most SEG_U16_MAX units, grown on demand */
  size_t u16_cap;
};

segmenter *seg_new(topics_status *st) {
  segmenter *s = calloc(1, sizeof *s);
  if (!s) {
    if (st) *st = TOPICS_ENOMEM;
    return NULL;
  }
  UErrorCode err = U_ZERO_ERROR;
  s->bi = ubrk_open(UBRK_WORD, "", NULL, 0, &err);
  if (U_FAILURE(err) || !s->bi) {
    free(s);
    if (st) *st = TOPICS_EICU;
    return NULL;
  }
  UText init = UTEXT_INITIALIZER;
  s->ut = init;
  if (st) *st = TOPICS_OK;
  return s;
}

void seg_free(segmenter *s) {
  if (!s) return;
  ubrk_close(s->bi);
  if (s->ut_open) utext_close(&s->ut);
  free(s->u16);
  free(s);
}

static int is_hangul(unsigned cp) {
  return (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F) ||
         (cp >= 0xA960 && cp <= 0xA97F) || (cp >= 0xAC00 && cp <= 0xD7FF);
}

static int is_space_cp(unsigned cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
  return u_isUWhiteSpace((UChar32)cp);
}

/* A segment ICU marks as "none" (spaces, punctuation, symbols, emoji): its non-space runs. */
static topics_status push_none(const char *text, size_t a, size_t b, seg_span **spans, size_t *n,
                               size_t *cap, size_t base) {
  const unsigned char *p = (const unsigned char *)text;
  /* Fast case: one byte, an ASCII character or a stray byte of ill-formed UTF-8 (never a
   * character to decode: 0xA0 alone is not NO-BREAK SPACE). */
  if (b - a == 1) {
    if (p[a] < 0x80 && is_space_cp(p[a])) return TOPICS_OK;
    return seg_push(spans, n, cap, base, a, 1, SEG_PUNCT);
  }
  size_t i = a, run = a;
  int in_run = 0;
  while (i < b) {
    unsigned cp;
    size_t k = utf8_decode(p + i, b - i, &cp);
    int sp = is_space_cp(cp);
    if (sp && in_run) {
      topics_status st = seg_push(spans, n, cap, base, run, i - run, SEG_PUNCT);
      if (st != TOPICS_OK) return st;
      in_run = 0;
    } else if (!sp && !in_run) {
      run = i;
      in_run = 1;
    }
    i += k;
  }
  if (in_run) return seg_push(spans, n, cap, base, run, b - run, SEG_PUNCT);
  return TOPICS_OK;
}

/* ICU's status for a word segment is that of the last rule matched ("Python3" gets "number"), so
 * kinds are worked out from the content: a letter makes a word, else a digit a number, else
 * ('_', '@') punctuation. Non-ASCII letters in a number segment are rare; they are decoded. */
static int word_kind(const char *text, size_t a, size_t b, int kind) {
  const unsigned char *p = (const unsigned char *)text;
  int digit = 0, hi = 0;
  for (size_t i = a; i < b; i++) {
    if (((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z')) return SEG_WORD;
    digit |= p[i] >= '0' && p[i] <= '9';
    hi |= p[i] >= 0x80;
  }
  if (hi) {
    if (kind == SEG_WORD) return SEG_WORD;
    for (size_t i = a; i < b;) {
      unsigned cp;
      i += utf8_decode(p + i, b - i, &cp);
      if (u_isalpha((UChar32)cp)) return SEG_WORD;
    }
    return SEG_NUMBER;
  }
  return digit ? SEG_NUMBER : SEG_PUNCT;
}

static int kind_of_status(int32_t rs) {
  if (rs >= UBRK_WORD_IDEO && rs < UBRK_WORD_IDEO_LIMIT) return SEG_IDEO;
  if (rs >= UBRK_WORD_KANA && rs < UBRK_WORD_KANA_LIMIT) return SEG_IDEO;
  if (rs >= UBRK_WORD_LETTER && rs < UBRK_WORD_LETTER_LIMIT) return SEG_WORD;
  if (rs >= UBRK_WORD_NUMBER && rs < UBRK_WORD_NUMBER_LIMIT) return SEG_NUMBER;
  return SEG_PUNCT;
}

/* One segment text[sa..sb) with ICU's rule status rs. */
static topics_status push_segment(const char *text, size_t sa, size_t sb, int32_t rs,
                                  seg_span **spans, size_t *n, size_t *cap, size_t base) {
  int kind = kind_of_status(rs);
  if (kind == SEG_PUNCT) return push_none(text, sa, sb, spans, n, cap, base);
  if (kind == SEG_NUMBER || (kind == SEG_WORD && (unsigned char)text[sa] < 0x80))
    kind = word_kind(text, sa, sb, kind);
  if (kind == SEG_WORD && (unsigned char)text[sa] >= 0xE1) {
    unsigned cp;
    utf8_decode((const unsigned char *)text + sa, sb - sa, &cp);
    if (is_hangul(cp)) kind = SEG_IDEO;
  }
  return seg_push(spans, n, cap, base, sa, sb - sa, kind);
}

topics_status seg_icu_spans_utf8(segmenter *s, const char *text, size_t start, size_t end,
                                 seg_span **spans, size_t *n, size_t *cap, size_t base) {
  while (start < end) {
    size_t stop = end;
    if (stop - start > SEG_ICU_MAX) {
      /* Cut a giant stretch at a character boundary; it only happens for > 1 GB without spaces. */
      stop = start + SEG_ICU_MAX;
      while (stop > start && ((unsigned char)text[stop] & 0xC0) == 0x80) stop--;
    }
    UErrorCode err = U_ZERO_ERROR;
    UText *ut = utext_openUTF8(&s->ut, text + start, (int64_t)(stop - start), &err);
    if (U_FAILURE(err)) return TOPICS_EICU;
    s->ut_open = 1;
    ubrk_setUText(s->bi, ut, &err);
    if (U_FAILURE(err)) return TOPICS_EICU;
    int32_t a = ubrk_first(s->bi);
    for (int32_t b = ubrk_next(s->bi); b != UBRK_DONE; a = b, b = ubrk_next(s->bi)) {
      topics_status st = push_segment(text, start + (size_t)a, start + (size_t)b,
                                      ubrk_getRuleStatus(s->bi), spans, n, cap, base);
      if (st != TOPICS_OK) return st;
    }
    start = stop;
  }
  return TOPICS_OK;
}

/* The UTF-16 route over text[start..end), at most SEG_U16_MAX bytes. *done is 0 when the stretch
 * is not well-formed UTF-8 (nothing was pushed; the caller takes the UTF-8 route). */
static topics_status icu_utf16(segmenter *s, const char *text, size_t start, size_t end,
                               seg_span **spans, size_t *n, size_t *cap, size_t base, int *done) {
  size_t len = end - start; /* UTF-16 never needs more units than UTF-8 has bytes */
  *done = 0;
  if (len > s->u16_cap) {
    size_t want = len < 4096 ? 4096 : len;
    UChar *u = realloc(s->u16, want * sizeof *u);
    if (!u) return TOPICS_ENOMEM;
    s->u16 = u;
    s->u16_cap = want;
  }
  UErrorCode err = U_ZERO_ERROR;
  int32_t n16 = 0;
  /* Without a substitution character, u_strFromUTF8 refuses any ill-formed sequence. */
  u_strFromUTF8(s->u16, (int32_t)s->u16_cap, &n16, text + start, (int32_t)len, &err);
  if (U_FAILURE(err)) return TOPICS_OK;
  err = U_ZERO_ERROR;
  ubrk_setText(s->bi, s->u16, n16, &err);
  if (U_FAILURE(err)) return TOPICS_EICU;
  *done = 1;
  /* Breaks come in increasing order, so one walk over the UTF-8 turns them into byte offsets: a
   * character of four bytes is two UTF-16 units, any other one. */
  const unsigned char *p = (const unsigned char *)text;
  size_t i8 = start, sa = start;
  int32_t i16 = ubrk_first(s->bi);
  for (int32_t b = ubrk_next(s->bi); b != UBRK_DONE; b = ubrk_next(s->bi)) {
    while (i16 < b) {
      unsigned c = p[i8];
      size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      i8 += k;
      i16 += k == 4 ? 2 : 1;
    }
    topics_status st = push_segment(text, sa, i8, ubrk_getRuleStatus(s->bi), spans, n, cap, base);
    if (st != TOPICS_OK) return st;
    sa = i8;
  }
  return TOPICS_OK;
}

topics_status seg_icu_spans(segmenter *s, const char *text, size_t start, size_t end,
                            seg_span **spans, size_t *n, size_t *cap, size_t base) {
  if (start >= end) return TOPICS_OK;
  if (end - start <= SEG_U16_MAX) {
    int done;
    topics_status st = icu_utf16(s, text, start, end, spans, n, cap, base, &done);
    if (st != TOPICS_OK || done) return st;
  }
  return seg_icu_spans_utf8(s, text, start, end, spans, n, cap, base);
}
