/* Word segmentation driver: cuts the text at ASCII white space into chunks, takes protected spans
 * (URLs, e-mail addresses, @handles, #hashtags) out of them, sends pieces through the fast path
 * (ASCII and a few Latin, Greek and Cyrillic letters and marks: seg_ascii.c, seg_latin.c) when it
 * knows all their characters, the rest through ICU's word break iterator (seg_icu.c), then applies
 * the merges. */
#include "tokenize/segmenter.h"

#include <stdlib.h>
#include <string.h>

#include "tokenize/seg_int.h"

/* Byte classes for the chunk scan: white space, non-ASCII, characters that may start or mark a
 * protected span. */
enum { C_WS = 1, C_HI = 2, C_TRIG = 4, C_DOT = 8 };

static const unsigned char chunk_class[256] = {
    ['\t'] = C_WS, ['\n'] = C_WS, ['\v'] = C_WS, ['\f'] = C_WS, ['\r'] = C_WS, [' '] = C_WS,
    ['@'] = C_TRIG, ['#'] = C_TRIG, [':'] = C_TRIG, ['.'] = C_DOT,
    [0x80] = C_HI, [0x81] = C_HI, [0x82] = C_HI, [0x83] = C_HI, [0x84] = C_HI, [0x85] = C_HI,
    [0x86] = C_HI, [0x87] = C_HI, [0x88] = C_HI, [0x89] = C_HI, [0x8A] = C_HI, [0x8B] = C_HI,
    [0x8C] = C_HI, [0x8D] = C_HI, [0x8E] = C_HI, [0x8F] = C_HI, [0x90] = C_HI, [0x91] = C_HI,
    [0x92] = C_HI, [0x93] = C_HI, [0x94] = C_HI, [0x95] = C_HI, [0x96] = C_HI, [0x97] = C_HI,
    [0x98] = C_HI, [0x99] = C_HI, [0x9A] = C_HI, [0x9B] = C_HI, [0x9C] = C_HI, [0x9D] = C_HI,
    [0x9E] = C_HI, [0x9F] = C_HI, [0xA0] = C_HI, [0xA1] = C_HI, [0xA2] = C_HI, [0xA3] = C_HI,
    [0xA4] = C_HI, [0xA5] = C_HI, [0xA6] = C_HI, [0xA7] = C_HI, [0xA8] = C_HI, [0xA9] = C_HI,
    [0xAA] = C_HI, [0xAB] = C_HI, [0xAC] = C_HI, [0xAD] = C_HI, [0xAE] = C_HI, [0xAF] = C_HI,
    [0xB0] = C_HI, [0xB1] = C_HI, [0xB2] = C_HI, [0xB3] = C_HI, [0xB4] = C_HI, [0xB5] = C_HI,
    [0xB6] = C_HI, [0xB7] = C_HI, [0xB8] = C_HI, [0xB9] = C_HI, [0xBA] = C_HI, [0xBB] = C_HI,
    [0xBC] = C_HI, [0xBD] = C_HI, [0xBE] = C_HI, [0xBF] = C_HI, [0xC0] = C_HI, [0xC1] = C_HI,
    [0xC2] = C_HI, [0xC3] = C_HI, [0xC4] = C_HI, [0xC5] = C_HI, [0xC6] = C_HI, [0xC7] = C_HI,
    [0xC8] = C_HI, [0xC9] = C_HI, [0xCA] = C_HI, [0xCB] = C_HI, [0xCC] = C_HI, [0xCD] = C_HI,
    [0xCE] = C_HI, [0xCF] = C_HI, [0xD0] = C_HI, [0xD1] = C_HI, [0xD2] = C_HI, [0xD3] = C_HI,
    [0xD4] = C_HI, [0xD5] = C_HI, [0xD6] = C_HI, [0xD7] = C_HI, [0xD8] = C_HI, [0xD9] = C_HI,
    [0xDA] = C_HI, [0xDB] = C_HI, [0xDC] = C_HI, [0xDD] = C_HI, [0xDE] = C_HI, [0xDF] = C_HI,
    [0xE0] = C_HI, [0xE1] = C_HI, [0xE2] = C_HI, [0xE3] = C_HI, [0xE4] = C_HI, [0xE5] = C_HI,
    [0xE6] = C_HI, [0xE7] = C_HI, [0xE8] = C_HI, [0xE9] = C_HI, [0xEA] = C_HI, [0xEB] = C_HI,
    [0xEC] = C_HI, [0xED] = C_HI, [0xEE] = C_HI, [0xEF] = C_HI, [0xF0] = C_HI, [0xF1] = C_HI,
    [0xF2] = C_HI, [0xF3] = C_HI, [0xF4] = C_HI, [0xF5] = C_HI, [0xF6] = C_HI, [0xF7] = C_HI,
    [0xF8] = C_HI, [0xF9] = C_HI, [0xFA] = C_HI, [0xFB] = C_HI, [0xFC] = C_HI, [0xFD] = C_HI,
    [0xFE] = C_HI, [0xFF] = C_HI,
};

