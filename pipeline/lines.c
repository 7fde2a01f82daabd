/* Line splitting and repair for the reader. Bytes are gathered into `raw` up to a line end or
 * LINES_CHUNK bytes; the chunk is then repaired into `fix` only when it needs it, so clean UTF-8
 * costs one copy. */
#include "pipeline/lines.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/utf8.h"
#include "common/diag.h"

void rdl_init(rd_lines *l, rd_src *src, ft_encoding enc, const char *path, int warn) {
  memset(l, 0, sizeof *l);
  l->src = src;
  l->enc = enc;
  l->path = path;
  l->warn = warn;
}

void rdl_finish(rd_lines *l) {
  if (l->warn && l->bad_lines > LINES_MAX_BAD_WARNINGS)
    diag_warn(l->path, 0, "invalid %s replaced with U+FFFD on %lu more lines",
              l->enc == FT_UTF8 ? "UTF-8" : "UTF-16", l->bad_lines - LINES_MAX_BAD_WARNINGS);
  free(l->raw);
  free(l->fix);
  l->raw = l->fix = NULL;
}


/* Makes room for `need` bytes in raw; the buffer starts small and grows to one chunk. */
static int raw_room(rd_lines *l, size_t need) {
  if (need <= l->rawcap) return 0;
  size_t cap = l->rawcap ? l->rawcap : 4096;
  while (cap < need) cap *= 2;
  if (cap > LINES_CHUNK + 8) cap = LINES_CHUNK + 8;
  char *p = realloc(l->raw, cap);
  if (!p) return -1;
  l->raw = p;
  l->rawcap = cap;
  return 0;
}

/* One UTF-16 code unit, or -1 at the end (an odd last byte becomes U+FFFD). */
static long get_unit(rd_lines *l) {
  int a = rds_getc(l->src);
  if (a < 0) return -1;
  int b = rds_getc(l->src);
  if (b < 0) {
    l->bad16 = 1;
    return 0xFFFD;
  }
  return l->enc == FT_UTF16LE ? (long)(a | (b << 8)) : (long)((a << 8) | b);
}

static long peek_unit(rd_lines *l) {
  uint64_t at = rds_tell(l->src);
  long u = get_unit(l);
  int bad = l->bad16;
  if (rds_seek(l->src, at) != TOPICS_OK) return -1;
  l->bad16 = bad;
  return u;
}

/* Reads UTF-16 into raw until a line end or the chunk limit. Returns 1 at a line end, 2 when the
 * limit was hit, 0 at the end of input, -1 when out of memory. */
static int fill_utf16(rd_lines *l) {
  while (l->rawlen + 4 <= LINES_CHUNK) {
    if (raw_room(l, l->rawlen + 4) < 0) return -1;
    long u = get_unit(l);
    if (u < 0) return 0;
    unsigned cp = (unsigned)u;
    if (cp == '\n') return 1;
    if (cp == '\r') {
      if (peek_unit(l) == '\n') (void)get_unit(l);
      return 1;
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      long v = peek_unit(l);
      if (v >= 0xDC00 && v <= 0xDFFF) {
        (void)get_unit(l);
        cp = 0x10000 + ((cp - 0xD800) << 10) + ((unsigned)v - 0xDC00);
      } else {
        cp = 0xFFFD;
        l->bad16 = 1;
      }
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      cp = 0xFFFD;
      l->bad16 = 1;
    }
    l->rawlen += utf8_encode(cp, l->raw + l->rawlen);
  }
  return 2;
}

/* Reads UTF-8 bytes into raw until a line end or the chunk limit; same returns as fill_utf16. */
static int fill_utf8(rd_lines *l) {
  rd_src *s = l->src;
  for (;;) {
    if (l->rawlen >= LINES_CHUNK) return 2;
    if (s->pos >= s->len) {
      int r = rds_fill(s);
      if (r <= 0) return 0;
    }
    const unsigned char *p = s->p + s->pos;
    size_t avail = s->len - s->pos, room = LINES_CHUNK - l->rawlen;
    if (avail > room) avail = room;
    /* memchr is vectorised: find the LF, then look for a CR before it */
    const unsigned char *q = memchr(p, '\n', avail);
    size_t i = q ? (size_t)(q - p) : avail;
    const unsigned char *r = i ? memchr(p, '\r', i) : NULL;
    if (r) i = (size_t)(r - p);
    if (raw_room(l, l->rawlen + i + 1) < 0) return -1;
    memcpy(l->raw + l->rawlen, p, i);
    l->rawlen += i;
    s->pos += i;
    if (i < avail) {
      int c = p[i];
      s->pos++;
      if (c == '\r' && rds_peek(s) == '\n') s->pos++;
      return 1;
    }
  }
}

