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
  test_may_hold_cjk();
  test_strmap();
  return check_done();
}