/* State of one seg_run: the output array and the pending ICU stretch. Non-ASCII pieces separated
 * only by white space are sent to ICU together, which saves the per-call set-up, unless the later
 * one starts with a character ICU would join to that white space (seg_icu_attaches). */
typedef struct run_state {
  segmenter *s;
  const char *text;
  seg_span **spans;
  size_t *n, *cap, base;
  size_t ra, rb; /* pending ICU stretch text[ra..rb); empty when ra == rb */
} run_state;

static topics_status flush_icu(run_state *r) {
  if (r->ra == r->rb) return TOPICS_OK;
  topics_status st = seg_icu_spans(r->s, r->text, r->ra, r->rb, r->spans, r->n, r->cap, r->base);
  r->ra = r->rb = 0;
  return st;
}

/* One piece: no ASCII white space, no protected span inside. */
static topics_status do_piece(run_state *r, size_t a, size_t b, int ascii) {
  if (a >= b) return TOPICS_OK;
  if (ascii) {
    topics_status st = flush_icu(r);
    if (st != TOPICS_OK) return st;
    return seg_ascii_spans(r->text, a, b, r->spans, r->n, r->cap, r->base);
  }
  if (r->ra != r->rb && b - r->ra <= SEG_U16_MAX && !seg_icu_attaches(r->text, a, b)) {
    r->rb = b;
    return TOPICS_OK;
  }
  topics_status st = flush_icu(r);
  r->ra = a;
  r->rb = b;
  return st;
}

static int all_ascii(const char *text, size_t a, size_t b) {
  for (size_t i = a; i < b; i++)
    if ((unsigned char)text[i] >= 0x80) return 0;
  return 1;
}

static int has_www(const char *text, size_t a, size_t b) {
  for (size_t i = a; i + 4 <= b; i++)
    if ((text[i] | 0x20) == 'w' && (text[i + 1] | 0x20) == 'w' && (text[i + 2] | 0x20) == 'w' &&
        text[i + 3] == '.')
      return 1;
  return 0;
}

/* A chunk holding a trigger: protected spans are cut out and emitted whole. */
static topics_status do_chunk_protect(run_state *r, size_t a, size_t b, int ascii) {
  size_t p = a, ps, pe;
  while (p < b && seg_protect_find(r->text, p, b, &ps, &pe)) {
    topics_status st =
        do_piece(r, p, ps, ascii || all_ascii(r->text, p, ps));
    if (st == TOPICS_OK) st = flush_icu(r);
    if (st == TOPICS_OK) st = seg_push(r->spans, r->n, r->cap, r->base, ps, pe - ps, SEG_PROTECTED);
    if (st != TOPICS_OK) return st;
    p = pe;
  }
  return do_piece(r, p, b, ascii || all_ascii(r->text, p, b));
}

topics_status seg_run_part(segmenter *s, seg_ctx *ctx, size_t a, size_t b, seg_span **spans,
                           size_t *n, size_t *cap, size_t *stop) {
  const char *text = ctx->text;
  run_state r = {s, text, spans, n, cap, *n, 0, 0};
  const unsigned char *p = (const unsigned char *)text;
  size_t i = a, len = b;
  topics_status st = TOPICS_OK;
  while (i < len) {
    while (i < len && chunk_class[p[i]] == C_WS) i++;
    if (i >= len) break;
    if (stop && i > a && seg_fast_may_take(p, i, len)) { /* the caller takes it from here */
      len = i;
      break;
    }
    if (!stop && seg_fast_may_take(p, i, len)) {
      /* The fast path runs on until a chunk needs the general route below. */
      size_t handed_back;
      st = flush_icu(&r);
      if (st == TOPICS_OK) st = seg_ascii_scan(text, i, len, spans, n, cap, r.base, &handed_back);
      if (st != TOPICS_OK) return st;
      i = handed_back;
      if (i >= len) break;
    }
    size_t c0 = i;
    unsigned flags = 0, c;
    while (i < len && (c = chunk_class[p[i]]) != C_WS) {
      flags |= c;
      i++;
    }
    int ascii = !(flags & C_HI);
    if ((flags & C_TRIG) || ((flags & C_DOT) && i - c0 >= 5 && has_www(text, c0, i)))
      st = do_chunk_protect(&r, c0, i, ascii);
    else
      st = do_piece(&r, c0, i, ascii);
    if (st != TOPICS_OK) return st;
  }
  st = flush_icu(&r);
  if (st != TOPICS_OK) return st;
  seg_merge_ctx(ctx, *spans, r.base, n);
  if (stop) *stop = len;
  return TOPICS_OK;
}

topics_status seg_run(segmenter *s, const char *text, size_t len, seg_span **spans, size_t *n,
                      size_t *cap) {
  if (!s || !spans || !n || !cap || (!text && len)) return TOPICS_EINVAL;
  seg_ctx ctx = {text, len, -1};
  return seg_run_part(s, &ctx, 0, len, spans, n, cap, NULL);
}
