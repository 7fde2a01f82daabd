/* The ASCII fast path: UAX #29 word boundaries, as ICU's root rules apply them, restricted to ASCII
 * without white space. In ASCII only these rules can fire: letters and digits and '_' hold together
 * (WB5, WB8-WB10, WB13a/b); '.' and '\'' join letters to letters (WB6/7) and digits to digits
 * (WB11/12); ',' and ';' join digits to digits. ICU's root rules count '@' as ALetter and leave
 * ':' out of MidLetter. Every other character is a segment of its own. Kinds come from the content
 * (a letter makes a word, else a digit a number, else punctuation), as seg_icu_spans does. tests/test_segmenter.c checks this against ICU on real text
 * and on every short string over a covering alphabet. ASCII white space may occur: it breaks, as
 * in ICU, and is left out. */
#include <stddef.h>

#include "tokenize/seg_int.h"

/* Class bits: B_AL (ALetter, '@' included), B_NUM, B_ENL ('_') hold a word together; B_LETTER
 * marks real letters (for the kind); B_MIDLET joins letter to letter ('.' '\''), B_MIDNUM digit to
 * digit ('.' '\'' ',' ';'). */
enum {
  B_AL = 1, B_NUM = 2, B_ENL = 4, B_LETTER = 8, B_MIDLET = 16, B_MIDNUM = 32, B_WS = 64,
  B_STOP = 128 /* seg_ascii_scan hands the chunk back: non-ASCII, or a protected span may start */
};
#define B_WORD (B_AL | B_NUM | B_ENL)
#define L_ (B_AL | B_LETTER)

/* Indexed by byte; bytes >= 0x80 stop seg_ascii_scan (seg_ascii_spans never sees them). */
#define S_ B_STOP
#define S8_ S_, S_, S_, S_, S_, S_, S_, S_
static const unsigned char cls[256] = {
    [0x80] = S8_, S8_, S8_, S8_, S8_, S8_, S8_, S8_, S8_, S8_, S8_, S8_, S8_, S8_, S8_, S8_,
    ['A'] = L_, ['B'] = L_, ['C'] = L_, ['D'] = L_, ['E'] = L_, ['F'] = L_, ['G'] = L_,
    ['H'] = L_, ['I'] = L_, ['J'] = L_, ['K'] = L_, ['L'] = L_, ['M'] = L_, ['N'] = L_,
    ['O'] = L_, ['P'] = L_, ['Q'] = L_, ['R'] = L_, ['S'] = L_, ['T'] = L_, ['U'] = L_,
    ['V'] = L_, ['W'] = L_, ['X'] = L_, ['Y'] = L_, ['Z'] = L_, ['a'] = L_, ['b'] = L_,
    ['c'] = L_, ['d'] = L_, ['e'] = L_, ['f'] = L_, ['g'] = L_, ['h'] = L_, ['i'] = L_,
    ['j'] = L_, ['k'] = L_, ['l'] = L_, ['m'] = L_, ['n'] = L_, ['o'] = L_, ['p'] = L_,
    ['q'] = L_, ['r'] = L_, ['s'] = L_, ['t'] = L_, ['u'] = L_, ['v'] = L_, ['w'] = L_,
    ['x'] = L_, ['y'] = L_, ['z'] = L_, ['@'] = B_AL | B_STOP, ['#'] = B_STOP, [':'] = B_STOP,
    ['0'] = B_NUM, ['1'] = B_NUM, ['2'] = B_NUM, ['3'] = B_NUM, ['4'] = B_NUM, ['5'] = B_NUM,
    ['6'] = B_NUM, ['7'] = B_NUM, ['8'] = B_NUM, ['9'] = B_NUM, ['_'] = B_ENL,
    ['.'] = B_MIDLET | B_MIDNUM, ['\''] = B_MIDLET | B_MIDNUM, [','] = B_MIDNUM, [';'] = B_MIDNUM,
    [' '] = B_WS, ['\t'] = B_WS, ['\n'] = B_WS, ['\v'] = B_WS, ['\f'] = B_WS, ['\r'] = B_WS,
};

