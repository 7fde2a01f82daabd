/* The markup reader: a line-driven block pass (code fences, indented code, link reference
 * definitions, list context) and an inline scanner (HTML, entities, links and images, code spans,
 * backslash escapes) that writes its result over the bytes it has read. The write position never
 * passes the read position, and every replacement is no longer than what it replaces.
 *
 * Bounded time: brackets and parentheses are matched per line with a stack, HTML tags are parsed
 * within TAG_MAX bytes, and searches that may run to the end of the text (comment ends, closing
 * </script>, closing backtick runs) remember where they ended, so no byte is searched twice by the
 * same kind of search. */
#include "pipeline/markup.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/mem.h"
#include "common/utf8.h"

#define TAG_MAX 2048        /* longest HTML tag, declaration or autolink read as markup */
#define ENTITY_MAX 32       /* longest entity name */
#define SEG_LINK_MAX 65536  /* longer lines are not searched for links */
#define TICK_MAX 16         /* longest backtick run that opens a code span */
#define NONE SIZE_MAX

enum { OPEN_NONE = 0, OPEN_COMMENT, OPEN_SCRIPT, OPEN_STYLE };

/* A memoised forward search: the first match at or after `from` is `at` (NONE: none before the
 * end of the text). A later search from p >= from reuses it while p <= at. */
typedef struct memo {
  size_t from, at;
  int valid;
} memo;

typedef struct pend {
  size_t close; /* position of the ']' that ends a link's text */
  size_t end;   /* first byte after the link's destination or reference */
  int image;
} pend;

struct mk_reader {
  mk_kind kind;
  int keep_code;
  /* block state, carried across calls */
  char fch;
  size_t flen;
  int prev_blank, prev_code, in_list;
  int open; /* an inline construct left open at the end of the last call */
  /* per call */
  char *s;
  size_t n, i, w;
  memo m_comment, m_script, m_style;
  memo m_tick[TICK_MAX + 1];
  size_t tick_limit[TICK_MAX + 1]; /* with m_tick: where the search window ended */
  /* the current line segment: bracket and parenthesis matches */
  size_t seg0, seg1;
  size_t *match; /* match[p - seg0] for '[' / '(' at p: position of the partner, or NONE */
  size_t *stack;
  size_t segcap;
  pend pend[8];
  size_t npend;
};

mk_kind mk_kind_for_path(const char *path) {
  const char *dot = strrchr(path, '.');
  const char *slash = strrchr(path, '/');
  if (!dot || (slash && dot < slash)) return MK_TEXT;
  if (strcasecmp(dot, ".md") == 0 || strcasecmp(dot, ".markdown") == 0) return MK_MARKDOWN;
  return MK_TEXT;
}

mk_reader *mk_new(mk_kind kind, int keep_code) {
  mk_reader *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  m->keep_code = keep_code;
  mk_reset(m, kind);
  return m;
}

void mk_free(mk_reader *m) {
  if (!m) return;
  free(m->match);
  free(m->stack);
  free(m);
}

void mk_reset(mk_reader *m, mk_kind kind) {
  m->kind = kind;
  m->flen = 0;
  m->prev_blank = 1;
  m->prev_code = 0;
  m->in_list = 0;
  m->open = OPEN_NONE;
}

/* ---- small helpers ------------------------------------------------------------------------ */

