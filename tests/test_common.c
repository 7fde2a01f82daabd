/* Unit tests for common/: UTF-8 repair and the CJK test, the string map and the arena. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/strmap.h"
#include "common/utf8.h"
#include "tests/check.h"

static void test_utf8(void) {
  const char ok[] = "PyCon 資料 ✓";
  CHECK(utf8_valid_prefix(ok, strlen(ok)) == strlen(ok));
  /* overlong '/', a surrogate, a truncated 3-byte sequence, a stray continuation byte */
  const char bad[] = "a\xC0\xAF" "b\xED\xA0\x80" "c\xE8\xB3" "d\x80";
  CHECK(utf8_valid_prefix(bad, strlen(bad)) == 1);
  char *out;
  size_t n, nbad;
  CHECK(utf8_repair(bad, strlen(bad), &out, &n, &nbad) == TOPICS_OK);
  CHECK(utf8_valid_prefix(out, n) == n);
  /* C0 and AF are two bad bytes; ED A0 80 is three (ED only takes 80..9F); E8 B3 is one subpart */
  CHECK_STREQ(out, "a\xEF\xBF\xBD\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                   "c\xEF\xBF\xBD" "d\xEF\xBF\xBD");
  CHECK(nbad == 7);
  free(out);
  const char fffd[] = "x\xEF\xBF\xBDy";
  CHECK(utf8_valid_prefix(fffd, strlen(fffd)) == strlen(fffd));
}

/* Whether text may hold CJK characters decides whether `topics segment` learns from a line and
 * reads its word list: every code point from U+3000 up says yes, every one below says no. */
/* utf8_encode: every code point (no surrogate) encodes to well-formed UTF-8 of the length its
 * range gives, and decodes back to itself. */
static void test_utf8_encode(void) {
  long bad = 0;
  for (unsigned cp = 0; cp <= 0x10FFFF; cp++) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    char b[4];
    size_t n = utf8_encode(cp, b), want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    unsigned back;
    if (n != want || utf8_valid_prefix(b, n) != n ||
        utf8_decode((const unsigned char *)b, n, &back) != n || back != cp)
      bad++;
  }
  CHECK_MSG(bad == 0, "%ld code points did not round-trip through utf8_encode", bad);
}

/* A decoder written from Unicode's table of well-formed byte sequences (section 3.9, table
 * 3-7), to judge utf8_decode by: the bytes consumed (the maximal subpart when ill-formed) and the
 * code point or U+FFFD. */
static size_t ref_decode(const unsigned char *s, size_t len, unsigned *cp) {
  static const struct {
    unsigned char lead_lo, lead_hi, n, lo2, hi2;
  } rows[] = {{0xC2, 0xDF, 2, 0x80, 0xBF}, {0xE0, 0xE0, 3, 0xA0, 0xBF}, {0xE1, 0xEC, 3, 0x80, 0xBF},
              {0xED, 0xED, 3, 0x80, 0x9F}, {0xEE, 0xEF, 3, 0x80, 0xBF}, {0xF0, 0xF0, 4, 0x90, 0xBF},
              {0xF1, 0xF3, 4, 0x80, 0xBF}, {0xF4, 0xF4, 4, 0x80, 0x8F}};
  if (s[0] < 0x80) {
    *cp = s[0];
    return 1;
  }
  *cp = 0xFFFD;
  for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
    if (s[0] < rows[r].lead_lo || s[0] > rows[r].lead_hi) continue;
    size_t i = 1;
    unsigned v = s[0] & (0xFFu >> (rows[r].n + 1));
    for (; i < rows[r].n && i < len; i++) {
      unsigned lo = i == 1 ? rows[r].lo2 : 0x80, hi = i == 1 ? rows[r].hi2 : 0xBF;
      if (s[i] < lo || s[i] > hi) return i;
      v = v << 6 | (s[i] & 0x3Fu);
    }
    if (i < rows[r].n) return i;
    *cp = v;
    return i;
  }
  return 1;
}

/* utf8_decode (inline fast forms and the general route) against the reference on every sequence
 * of one to three bytes, each cut at every length, and on four-byte ones of every lead byte. */
static void test_utf8_decode(void) {
  long bad = 0;
  unsigned char b[4];
  for (uint32_t x = 0; x < (1u << 24); x++) {
    b[0] = (unsigned char)(x >> 16);
    b[1] = (unsigned char)(x >> 8);
    b[2] = (unsigned char)x;
    for (size_t len = 1; len <= 3; len++) {
      if (len < 3 && (x & ((1u << (8 * (3 - len))) - 1))) continue; /* each short input once */
      unsigned a, r;
      size_t na = utf8_decode(b, len, &a), nr = ref_decode(b, len, &r);
      bad += na != nr || a != r;
    }
  }
  for (unsigned lead = 0xF0; lead <= 0xFF; lead++)
    for (unsigned c1 = 0x70; c1 <= 0xC0; c1++)
      for (unsigned c3 = 0x7F; c3 <= 0xC0; c3 += 0x41) {
        b[0] = (unsigned char)lead;
        b[1] = (unsigned char)c1;
        b[2] = 0x85;
        b[3] = (unsigned char)c3;
        unsigned a, r;
        size_t na = utf8_decode(b, 4, &a), nr = ref_decode(b, 4, &r);
        bad += na != nr || a != r;
      }
  CHECK_MSG(bad == 0, "%ld inputs decoded unlike Unicode's table", bad);
}

