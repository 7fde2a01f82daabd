/* The fast path's few non-ASCII characters: Latin-1 and Latin Extended-A/B letters, Greek and
 * Cyrillic letters, the quotes ‘ ’ “ ” « », dashes, the ellipsis and a few more marks, each with
 * the word-break class ICU 72's root rules give it (UAX #29: ALetter, MidNumLet for ‘ ’, MidLetter
 * for ·, Other for the rest). Every other character above U+007F -- combining marks, Unicode spaces,
 * symbols such as ×, emoji, variation selectors, CJK, other scripts -- sends its chunk to the
 * general route, as does ill-formed UTF-8. These characters are rare next to ASCII, so they are
 * decoded here, out of line, only when the ASCII scan meets a byte above 0x7F.
 * tests/test_segmenter.c checks every character taken here against ICU's Word_Break property and
 * against the general route, alone and in context. */
#include <stddef.h>

#include "tokenize/seg_int.h"

#define LETTER (SEG_B_AL | SEG_B_LETTER)

/* Greek U+0370..U+03FF: the ALetter letters from U+0386 on; signs, tonos and gaps are left to the
 * general route. */
static unsigned greek(unsigned cp) {
  if (cp == 0x386 || (cp >= 0x388 && cp <= 0x38A) || cp == 0x38C || (cp >= 0x38E && cp <= 0x3A1) ||
      (cp >= 0x3A3 && cp <= 0x3F5) || cp >= 0x3F7)
    return LETTER;
  return SEG_B_STOP;
}

/* U+0080..U+00BF: ª µ º are ALetter; · is MidLetter; ¡ § © « ® ° ¶ » ¿ are Other (segments of their
 * own). NO-BREAK SPACE, SOFT HYPHEN (a Format character) and the rest go to the general route. */
static unsigned latin1_sign(unsigned cp) {
  switch (cp) {
    case 0xAA: case 0xB5: case 0xBA:
      return LETTER;
    case 0xB7:
      return SEG_B_MIDLET;
    case 0xA1: case 0xA7: case 0xA9: case 0xAB: case 0xAE: case 0xB0: case 0xB6: case 0xBB:
    case 0xBF:
      return 0;
    default:
      return SEG_B_STOP;
  }
}

/* U+2000..U+2FFF: – — ‘ ’ “ ” • … ™ →. ‘ and ’ are MidNumLet, like '.' and '\''. */
static unsigned general_punct(unsigned cp) {
  switch (cp) {
    case 0x2018: case 0x2019:
      return SEG_B_MIDLET | SEG_B_MIDNUM;
    case 0x2013: case 0x2014: case 0x201C: case 0x201D: case 0x2022: case 0x2026: case 0x2122:
    case 0x2192:
      return 0;
    default:
      return SEG_B_STOP;
  }
}

unsigned seg_latin_char(const unsigned char *p, size_t i, size_t end, size_t *len) {
  unsigned b0 = p[i];
  *len = 1;
  if (b0 < 0x80) return seg_ascii_class[b0];
  if (b0 >= 0xC2 && b0 <= 0xD3) { /* two bytes: U+0080..U+04FF */
    if (i + 1 >= end || (p[i + 1] & 0xC0) != 0x80) return SEG_B_STOP;
    unsigned cp = ((b0 & 0x1F) << 6) | (p[i + 1] & 0x3F);
    *len = 2;
    if (cp < 0xC0) return latin1_sign(cp);
    if (cp <= 0x24F) return (cp == 0xD7 || cp == 0xF7) ? SEG_B_STOP : LETTER;
    if (cp >= 0x370 && cp <= 0x3FF) return greek(cp);
    /* Cyrillic, but not ҂ (a symbol) or the combining marks U+0483..U+0489 (Extend). */
    if (cp >= 0x400 && !(cp >= 0x482 && cp <= 0x489)) return LETTER;
    return SEG_B_STOP;
  }
  if (b0 == 0xE2) { /* three bytes: U+2000..U+2FFF */
    if (i + 2 >= end || (p[i + 1] & 0xC0) != 0x80 || (p[i + 2] & 0xC0) != 0x80) return SEG_B_STOP;
    *len = 3;
    return general_punct(0x2000 | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu));
  }
  return SEG_B_STOP;
}

/* A protected span cannot start inside an ASCII word (find_www_url wants "www." after a character
 * that is not a letter or digit), but '_', '\'' and non-ASCII characters may precede it. */
int seg_fast_www_inside(const unsigned char *p, size_t i, size_t j, size_t end) {
  for (size_t w = i + 1; w < j; w++)
    if ((p[w] | 0x20) == 'w' && (p[w - 1] == '_' || p[w - 1] == '\'' || p[w - 1] >= 0x80) &&
        seg_ascii_www(p, w, end))
      return 1;
  return 0;
}

size_t seg_latin_word(const unsigned char *p, size_t j, size_t end, unsigned prev, unsigned *acc) {
  unsigned a = *acc | SEG_B_LOOK; /* a word with a non-ASCII character: look for "www." in it */
  while (j < end) {
    size_t k, k2;
    unsigned c = seg_latin_char(p, j, end, &k);
    if (c & SEG_B_WORD) { /* letters, digits, '_' hold together (WB5, WB8-WB10, WB13a/b) */
      a |= c;
      prev = c;
      j += k;
      continue;
    }
    if (c == SEG_B_STOP && p[j] >= 0x80) { /* unknown here: the chunk goes to the general route */
      a |= SEG_B_STOP;
      break;
    }
    if (!(c & (SEG_B_MIDLET | SEG_B_MIDNUM)) || j + k >= end) break;
    /* A middle character joins letter to letter (WB6/7) or digit to digit (WB11/12). */
    unsigned nx = seg_latin_char(p, j + k, end, &k2);
    if (nx == SEG_B_STOP && p[j + k] >= 0x80) {
      a |= SEG_B_STOP;
      break;
    }
    if (((c & SEG_B_MIDLET) && (prev & SEG_B_AL) && (nx & SEG_B_AL)) ||
        ((c & SEG_B_MIDNUM) && (prev & SEG_B_NUM) && (nx & SEG_B_NUM))) {
      a |= nx;
      prev = nx;
      j += k + k2;
      continue;
    }
    break;
  }
  *acc = a;
  return j;
}

unsigned seg_latin_segment(const unsigned char *p, size_t i, size_t end, size_t *j) {
  size_t k;
  unsigned c = seg_latin_char(p, i, end, &k);
  *j = i + k;
  if (!(c & SEG_B_AL)) return c & SEG_B_STOP; /* punctuation (‘ ’ · alone too), or unknown */
  unsigned acc = c;
  *j = seg_latin_word(p, i + k, end, c, &acc);
  return seg_fast_bail(p, i, *j, end, acc) ? SEG_B_STOP : acc;
}