static int is_sp(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alnum(char c) { return is_alpha(c) || is_digit(c); }
static int is_punct(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

static void out(mk_reader *m, char c) { m->s[m->w++] = c; }

/* One space, unless the output already ends in white space. */
static void out_space(mk_reader *m) {
  if (m->w > 0 && !is_sp(m->s[m->w - 1]) && m->s[m->w - 1] != '\n') out(m, ' ');
}

/* Drops s[a..b): keeps its line ends; otherwise leaves one space (none when join is set). */
static void drop(mk_reader *m, size_t a, size_t b, int join) {
  int nl = 0;
  for (size_t p = a; p < b; p++)
    if (m->s[p] == '\n') out(m, '\n'), nl = 1;
  if (!nl && !join && b > a) out_space(m);
}

static void copy(mk_reader *m, size_t a, size_t b) {
  if (b > a) memmove(m->s + m->w, m->s + a, b - a);
  m->w += b - a;
}

static size_t line_end(const mk_reader *m, size_t p) {
  const char *e = memchr(m->s + p, '\n', m->n - p);
  return e ? (size_t)(e - m->s) : m->n;
}

static size_t find_plain(const char *s, size_t n, size_t from, const char *pat) {
  size_t k = strlen(pat);
  for (size_t p = from; p + k <= n; p++) {
    const char *q = memchr(s + p, pat[0], n - p);
    if (!q) return NONE;
    p = (size_t)(q - s);
    if (p + k <= n && memcmp(s + p, pat, k) == 0) return p;
  }
  return NONE;
}

/* "</name" in any case, followed by white space, '>' or the end. */
static size_t find_close_tag(const char *s, size_t n, size_t from, const char *name) {
  size_t k = strlen(name);
  for (size_t p = from; p + 2 + k <= n; p++) {
    const char *q = memchr(s + p, '<', n - p);
    if (!q) return NONE;
    p = (size_t)(q - s);
    if (p + 2 + k <= n && s[p + 1] == '/' && strncasecmp(s + p + 2, name, k) == 0 &&
        (p + 2 + k == n || s[p + 2 + k] == '>' || is_sp(s[p + 2 + k]) || s[p + 2 + k] == '\n'))
      return p;
  }
  return NONE;
}

static size_t memo_find(mk_reader *m, memo *mo, size_t from, const char *pat, int tag) {
  if (mo->valid && from >= mo->from && (mo->at == NONE || from <= mo->at)) return mo->at;
  mo->valid = 1;
  mo->from = from;
  mo->at = tag ? find_close_tag(m->s, m->n, from, pat) : find_plain(m->s, m->n, from, pat);
  return mo->at;
}

/* ---- HTML ---------------------------------------------------------------------------------- */

/* Element names read as markup. Inline elements join their neighbours ("<b>Py</b>thon" is one
 * word); the others separate them like a line break does. */
static const char *const INLINE_TAGS[] = {
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "del", "dfn", "em", "font", "i", "ins",
    "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time",
    "tt", "u", "var", "wbr", NULL};
static const char *const BLOCK_TAGS[] = {
    "address", "area", "article", "aside", "audio", "base", "blockquote", "body", "br", "button",
    "canvas", "caption", "center", "col", "colgroup", "dd", "details", "dialog", "div", "dl", "dt",
    "embed", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "head", "header", "hr", "html", "iframe", "img", "input", "label", "legend", "li",
    "link", "main", "meta", "nav", "noscript", "object", "ol", "optgroup", "option", "p",
    "param", "picture", "pre", "script", "section", "select", "source", "style", "summary",
    "svg", "path", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead",
    "title", "tr", "track", "ul", "video", "g", "rect", "circle", "line", "polygon", NULL};

/* 1: inline element, 2: other element, 0: not an element name. */
static int tag_class(const char *s, size_t k) {
  if (k == 0 || k > 12) return 0;
  for (int pass = 0; pass < 2; pass++)
    for (const char *const *t = pass ? BLOCK_TAGS : INLINE_TAGS; *t; t++)
      if (strlen(*t) == k && strncasecmp(*t, s, k) == 0) return pass ? 2 : 1;
  return 0;
}

typedef struct tag {
  size_t end;        /* first byte after the tag */
  int cls;           /* tag_class */
  int closing;
  int raw;           /* OPEN_SCRIPT / OPEN_STYLE for an opening <script> / <style> */
  size_t alt0, alt1; /* an <img>'s alt text, alt0 == alt1 when none */
} tag;

static size_t skip_ws(const char *s, size_t p, size_t e) {
  while (p < e && (is_sp(s[p]) || s[p] == '\n')) p++;
  return p;
}

/* An HTML tag at s[p] == '<' (CommonMark's grammar, known element names only). An attribute
 * list in which no attribute has a value ("a<b and c>d") is read as text. Returns 0 when it is not one. */
static int parse_tag(const mk_reader *m, size_t p, tag *t) {
  const char *s = m->s;
  size_t e = m->n - p > TAG_MAX ? p + TAG_MAX : m->n;
  size_t q = p + 1;
  memset(t, 0, sizeof *t);
  if (q < e && s[q] == '/') t->closing = 1, q++;
  size_t n0 = q;
  if (q >= e || !is_alpha(s[q])) return 0;
  while (q < e && (is_alnum(s[q]) || s[q] == '-')) q++;
  t->cls = tag_class(s + n0, q - n0);
  if (!t->cls) return 0;
  size_t namelen = q - n0;
  int is_img = namelen == 3 && strncasecmp(s + n0, "img", 3) == 0;
  if (!t->closing) {
    if (namelen == 6 && strncasecmp(s + n0, "script", 6) == 0) t->raw = OPEN_SCRIPT;
    if (namelen == 5 && strncasecmp(s + n0, "style", 5) == 0) t->raw = OPEN_STYLE;
  }
  int attrs = 0, values = 0;
  for (;;) {
    size_t r = skip_ws(s, q, e);
    if (r < e && s[r] == '>') {
      t->end = r + 1;
      break;
    }
    if (!t->closing && r + 1 < e && s[r] == '/' && s[r + 1] == '>') {
      t->end = r + 2;
      break;
    }
    if (t->closing || r == q) return 0; /* attributes need white space before them */
    q = r;
    if (q >= e || !(is_alpha(s[q]) || s[q] == '_' || s[q] == ':')) return 0;
    size_t a0 = q;
    while (q < e && (is_alnum(s[q]) || s[q] == '_' || s[q] == '.' || s[q] == ':' || s[q] == '-'))
      q++;
    size_t a1 = q;
    attrs++;
    r = skip_ws(s, q, e);
    if (r < e && s[r] == '=') {
      r = skip_ws(s, r + 1, e);
      if (r >= e) return 0;
      size_t v0, v1;
      if (s[r] == '"' || s[r] == '\'') {
        const char *c = memchr(s + r + 1, s[r], e - r - 1);
        if (!c) return 0;
        v0 = r + 1;
        v1 = (size_t)(c - s);
        q = v1 + 1;
      } else {
        v0 = r;
        while (r < e && !is_sp(s[r]) && s[r] != '\n' && !strchr("\"'=<>`", s[r])) r++;
        if (r == v0) return 0;
        v1 = q = r;
      }
      values++;
      if (is_img && a1 - a0 == 3 && strncasecmp(s + a0, "alt", 3) == 0) t->alt0 = v0, t->alt1 = v1;
    }
  }
  if (attrs && !values) return 0; /* "a<b and c>d" is text */
  return 1;
}

/* Autolink "<scheme:...>" or "<user@host>": returns the end, 0 when it is not one. */
static size_t parse_autolink(const mk_reader *m, size_t p) {
  const char *s = m->s;
  size_t e = m->n - p > TAG_MAX ? p + TAG_MAX : m->n;
  size_t q = p + 1;
  int at = 0, colon = 0;
  while (q < e && s[q] != '>') {
    char c = s[q];
    if (is_sp(c) || c == '\n' || c == '<') return 0;
    if (c == '@') at = 1;
    if (c == ':' && !colon) {
      size_t k = q - p - 1;
      if (k < 2 || k > 32 || !is_alpha(s[p + 1])) return 0;
      for (size_t j = p + 1; j < q; j++)
        if (!is_alnum(s[j]) && s[j] != '+' && s[j] != '.' && s[j] != '-') return 0;
      colon = 1;
    }
    q++;
  }
  if (q >= e || q == p + 1 || !(colon || at)) return 0;
  return q + 1;
}

/* Handles '<' at m->i. Returns 0 when it is text. */
static int do_html(mk_reader *m) {
  const char *s = m->s;
  size_t p = m->i, n = m->n;
  if (p + 3 < n && memcmp(s + p, "<!--", 4) == 0) {
    size_t q = memo_find(m, &m->m_comment, p + 4, "-->", 0);
    if (q == NONE) {
      drop(m, p, n, 0);
      m->i = n;
      m->open = OPEN_COMMENT;
    } else {
      drop(m, p, q + 3, 0);
      m->i = q + 3;
    }
    return 1;
  }
  if (p + 2 < n && ((s[p + 1] == '!' && (is_alpha(s[p + 2]) || s[p + 2] == '[')) || s[p + 1] == '?')) {
    size_t e = n - p > TAG_MAX ? p + TAG_MAX : n;
    const char *c = memchr(s + p, '>', e - p);
    if (!c) return 0;
    drop(m, p, (size_t)(c - s) + 1, 0);
    m->i = (size_t)(c - s) + 1;
    return 1;
  }
  tag t;
  if (parse_tag(m, p, &t)) {
    if (t.alt1 > t.alt0) { /* "<img" before the alt text and '">' after make room for spaces */
      drop(m, p, t.alt0, 0);
      copy(m, t.alt0, t.alt1);
      drop(m, t.alt1, t.end, 0);
    } else {
      drop(m, p, t.end, t.cls == 1);
    }
    m->i = t.end;
    if (t.raw) {
      memo *mo = t.raw == OPEN_SCRIPT ? &m->m_script : &m->m_style;
      size_t q = memo_find(m, mo, m->i, t.raw == OPEN_SCRIPT ? "script" : "style", 1);
      if (q == NONE) {
        drop(m, m->i, n, 0);
        m->i = n;
        m->open = t.raw;
      } else {
        drop(m, m->i, q, 0);
        m->i = q; /* the closing tag is read next */
      }
    }
    return 1;
  }
  size_t e = parse_autolink(m, p);
  if (e) {
    drop(m, p, e, 0);
    m->i = e;
    return 1;
  }
  return 0;
}

/* Resumes a comment or raw-text element left open by the last call. */
static void resume_open(mk_reader *m) {
  size_t q;
  if (m->open == OPEN_COMMENT) {
    q = memo_find(m, &m->m_comment, 0, "-->", 0);
    if (q != NONE) q += 3;
  } else {
    q = memo_find(m, m->open == OPEN_SCRIPT ? &m->m_script : &m->m_style, 0,
                  m->open == OPEN_SCRIPT ? "script" : "style", 1);
  }
  if (q == NONE) q = m->n;
  else m->open = OPEN_NONE;
  drop(m, 0, q, 0);
  m->i = q;
}

/* ---- entities ------------------------------------------------------------------------------ */

static const struct {
  const char *name, *text;
  int legacy; /* also read without the ';' */
} ENTITIES[] = {
    {"amp", "&", 1},        {"lt", "<", 1},          {"gt", ">", 1},          {"quot", "\"", 1},
    {"apos", "'", 0},       {"nbsp", " ", 1},        {"ensp", " ", 0},        {"emsp", " ", 0},
    {"thinsp", " ", 0},     {"shy", "", 0},          {"zwj", "", 0},          {"zwnj", "", 0},
    {"mdash", "\u2014", 0}, {"ndash", "\u2013", 0},  {"hellip", "\u2026", 0}, {"lsquo", "\u2018", 0},
    {"rsquo", "\u2019", 0}, {"ldquo", "\u201C", 0},  {"rdquo", "\u201D", 0},  {"laquo", "\u00AB", 0},
    {"raquo", "\u00BB", 0}, {"middot", "\u00B7", 0}, {"bull", "\u2022", 0},   {"copy", "\u00A9", 1},
    {"reg", "\u00AE", 1},   {"trade", "\u2122", 0},  {"deg", "\u00B0", 0},    {"times", "\u00D7", 0},
    {"divide", "\u00F7", 0}, {"euro", "\u20AC", 0},  {"pound", "\u00A3", 0},  {"yen", "\u00A5", 0},
    {"cent", "\u00A2", 0},  {"sect", "\u00A7", 0},   {"para", "\u00B6", 0},   {"eacute", "\u00E9", 0},
    {"egrave", "\u00E8", 0}, {"aacute", "\u00E1", 0}, {"agrave", "\u00E0", 0}, {"iacute", "\u00ED", 0},
    {"oacute", "\u00F3", 0}, {"uacute", "\u00FA", 0}, {"ntilde", "\u00F1", 0}, {"ccedil", "\u00E7", 0},
    {"uuml", "\u00FC", 0},  {"ouml", "\u00F6", 0},   {"auml", "\u00E4", 0},   {"szlig", "\u00DF", 0},
    {"Eacute", "\u00C9", 0}, {"Uuml", "\u00DC", 0},  {"Ouml", "\u00D6", 0},   {"Auml", "\u00C4", 0},
    {"larr", "\u2190", 0},  {"rarr", "\u2192", 0},   {"uarr", "\u2191", 0},   {"darr", "\u2193", 0},
    {"hearts", "\u2665", 0}, {NULL, NULL, 0}};


/* Markup that was escaped once more on its way into the notes: "&lt;br&gt;",
 * "&lt;iframe width=&quot;560&quot;&gt;" (an element name we know, then anything but a line end
 * or another '<' up to "&gt;"), or "&amp;nbsp;" (an entity written out). Such text shows
 * markup, never words. Returns the end of the span at s[p] == '&', 0 when there is none. */
static size_t escaped_markup(const mk_reader *m, size_t p) {
  const char *s = m->s;
  size_t n = m->n, e = n - p > TAG_MAX ? p + TAG_MAX : n;
  if (e - p > 4 && memcmp(s + p, "&lt;", 4) == 0) {
    size_t q = p + 4;
    if (q < e && s[q] == '/') q++;
    size_t n0 = q;
    while (q < e && is_alnum(s[q])) q++;
    if (!tag_class(s + n0, q - n0) || (q < e && !(is_sp(s[q]) || s[q] == '&' || s[q] == '/')))
      return 0;
    for (; q + 4 <= e && s[q] != '\n' && s[q] != '<' && s[q] != '>'; q++)
      if (memcmp(s + q, "&gt;", 4) == 0) return q + 4;
    return 0;
  }
  if (e - p > 6 && memcmp(s + p, "&amp;", 5) == 0) {
    size_t q = p + 5, n0 = q;
    if (s[q] == '#') q++;
    while (q < e && q - n0 <= ENTITY_MAX && is_alnum(s[q])) q++;
    if (q - n0 < 2 || q >= e || s[q] != ';') return 0;
    if (s[n0] == '#') return q + 1;
    for (size_t k = 0; ENTITIES[k].name; k++)
      if (strlen(ENTITIES[k].name) == q - n0 && memcmp(ENTITIES[k].name, s + n0, q - n0) == 0)
        return q + 1;
  }
  return 0;
}

/* Handles '&' at m->i. Returns 0 when it is text. The replacement is never longer than the
 * entity: a numeric entity of a 4-byte character has at least 5 digits. */
static int do_entity(mk_reader *m) {
  const char *s = m->s;
  size_t p = m->i, n = m->n, q = p + 1;
  size_t esc = escaped_markup(m, p);
  if (esc) {
    out_space(m);
    m->i = esc;
    return 1;
  }
  if (q < n && s[q] == '#') {
    int hex = q + 1 < n && (s[q + 1] == 'x' || s[q + 1] == 'X');
    q += hex ? 2 : 1;
    size_t d0 = q;
    unsigned long cp = 0;
    while (q < n && q - d0 < 7 && (hex ? (is_digit(s[q]) || strchr("abcdefABCDEF", s[q])) : is_digit(s[q]))) {
      char c = lower(s[q]);
      cp = cp * (hex ? 16 : 10) + (unsigned long)(is_digit(c) ? c - '0' : c - 'a' + 10);
      q++;
    }
    if (q == d0 || q >= n || s[q] != ';') return 0;
    char buf[4];
    size_t k;
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || (cp >= 0xD800 && cp <= 0xDFFF) ||
        cp > 0x10FFFF)
      buf[0] = ' ', k = 1; /* a control character or no character: never a line end */
    else
      k = utf8_encode((unsigned)cp, buf);
    memcpy(m->s + m->w, buf, k);
    m->w += k;
    m->i = q + 1;
    return 1;
  }
  size_t n0 = q;
  while (q < n && q - n0 <= ENTITY_MAX && is_alnum(s[q])) q++;
  size_t k = q - n0;
  if (k < 2 || k > ENTITY_MAX || !is_alpha(s[n0])) return 0;
  int semi = q < n && s[q] == ';';
  for (size_t e = 0; ENTITIES[e].name; e++) {
    if (strlen(ENTITIES[e].name) != k || memcmp(ENTITIES[e].name, s + n0, k) != 0) continue;
    if (!semi && !(ENTITIES[e].legacy && (q >= n || s[q] != '='))) return 0;
    size_t tl = strlen(ENTITIES[e].text);
    memcpy(m->s + m->w, ENTITIES[e].text, tl);
    m->w += tl;
    m->i = q + semi;
    return 1;
  }
  if (!semi) return 0;
  out_space(m); /* an entity we do not know: not a word either way */
  m->i = q + 1;
  return 1;
}

/* ---- links, images, code spans -------------------------------------------------------------- */

/* Matches brackets and parentheses of the segment [seg0, seg1) (one line). */
static int seg_compute(mk_reader *m, size_t a) {
  size_t b = line_end(m, a);
  m->seg0 = a;
  m->seg1 = b;
  m->npend = 0;
  size_t len = b - a;
  if (len > SEG_LINK_MAX) len = 0, m->seg1 = a; /* too long to look for links */
  if (len > m->segcap) {
    size_t c1 = m->segcap, c2 = m->segcap;
    if (mem_reserve((void **)&m->match, &c1, len, sizeof *m->match) != TOPICS_OK ||
        mem_reserve((void **)&m->stack, &c2, 2 * len, sizeof *m->stack) != TOPICS_OK) {
      m->seg1 = a;
      return 0;
    }
    m->segcap = c1 < c2 / 2 ? c1 : c2 / 2;
  }
  size_t *bs = m->stack, *ps = m->stack + len;
  size_t nb = 0, np = 0;
  for (size_t p = a; p < a + len; p++) {
    char c = m->s[p];
    m->match[p - a] = NONE;
    if (c == '\\' && p + 1 < a + len && is_punct(m->s[p + 1])) {
      m->match[++p - a] = NONE;
    } else if (c == '[') {
      bs[nb++] = p;
    } else if (c == '(') {
      ps[np++] = p;
    } else if (c == ']' && nb) {
      m->match[bs[--nb] - a] = p;
    } else if (c == ')' && np) {
      m->match[ps[--np] - a] = p;
    }
  }
  return 1;
}

static size_t seg_match(const mk_reader *m, size_t p) {
  return p >= m->seg0 && p < m->seg1 ? m->match[p - m->seg0] : NONE;
}

/* Whether the alt text s[a..b) is the base name of the image file in "(dest)" = s[b+1..k], as in
 * "![logo](logo.png)": then it names a file, not what the image shows. */
static int alt_is_file_name(const char *s, size_t a, size_t b, size_t k) {
  size_t d0 = b + 2, d1 = d0;
  while (d1 < k && !is_sp(s[d1])) d1++; /* the destination, without a title */
  size_t base = d1;
  while (base > d0 && s[base - 1] != '/') base--;
  size_t dot = d1;
  while (dot > base && s[dot - 1] != '.') dot--;
  size_t end = dot > base ? dot - 1 : d1;
  while (a < b && is_sp(s[a])) a++;
  while (b > a && is_sp(s[b - 1])) b--;
  return b == a || (end - base == b - a && strncasecmp(s + a, s + base, b - a) == 0);
}

/* '[' at m->i (image: "![" at m->i - 1 already read). A link's text stays; its destination or
 * reference goes when the scanner reaches the closing ']'. */
static int do_link(mk_reader *m, int image) {
  size_t p = m->i + (size_t)image;
  size_t j = seg_match(m, p);
  if (j == NONE || j + 1 >= m->seg1 || m->npend == sizeof m->pend / sizeof m->pend[0]) return 0;
  size_t k;
  if (m->s[j + 1] == '(' || m->s[j + 1] == '[') k = seg_match(m, j + 1);
  else return 0;
  if (k == NONE) return 0;
  if (m->npend && j > m->pend[m->npend - 1].close) return 0; /* must nest inside the outer link */
  if (image && m->s[j + 1] == '(' && alt_is_file_name(m->s, p + 1, j, k)) {
    drop(m, m->i, k + 1, 0); /* "![logo](logo.png)": the alt text only repeats the file name */
    m->i = k + 1;
    return 1;
  }
  m->pend[m->npend].close = j;
  m->pend[m->npend].end = k + 1;
  m->pend[m->npend].image = image;
  m->npend++;
  if (image) out_space(m);
  m->i = p + 1;
  return 1;
}

/* A code span at m->i: its text stays, the backticks go. Returns 0 when the run opens none. */
static int do_code_span(mk_reader *m) {
  const char *s = m->s;
  size_t p = m->i, L = 0;
  while (p + L < m->n && s[p + L] == '`') L++;
  if (L > TICK_MAX) return 0;
  memo *mo = &m->m_tick[L];
  size_t from = p + L, at = NONE;
  if (mo->valid && from >= mo->from && (mo->at == NONE ? from < m->tick_limit[L] : from <= mo->at)) {
    at = mo->at;
  } else {
    /* the closing run of exactly L backticks, before a blank line */
    size_t q = from, limit = m->n;
    while (q < m->n) {
      char c = s[q];
      if (c == '`') {
        size_t r = 0;
        while (q + r < m->n && s[q + r] == '`') r++;
        if (r == L) {
          at = q;
          break;
        }
        q += r;
        continue;
      }
      if (c == '\n') {
        size_t r = q + 1;
        while (r < m->n && is_sp(s[r])) r++;
        if (r >= m->n || s[r] == '\n') {
          limit = q;
          break;
        }
      }
      q++;
    }
    mo->valid = 1;
    mo->from = from;
    mo->at = at;
    m->tick_limit[L] = at == NONE ? limit : m->n;
  }
  if (at == NONE) return 0;
  copy(m, from, at);
  m->i = at + L;
  return 1;
}

/* ---- blocks -------------------------------------------------------------------------------- */

static size_t indent_cols(const char *s, size_t n, size_t *bytes) {
  size_t c = 0, i = 0;
  while (i < n && (s[i] == ' ' || s[i] == '\t')) c += s[i] == '\t' ? 4 - c % 4 : 1, i++;
  *bytes = i;
  return c;
}

static size_t fence(const char *s, size_t n, char *ch) {
  size_t i;
  if (indent_cols(s, n, &i) > 3 || i >= n || (s[i] != '`' && s[i] != '~')) return 0;
  size_t k = 0;
  while (i + k < n && s[i + k] == s[i]) k++;
  if (k < 3) return 0;
  if (s[i] == '`' && memchr(s + i + k, '`', n - i - k)) return 0; /* inline code, not a fence */
  *ch = s[i];
  return k;
}

static int fence_closes(const char *s, size_t n, char ch, size_t len) {
  size_t i;
  indent_cols(s, n, &i);
  size_t k = 0;
  while (i + k < n && s[i + k] == ch) k++;
  size_t ib;
  if (k < len || k < 3 || indent_cols(s, n, &ib) > 3) return 0;
  for (size_t j = i + k; j < n; j++)
    if (!is_sp(s[j])) return 0;
  return 1;
}

static int blank_line(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!is_sp(s[i])) return 0;
  return 1;
}

