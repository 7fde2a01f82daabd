/* Batching: talk text is copied into an arena of at most BATCH_BYTES (plus one piece), cut into
 * items of at most ITEM_BYTES that never span two talks. The workers of the ingest's pool
 * (common/pool.h, threads that live as long as the ingest) take items as they come free and
 * tokenise them with their own tok; the toks share one term cache, so a word is worked out once
 * whichever thread meets it first. The cache's entry ids depend on that race, so the
 * merge walks the items in input order and maps entry ids to surface ids, interning an entry the
 * first time it is met; first meetings happen in input order, so ids are the same for any thread
 * count. With phrases on (the default), the workers also mark where adjacency breaks and where the
 * single Han characters stand, and ingest_finish runs the corpus phrase pass (models/phrases.c)
 * over the merged stream, which is the same for any thread count too. */
#include "pipeline/ingest.h"

#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/mem.h"
#include "common/pool.h"

#define BATCH_BYTES (16u << 20)
#define ITEM_BYTES (256u << 10)
#define NO_SID UINT32_MAX

typedef struct item {
  uint32_t doc;
  size_t off, len;   /* in the arena */
  uint32_t *ids;     /* entry ids of the shared cache (reused across batches) */
  size_t n, cap;
  topics_status st;
} item;


struct ingest {
  rd_sink sink;
  dtm_builder *b;
  tok_cache *cache;
  tok **toks; /* one per worker of the pool */
  uint32_t nworkers;
  pool *pool;
  uint32_t *sid; /* entry id -> surface id, NO_SID until met */
  size_t nsid, capsid;
  volatile sig_atomic_t *stop;
  char *arena;
  size_t arena_len, arena_cap;
  item *items;
  size_t nitems, items_cap;
  /* documents */
  out_doc_meta *docs;
  size_t ndocs, docs_cap;
  uint32_t begun;    /* documents begun in the builder */
  int in_talk;
  int phrases;       /* mark the stream and run the phrase pass (ingest_set_phrases) */
  uint32_t last_doc; /* document of the last item merged, UINT32_MAX before any */
  double tok_seconds;
  uint64_t bytes, tokens; /* read so far */
  ingest_progress_fn progress;
  void *progress_ud;
  ingest_stream_fn stream_fn; /* ingest_set_stream_hook */
  void *stream_ud;
};

/* One pool task: tokenises item i with the worker's tok. */
static void tokenize_item(void *ctx, uint32_t i, uint32_t worker) {
  ingest *g = ctx;
  item *it = &g->items[i];
  it->n = 0;
  if (g->stop && *g->stop) { /* a batch is 16 MiB: seconds of work, so stop between items */
    it->st = TOPICS_EINTR;
    return;
  }
  tok *t = g->toks[worker];
  const char *text = g->arena + it->off;
  it->st = g->phrases ? tok_terms_marked(t, text, it->len, &it->ids, &it->n, &it->cap)
                      : tok_terms(t, text, it->len, &it->ids, &it->n, &it->cap);
}

/* Maps entry ids to surface ids, interning entries met for the first time. */
static topics_status translate(ingest *g, uint32_t *ids, size_t n) {
  uint32_t count = tok_cache_entry_count(g->cache);
  if (count > g->nsid) {
    if (MEM_RESERVE(g->sid, g->capsid, count) != TOPICS_OK) return TOPICS_ENOMEM;
    for (size_t i = g->nsid; i < count; i++) g->sid[i] = NO_SID;
    g->nsid = count;
  }
  for (size_t i = 0; i < n; i++) {
    uint32_t e = ids[i];
    if (e == TOK_GAP || e == TOK_HYPHEN) {
      ids[i] = e == TOK_GAP ? DTM_GAP : DTM_HYPHEN;
      continue;
    }
    if (g->sid[e] == NO_SID) {
      size_t tl, sl;
      const char *term = tok_cache_term(g->cache, e, &tl);
      const char *surf = tok_cache_surface(g->cache, e, &sl);
      unsigned mk = tok_cache_entry_marks(g->cache, e), fl = 0;
      if (mk & TOK_JOINABLE) fl |= DTM_PIECE;
      if (mk & TOK_CJK_FIRST) fl |= DTM_CJK_FIRST;
      if (mk & TOK_CJK_LAST) fl |= DTM_CJK_LAST;
      topics_status st = dtm_builder_surface_marked(g->b, term, tl, surf, sl, fl, &g->sid[e]);
      if (st != TOPICS_OK) return st;
    }
    ids[i] = g->sid[e];
  }
  return TOPICS_OK;
}

