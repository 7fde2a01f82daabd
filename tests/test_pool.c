/* The worker pool: every task runs exactly once per round, never two at once under one worker
 * index, results do not depend on the worker count, rounds in quick succession and after the
 * threads have gone to sleep, and thread starts that fail (simulated, and real under an address
 * space limit) leave the work to the workers that run. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "common/pool.h"
#include "common/pool_int.h"

#define MAX_TASKS 5000u
#define SCRATCH 64u

typedef struct run_ctx {
  uint32_t nworkers;
  _Atomic uint32_t runs[MAX_TASKS];  /* times each task ran this round */
  _Atomic int busy[POOL_MAX_WORKERS]; /* a task is running under this worker index */
  _Atomic uint32_t overlaps;          /* two tasks ran at once under one worker index */
  _Atomic uint32_t bad_worker;        /* a worker index out of range */
  _Atomic uint32_t used[POOL_MAX_WORKERS]; /* tasks run per worker index */
  uint64_t scratch[POOL_MAX_WORKERS][SCRATCH];
  uint64_t result[MAX_TASKS];
  uint64_t salt;
} run_ctx;

static uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/* Fills the worker's scratch from the task index and folds it into the task's result: a second
 * task running under the same worker index at the same time would corrupt both results. */
static void task(void *arg, uint32_t i, uint32_t worker) {
  run_ctx *c = arg;
  if (worker >= c->nworkers) {
    atomic_fetch_add(&c->bad_worker, 1);
    return;
  }
  if (atomic_exchange(&c->busy[worker], 1)) atomic_fetch_add(&c->overlaps, 1);
  atomic_fetch_add(&c->runs[i], 1);
  atomic_fetch_add(&c->used[worker], 1);
  uint64_t *s = c->scratch[worker];
  uint64_t x = mix(c->salt ^ i);
  for (uint32_t k = 0; k < SCRATCH; k++) s[k] = x = mix(x);
  uint64_t r = 0;
  for (uint32_t k = 0; k < SCRATCH; k++) r = r * 31 + s[(k * 7) % SCRATCH];
  c->result[i] = r;
  atomic_store(&c->busy[worker], 0);
}

static run_ctx *ctx_new(uint32_t nworkers, uint64_t salt) {
  run_ctx *c = calloc(1, sizeof *c);
  if (!c) abort();
  c->nworkers = nworkers;
  c->salt = salt;
  return c;
}

static void ctx_reset(run_ctx *c) {
  for (uint32_t i = 0; i < MAX_TASKS; i++) atomic_store(&c->runs[i], 0);
}