topics_status seg_ascii_spans(const char *text, size_t start, size_t end, seg_span **spans,
                              size_t *n, size_t *cap, size_t base) {
  const unsigned char *p = (const unsigned char *)text;
  size_t i = start;
  while (i < end) {
    unsigned c = cls[p[i]];
    if (c & B_WS) { /* white space always breaks and is in no span */
      i++;
      continue;
    }
    if (!(c & B_WORD)) {
      topics_status st = seg_push(spans, n, cap, base, i, 1, SEG_PUNCT);
      if (st != TOPICS_OK) return st;
      i++;
      continue;
    }
    unsigned acc = c;
    size_t j = i + 1;
    for (;;) {
      unsigned d;
      while (j < end && ((d = cls[p[j]]) & B_WORD)) {
        acc |= d;
        j++;
      }
      if (j + 1 < end) {
        unsigned mid = cls[p[j]], prev = cls[p[j - 1]], nx = cls[p[j + 1]];
        if (((mid & B_MIDLET) && (prev & B_AL) && (nx & B_AL)) ||
            ((mid & B_MIDNUM) && (prev & B_NUM) && (nx & B_NUM))) {
          acc |= nx;
          j += 2;
          continue;
        }
      }
      break;
    }
    int kind = (acc & B_LETTER) ? SEG_WORD : (acc & B_NUM) ? SEG_NUMBER : SEG_PUNCT;
    topics_status st = seg_push(spans, n, cap, base, i, j - i, kind);
    if (st != TOPICS_OK) return st;
    i = j;
  }
  return TOPICS_OK;
}

/* Fast path without a separate chunk scan: segments ASCII text from start on and stops at the first
 * chunk (white-space-delimited) that needs the general route -- one holding a non-ASCII byte, '@',
 * '#', "://" or a word starting "www." -- after taking back the spans already pushed for that
 * chunk. *stop gets that chunk's start, or len when the text was done. */
topics_status seg_ascii_scan(const char *text, size_t start, size_t len, seg_span **spans,
                             size_t *n, size_t *cap, size_t base, size_t *stop) {
  const unsigned char *p = (const unsigned char *)text;
  size_t i = start, chunk = start, chunk_n = *n;
  while (i < len) {
    unsigned c = cls[p[i]];
    if (c & B_WS) {
      i++;
      chunk = i;
      chunk_n = *n;
      continue;
    }
    if (c & B_STOP) {
      if (p[i] != ':' || (i + 2 < len && p[i + 1] == '/' && p[i + 2] == '/')) goto bail;
      c = 0; /* a plain colon */
    }
    if (!(c & B_WORD)) {
      topics_status st = seg_push(spans, n, cap, base, i, 1, SEG_PUNCT);
      if (st != TOPICS_OK) return st;
      i++;
      continue;
    }
    unsigned acc = c;
    size_t j = i + 1;
    for (;;) {
      unsigned d;
      while (j < len && ((d = cls[p[j]]) & B_WORD)) {
        acc |= d;
        j++;
      }
      if (j + 1 < len) {
        unsigned mid = cls[p[j]], prev = cls[p[j - 1]], nx = cls[p[j + 1]];
        if (((mid & B_MIDLET) && (prev & B_AL) && (nx & B_AL)) ||
            ((mid & B_MIDNUM) && (prev & B_NUM) && (nx & B_NUM))) {
          acc |= nx;
          j += 2;
          continue;
        }
      }
      break;
    }
    if ((acc & B_STOP) || ((p[i] | 0x20) == 'w' && i + 3 < len && (p[i + 1] | 0x20) == 'w' &&
                           (p[i + 2] | 0x20) == 'w' && p[i + 3] == '.'))
      goto bail;
    int kind = (acc & B_LETTER) ? SEG_WORD : (acc & B_NUM) ? SEG_NUMBER : SEG_PUNCT;
    topics_status st = seg_push(spans, n, cap, base, i, j - i, kind);
    if (st != TOPICS_OK) return st;
    i = j;
  }
  *stop = len;
  return TOPICS_OK;
bail:
  *n = chunk_n;
  *stop = chunk;
  return TOPICS_OK;
}
