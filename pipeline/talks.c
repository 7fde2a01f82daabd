/* Talk splitting: a line classifier, an event generator (text / heading / time line, with front
 * matter and code fences taken out and setext headings recognised one line late), and a section
 * machine that turns events into talks. The statistics pass runs one section machine per
 * candidate split in counting mode, so the emitting pass knows how many talks there will be
 * before it hands over the first (ids get "#N" only when a file has several talks). */
#include "pipeline/talks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "pipeline/lines.h"

#define TITLE_MAX 200         /* bytes kept of a title */
#define FIRST_LINE_CHARS 120  /* a first line longer than this is not a title */
#define PEND_MAX 256          /* longest line that can be a setext heading's text */
#define HOLD_MAX ((size_t)64 << 10) /* text held back before it is "long enough" anyway */
#define PIECE_MAX LINES_CHUNK
#define FM_MAX_LINES 200      /* front matter must close within this many lines */
#define DATE_MAX 64           /* bytes kept of a front matter date */

/* ---- line classification ---------------------------------------------------------------- */

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; }

static void trim(const char **s, size_t *n) {
  while (*n && is_ws(**s)) (*s)++, (*n)--;
  while (*n && is_ws((*s)[*n - 1])) (*n)--;
}

static int is_blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!is_ws(s[i])) return 0;
  return 1;
}

static size_t indent(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && s[i] == ' ') i++;
  return i;
}

/* ATX heading: up to 3 spaces, 1-6 '#', then white space or the end. Returns the level (0: not a
 * heading) and the title without the opening and closing '#' runs. */
static int atx(const char *s, size_t n, const char **t, size_t *tn) {
  size_t i = indent(s, n);
  if (i > 3) return 0;
  size_t h = 0;
  while (i + h < n && s[i + h] == '#') h++;
  if (h < 1 || h > 6) return 0;
  i += h;
  if (i < n && !is_ws(s[i])) return 0;
  const char *p = s + i;
  size_t m = n - i;
  trim(&p, &m);
  size_t e = m;
  while (e > 0 && p[e - 1] == '#') e--;
  if (e == 0 || is_ws(p[e - 1])) m = e; /* a closing sequence needs a space before it */
  trim(&p, &m);
  *t = p;
  *tn = m;
  return (int)h;
}

/* Code fence: up to 3 spaces then 3+ '`' or '~'. Returns the run length, *ch the character. */
static size_t fence(const char *s, size_t n, char *ch) {
  size_t i = indent(s, n);
  if (i > 3 || i >= n || (s[i] != '`' && s[i] != '~')) return 0;
  size_t k = 0;
  while (i + k < n && s[i + k] == s[i]) k++;
  if (k < 3) return 0;
  *ch = s[i];
  return k;
}

static int fence_closes(const char *s, size_t n, char ch, size_t len) {
  char c;
  size_t k = fence(s, n, &c);
  if (!k || c != ch || k < len) return 0;
  size_t i = indent(s, n) + k;
  return is_blank(s + i, n - i);
}

/* Setext underline: up to 3 spaces, 3+ '=' (level 1) or '-' (level 2), trailing white space. */
static int setext_under(const char *s, size_t n) {
  size_t i = indent(s, n);
  if (i > 3 || i >= n || (s[i] != '=' && s[i] != '-')) return 0;
  char c = s[i];
  size_t k = 0;
  while (i + k < n && s[i + k] == c) k++;
  if (k < 3 || !is_blank(s + i + k, n - i - k)) return 0;
  return c == '=' ? 1 : 2;
}

/* "[9:10]" or "[09:10-09:40]": 1-2 digits, ':', 2 digits, anything. */
static int is_time(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && i < 2 && s[i] >= '0' && s[i] <= '9') i++;
  if (i == 0 || i >= n || s[i] != ':') return 0;
  return n >= i + 3 && s[i + 1] >= '0' && s[i + 1] <= '9' && s[i + 2] >= '0' && s[i + 2] <= '9';
}