/* Checks one round of ntasks: each ran once, no overlaps, worker indices in range. */
static int round_ok(run_ctx *c, uint32_t ntasks) {
  for (uint32_t i = 0; i < ntasks; i++)
    if (atomic_load(&c->runs[i]) != 1) return 0;
  for (uint32_t i = ntasks; i < MAX_TASKS; i++)
    if (atomic_load(&c->runs[i]) != 0) return 0;
  return atomic_load(&c->overlaps) == 0 && atomic_load(&c->bad_worker) == 0;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* The result of one round of ntasks on a pool of nworkers, for comparing across pools. */
static uint64_t *results(uint32_t nworkers, uint32_t ntasks, uint64_t salt) {
  topics_status st;
  pool *p = pool_new(nworkers, &st);
  CHECK(p && st == TOPICS_OK);
  run_ctx *c = ctx_new(nworkers, salt);
  pool_run(p, ntasks, task, c);
  CHECK(round_ok(c, ntasks));
  uint64_t *r = malloc(ntasks * sizeof *r);
  if (!r) abort();
  memcpy(r, c->result, ntasks * sizeof *r);
  free(c);
  pool_free(p);
  return r;
}

static void test_once_each(void) {
  const uint32_t workers[] = {1, 2, 3, 4, 8};
  const uint32_t tasks[] = {0, 1, 2, 3, 7, 64, 1000, MAX_TASKS};
  for (size_t a = 0; a < sizeof workers / sizeof *workers; a++) {
    topics_status st;
    pool *p = pool_new(workers[a], &st);
    CHECK(p && st == TOPICS_OK);
    CHECK(pool_size(p) == workers[a]);
    CHECK(pool_threads(p) == workers[a] - 1);
    run_ctx *c = ctx_new(workers[a], 1);
    for (size_t b = 0; b < sizeof tasks / sizeof *tasks; b++) {
      ctx_reset(c);
      pool_run(p, tasks[b], task, c);
      CHECK_MSG(round_ok(c, tasks[b]), "%u workers, %u tasks", workers[a], tasks[b]);
    }
    free(c);
    pool_free(p);
  }
}

static void test_deterministic(void) {
  const uint32_t n = 3000;
  uint64_t *one = results(1, n, 42);
  const uint32_t workers[] = {2, 4, 7};
  for (size_t a = 0; a < sizeof workers / sizeof *workers; a++) {
    uint64_t *r = results(workers[a], n, 42);
    CHECK_MSG(memcmp(one, r, n * sizeof *r) == 0, "%u workers differ from 1", workers[a]);
    free(r);
  }
  /* A different salt gives different results: the comparison above can fail. */
  uint64_t *other = results(4, n, 43);
  CHECK(memcmp(one, other, n * sizeof *other) != 0);
  free(other);
  free(one);
}

/* Many short rounds back to back (the sampler's pattern), then rounds after pauses long enough
 * for the threads to have gone to sleep on the condition. */
static void test_many_rounds(void) {
  topics_status st;
  pool *p = pool_new(4, &st);
  CHECK(p && st == TOPICS_OK);
  run_ctx *c = ctx_new(4, 7);
  uint32_t bad = 0;
  for (uint32_t r = 0; r < 20000; r++) {
    uint32_t n = 1 + r % 9;
    ctx_reset(c);
    pool_run(p, n, task, c);
    if (!round_ok(c, n)) bad++;
  }
  CHECK_MSG(bad == 0, "%u of 20000 quick rounds wrong", bad);
  bad = 0;
  for (uint32_t r = 0; r < 20; r++) {
    sleep_ms(5);
    ctx_reset(c);
    pool_run(p, 100, task, c);
    if (!round_ok(c, 100)) bad++;
  }
  CHECK_MSG(bad == 0, "%u of 20 rounds after a pause wrong", bad);
  free(c);
  pool_free(p);
}

/* Thread starts that fail: the pool keeps the size asked for, and the workers that run, the
 * caller among them, do every task. */
static void test_failed_start(void) {
  const uint32_t limits[] = {0, 1, 2};
  for (size_t a = 0; a < sizeof limits / sizeof *limits; a++) {
    topics_status st;
    pool *p = pool_new_limited_(5, limits[a], &st);
    CHECK(p && st == TOPICS_OK);
    CHECK(pool_size(p) == 5);
    CHECK(pool_threads(p) == limits[a]);
    run_ctx *c = ctx_new(5, 9);
    for (uint32_t r = 0; r < 50; r++) {
      ctx_reset(c);
      pool_run(p, 200, task, c);
      CHECK(round_ok(c, 200));
    }
    /* Only the caller (0) and the started threads (1 .. limit) ran tasks. */
    for (uint32_t w = limits[a] + 1; w < 5; w++) CHECK(atomic_load(&c->used[w]) == 0);
    CHECK(atomic_load(&c->used[0]) > 0);
    free(c);
    pool_free(p);
  }
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif

/* A real failure of pthread_create: in a child process whose address space is capped just above
 * what it uses, no thread stack can be mapped. (Sanitizers map memory of their own as they go,
 * so this part runs only without them.) */
static void test_real_failed_start(void) {
#ifdef UNDER_SANITIZER
  printf("skipped the address-space-limit case under a sanitizer\n");
#else
  pid_t pid = fork();
  if (pid == 0) {
    run_ctx *c = ctx_new(4, 3); /* before the cap */
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    if (!f || fscanf(f, "%lu", &pages) != 1) _exit(3);
    fclose(f);
    rlim_t cap = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + (1u << 20);
    struct rlimit rl = {cap, cap};
    if (setrlimit(RLIMIT_AS, &rl) != 0) _exit(3);
    topics_status st;
    pool *p = pool_new(4, &st);
    if (!p) _exit(4);
    uint32_t threads = pool_threads(p);
    pool_run(p, 300, task, c);
    int ok = round_ok(c, 300);
    pool_free(p);
    _exit(threads < 3 && ok ? 0 : 5);
  }
  int status = 0;
  CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
  CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
#endif
}

static void test_edges(void) {
  run_ctx *c = ctx_new(1, 5);
  pool_run(NULL, 10, task, c); /* no pool: all on the caller */
  CHECK(round_ok(c, 10));
  CHECK(atomic_load(&c->used[0]) == 10);
  free(c);
  CHECK(pool_size(NULL) == 1);
  CHECK(pool_threads(NULL) == 0);
  pool_free(NULL);
  topics_status st;
  CHECK(pool_new(POOL_MAX_WORKERS + 1, &st) == NULL && st == TOPICS_EINVAL);
  pool *p = pool_new(0, &st);
  CHECK(p && st == TOPICS_OK && pool_size(p) == 1 && pool_threads(p) == 0);
  pool_free(p);
}

int main(void) {
  test_real_failed_start(); /* first: later pools leave thread stacks cached for reuse */
  test_once_each();
  test_deterministic();
  test_many_rounds();
  test_failed_start();
  test_edges();
  return check_done();
}
