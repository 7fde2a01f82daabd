/* A small strict JSON parser reading bytes from an rd_src, for JSON Lines. Newlines are not white
 * space here: a record is one line, so a parse error can always resynchronise at the next '\n'
 * without the parser having consumed it. */
#include "pipeline/jsonl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/mem.h"
#include "common/utf8.h"
#include "pipeline/lines.h"

#define CAP_ID 1024    /* bytes kept of an id */
#define CAP_TITLE 1024 /* bytes kept of a title */
#define CAP_HEAD 512   /* bytes kept of the text's start, for a title */
#define CAP_KEY 8      /* keys we care about are short */
#define TITLE_CHARS 120
#define PIECE_MAX LINES_CHUNK

/* Where decoded string bytes go: nowhere, a capped capture, or pieces for the sink. */
typedef struct jout {
  char *b;
  size_t len, cap, max;
  size_t full;   /* bytes that did not fit a capture */
  int emit;      /* hand pieces to the sink */
  int cr;        /* the last character was a CR turned into '\n' */
} jout;

typedef struct jp {
  rd_src *s;
  const char *err; /* what is wrong with the record, NULL if nothing */
  int depth;
  const rd_sink *sink;
  char *fix; /* repair buffer for pieces */
  size_t fixcap;
  size_t bad, nul;
  topics_status st; /* a sink or memory error while emitting */
} jp;

static int ws_skip(jp *p) {
  int c;
  while ((c = rds_peek(p->s)) == ' ' || c == '\t' || c == '\r') p->s->pos++;
  return c;
}

static int expect(jp *p, const char *lit) {
  for (const char *q = lit; *q; q++) {
    int c = rds_peek(p->s);
    if (c != (unsigned char)*q) {
      p->err = "invalid literal";
      return -1;
    }
    p->s->pos++;
  }
  return 0;
}

static int emit_flush(jp *p, jout *o, int final);

static int out_byte(jp *p, jout *o, char c) {
  if (!o) return 0;
  if (o->emit) {
    if (o->len >= PIECE_MAX && emit_flush(p, o, 0) < 0) return -1;
    if (o->len == o->cap) { /* grows to one piece; short records stay small */
      size_t cap = o->cap;
      if (mem_reserve((void **)&o->b, &cap, o->len + 1, 1) != TOPICS_OK) {
        p->st = TOPICS_ENOMEM;
        p->err = "out of memory";
        return -1;
      }
      o->cap = cap;
    }
    o->b[o->len++] = c;
    return 0;
  }
  if (o->len < o->max) o->b[o->len++] = c;
  else o->full++;
  return 0;
}

/* out_byte for the n bytes at b (a string's plain run), copied in blocks: the same pieces reach
 * the sink, cut at the same places. */
static int out_bytes(jp *p, jout *o, const unsigned char *b, size_t n) {
  if (!o) return 0;
  if (!o->emit) {
    size_t room = o->len < o->max ? o->max - o->len : 0, take = n < room ? n : room;
    if (take) memcpy(o->b + o->len, b, take);
    o->len += take;
    o->full += n - take;
    return 0;
  }
  while (n > 0) {
    if (o->len >= PIECE_MAX && emit_flush(p, o, 0) < 0) return -1;
    /* Up to the length that flushes; a byte at a time if the flush kept that much. */
    size_t take = o->len < PIECE_MAX ? PIECE_MAX - o->len : 1;
    if (take > n) take = n;
    if (o->len + take > o->cap) {
      size_t cap = o->cap;
      if (mem_reserve((void **)&o->b, &cap, o->len + take, 1) != TOPICS_OK) {
        p->st = TOPICS_ENOMEM;
        p->err = "out of memory";
        return -1;
      }
      o->cap = cap;
    }
    memcpy(o->b + o->len, b, take);
    o->len += take;
    b += take;
    n -= take;
  }
  return 0;
}