/* Pad time line: up to 3 bracket groups, at least one a time, then a non-empty title. */
static int time_line(const char *s, size_t n, const char **t, size_t *tn) {
  size_t i = 0;
  while (i < n && is_ws(s[i])) i++;
  int groups = 0, times = 0;
  while (groups < 3 && i < n && s[i] == '[') {
    size_t j = i + 1;
    while (j < n && j - i <= 24 && s[j] != ']' && s[j] != '[') j++;
    if (j >= n || s[j] != ']' || j == i + 1) break;
    if (is_time(s + i + 1, j - i - 1)) times++;
    groups++;
    i = j + 1;
    while (i < n && is_ws(s[i])) i++;
  }
  if (!times) return 0;
  const char *p = s + i;
  size_t m = n - i;
  trim(&p, &m);
  if (!m) return 0;
  *t = p;
  *tn = m;
  return 1;
}

/* A line that may be the text of a setext heading (not a list item, quote, table or HTML). */
static int setext_candidate(const char *s, size_t n) {
  size_t i = indent(s, n);
  if (i > 3 || i >= n || n > PEND_MAX) return 0;
  char c = s[i];
  if (c == '>' || c == '|' || c == '<' || c == '#') return 0;
  if ((c == '-' || c == '*' || c == '+') && (i + 1 >= n || is_ws(s[i + 1]))) return 0;
  size_t d = i;
  while (d < n && s[d] >= '0' && s[d] <= '9') d++;
  if (d > i && d < n && (s[d] == '.' || s[d] == ')')) return 0;
  return 1;
}

/* Words for the "long enough" rule: runs of non-space ASCII/Latin, plus one per CJK character. */
static size_t count_words(const char *s, size_t n) {
  size_t w = 0;
  int in = 0;
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      int sp = c == ' ' || c == '\t' || c == '\f' || c == '\v';
      if (!sp && !in) w++;
      in = !sp;
      i++;
      continue;
    }
    unsigned cp = 0;
    size_t k = 1;
    if (c >= 0xE0 && c < 0xF0 && i + 2 < n)
      cp = ((c & 0x0Fu) << 12) | (((unsigned)s[i + 1] & 0x3Fu) << 6) | ((unsigned)s[i + 2] & 0x3Fu), k = 3;
    else if (c >= 0xF0 && i + 3 < n)
      cp = 0x10000, k = 4;
    else if (c >= 0xC0 && i + 1 < n)
      k = 2;
    if (cp >= 0x2E80 && !(cp >= 0xFF00 && cp <= 0xFFEF)) {
      w++;
      in = 0;
    } else if (!in) {
      w++;
      in = 1;
    }
    i += k;
  }
  return w;
}

/* Copies a title, cut to TITLE_MAX bytes at a character boundary. */
static void set_title(char *dst, const char *s, size_t n) {
  if (n >= TITLE_MAX) {
    n = TITLE_MAX - 1;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
  }
  memcpy(dst, s, n);
  dst[n] = '\0';
}