size_t rdl_cut(const char *b, size_t n) {
  /* At least half a chunk is kept, which guarantees progress. */
  for (size_t i = n; i > n / 2; i--) {
    char c = b[i - 1];
    if (c == ' ' || c == '\t' || c == '\f' || c == '\v') return i;
  }
  size_t i = n, back = 0;
  while (i > 0 && back < 4 && ((unsigned char)b[i - 1] & 0xC0) == 0x80) {
    i--;
    back++;
  }
  if (i == 0 || back == 4) return n;
  unsigned char lead = (unsigned char)b[i - 1];
  size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  if (lead >= 0xC0 && back + 1 < need) return i - 1; /* incomplete: carry it over */
  return n;
}

size_t rdl_repair(const char *in, size_t n, char *out, size_t *nbad, int *nul) {
  size_t bad = 0;
  size_t o = utf8_repair_into(in, n, out, &bad);
  int z = 0;
  for (char *q = memchr(out, 0, o); q; q = memchr(q, 0, o - (size_t)(q - out))) {
    *q = ' ';
    z = 1;
  }
  *nbad = bad;
  *nul = z;
  return o;
}

int rdl_next(rd_lines *l) {
  int continuing = l->more;
  /* Bytes carried over from a cut chunk move to the front. */
  if (l->carry) memmove(l->raw, l->raw + l->rawlen - l->carry, l->carry);
  l->rawlen = l->carry;
  l->carry = 0;
  l->bad16 = 0;
  int r = l->enc == FT_UTF8 ? fill_utf8(l) : fill_utf16(l);
  if (r < 0) return TOPICS_ENOMEM;
  if (l->src->err) return TOPICS_EIO;
  if (r == 0 && l->rawlen == 0 && !continuing) return 0;
  l->cont = continuing;
  if (!continuing) l->lineno++;
  size_t n = l->rawlen;
  l->more = 0;
  if (r == 2) {
    n = rdl_cut(l->raw, l->rawlen);
    l->carry = l->rawlen - n;
    l->more = 1;
  }
  /* Repair only when needed. */
  size_t ok = utf8_valid_prefix(l->raw, n);
  int has_nul = n && memchr(l->raw, 0, n) != NULL;
  if (ok == n && !has_nul) {
    l->text = l->raw;
    l->len = n;
  } else {
    size_t cap;
    if (mem_mul(n, 3, &cap) != TOPICS_OK) return TOPICS_ENOMEM;
    if (cap + 1 > l->fixcap) {
      char *f = realloc(l->fix, cap + 1);
      if (!f) return TOPICS_ENOMEM;
      l->fix = f;
      l->fixcap = cap + 1;
    }
    size_t bad;
    int nul;
    size_t o = rdl_repair(l->raw, n, l->fix, &bad, &nul);
    if (nul) {
      if (l->warn && !l->nul_warned)
        diag_warn(l->path, l->lineno, "NUL bytes replaced with spaces (first on this line)");
      l->nul_warned = 1;
    }
    if (bad) l->bad16 |= 2;
    l->text = l->fix;
    l->len = o;
  }
  if (l->bad16 && l->last_bad_line != l->lineno) {
    l->last_bad_line = l->lineno;
    l->bad_lines++;
    if (l->warn && l->bad_lines <= LINES_MAX_BAD_WARNINGS)
      diag_warn(l->path, l->lineno, "invalid %s replaced with U+FFFD",
                l->enc == FT_UTF8 ? "UTF-8" : "UTF-16");
  }
  return 1;
}