static int out_cp(jp *p, jout *o, unsigned cp) {
  char t[4];
  size_t n = utf8_encode(cp, t);
  for (size_t i = 0; i < n; i++)
    if (out_byte(p, o, t[i]) < 0) return -1;
  return 0;
}

/* Sends decoded text to the sink: at the last line end (or white space, or character boundary)
 * unless final; repaired so pieces are well-formed UTF-8 without NULs. */
static int emit_flush(jp *p, jout *o, int final) {
  size_t n = o->len;
  if (!final) {
    size_t i = n;
    while (i > n / 2 && o->b[i - 1] != '\n') i--;
    n = i > n / 2 ? i : rdl_cut(o->b, n);
  }
  if (n) {
    size_t bad;
    int nul, need = 0;
    if (3 * n > p->fixcap) {
      size_t cap = p->fixcap;
      need = mem_reserve((void **)&p->fix, &cap, 3 * n, 1) != TOPICS_OK;
      p->fixcap = cap;
    }
    if (need) {
      p->st = TOPICS_ENOMEM;
      p->err = "out of memory";
      return -1;
    }
    size_t m = rdl_repair(o->b, n, p->fix, &bad, &nul);
    p->bad += bad;
    p->nul += (size_t)nul;
    topics_status st = p->sink->text(p->sink->ud, p->fix, m);
    if (st != TOPICS_OK) {
      p->st = st;
      p->err = "sink";
      return -1;
    }
  }
  if (o->len > n) memmove(o->b, o->b + n, o->len - n);
  o->len -= n;
  return 0;
}

static int hex4(jp *p, unsigned *v) {
  *v = 0;
  for (int i = 0; i < 4; i++) {
    int c = rds_peek(p->s);
    unsigned d;
    if (c >= '0' && c <= '9') d = (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') d = (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') d = (unsigned)(c - 'A' + 10);
    else {
      p->err = "bad \\u escape";
      return -1;
    }
    p->s->pos++;
    *v = *v << 4 | d;
  }
  return 0;
}

/* How many of b[0..n) surely hold no quote, backslash or control byte, eight at a time: the
 * bytes after it are then looked at one by one. Each test is a word-wide one: a byte below 0x20,
 * or one equal to '"' or '\\', sets its top bit in the mask. */
static size_t plain_run8(const unsigned char *b, size_t n) {
  const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    memcpy(&x, b + i, 8);
    uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');
    uint64_t hit = ((x - ones * 0x20) | (q - ones) | (bs - ones)) & ~x & high;
    if (hit) break;
  }
  return i;
}

/* A string, the opening quote next. Decoded bytes go to o (may be NULL). Raw bytes >= 0x80 pass
 * through unchecked; the sink side repairs them. */