static size_t utf8_chars(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

/* ---- front matter -------------------------------------------------------------------------- */

/* "key:" at the start of a line (YAML mapping key). */
static int yaml_key(const char *s, size_t n) {
  size_t i = 0;
  if (!n || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_')) return 0;
  while (i < n && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
                   (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
    i++;
  return i < n && s[i] == ':' && (i + 1 == n || is_ws(s[i + 1]));
}

static int dashes3(const char *s, size_t n) {
  while (n && is_ws(s[n - 1])) n--;
  return n == 3 && (memcmp(s, "---", 3) == 0 || memcmp(s, "...", 3) == 0);
}

/* The value of a "key: value" line when the key is `key`, unquoted and trimmed; NULL if not. */
static const char *yaml_value(const char *s, size_t n, const char *key, size_t *vn) {
  size_t k = strlen(key);
  if (n <= k || memcmp(s, key, k) != 0 || s[k] != ':') return NULL;
  const char *p = s + k + 1;
  size_t m = n - k - 1;
  trim(&p, &m);
  if (m >= 2 && (p[0] == '"' || p[0] == '\'') && p[m - 1] == p[0]) p++, m -= 2;
  *vn = m;
  return p;
}

/* Finds YAML front matter at the top: "---" ... "---", or (as some blog exports have it) YAML
 * "key: value" lines closed by "---" without the opening one. Sets *end to its last line (0: none)
 * and copies a `title:` value and a `date:` (else `year:`) value. Reads at most FM_MAX_LINES
 * lines. */
static topics_status front_matter(rd_src *src, ft_encoding enc, long *end, char *title,
                                  char *date) {
  rd_lines l;
  rdl_init(&l, src, enc, NULL, 0);
  *end = 0;
  title[0] = date[0] = '\0';
  char t[TITLE_MAX], d[DATE_MAX], y[DATE_MAX];
  t[0] = d[0] = y[0] = '\0';
  int r;
  while ((r = rdl_next(&l)) > 0 && l.lineno <= FM_MAX_LINES) {
    if (l.cont || l.more) break;
    const char *s = l.text;
    size_t n = l.len;
    if (l.lineno == 1) {
      /* opened by "---", or headless; either way the lines must look like YAML */
      if (dashes3(s, n) && s[0] == '-') continue;
      if (!yaml_key(s, n)) break;
    } else if (dashes3(s, n)) {
      *end = l.lineno;
      memcpy(title, t, sizeof t);
      memcpy(date, d[0] ? d : y, DATE_MAX);
      break;
    } else if (!yaml_key(s, n) && !(n && (is_ws(s[0]) || s[0] == '-' || s[0] == '#')) &&
               !is_blank(s, n)) {
      break; /* not YAML: a "---" at the top was a rule, not front matter */
    }
    const char *p;
    size_t m;
    if ((p = yaml_value(s, n, "title", &m)) != NULL) set_title(t, p, m);
    if ((p = yaml_value(s, n, "date", &m)) != NULL && m < DATE_MAX) memcpy(d, p, m), d[m] = '\0';
    if ((p = yaml_value(s, n, "year", &m)) != NULL && m < DATE_MAX) memcpy(y, p, m), y[m] = '\0';
  }
  rdl_finish(&l);
  if (r < 0) return (topics_status)r;
  return rds_seek(src, 0);
}

/* ---- events -------------------------------------------------------------------------------- */

enum { EV_TEXT, EV_HEAD, EV_TIME };

typedef struct tev {
  rd_lines l;
  long fm_end;
  char fch;
  size_t flen; /* open fence length, 0 when not in a fence */
  int in_comment; /* an HTML comment is open at the start of the next line */
  int prev_blank;
  char pend[PEND_MAX + 1];
  size_t pendlen;
  long pendline;
  int have_pend, queued, eof;
  /* the event */
  int kind, level, partial; /* partial: a chunk of a longer line, no line end after it */
  const char *s;
  size_t n;
  long line;
  size_t words; /* count_words of s, computed on first use (WORDS_UNKNOWN before) */
} tev;

#define WORDS_UNKNOWN ((size_t)-1)

static size_t ev_words(tev *e) {
  if (e->words == WORDS_UNKNOWN) e->words = count_words(e->s, e->n);
  return e->words;
}

static void tev_init(tev *e, rd_src *src, ft_encoding enc, const char *path, int warn, long fm_end) {
  memset(e, 0, sizeof *e);
  rdl_init(&e->l, src, enc, path, warn);
  e->fm_end = fm_end;
  e->prev_blank = 1;
}

static void ev_text(tev *e, const char *s, size_t n, long line, int partial) {
  e->kind = EV_TEXT;
  e->s = s;
  e->n = n;
  e->line = line;
  e->partial = partial;
}

static int tev_next1(tev *e);

/* Whether an HTML comment is open after s[0, n), given whether one was open before it. */
static int comment_after(const char *s, size_t n, int open) {
  for (size_t i = 0; i < n; i++) {
    if (!open && n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) open = 1, i += 3;
    else if (open && n - i >= 3 && memcmp(s + i, "-->", 3) == 0) open = 0, i += 2;
  }
  return open;
}

/* The next event: 1, 0 at the end, or a negative status. */
static int tev_next(tev *e) {
  e->words = WORDS_UNKNOWN;
  return tev_next1(e);
}

static int tev_next1(tev *e) {
  for (;;) {
    if (!e->queued) {
      if (e->eof) return 0;
      int r = rdl_next(&e->l);
      if (r < 0) return r;
      if (r == 0) {
        e->eof = 1;
        if (e->have_pend) {
          e->have_pend = 0;
          ev_text(e, e->pend, e->pendlen, e->pendline, 0);
          return 1;
        }
        return 0;
      }
      if (e->l.lineno <= e->fm_end) continue;
    }
    e->queued = 0;
    const char *s = e->l.text;
    size_t n = e->l.len;
    long line = e->l.lineno;
    int whole = !e->l.cont && !e->l.more;
    if (e->have_pend) {
      int lv = whole && !e->flen ? setext_under(s, n) : 0;
      e->have_pend = 0;
      if (lv) {
        const char *t = e->pend;
        size_t tn = e->pendlen;
        trim(&t, &tn);
        e->kind = EV_HEAD;
        e->level = lv;
        e->s = t;
        e->n = tn;
        e->line = e->pendline;
        e->prev_blank = 0;
        return 1;
      }
      e->queued = 1; /* this line again on the next call */
      ev_text(e, e->pend, e->pendlen, e->pendline, 0);
      return 1;
    }
    /* A line that starts inside an HTML comment is text (the markup reader drops it): a
     * heading there is not one. */
    int commented = e->in_comment;
    if (!e->flen) e->in_comment = comment_after(s, n, e->in_comment);
    if (!whole || commented) {
      e->prev_blank = 0;
      ev_text(e, s, n, line, whole ? 0 : e->l.more);
      return 1;
    }
    char ch;
    size_t k;
    if (e->flen) {
      if (fence_closes(s, n, e->fch, e->flen)) e->flen = 0;
      e->prev_blank = 0;
      ev_text(e, s, n, line, 0);
      return 1;
    }
    if ((k = fence(s, n, &ch)) != 0) {
      e->flen = k;
      e->fch = ch;
      e->prev_blank = 0;
      ev_text(e, s, n, line, 0);
      return 1;
    }
    int blank = is_blank(s, n);
    const char *t;
    size_t tn;
    int lv;
    if (!blank && (lv = atx(s, n, &t, &tn)) != 0) {
      e->kind = EV_HEAD;
      e->level = lv;
      e->s = t;
      e->n = tn;
      e->line = line;
      e->prev_blank = 0;
      return 1;
    }
    if (!blank && time_line(s, n, &t, &tn)) {
      e->kind = EV_TIME;
      e->s = t;
      e->n = tn;
      e->line = line;
      e->prev_blank = 0;
      return 1;
    }
    if (!blank && e->prev_blank && setext_candidate(s, n)) {
      memcpy(e->pend, s, n);
      e->pendlen = n;
      e->pendline = line;
      e->have_pend = 1;
      e->prev_blank = 0;
      continue;
    }
    e->prev_blank = blank;
    ev_text(e, s, n, line, 0);
    return 1;
  }
}

/* ---- sections ------------------------------------------------------------------------------ */

enum { MODE_FILE = 0, MODE_TIME = 7 }; /* 1..6: heading level */

typedef struct sect {
  int mode;
  int started;   /* the first event has been seen */
  int open;      /* a section is open */
  int talk;      /* it is (or has become) a talk */
  int file_like; /* the whole-file section: becomes a talk at its first word */
  size_t words, bytes;
  size_t count;  /* talks so far */
  long line;
  char title[TITLE_MAX];
  char date[DATE_MAX]; /* the file's front matter date, "" when none */
  const char *lead;    /* the front matter title: the opening talk's first line, or NULL */
  int opening;         /* the open section is the file's opening one */
  /* emitting */
  const rd_sink *sink; /* NULL: only count */
  const talk_file *f;
  size_t total; /* talks this file will have (from the counting pass) */
  char *hold;
  size_t holdlen, holdcap;
  char *piece;
  size_t piecelen, piececap;
  char idbuf[64];
  char *id;
  size_t idcap;
} sect;

static topics_status sect_flush(sect *x) {
  if (!x->piecelen) return TOPICS_OK;
  topics_status st = x->sink->text(x->sink->ud, x->piece, x->piecelen);
  x->piecelen = 0;
  return st;
}

static topics_status sect_pieces(sect *x, const char *s, size_t n, int nl) {
  topics_status st;
  if (x->piecelen + n + 1 > PIECE_MAX && (st = sect_flush(x)) != TOPICS_OK) return st;
  /* the piece buffer grows with need, so a small file costs a small buffer */
  size_t need = n + 1 > PIECE_MAX ? 1 : x->piecelen + n + 1;
  if (need > x->piececap) {
    size_t cap = x->piececap;
    if (mem_reserve((void **)&x->piece, &cap, need, 1) != TOPICS_OK) return TOPICS_ENOMEM;
    x->piececap = cap;
  }
  if (n + 1 > PIECE_MAX) { /* a repaired chunk can exceed the piece size: pass it straight on */
    if (n && (st = x->sink->text(x->sink->ud, s, n)) != TOPICS_OK) return st;
    if (nl) {
      x->piece[0] = '\n';
      x->piecelen = 1;
    }
    return TOPICS_OK;
  }
  if (n) memcpy(x->piece + x->piecelen, s, n);
  x->piecelen += n;
  if (nl) x->piece[x->piecelen++] = '\n';
  return TOPICS_OK;
}

static topics_status sect_begin_talk(sect *x) {
  x->talk = 1;
  x->count++;
  if (!x->sink) return TOPICS_OK;
  const char *id = x->f->id;
  if (x->total > 1) {
    size_t need = strlen(x->f->id) + 24;
    if (need > x->idcap) {
      char *p = realloc(x->id, need);
      if (!p) return TOPICS_ENOMEM;
      x->id = p;
      x->idcap = need;
    }
    snprintf(x->id, need, "%s#%zu", x->f->id, x->count);
    id = x->id;
  }
  rd_talk_info ti = {id, x->f->path, x->title[0] ? x->title : x->f->name, x->line,
                     x->date[0] ? x->date : NULL, 0};
  topics_status st = x->sink->begin(x->sink->ud, &ti);
  if (st != TOPICS_OK) return st;
  /* A front matter title is the talk's first line, as a heading would be: its words count. */
  if (x->opening && x->lead && (st = sect_pieces(x, x->lead, strlen(x->lead), 1)) != TOPICS_OK)
    return st;
  st = x->holdlen ? sect_pieces(x, x->hold, x->holdlen, 0) : TOPICS_OK;
  x->holdlen = 0;
  return st;
}

static topics_status sect_close(sect *x) {
  topics_status st = TOPICS_OK;
  if (x->open && x->talk && x->sink) {
    st = sect_flush(x);
    if (st == TOPICS_OK) st = x->sink->end(x->sink->ud);
  }
  x->open = x->talk = 0;
  x->holdlen = 0;
  return st;
}

static topics_status sect_open(sect *x, int talk, const char *t, size_t tn, long line) {
  topics_status st = sect_close(x);
  if (st != TOPICS_OK) return st;
  x->open = 1;
  x->talk = 0;
  x->file_like = 0;
  x->opening = 0;
  x->words = x->bytes = 0;
  x->line = line;
  set_title(x->title, t, tn);
  return talk ? sect_begin_talk(x) : TOPICS_OK;
}

/* Adds a line of `words` words (nl: a line end follows) to the open section. */
static topics_status sect_text(sect *x, const char *s, size_t n, size_t words, int nl) {
  if (!x->open) return TOPICS_OK;
  if (!x->talk) {
    x->words += words;
    x->bytes += n + 1;
    int enough = x->file_like ? x->words > 0 : x->words >= TALK_MIN_WORDS || x->bytes > HOLD_MAX;
    if (enough) {
      topics_status st = sect_begin_talk(x);
      if (st != TOPICS_OK) return st;
    } else {
      if (!x->sink) return TOPICS_OK;
      size_t need = x->holdlen + n + 1;
      if (need > x->holdcap) {
        size_t cap = x->holdcap;
        if (mem_reserve((void **)&x->hold, &cap, need, 1) != TOPICS_OK) return TOPICS_ENOMEM;
        x->holdcap = cap;
      }
      if (n) memcpy(x->hold + x->holdlen, s, n);
      x->holdlen += n;
      if (nl) x->hold[x->holdlen++] = '\n';
      return TOPICS_OK;
    }
  }
  return x->sink ? sect_pieces(x, s, n, nl) : TOPICS_OK;
}

/* Feeds one event; `first` is the title for the section that opens at the first event. */
static topics_status sect_event(sect *x, tev *e, const char *first) {
  topics_status st;
  if (!x->started) {
    /* the opening section: the preamble, or the whole file */
    x->started = 1;
    st = sect_open(x, 0, first, strlen(first), e->line);
    if (st != TOPICS_OK) return st;
    x->opening = 1;
    x->file_like = x->mode == MODE_FILE;
  }
  int boundary = 0, talk = 0;
  if (e->kind == EV_HEAD && x->mode >= 1 && x->mode <= 6 && e->level <= x->mode) {
    boundary = 1;
    talk = e->level == x->mode;
  } else if (e->kind == EV_TIME && x->mode == MODE_TIME) {
    boundary = talk = 1;
  }
  if (boundary) {
    st = sect_open(x, talk, e->s, e->n, e->line);
    if (st != TOPICS_OK) return st;
  } else if (x->open && !x->talk && x->words == 0 && ev_words(e) > 0) {
    x->line = e->line; /* an untitled section starts at its first non-blank line */
  }
  if (e->kind != EV_TEXT && e->n == 0) return TOPICS_OK;
  return sect_text(x, e->s, e->n, x->open && !x->talk ? ev_words(e) : 0, !e->partial);
}

static void sect_free(sect *x) {
  free(x->hold);
  free(x->piece);
  free(x->id);
}

/* ---- the passes ---------------------------------------------------------------------------- */

typedef struct stats {
  size_t heads[7];
  size_t times;
  size_t talks[8]; /* per mode */
  char first[TITLE_MAX];
  int have_first;
} stats;

static topics_status count_pass(rd_src *src, ft_encoding enc, long fm_end, const char *name,
                                stats *S) {
  tev e;
  tev_init(&e, src, enc, NULL, 0, fm_end);
  sect m[8];
  memset(m, 0, sizeof m);
  for (int i = 0; i < 8; i++) m[i].mode = i;
  int r;
  topics_status st = TOPICS_OK;
  while ((r = tev_next(&e)) > 0) {
    if (e.kind == EV_HEAD) S->heads[e.level]++;
    if (e.kind == EV_TIME) S->times++;
    if (!S->have_first && !(e.kind == EV_TEXT && is_blank(e.s, e.n))) {
      S->have_first = 1;
      if (e.kind == EV_TEXT && (e.partial || e.l.cont || utf8_chars(e.s, e.n) > FIRST_LINE_CHARS)) {
        set_title(S->first, name, strlen(name));
      } else {
        const char *t = e.s;
        size_t tn = e.n;
        trim(&t, &tn);
        set_title(S->first, t, tn);
      }
    }
    for (int i = 0; i < 8; i++)
      if ((st = sect_event(&m[i], &e, "")) != TOPICS_OK) break;
    if (st != TOPICS_OK) break;
  }
  for (int i = 0; i < 8; i++) {
    sect_close(&m[i]);
    S->talks[i] = m[i].count;
  }
  rdl_finish(&e.l);
  if (r < 0) return (topics_status)r;
  return st;
}

static int choose_mode(const stats *S, rd_split split) {
  int best = 0;
  for (int lv = 1; lv <= 6; lv++)
    if (S->heads[lv] > (best ? S->heads[best] : 0)) best = lv;
  switch (split) {
  case RD_SPLIT_FILE: return MODE_FILE;
  case RD_SPLIT_HEADING: return best ? best : MODE_FILE;
  case RD_SPLIT_TIME: return S->times ? MODE_TIME : MODE_FILE;
  default: break;
  }
  size_t hb = best ? S->heads[best] : 0;
  if (S->times >= 2 && S->times >= hb) return MODE_TIME;
  if (hb >= 2) return best;
  return MODE_FILE;
}

topics_status talk_split(rd_src *src, const ft_info *ft, const talk_file *f, const rd_sink *sink,
                         size_t *ntalks) {
  if (ft->enc == FT_BINARY) return TOPICS_ENOTEXT;
  long fm_end;
  char fm_title[TITLE_MAX], fm_date[DATE_MAX];
  topics_status st;
  if ((st = rds_seek(src, ft->bom)) != TOPICS_OK) return st;
  if ((st = front_matter(src, ft->enc, &fm_end, fm_title, fm_date)) != TOPICS_OK) return st;
  stats S;
  memset(&S, 0, sizeof S);
  if ((st = rds_seek(src, ft->bom)) != TOPICS_OK) return st;
  if ((st = count_pass(src, ft->enc, fm_end, f->name, &S)) != TOPICS_OK) return st;
  int mode = choose_mode(&S, f->split);
  if ((st = rds_seek(src, ft->bom)) != TOPICS_OK) return st;

  const char *first = fm_title[0] ? fm_title : S.have_first ? S.first : f->name;
  tev e;
  tev_init(&e, src, ft->enc, f->path, 1, fm_end);
  sect x;
  memset(&x, 0, sizeof x);
  x.mode = mode;
  x.sink = sink;
  x.f = f;
  x.total = S.talks[mode];
  memcpy(x.date, fm_date, DATE_MAX);
  x.lead = fm_title[0] ? fm_title : NULL;
  int r;
  while ((r = tev_next(&e)) > 0)
    if ((st = sect_event(&x, &e, first)) != TOPICS_OK) break;
  if (st == TOPICS_OK && r < 0) st = (topics_status)r;
  if (st == TOPICS_OK) {
    st = sect_close(&x);
  } else if (r < 0 && x.open && x.talk) {
    /* a read error in mid-talk: close the talk so the sink stays paired for the next file */
    (void)sink->end(sink->ud);
  }
  *ntalks += x.count;
  sect_free(&x);
  rdl_finish(&e.l);
  return st;
}

topics_status talk_split_mem(const void *data, size_t len, const talk_file *f, const rd_sink *sink,
                             size_t *ntalks) {
  ft_info ft;
  ft_sniff(data, len, 1, &ft);
  if (ft.enc == FT_BINARY) return TOPICS_ENOTEXT;
  rd_src src;
  rds_init_mem(&src, data, len);
  return talk_split(&src, &ft, f, sink, ntalks);
}
