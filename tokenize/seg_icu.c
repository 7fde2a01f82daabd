/* The segmenter's ICU side: it owns the word break iterator, and gives ICU's spans of a stretch of
 * text. A stretch of well-formed UTF-8 up to SEG_U16_MAX bytes is converted into the segmenter's
 * own UTF-16 buffer and broken there; a longer one is first cut where a word break is certain;
 * anything else (ill-formed bytes, long stretches with no such place) goes through a UText over
 * the UTF-8 itself, and so does any stretch in a script of ICU's South-East Asian dictionary
 * engines (holds_sa says why). All give the same breaks and rule statuses. The UTF-16 route is
 * faster because ICU's dictionary engine, handed UTF-8, copies every Han run into a UTF-16 string
 * of its own and records a native offset for each character. It also says which characters ICU
 * would join to the white space before them (seg_icu_attaches). */
#include "tokenize/segmenter.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
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
  /* Break two ideographs once, so that ICU's Chinese-Japanese engine is on this iterator's stack
   * before any text. Otherwise the first dictionary run to start with U+30FC or U+FF70 (script
   * Common, which no engine loads for) makes the iterator claim that character for its "unhandled"
   * engine, and "ー中" comes out as one word the first time and as two ever after: the words would
   * depend on which text a thread happened to see first. */
  static const UChar warm[] = {0x4E2D, 0x6587};
  if (U_SUCCESS(err) && s->bi) {
    ubrk_setText(s->bi, warm, 2, &err);
    for (int32_t b = ubrk_first(s->bi); U_SUCCESS(err) && b != UBRK_DONE;) b = ubrk_next(s->bi);
  }
  if (U_FAILURE(err) || !s->bi) {
    if (s->bi) ubrk_close(s->bi);
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

int seg_icu_attaches(const char *text, size_t a, size_t b) {
  const unsigned char *p = (const unsigned char *)text;
  /* ASCII, and the lead bytes of U+4000..U+9FFF (most Chinese), hold no such character. */
  if (a >= b || p[a] < 0x80 || (p[a] >= 0xE4 && p[a] <= 0xE9)) return 0;
  unsigned cp;
  utf8_decode(p + a, b - a, &cp);
  int wb = u_getIntPropertyValue((UChar32)cp, UCHAR_WORD_BREAK);
  return wb == U_WB_EXTEND || wb == U_WB_FORMAT || wb == U_WB_ZWJ;
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

/* ICU's status for a word segment is that of the last rule matched ("Python3" gets "number",
 * "1’0__" gets "letter" from its underscores), so kinds are worked out from the content, as the
 * fast path does: a letter makes a word, else a digit (or ICU's number status) a number, else
 * ('_', '@') punctuation. A segment with no ASCII letter but other non-ASCII characters is rare;
 * it is decoded. */
static int word_kind(const char *text, size_t a, size_t b, int kind) {
  const unsigned char *p = (const unsigned char *)text;
  int digit = 0, hi = 0;
  for (size_t i = a; i < b; i++) {
    if (((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z')) return SEG_WORD;
    digit |= p[i] >= '0' && p[i] <= '9';
    hi |= p[i] >= 0x80;
  }
  if (hi) {
    int num = digit || kind == SEG_NUMBER;
    for (size_t i = a; i < b;) {
      unsigned cp;
      i += utf8_decode(p + i, b - i, &cp);
      if (u_isalpha((UChar32)cp)) return SEG_WORD;
      num |= u_isdigit((UChar32)cp);
    }
    return num ? SEG_NUMBER : SEG_PUNCT;
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

/* 1 when u[0..n) holds a character of line-break class SA (Thai, Lao, Myanmar, Khmer, Tai
 * scripts). ICU's dictionary engines for them can break a few sequences differently given UTF-8
 * and UTF-16 (U+1003 U+1026 is one word in UTF-16, two in UTF-8), so such stretches take the UTF-8
 * route, which is what the rest of the project was measured and tested against. A cheap pass over
 * all units (seg_sa_maybe), then an exact look at the candidates. */
static int holds_sa(const UChar *u, int32_t n) {
  unsigned any = 0;
  for (int32_t i = 0; i < n; i++) any |= seg_sa_maybe(u[i]);
  if (!any) return 0;
  for (int32_t i = 0; i < n; i++) {
    if (!seg_sa_maybe(u[i])) continue;
    UChar32 c = u[i];
    if (U16_IS_LEAD(u[i]) && i + 1 < n && U16_IS_TRAIL(u[i + 1]))
      c = U16_GET_SUPPLEMENTARY(u[i], u[i + 1]);
    if (u_getIntPropertyValue(c, UCHAR_LINE_BREAK) == U_LB_COMPLEX_CONTEXT) return 1;
  }
  return 0;
}

/* The UTF-16 route over text[start..end), at most SEG_U16_MAX bytes. *done is 0 when the stretch
 * is not well-formed UTF-8 or holds a South-East Asian character (holds_sa): nothing was pushed,
 * and the caller takes the UTF-8 route. */
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
  if (U_FAILURE(err) || holds_sa(s->u16, n16)) return TOPICS_OK;
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

/* text[start..end) by whichever route fits it. */
static topics_status icu_range(segmenter *s, const char *text, size_t start, size_t end,
                               seg_span **spans, size_t *n, size_t *cap, size_t base) {
  if (start >= end) return TOPICS_OK;
  if (end - start <= SEG_U16_MAX) {
    int done;
    topics_status st = icu_utf16(s, text, start, end, spans, n, cap, base, &done);
    if (st != TOPICS_OK || done) return st;
  }
  return seg_icu_spans_utf8(s, text, start, end, spans, n, cap, base);
}

/* 1 when a word break is certain at p + i, between a Chinese clause mark (、。，！；？) and a CJK
 * ideograph (U+4E00..U+9FFF): no word rule joins punctuation to what follows (only Extend and
 * Format characters attach to it, and an ideograph is neither), and ICU's dictionary ranges are
 * runs of ideographs, so the breaks on each side do not depend on the other. Only whole
 * characters are read: 0xE3 and 0xEF are always lead bytes. */
static int certain_break(const unsigned char *p, size_t i, size_t lo, size_t hi) {
  if (i < lo + 3 || i + 3 > hi) return 0;
  const unsigned char *m = p + i - 3;
  int mark = (m[0] == 0xE3 && m[1] == 0x80 && (m[2] == 0x81 || m[2] == 0x82)) ||
             (m[0] == 0xEF && m[1] == 0xBC &&
              (m[2] == 0x81 || m[2] == 0x8C || m[2] == 0x9B || m[2] == 0x9F));
  if (!mark || (p[i + 1] & 0xC0) != 0x80 || (p[i + 2] & 0xC0) != 0x80) return 0;
  unsigned cp = ((unsigned)(p[i] & 0x0F) << 12) | ((unsigned)(p[i + 1] & 0x3F) << 6) |
                (p[i + 2] & 0x3F);
  return (p[i] & 0xF0) == 0xE0 && cp >= 0x4E00 && cp <= 0x9FFF;
}

/* Where to end the next part of text[start..end), longer than SEG_U16_MAX: the last certain
 * break in the second half of the first SEG_U16_MAX bytes, else the first one after them (that
 * part goes the UTF-8 route), else end. */
static size_t next_cut(const char *text, size_t start, size_t end) {
  const unsigned char *p = (const unsigned char *)text;
  size_t hi = start + SEG_U16_MAX;
  for (size_t i = hi; i > start + SEG_U16_MAX / 2; i--)
    if (p[i] >= 0xE4 && certain_break(p, i, start, end)) return i;
  for (size_t i = hi; i < end; i++)
    if (p[i] >= 0xE4 && certain_break(p, i, start, end)) return i;
  return end;
}

topics_status seg_icu_spans(segmenter *s, const char *text, size_t start, size_t end,
                            seg_span **spans, size_t *n, size_t *cap, size_t base) {
  if (start >= end) return TOPICS_OK;
  /* A piece longer than the UTF-16 buffer (Chinese written without white space) is broken in
   * parts cut where a break is certain. */
  while (end - start > SEG_U16_MAX) {
    size_t cut = next_cut(text, start, end);
    topics_status st = icu_range(s, text, start, cut, spans, n, cap, base);
    if (st != TOPICS_OK) return st;
    start = cut;
  }
  return icu_range(s, text, start, end, spans, n, cap, base);
}