static int list_item(const char *s, size_t n) {
  size_t i;
  if (indent_cols(s, n, &i) > 3 || i >= n) return 0;
  if ((s[i] == '-' || s[i] == '*' || s[i] == '+') && (i + 1 == n || is_sp(s[i + 1]))) return 1;
  size_t d = i;
  while (d < n && d - i < 9 && is_digit(s[d])) d++;
  return d > i && d < n && (s[d] == '.' || s[d] == ')') && (d + 1 == n || is_sp(s[d + 1]));
}

/* "[label]: destination" at the start of a line. */
static int link_definition(const char *s, size_t n) {
  size_t i;
  if (indent_cols(s, n, &i) > 3 || i >= n || s[i] != '[') return 0;
  size_t j = i + 1;
  while (j < n && s[j] != ']' && s[j] != '[') j++;
  if (j >= n || s[j] != ']' || j == i + 1 || j + 1 >= n || s[j + 1] != ':') return 0;
  j += 2;
  while (j < n && is_sp(s[j])) j++;
  return j < n;
}

/* Handles the line starting at m->i as a block. Returns 1 when it was consumed whole (the line
 * end itself is left for the inline scanner). */
static int do_block(mk_reader *m) {
  size_t a = m->i, b = line_end(m, a);
  const char *s = m->s + a;
  size_t n = b - a, ib;
  if (m->flen) {
    if (fence_closes(s, n, m->fch, m->flen)) {
      m->flen = 0;
      drop(m, a, b, 0);
    } else if (m->keep_code) {
      copy(m, a, b);
    } else {
      drop(m, a, b, 0);
    }
    m->i = b;
    m->prev_blank = 0;
    return 1;
  }
  char ch;
  size_t k = fence(s, n, &ch);
  if (k) {
    m->fch = ch;
    m->flen = k;
    drop(m, a, b, 0); /* the fence and its info string */
    m->i = b;
    m->prev_blank = 0;
    return 1;
  }
  int blank = blank_line(s, n);
  if (m->kind == MK_MARKDOWN && !blank && indent_cols(s, n, &ib) >= 4 && !m->in_list &&
      (m->prev_blank || m->prev_code)) {
    if (m->keep_code) copy(m, a, b);
    else drop(m, a, b, 0);
    m->i = b;
    m->prev_code = 1;
    m->prev_blank = 0;
    return 1;
  }
  if (!blank) m->prev_code = 0;
  if (link_definition(s, n)) {
    drop(m, a, b, 0);
    m->i = b;
    m->prev_blank = 0;
    return 1;
  }
  if (list_item(s, n)) m->in_list = 1;
  else if (!blank && m->prev_blank && indent_cols(s, n, &ib) == 0) m->in_list = 0;
  m->prev_blank = blank;
  return 0;
}