static void test_may_hold_cjk(void) {
  const char *no[] = {"", "PyCon 2025: testing, caf\xC3\xA9 \xE2\x80\x99quoted\xE2\x80\x99",
                      "\xE2\xBF\xBF" /* U+2FFF */, "\xD0\x9F\xD1\x80\xD0\xB8"};
  const char *yes[] = {"\xE3\x80\x80" /* U+3000 */, "asyncio \xE9\x9D\x9E\xE5\x90\x8C\xE6\xAD\xA5",
                       "x \xE3\x81\x82" /* hiragana */, "\xEA\xB0\x80" /* Hangul */,
                       "\xF0\xA0\x80\x80" /* U+20000 */};
  for (size_t i = 0; i < sizeof no / sizeof *no; i++) CHECK(!utf8_may_hold_cjk(no[i], strlen(no[i])));
  for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
    CHECK(utf8_may_hold_cjk(yes[i], strlen(yes[i])));
  for (unsigned cp = 0x80; cp < 0x3000; cp += 7) { /* every encoded length below U+3000 */
    unsigned char b[3];
    size_t n = cp < 0x800 ? 2 : 3;
    if (n == 2) {
      b[0] = (unsigned char)(0xC0 | cp >> 6);
      b[1] = (unsigned char)(0x80 | (cp & 0x3F));
    } else {
      b[0] = (unsigned char)(0xE0 | cp >> 12);
      b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
      b[2] = (unsigned char)(0x80 | (cp & 0x3F));
    }
    CHECK(!utf8_may_hold_cjk((const char *)b, n));
  }
  /* Long text is looked at 64 bytes at a time: a CJK character anywhere in 300 bytes of Latin
   * text (bytes up to 0xE2) is found, in a block or in the tail, and none where there is none. */
  char t[300];
  for (size_t i = 0; i < sizeof t; i++) t[i] = i % 7 == 3 ? (char)0xE2 : (char)('a' + i % 26);
  CHECK(!utf8_may_hold_cjk(t, sizeof t));
  long missed = 0;
  for (size_t at = 0; at + 3 <= sizeof t; at++) {
    char u[sizeof t];
    memcpy(u, t, sizeof t);
    memcpy(u + at, "\xE4\xB8\xAD", 3); /* 中 */
    missed += !utf8_may_hold_cjk(u, sizeof t) || utf8_may_hold_cjk(u, at);
  }
  CHECK_MSG(missed == 0, "%ld placements of a CJK character were judged wrongly", missed);
}

static void test_strmap(void) {
  strmap *m = strmap_new();
  CHECK(m != NULL);
  char buf[32];
  for (int i = 0; i < 10000; i++) {
    int len = snprintf(buf, sizeof buf, "w%d", i);
    uint32_t id;
    int added;
    CHECK(strmap_intern(m, buf, (size_t)len, &id, &added) == TOPICS_OK);
    if ((uint32_t)i != id || !added) CHECK(0);
  }
  CHECK(strmap_count(m) == 10000);
  uint32_t id;
  CHECK(strmap_find(m, "w1234", 5, &id) && id == 1234);
  CHECK(!strmap_find(m, "w10000", 6, &id));
  size_t len;
  CHECK_STREQ(strmap_str(m, 42, &len), "w42");
  CHECK(len == 3);
  int added;
  CHECK(strmap_intern(m, "w7", 2, &id, &added) == TOPICS_OK && id == 7 && !added);
  CHECK(strmap_intern(m, "", 0, &id, &added) == TOPICS_OK && added && id == 10000);
  strmap_free(m);
  strmap_free(NULL);
}

/* Strings keep their address and bytes while the arena grows past many chunks and one string
 * larger than a chunk. */
static void test_arena(void) {
  arena a = {0};
  const char *first = arena_copy(&a, "容器 docker", strlen("容器 docker"));
  const char *p[5000];
  char buf[32];
  for (int i = 0; i < 5000; i++) {
    int len = snprintf(buf, sizeof buf, "word-%d", i);
    p[i] = arena_copy(&a, buf, (size_t)len);
  }
  static char big[200000];
  memset(big, 'x', sizeof big);
  const char *b = arena_copy(&a, big, sizeof big);
  CHECK_STREQ(first, "容器 docker");
  CHECK_STREQ(p[0], "word-0");
  CHECK_STREQ(p[4999], "word-4999");
  CHECK(b && b[0] == 'x' && b[sizeof big - 1] == 'x' && b[sizeof big] == '\0');
  CHECK(arena_copy(&a, "", 0) && arena_copy(&a, "", 0)[0] == '\0');
  /* Records between odd-length strings: 8-aligned, and neither overwrites the other. */
  uint64_t *rec[3000];
  const char *s[3000];
  for (int i = 0; i < 3000; i++) {
    int len = snprintf(buf, sizeof buf, "%.*s", 1 + i % 7, "abcdefg");
    s[i] = arena_copy(&a, buf, (size_t)len);
    rec[i] = arena_alloc(&a, 2 * sizeof(uint64_t));
    CHECK(rec[i] && ((uintptr_t)rec[i] & 7) == 0);
    rec[i][0] = (uint64_t)i;
    rec[i][1] = ~(uint64_t)i;
  }
  int intact = 1;
  for (int i = 0; i < 3000; i++)
    intact &= rec[i][0] == (uint64_t)i && rec[i][1] == ~(uint64_t)i &&
              strlen(s[i]) == (size_t)(1 + i % 7) && s[i][0] == 'a';
  CHECK(intact);
  arena_free(&a);
  CHECK(a.head == NULL);
}

int main(void) {
  test_arena();
  test_utf8();
  test_utf8_encode();
  test_utf8_decode();
  test_may_hold_cjk();
  test_strmap();
  return check_done();
}
