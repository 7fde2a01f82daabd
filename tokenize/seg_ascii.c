/* The ASCII fast path: UAX #29 word boundaries, as ICU's root rules apply them, restricted to ASCII
 * without white space. In ASCII only these rules can fire: letters and digits and '_' hold together
 * (WB5, WB8-WB10, WB13a/b); '.' and '\'' join letters to letters (WB6/7) and digits to digits
 * (WB11/12); ',' and ';' join digits to digits. ICU's root rules count '@' as ALetter and leave
 * ':' out of MidLetter. Every other character is a segment of its own. Kinds come from the content
 * (a letter makes a word, else a digit a number, else punctuation), as seg_icu_spans does. tests/test_segmenter.c checks this against ICU on real text
 * and on every short string over a covering alphabet. */
#include <stddef.h>

#include "tokenize/seg_int.h"

enum { A_OTHER = 0, A_LET, A_NUM, A_ENL, A_MIDNUMLET, A_MIDNUM };

/* Byte classes; the caller passes ASCII only, so the upper half is never looked at. */
static const unsigned char ascii_cls[128] = {
    ['A'] = A_LET, ['B'] = A_LET, ['C'] = A_LET, ['D'] = A_LET, ['E'] = A_LET, ['F'] = A_LET,
    ['G'] = A_LET, ['H'] = A_LET, ['I'] = A_LET, ['J'] = A_LET, ['K'] = A_LET, ['L'] = A_LET,
    ['M'] = A_LET, ['N'] = A_LET, ['O'] = A_LET, ['P'] = A_LET, ['Q'] = A_LET, ['R'] = A_LET,
    ['S'] = A_LET, ['T'] = A_LET, ['U'] = A_LET, ['V'] = A_LET, ['W'] = A_LET, ['X'] = A_LET,
    ['Y'] = A_LET, ['Z'] = A_LET, ['a'] = A_LET, ['b'] = A_LET, ['c'] = A_LET, ['d'] = A_LET,
    ['e'] = A_LET, ['f'] = A_LET, ['g'] = A_LET, ['h'] = A_LET, ['i'] = A_LET, ['j'] = A_LET,
    ['k'] = A_LET, ['l'] = A_LET, ['m'] = A_LET, ['n'] = A_LET, ['o'] = A_LET, ['p'] = A_LET,
    ['q'] = A_LET, ['r'] = A_LET, ['s'] = A_LET, ['t'] = A_LET, ['u'] = A_LET, ['v'] = A_LET,
    ['w'] = A_LET, ['x'] = A_LET, ['y'] = A_LET, ['z'] = A_LET, ['@'] = A_LET,
    ['0'] = A_NUM, ['1'] = A_NUM, ['2'] = A_NUM, ['3'] = A_NUM, ['4'] = A_NUM, ['5'] = A_NUM,
    ['6'] = A_NUM, ['7'] = A_NUM, ['8'] = A_NUM, ['9'] = A_NUM, ['_'] = A_ENL,
    ['.'] = A_MIDNUMLET, ['\''] = A_MIDNUMLET, [','] = A_MIDNUM, [';'] = A_MIDNUM,
};

static inline unsigned char ascii_class(unsigned char c) { return ascii_cls[c & 0x7F]; }

topics_status seg_ascii_spans(const char *text, size_t start, size_t end, seg_span **spans,
                              size_t *n, size_t *cap, size_t base) {
  const unsigned char *p = (const unsigned char *)text;
  size_t i = start;
  while (i < end) {
    unsigned char c = ascii_class(p[i]);
    if (c != A_LET && c != A_NUM && c != A_ENL) {
      topics_status st = seg_push(spans, n, cap, base, i, 1, SEG_PUNCT);
      if (st != TOPICS_OK) return st;
      i++;
      continue;
    }
    int has_let = c == A_LET && p[i] != '@', has_num = c == A_NUM;
    unsigned char prev = c;
    size_t j = i + 1;
    while (j < end) {
      unsigned char d = ascii_class(p[j]);
      if (d == A_LET || d == A_NUM || d == A_ENL) {
        has_let |= d == A_LET && p[j] != '@';
        has_num |= d == A_NUM;
        prev = d;
        j++;
        continue;
      }
      if ((d == A_MIDNUMLET || d == A_MIDNUM) && j + 1 < end) {
        unsigned char nx = ascii_class(p[j + 1]);
        if ((prev == A_LET && nx == A_LET && d == A_MIDNUMLET) ||
            (prev == A_NUM && nx == A_NUM)) {
          prev = nx;
          has_let |= nx == A_LET && p[j + 1] != '@';
          has_num |= nx == A_NUM;
          j += 2;
          continue;
        }
      }
      break;
    }
    int kind = has_let ? SEG_WORD : has_num ? SEG_NUMBER : SEG_PUNCT;
    topics_status st = seg_push(spans, n, cap, base, i, j - i, kind);
    if (st != TOPICS_OK) return st;
    i = j;
  }
  return TOPICS_OK;
}