static int parse_string(jp *p, jout *o) {
  (void)rds_getc(p->s); /* the quote (after a seek the window may be empty: no pos++) */
  for (;;) {
    rd_src *s = p->s;
    if (s->pos >= s->len && rds_fill(s) <= 0) {
      p->err = "unterminated string";
      return -1;
    }
    /* Copy the plain run in one go. */
    const unsigned char *b = s->p + s->pos;
    size_t avail = s->len - s->pos, i = plain_run8(b, avail);
    while (i < avail && b[i] != '"' && b[i] != '\\' && b[i] >= 0x20) i++;
    if (o && i) {
      if (out_bytes(p, o, b, i) < 0) return -1;
      o->cr = 0; /* a plain run holds no line end */
    }
    s->pos += i;
    if (i == avail) continue;
    int c = b[i];
    if (c < 0x20) {
      p->err = c == '\n' ? "unterminated string" : "control character in a string";
      return -1;
    }
    s->pos++;
    if (c == '"') return 0;
    int e = rds_getc(s);
    unsigned cp;
    switch (e) {
    case '"': cp = '"'; break;
    case '\\': cp = '\\'; break;
    case '/': cp = '/'; break;
    case 'b': cp = '\b'; break;
    case 'f': cp = '\f'; break;
    case 'n': cp = '\n'; break;
    case 'r': cp = '\r'; break;
    case 't': cp = '\t'; break;
    case 'u':
      if (hex4(p, &cp) < 0) return -1;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        /* a pair needs "\uDC00".."\uDFFF" next; a lone surrogate becomes U+FFFD */
        if (rds_peek(s) == '\\') {
          uint64_t at = rds_tell(s);
          s->pos++;
          unsigned lo;
          if (rds_getc(s) == 'u' && hex4(p, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else {
            p->err = NULL;
            if (rds_seek(s, at) != TOPICS_OK) return -1;
            cp = 0xFFFD;
          }
        } else {
          cp = 0xFFFD;
        }
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        cp = 0xFFFD;
      }
      break;
    default:
      if (e == '\n') s->pos--; /* keep the line end for resynchronising */
      p->err = "invalid escape in a string";
      return -1;
    }
    if (!o) continue;
    if (cp == '\r') { /* CR and CRLF become one line end */
      if (out_byte(p, o, '\n') < 0) return -1;
      o->cr = 1;
      continue;
    }
    if (cp == '\n' && o->cr) {
      o->cr = 0;
      continue;
    }
    o->cr = 0;
    if (cp == 0) cp = ' ';
    if (out_cp(p, o, cp) < 0) return -1;
  }
}

static int digits(jp *p) {
  int n = 0, c;
  while ((c = rds_peek(p->s)) >= '0' && c <= '9') {
    p->s->pos++;
    n++;
  }
  return n;
}

/* A number; its text goes to o when given (ids may be numbers). */
static int parse_number(jp *p, jout *o) {
  uint64_t start = rds_tell(p->s);
  if (rds_peek(p->s) == '-') p->s->pos++;
  int c = rds_peek(p->s);
  if (c == '0') p->s->pos++;
  else if (c >= '1' && c <= '9') digits(p);
  else goto bad;
  if (rds_peek(p->s) == '.') {
    p->s->pos++;
    if (!digits(p)) goto bad;
  }
  c = rds_peek(p->s);
  if (c == 'e' || c == 'E') {
    p->s->pos++;
    c = rds_peek(p->s);
    if (c == '+' || c == '-') p->s->pos++;
    if (!digits(p)) goto bad;
  }
  if (o) {
    uint64_t end = rds_tell(p->s);
    if (rds_seek(p->s, start) != TOPICS_OK) return -1;
    for (uint64_t i = start; i < end; i++) (void)out_byte(p, o, (char)rds_getc(p->s));
  }
  return 0;
bad:
  p->err = "invalid number";
  return -1;
}

static int parse_value(jp *p);

static int parse_container(jp *p, int obj) {
  if (++p->depth > JSONL_MAX_DEPTH) {
    p->err = "nested deeper than 64 levels";
    return -1;
  }
  p->s->pos++;
  int c = ws_skip(p);
  if (c == (obj ? '}' : ']')) {
    p->s->pos++;
    p->depth--;
    return 0;
  }
  for (;;) {
    if (obj) {
      if (ws_skip(p) != '"') {
        p->err = "expected a string key";
        return -1;
      }
      if (parse_string(p, NULL) < 0) return -1;
      if (ws_skip(p) != ':') {
        p->err = "expected ':'";
        return -1;
      }
      p->s->pos++;
    }
    if (parse_value(p) < 0) return -1;
    c = ws_skip(p);
    if (c == ',') {
      p->s->pos++;
      continue;
    }
    if (c == (obj ? '}' : ']')) {
      p->s->pos++;
      p->depth--;
      return 0;
    }
    p->err = obj ? "expected ',' or '}'" : "expected ',' or ']'";
    return -1;
  }
}

static int parse_value(jp *p) {
  int c = ws_skip(p);
  switch (c) {
  case '{': return parse_container(p, 1);
  case '[': return parse_container(p, 0);
  case '"': return parse_string(p, NULL);
  case 't': return expect(p, "true");
  case 'f': return expect(p, "false");
  case 'n': return expect(p, "null");
  case -1:
  case '\n': p->err = "record ends inside a value"; return -1;
  default:
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number(p, NULL);
    p->err = "unexpected character";
    return -1;
  }
}

/* One record's fields, found by the validating pass. */
typedef struct rec {
  int has_text;
  uint64_t text_at;
  jout id, title, head;
  int has_id, has_title;
} rec;

static int parse_record(jp *p, rec *r) {
  if (ws_skip(p) != '{') {
    p->err = "not a JSON object";
    return -1;
  }
  p->depth = 1;
  p->s->pos++;
  int c = ws_skip(p);
  if (c == '}') {
    p->s->pos++;
  } else {
    for (;;) {
      if (ws_skip(p) != '"') {
        p->err = "expected a string key";
        return -1;
      }
      char kb[CAP_KEY];
      jout key = {kb, 0, 0, sizeof kb, 0, 0, 0};
      if (parse_string(p, &key) < 0) return -1;
      if (ws_skip(p) != ':') {
        p->err = "expected ':'";
        return -1;
      }
      p->s->pos++;
      int which = 0; /* 1 text, 2 id, 3 title */
      if (!key.full && key.len == 4 && memcmp(kb, "text", 4) == 0) which = 1;
      else if (!key.full && key.len == 2 && memcmp(kb, "id", 2) == 0) which = 2;
      else if (!key.full && key.len == 5 && memcmp(kb, "title", 5) == 0) which = 3;
      c = ws_skip(p);
      if (which == 1) {
        if (c != '"') {
          if (parse_value(p) < 0) return -1;
          p->err = "\"text\" is not a string";
          return -1;
        }
        r->has_text = 1;
        r->text_at = rds_tell(p->s);
        r->head.len = r->head.full = 0;
        if (parse_string(p, &r->head) < 0) return -1;
      } else if (which == 2 && (c == '"' || c == '-' || (c >= '0' && c <= '9'))) {
        r->id.len = r->id.full = 0;
        r->has_id = 1;
        if ((c == '"' ? parse_string(p, &r->id) : parse_number(p, &r->id)) < 0) return -1;
      } else if (which == 3 && c == '"') {
        r->title.len = r->title.full = 0;
        r->has_title = 1;
        if (parse_string(p, &r->title) < 0) return -1;
      } else if ((which == 2 || which == 3) && c != 'n') {
        if (parse_value(p) < 0) return -1;
        p->err = which == 2 ? "\"id\" is not a string or number" : "\"title\" is not a string";
        return -1;
      } else {
        if (which == 2) r->has_id = 0;
        if (which == 3) r->has_title = 0;
        if (parse_value(p) < 0) return -1;
      }
      c = ws_skip(p);
      if (c == ',') {
        p->s->pos++;
        continue;
      }
      if (c == '}') {
        p->s->pos++;
        break;
      }
      p->err = "expected ',' or '}'";
      return -1;
    }
  }
  c = ws_skip(p);
  if (c != '\n' && c != -1) {
    p->err = "trailing characters after the object";
    return -1;
  }
  if (!r->has_text) {
    p->err = "no \"text\" field";
    return -1;
  }
  return 0;
}

/* Skips to just after the next line end; 0, or -1 at the end of input. */
static void skip_line(rd_src *s) {
  for (;;) {
    if (s->pos >= s->len && rds_fill(s) <= 0) return;
    const unsigned char *q = memchr(s->p + s->pos, '\n', s->len - s->pos);
    if (q) {
      s->pos = (size_t)(q - s->p) + 1;
      return;
    }
    s->pos = s->len;
  }
}

/* A capture repaired and cut to its first line; into dst (room for 3 * cap + 1). */
static size_t clean_capture(const jout *o, char *dst, int first_line) {
  const char *b = o->b;
  size_t len = o->len, n;
  if (first_line) /* the first non-blank line */
    while (len && (*b == ' ' || *b == '\t' || *b == '\n')) b++, len--;
  n = len;
  if (first_line) {
    const char *nl = memchr(b, '\n', n);
    if (nl) n = (size_t)(nl - b);
  }
  if (n == len && o->full) {
    /* the capture limit may have cut a character: drop its first bytes */
    size_t i = n, back = 0;
    while (i > 0 && back < 3 && ((unsigned char)b[i - 1] & 0xC0) == 0x80) i--, back++;
    if (i > 0 && (unsigned char)b[i - 1] >= 0xC0) n = i - 1;
  }
  size_t bad;
  int nul;
  size_t m = rdl_repair(b, n, dst, &bad, &nul);
  /* trim white space */
  size_t a = 0;
  while (a < m && (dst[a] == ' ' || dst[a] == '\t')) a++;
  while (m > a && (dst[m - 1] == ' ' || dst[m - 1] == '\t')) m--;
  memmove(dst, dst + a, m - a);
  dst[m - a] = '\0';
  return m - a;
}

static size_t chars(const char *s) {
  size_t c = 0;
  for (; *s; s++) c += ((unsigned char)*s & 0xC0) != 0x80;
  return c;
}

/* Reads the records of the lines that start before offset to; src is at the start of line
 * number line0. */
static topics_status read_lines(rd_src *src, const jsonl_file *f, const rd_sink *sink,
                                size_t *ntalks, size_t *nbad, long line0, uint64_t to) {
  topics_status st = TOPICS_OK;
  char idb[CAP_ID], tb[CAP_TITLE], hb[CAP_HEAD];
  char idc[3 * CAP_ID + 1], tc[3 * CAP_TITLE + 1], hc[3 * CAP_HEAD + 1];
  char *idbuf = NULL;
  size_t idcap = 0;
  jout emit = {NULL, 0, 0, 0, 0, 1, 0};
  jp p = {src, NULL, 0, sink, NULL, 0, 0, 0, TOPICS_OK};
  unsigned long badlines = 0;
  for (long line = line0; rds_tell(src) < to; line++) {
    int c = ws_skip(&p);
    if (src->err) break;
    if (c == -1) break;
    if (c == '\n') {
      src->pos++;
      continue;
    }
    uint64_t start = rds_tell(src);
    rec r;
    memset(&r, 0, sizeof r);
    r.id = (jout){idb, 0, 0, sizeof idb, 0, 0, 0};
    r.title = (jout){tb, 0, 0, sizeof tb, 0, 0, 0};
    r.head = (jout){hb, 0, 0, sizeof hb, 0, 0, 0};
    p.err = NULL;
    if (parse_record(&p, &r) < 0) {
      if (src->err) break;
      diag_warn(f->path, line, "malformed JSON Lines record skipped: %s", p.err);
      if (nbad) (*nbad)++;
      skip_line(src);
      continue;
    }
    uint64_t end = rds_tell(src);
    (void)start;
    /* id, title */
    const char *id;
    if (r.has_id && clean_capture(&r.id, idc, 0) > 0) {
      id = idc;
    } else {
      size_t need = strlen(f->id) + 24;
      if (need > idcap) {
        char *q = realloc(idbuf, need);
        if (!q) {
          st = TOPICS_ENOMEM;
          goto done;
        }
        idbuf = q;
        idcap = need;
      }
      snprintf(idbuf, need, "%s#%ld", f->id, line);
      id = idbuf;
    }
    const char *title = id;
    if (r.has_title && clean_capture(&r.title, tc, 1) > 0) {
      title = tc;
    } else if (clean_capture(&r.head, hc, 1) > 0 && chars(hc) <= TITLE_CHARS &&
               (r.head.full == 0 || memchr(r.head.b, '\n', r.head.len))) {
      title = hc;
    }
    rd_talk_info ti = {id, f->path, title, line, NULL, 0};
    if ((st = sink->begin(sink->ud, &ti)) != TOPICS_OK) goto done;
    (*ntalks)++;
    /* A "title" field is the talk's first line, as a Markdown heading is: its words are the
     * talk's words too, and they come first. */
    if (title == tc && ((st = sink->text(sink->ud, tc, strlen(tc))) != TOPICS_OK ||
                        (st = sink->text(sink->ud, "\n", 1)) != TOPICS_OK)) {
      (void)sink->end(sink->ud);
      goto done;
    }
    /* second look at the text, straight into pieces */
    if ((st = rds_seek(src, r.text_at)) != TOPICS_OK) goto done;
    size_t bad0 = p.bad;
    emit.len = 0;
    emit.cr = 0;
    if (parse_string(&p, &emit) < 0 || emit_flush(&p, &emit, 1) < 0) {
      st = p.st != TOPICS_OK ? p.st : TOPICS_EIO;
      /* unless the sink itself failed, close the talk so begin/end stay paired */
      if (!(p.st != TOPICS_OK && p.st != TOPICS_ENOMEM)) (void)sink->end(sink->ud);
      goto done;
    }
    if ((st = sink->end(sink->ud)) != TOPICS_OK) goto done;
    if (p.bad > bad0 && ++badlines <= 10)
      diag_warn(f->path, line, "invalid UTF-8 replaced with U+FFFD");
    if ((st = rds_seek(src, end)) != TOPICS_OK) goto done;
    if (rds_peek(src) == '\n') src->pos++;
  }
  if (badlines > 10)
    diag_warn(f->path, 0, "invalid UTF-8 replaced with U+FFFD on %lu more lines", badlines - 10);
  if (p.nul) diag_warn(f->path, 0, "NUL characters in text replaced with spaces");
  if (src->err) st = TOPICS_EIO;
done:
  free(emit.b);
  free(p.fix);
  free(idbuf);
  return st;
}

topics_status jsonl_read(rd_src *src, const jsonl_file *f, const rd_sink *sink, size_t *ntalks,
                         size_t *nbad) {
  return read_lines(src, f, sink, ntalks, nbad, 1, UINT64_MAX);
}

/* Moves src to the first line start at or after from (line starts: bom, and every byte after a
 * line end), setting *line to its line number. 0, or -1 when there is none or reading failed. */
static int seek_line(rd_src *src, uint64_t bom, uint64_t from, long *line) {
  *line = 1;
  if (rds_seek(src, bom) != TOPICS_OK) return -1;
  if (from <= bom) return 0;
  /* the line ends before from - 1, counted a window at a time */
  while (rds_tell(src) < from - 1) {
    if (src->pos >= src->len && rds_fill(src) <= 0) return -1;
    const unsigned char *q = src->p + src->pos, *e = src->p + src->len, *nl;
    uint64_t left = from - 1 - rds_tell(src);
    if ((uint64_t)(e - q) > left) e = q + left;
    while ((nl = memchr(q, '\n', (size_t)(e - q))) != NULL) {
      (*line)++;
      q = nl + 1;
    }
    src->pos = (size_t)(e - src->p);
  }
  /* then the first line end at or after from - 1 */
  int c;
  while ((c = rds_getc(src)) != -1 && c != '\n') {
  }
  if (c == -1) return -1;
  (*line)++;
  return 0;
}

topics_status jsonl_read_range(rd_src *src, const jsonl_file *f, uint64_t bom, uint64_t from,
                               uint64_t to, const rd_sink *sink, size_t *ntalks, size_t *nbad) {
  long line;
  if (from >= to) return TOPICS_OK;
  if (seek_line(src, bom, from, &line) < 0) return src->err ? TOPICS_EIO : TOPICS_OK;
  if (rds_tell(src) >= to) return TOPICS_OK;
  return read_lines(src, f, sink, ntalks, nbad, line, to);
}

topics_status jsonl_read_mem(const void *data, size_t len, const jsonl_file *f, const rd_sink *sink,
                             size_t *ntalks, size_t *nbad) {
  rd_src src;
  rds_init_mem(&src, data, len);
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) src.pos = 3;
  return jsonl_read(&src, f, sink, ntalks, nbad);
}