/* ---- the scanner --------------------------------------------------------------------------- */

/* Bytes where a construct may start (or a line ends). */
static int special(unsigned char c) {
  return c == '\n' || c == '<' || c == '&' || c == '`' || c == '[' || c == '!' || c == '\\';
}

static void scan(mk_reader *m, int blocks) {
  int line_start = 1;
  for (size_t q = 0; q < TICK_MAX + 1; q++) m->m_tick[q].valid = 0;
  m->m_comment.valid = m->m_script.valid = m->m_style.valid = 0;
  m->i = m->w = 0;
  if (m->open) {
    resume_open(m);
    line_start = m->i == 0;
  }
  int seg_valid = 0;
  while (m->i < m->n) {
    if (line_start) {
      line_start = 0;
      if (blocks && do_block(m)) continue;
    }
    if (!seg_valid) { /* the bracket matches of the rest of the line the scanner is in */
      seg_compute(m, m->i);
      seg_valid = 1;
    }
    char c = m->s[m->i];
    while (m->npend && m->i > m->pend[m->npend - 1].close) m->npend--; /* jumped over */
    if (m->npend && m->i == m->pend[m->npend - 1].close) {
      pend *pe = &m->pend[--m->npend];
      drop(m, m->i, pe->end, !pe->image);
      m->i = pe->end;
      continue;
    }
    if (!special((unsigned char)c)) { /* a run of plain bytes, up to a link's end at most */
      size_t e = m->i + 1, lim = m->npend ? m->pend[m->npend - 1].close : m->n;
      while (e < lim && !special((unsigned char)m->s[e])) e++;
      copy(m, m->i, e);
      m->i = e;
      continue;
    }
    if (c == '\n') {
      out(m, '\n');
      m->i++;
      line_start = 1;
      seg_valid = 0;
      continue;
    }
    size_t before = m->i;
    int done = 0;
    switch (c) {
    case '<': done = do_html(m); break;
    case '&': done = do_entity(m); break;
    case '`': done = do_code_span(m); break;
    case '[': done = do_link(m, 0); break;
    case '!': done = m->i + 1 < m->n && m->s[m->i + 1] == '[' && do_link(m, 1); break;
    case '\\':
      if (m->i + 1 < m->n && is_punct(m->s[m->i + 1])) {
        out(m, m->s[m->i + 1]);
        m->i += 2;
        done = 1;
      }
      break;
    default: break;
    }
    if (!done) {
      out(m, c);
      m->i++;
    } else if (m->i > before && memchr(m->s + before, '\n', m->i - before)) {
      seg_valid = 0; /* a construct crossed a line end: new line, but not at its start */
    }
  }
}

size_t mk_clean(mk_reader *m, char *s, size_t n) {
  m->s = s;
  m->n = n;
  scan(m, 1);
  return m->w;
}

size_t mk_clean_title(char *s, size_t n, mk_kind kind) {
  mk_reader *m = mk_new(kind, 1);
  if (!m) return n;
  m->s = s;
  m->n = n;
  scan(m, 0);
  size_t len = m->w;
  mk_free(m);
  /* collapse white space runs, trim */
  size_t w = 0;
  for (size_t i = 0; i < len; i++) {
    char c = s[i] == '\n' || is_sp(s[i]) ? ' ' : s[i];
    if (c == ' ' && (w == 0 || s[w - 1] == ' ')) continue;
    s[w++] = c;
  }
  while (w && s[w - 1] == ' ') w--;
  return w;
}