static topics_status begin_docs_through(ingest *g, uint32_t doc) {
  while (g->begun <= doc) {
    topics_status st = dtm_builder_begin_doc(g->b);
    if (st != TOPICS_OK) return st;
    g->begun++;
  }
  return TOPICS_OK;
}

static topics_status flush(ingest *g) {
  if (g->nitems == 0) return TOPICS_OK;
  double t0 = clock_seconds();
  /* A batch holds at most BATCH_BYTES / ITEM_BYTES items plus one per talk: far below 2^32. */
  if (g->nitems > UINT32_MAX) return TOPICS_ELIMIT;
  pool_run(g->pool, (uint32_t)g->nitems, tokenize_item, g);
  tok_cache_reclaim(g->cache); /* no tok is working now */
  topics_status st = TOPICS_OK;
  for (size_t i = 0; i < g->nitems && st == TOPICS_OK; i++) {
    item *it = &g->items[i];
    st = it->st;
    if (st == TOPICS_OK) st = begin_docs_through(g, it->doc);
    if (st == TOPICS_OK) st = translate(g, it->ids, it->n);
    if (st == TOPICS_OK && g->phrases && it->doc == g->last_doc) { /* items meet at white space */
      uint32_t gap = DTM_GAP;
      st = dtm_builder_add(g->b, &gap, 1);
    }
    g->last_doc = it->doc;
    if (st == TOPICS_OK) st = dtm_builder_add(g->b, it->ids, it->n);
    g->tokens += it->n;
  }
  g->bytes += g->arena_len;
  if (st == TOPICS_OK && g->progress) g->progress(g->progress_ud, g->ndocs, g->bytes, g->tokens);
  g->nitems = 0;
  g->arena_len = 0;
  g->tok_seconds += clock_seconds() - t0;
  return st;
}

static topics_status sink_begin(void *ud, const rd_talk_info *t) {
  ingest *g = ud;
  if (g->stop && *g->stop) return TOPICS_EINTR;
  if (g->ndocs >= UINT32_MAX - 1) return TOPICS_ELIMIT;
  if (MEM_RESERVE(g->docs, g->docs_cap, g->ndocs + 1) != TOPICS_OK) return TOPICS_ENOMEM;
  out_doc_meta *d = &g->docs[g->ndocs];
  d->id = mem_strndup(t->id, strlen(t->id));
  d->path = mem_strndup(t->path, strlen(t->path));
  d->title = mem_strndup(t->title, strlen(t->title));
  d->line = t->line;
  d->date = t->date ? mem_strndup(t->date, strlen(t->date)) : NULL;
  g->ndocs++;
  if (!d->id || !d->path || !d->title || (t->date && !d->date)) return TOPICS_ENOMEM;
  g->in_talk = 1;
  return TOPICS_OK;
}

static topics_status sink_text(void *ud, const char *s, size_t len) {
  ingest *g = ud;
  if (g->stop && *g->stop) return TOPICS_EINTR;
  if (!g->in_talk || len == 0) return TOPICS_OK;
  uint32_t doc = (uint32_t)(g->ndocs - 1);
  size_t need;
  if (mem_add(g->arena_len, len, &need) != TOPICS_OK) return TOPICS_ENOMEM;
  if (MEM_RESERVE(g->arena, g->arena_cap, need) != TOPICS_OK) return TOPICS_ENOMEM;
  memcpy(g->arena + g->arena_len, s, len);
  /* Extend the last item when it is this talk's and still small; pieces end at line ends or
   * white space, so joining them never glues two words. */
  item *last = g->nitems ? &g->items[g->nitems - 1] : NULL;
  if (last && last->doc == doc && last->len + len <= ITEM_BYTES) {
    last->len += len;
  } else {
    if (g->nitems == g->items_cap) {
      size_t old = g->items_cap;
      if (MEM_RESERVE(g->items, g->items_cap, g->nitems + 1) != TOPICS_OK) return TOPICS_ENOMEM;
      memset(g->items + old, 0, (g->items_cap - old) * sizeof *g->items);
    }
    item *it = &g->items[g->nitems++];
    it->doc = doc;
    it->off = g->arena_len;
    it->len = len;
  }
  g->arena_len = need;
  if (g->arena_len >= BATCH_BYTES) return flush(g);
  return TOPICS_OK;
}

