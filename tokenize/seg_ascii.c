/* The fast path: UAX #29 word boundaries, as ICU's root rules apply them, for ASCII and the few
 * non-ASCII letters and marks of seg_latin.c, without white space. With these characters only
 * these rules can fire: letters and digits and '_' hold together (WB5, WB8-WB10, WB13a/b); '.' '\''
 * ‘ ’ join letters to letters (WB6/7) and digits to digits (WB11/12), · only letters; ',' and ';'
 * join digits to digits. ICU's root rules count '@' as ALetter and leave ':' out of MidLetter.
 * Every other character is a segment of its own. Kinds come from the content (a letter makes a
 * word, else a digit a number, else punctuation), as seg_icu_spans does. tests/test_segmenter.c
 * checks this against ICU and the general route on real text and on every short string over a
 * covering alphabet. ASCII white space may occur: it breaks, as in ICU, and is left out. The byte
 * classes and the word scan (seg_int.h) are shared with the tokenizer's fused path. */
#include <stddef.h>

#include "tokenize/seg_int.h"

#define L_ (SEG_B_AL | SEG_B_LETTER)
#define S_ SEG_B_STOP
#define S8_ S_, S_, S_, S_, S_, S_, S_, S_

/* Indexed by byte; a byte >= 0x80 leaves the ASCII loops for seg_latin_char (seg_ascii_spans never
 * sees one). */
const unsigned char seg_ascii_class[256] = {
    [0x80] = S8_, S8_, S8_, S8_, S8_, S8_, S8_, S8_, S8_, S8_, S8_, S8_, S8_, S8_, S8_, S8_,
    ['A'] = L_, ['B'] = L_, ['C'] = L_, ['D'] = L_, ['E'] = L_, ['F'] = L_, ['G'] = L_,
    ['H'] = L_, ['I'] = L_, ['J'] = L_, ['K'] = L_, ['L'] = L_, ['M'] = L_, ['N'] = L_,
    ['O'] = L_, ['P'] = L_, ['Q'] = L_, ['R'] = L_, ['S'] = L_, ['T'] = L_, ['U'] = L_,
    ['V'] = L_, ['W'] = L_, ['X'] = L_, ['Y'] = L_, ['Z'] = L_, ['a'] = L_, ['b'] = L_,
    ['c'] = L_, ['d'] = L_, ['e'] = L_, ['f'] = L_, ['g'] = L_, ['h'] = L_, ['i'] = L_,
    ['j'] = L_, ['k'] = L_, ['l'] = L_, ['m'] = L_, ['n'] = L_, ['o'] = L_, ['p'] = L_,
    ['q'] = L_, ['r'] = L_, ['s'] = L_, ['t'] = L_, ['u'] = L_, ['v'] = L_, ['w'] = L_,
    ['x'] = L_, ['y'] = L_, ['z'] = L_, ['@'] = SEG_B_AL | S_, ['#'] = S_, [':'] = S_,
    ['0'] = SEG_B_NUM, ['1'] = SEG_B_NUM, ['2'] = SEG_B_NUM, ['3'] = SEG_B_NUM,
    ['4'] = SEG_B_NUM, ['5'] = SEG_B_NUM, ['6'] = SEG_B_NUM, ['7'] = SEG_B_NUM,
    ['8'] = SEG_B_NUM, ['9'] = SEG_B_NUM, ['_'] = SEG_B_ENL,
    ['.'] = SEG_B_MIDLET | SEG_B_MIDNUM, ['\''] = SEG_B_MIDLET | SEG_B_MIDNUM,
    [','] = SEG_B_MIDNUM, [';'] = SEG_B_MIDNUM,
    [' '] = SEG_B_WS, ['\t'] = SEG_B_WS, ['\n'] = SEG_B_WS, ['\v'] = SEG_B_WS,
    ['\f'] = SEG_B_WS, ['\r'] = SEG_B_WS,
};

static int kind_of(unsigned acc) {
  return (acc & SEG_B_LETTER) ? SEG_WORD : (acc & SEG_B_NUM) ? SEG_NUMBER : SEG_PUNCT;
}

topics_status seg_ascii_spans(const char *text, size_t start, size_t end, seg_span **spans,
                              size_t *n, size_t *cap, size_t base) {
  const unsigned char *p = (const unsigned char *)text;
  size_t i = start;
  while (i < end) {
    unsigned c = seg_ascii_class[p[i]];
    if (c & SEG_B_WS) { /* white space always breaks and is in no span */
      i++;
      continue;
    }
    if (!(c & SEG_B_WORD)) {
      topics_status st = seg_push(spans, n, cap, base, i, 1, SEG_PUNCT);
      if (st != TOPICS_OK) return st;
      i++;
      continue;
    }
    unsigned acc;
    size_t j = seg_ascii_word(p, i, end, &acc);
    topics_status st = seg_push(spans, n, cap, base, i, j - i, kind_of(acc));
    if (st != TOPICS_OK) return st;
    i = j;
  }
  return TOPICS_OK;
}

/* Fast path without a separate chunk scan: segments text from start on and stops at the first
 * chunk (white-space-delimited) that needs the general route -- one holding a character
 * seg_latin_char does not know, '@', '#', "://" or a word where a URL may start ("www.") -- after
 * taking back the spans already pushed for that chunk. *stop gets that chunk's start, or len when
 * the text was done. Merges come later, in seg_run, as for the general route. */
topics_status seg_ascii_scan(const char *text, size_t start, size_t len, seg_span **spans,
                             size_t *n, size_t *cap, size_t base, size_t *stop) {
  const unsigned char *p = (const unsigned char *)text;
  size_t i = start, chunk = start, chunk_n = *n;
  while (i < len) {
    unsigned c = seg_ascii_class[p[i]], acc;
    size_t j;
    if (c & SEG_B_WS) {
      i++;
      chunk = i;
      chunk_n = *n;
      continue;
    }
    if (c & SEG_B_WORD) {
      j = seg_ascii_word(p, i, len, &acc);
      if (seg_fast_bail(p, i, j, len, acc)) goto bail;
    } else if (!(c & SEG_B_STOP)) { /* ASCII punctuation */
      acc = 0;
      j = i + 1;
    } else if (p[i] >= 0x80) { /* a non-ASCII letter starts a word, or a mark its own segment */
      acc = seg_latin_segment(p, i, len, &j);
      if (acc & SEG_B_STOP) goto bail;
    } else { /* '#', or ':' which is plain unless "://" follows */
      if (p[i] != ':' || (i + 2 < len && p[i + 1] == '/' && p[i + 2] == '/')) goto bail;
      acc = 0;
      j = i + 1;
    }
    topics_status st = seg_push(spans, n, cap, base, i, j - i, kind_of(acc));
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
