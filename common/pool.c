/* The worker pool (see pool.h). A round: the caller publishes fn, ctx and the task count, sets
 * pending to the number of threads and bumps generation; every thread, on seeing a new generation,
 * claims task indices from an atomic counter until none are left, then decrements pending. The
 * caller claims tasks too and then waits for pending to reach zero. Threads and the caller poll
 * these atomics briefly and then sleep on a condition under mu, so both quick successive rounds
 * and long idle stretches are cheap. */
#include "common/pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "common/pool_int.h"

/* A waiter polls before it sleeps: a few pauses, then yields of the core (cheap when nothing else
 * wants it, and it lets another of our threads run when they share a core on a busy machine).
 * Sleeping and waking through the kernel costs tens of µs on a virtual machine, which matters
 * when a round of work takes a fraction of a millisecond. */
#define POOL_PAUSES 64
#define POOL_YIELDS 200

typedef struct pool_thread {
  struct pool *p;
  uint32_t worker;
  pthread_t th;
} pool_thread;

struct pool {
  uint32_t nworkers;
  uint32_t nthreads;    /* started: they are workers 1 .. nthreads */
  pool_thread *threads;
  int sync_ready;       /* mu and the conditions are initialised */
  pthread_mutex_t mu;
  pthread_cond_t go, done;
  /* The round under way, written before generation is bumped (release) and read after it is
   * seen (acquire). */
  pool_fn fn;
  void *ctx;
  uint32_t ntasks;
  _Atomic uint32_t next;       /* the next task index to claim */
  _Atomic uint64_t generation; /* rounds started */
  _Atomic uint32_t pending;    /* threads still in the round */
  _Atomic int quit;
};

static void relax(int i) {
#if defined(__x86_64__) || defined(__i386__)
  if (i < POOL_PAUSES) {
    __builtin_ia32_pause();
    return;
  }
#else
  (void)i;
#endif
  sched_yield();
}

/* Polls until generation differs from seen (or quit); returns whether that happened. */
static int poll_generation(pool *p, uint64_t seen) {
  for (int i = 0; i < POOL_PAUSES + POOL_YIELDS; i++) {
    if (atomic_load_explicit(&p->generation, memory_order_acquire) != seen) return 1;
    if (atomic_load(&p->quit)) return 0;
    relax(i);
  }
  return atomic_load_explicit(&p->generation, memory_order_acquire) != seen;
}

/* Polls until pending is zero; returns whether that happened. */
static int poll_done(pool *p) {
  for (int i = 0; i < POOL_PAUSES + POOL_YIELDS; i++) {
    if (atomic_load_explicit(&p->pending, memory_order_acquire) == 0) return 1;
    relax(i);
  }
  return atomic_load_explicit(&p->pending, memory_order_acquire) == 0;
}

/* Claims and runs tasks of the current round until none are left. */
static void run_tasks(pool *p, uint32_t worker) {
  for (;;) {
    uint32_t i = atomic_fetch_add_explicit(&p->next, 1, memory_order_relaxed);
    if (i >= p->ntasks) return;
    p->fn(p->ctx, i, worker);
  }
}

static void *thread_main(void *arg) {
  pool_thread *t = arg;
  pool *p = t->p;
  uint64_t seen = 0;
  for (;;) {
    uint64_t gen;
    if (poll_generation(p, seen)) {
      gen = atomic_load_explicit(&p->generation, memory_order_acquire);
    } else {
      pthread_mutex_lock(&p->mu);
      while ((gen = atomic_load_explicit(&p->generation, memory_order_acquire)) == seen &&
             !atomic_load(&p->quit))
        pthread_cond_wait(&p->go, &p->mu);
      pthread_mutex_unlock(&p->mu);
    }
    if (atomic_load(&p->quit)) break;
    seen = gen;
    run_tasks(p, t->worker);
    if (atomic_fetch_sub_explicit(&p->pending, 1, memory_order_acq_rel) == 1) {
      /* The last one wakes the caller in case it sleeps already (it checks pending under mu). */
      pthread_mutex_lock(&p->mu);
      pthread_cond_signal(&p->done);
      pthread_mutex_unlock(&p->mu);
    }
  }
  return NULL;
}

static int init_sync(pool *p) {
  if (pthread_mutex_init(&p->mu, NULL) != 0) return 0;
  if (pthread_cond_init(&p->go, NULL) != 0) {
    pthread_mutex_destroy(&p->mu);
    return 0;
  }
  if (pthread_cond_init(&p->done, NULL) != 0) {
    pthread_cond_destroy(&p->go);
    pthread_mutex_destroy(&p->mu);
    return 0;
  }
  return 1;
}

pool *pool_new_limited_(uint32_t nworkers, uint32_t max_threads, topics_status *st) {
  if (nworkers == 0) nworkers = 1;
  if (nworkers > POOL_MAX_WORKERS) {
    *st = TOPICS_EINVAL;
    return NULL;
  }
  pool *p = calloc(1, sizeof *p);
  if (!p || (nworkers > 1 && !(p->threads = calloc(nworkers - 1, sizeof *p->threads)))) {
    free(p);
    *st = TOPICS_ENOMEM;
    return NULL;
  }
  p->nworkers = nworkers;
  *st = TOPICS_OK;
  /* Without the conditions no thread is started: the caller then does all the work. */
  if (nworkers < 2 || !(p->sync_ready = init_sync(p))) return p;
  while (p->nthreads + 1 < nworkers && p->nthreads < max_threads) {
    pool_thread *t = &p->threads[p->nthreads];
    t->p = p;
    t->worker = p->nthreads + 1;
    if (pthread_create(&t->th, NULL, thread_main, t) != 0) break;
    p->nthreads++;
  }
  return p;
}

pool *pool_new(uint32_t nworkers, topics_status *st) {
  return pool_new_limited_(nworkers, UINT32_MAX, st);
}

void pool_free(pool *p) {
  if (!p) return;
  if (p->sync_ready) {
    pthread_mutex_lock(&p->mu);
    atomic_store(&p->quit, 1);
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    for (uint32_t i = 0; i < p->nthreads; i++) pthread_join(p->threads[i].th, NULL);
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->go);
    pthread_mutex_destroy(&p->mu);
  }
  free(p->threads);
  free(p);
}

uint32_t pool_size(const pool *p) { return p ? p->nworkers : 1; }

uint32_t pool_threads(const pool *p) { return p ? p->nthreads : 0; }

void pool_run(pool *p, uint32_t ntasks, pool_fn fn, void *ctx) {
  if (ntasks == 0) return;
  if (!p || p->nthreads == 0 || ntasks == 1) {
    for (uint32_t i = 0; i < ntasks; i++) fn(ctx, i, 0);
    return;
  }
  p->fn = fn;
  p->ctx = ctx;
  p->ntasks = ntasks;
  atomic_store_explicit(&p->next, 0, memory_order_relaxed);
  atomic_store_explicit(&p->pending, p->nthreads, memory_order_relaxed);
  pthread_mutex_lock(&p->mu);
  atomic_fetch_add_explicit(&p->generation, 1, memory_order_release);
  pthread_cond_broadcast(&p->go);
  pthread_mutex_unlock(&p->mu);
  run_tasks(p, 0);
  if (poll_done(p)) return;
  pthread_mutex_lock(&p->mu);
  while (atomic_load_explicit(&p->pending, memory_order_acquire) != 0)
    pthread_cond_wait(&p->done, &p->mu);
  pthread_mutex_unlock(&p->mu);
}