static topics_status sink_end(void *ud) {
  ingest *g = ud;
  g->in_talk = 0;
  return TOPICS_OK;
}

ingest *ingest_new(const lex *lx, const tok_options *topt, uint32_t nthreads,
                   volatile sig_atomic_t *stop, topics_status *st) {
  if (nthreads == 0) nthreads = 1;
  if (nthreads > 256) nthreads = 256;
  ingest *g = calloc(1, sizeof *g);
  if (!g) {
    *st = TOPICS_ENOMEM;
    return NULL;
  }
  g->stop = stop;
  g->phrases = 1;
  g->last_doc = UINT32_MAX;
  g->b = dtm_builder_new();
  g->toks = calloc(nthreads, sizeof *g->toks);
  if (!g->b || !g->toks) {
    ingest_free(g);
    *st = TOPICS_ENOMEM;
    return NULL;
  }
  g->nworkers = nthreads;
  g->pool = pool_new(nthreads, st);
  if (!g->pool) {
    ingest_free(g);
    return NULL;
  }
  g->cache = tok_cache_new(lx, topt, st);
  if (!g->cache) {
    ingest_free(g);
    return NULL;
  }
  for (uint32_t w = 0; w < nthreads; w++) {
    g->toks[w] = tok_new_shared(g->cache, st);
    if (!g->toks[w]) {
      ingest_free(g);
      return NULL;
    }
    tok_set_hyphens(g->toks[w], 1); /* compounds for the keyphrase candidates */
  }
  g->sink.begin = sink_begin;
  g->sink.text = sink_text;
  g->sink.end = sink_end;
  g->sink.ud = g;
  *st = TOPICS_OK;
  return g;
}

void ingest_free(ingest *g) {
  if (!g) return;
  pool_free(g->pool);
  dtm_builder_free(g->b);
  for (uint32_t w = 0; g->toks && w < g->nworkers; w++) tok_free(g->toks[w]);
  free(g->toks);
  tok_cache_free(g->cache);
  free(g->sid);
  for (size_t i = 0; i < g->items_cap; i++) free(g->items[i].ids);
  free(g->items);
  free(g->arena);
  for (size_t i = 0; i < g->ndocs; i++) {
    free((char *)g->docs[i].id);
    free((char *)g->docs[i].path);
    free((char *)g->docs[i].title);
    free((char *)g->docs[i].date);
  }
  free(g->docs);
  free(g);
}

const rd_sink *ingest_sink(ingest *g) { return &g->sink; }

topics_status ingest_finish(ingest *g) {
  topics_status st = flush(g);
  if (st != TOPICS_OK) return st;
  /* Talks with no text at all still get their (empty) document. */
  if (g->ndocs && (st = begin_docs_through(g, (uint32_t)(g->ndocs - 1))) != TOPICS_OK) return st;
  if (g->stream_fn && (st = g->stream_fn(g->stream_ud, g->b)) != TOPICS_OK) return st;
  if (!g->phrases) return TOPICS_OK;
  double t0 = clock_seconds();
  st = dtm_builder_phrases(g->b, NULL);
  g->tok_seconds += clock_seconds() - t0;
  return st;
}

void ingest_set_phrases(ingest *g, int on) { g->phrases = on != 0; }

void ingest_set_stream_hook(ingest *g, ingest_stream_fn fn, void *ud) {
  g->stream_fn = fn;
  g->stream_ud = ud;
}

const dtm_builder *ingest_builder(const ingest *g) { return g->b; }

void ingest_drop_builder(ingest *g) {
  dtm_builder_free(g->b);
  g->b = NULL;
}

const out_doc_meta *ingest_docs(const ingest *g, uint32_t *ndocs) {
  *ndocs = (uint32_t)g->ndocs;
  return g->docs;
}

double ingest_tokenize_seconds(const ingest *g) { return g->tok_seconds; }

void ingest_set_progress(ingest *g, ingest_progress_fn fn, void *ud) {
  g->progress = fn;
  g->progress_ud = ud;
}
