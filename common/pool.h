/* The one worker pool: threads that live as long as the pool and run rounds of numbered tasks.
 * pool_run hands out task indices to the threads and the caller, each task exactly once, and
 * returns when all are done. Which thread runs which task depends on timing, so a task's result
 * must depend only on its index and the caller's data (the worker index picks scratch space, never
 * a result). Waiters poll briefly before sleeping, so a round costs microseconds, not a kernel
 * round trip, when rounds come in quick succession (one per sampler sweep). */
#ifndef TOPICS_POOL_H
#define TOPICS_POOL_H

#include <stdint.h>

#include "common/status.h"

typedef struct pool pool;

/* One task: ctx as given to pool_run, the task's index in [0, ntasks), and the index of the
 * worker running it, in [0, pool_size); no two tasks run at once under the same worker index. */
typedef void (*pool_fn)(void *ctx, uint32_t task, uint32_t worker);

/* The most workers a pool takes. */
#define POOL_MAX_WORKERS 1024u

/* A pool of nworkers workers (0 counts as 1): the caller of pool_run is worker 0 and
 * nworkers - 1 threads are started now. A thread that cannot be started is not an error: the
 * work goes to the workers that run, the caller included. NULL with *st = TOPICS_ENOMEM when
 * memory runs out, TOPICS_EINVAL above POOL_MAX_WORKERS. The caller frees with pool_free. */
pool *pool_new(uint32_t nworkers, topics_status *st);

/* Stops and joins the threads; pool_free(NULL) does nothing. No pool_run may be under way. */
void pool_free(pool *p);

/* The number of workers asked for (the bound on worker indices given to tasks); 1 for NULL. */
uint32_t pool_size(const pool *p);

/* The threads that were started (at most pool_size - 1); 0 for NULL. */
uint32_t pool_threads(const pool *p);

/* Runs fn(ctx, i, worker) once for every i in [0, ntasks) and returns when every call has
 * returned; everything the tasks wrote is then visible to the caller. With p NULL, no threads
 * or one task, everything runs on the caller as worker 0. One pool_run at a time per pool, and
 * never from inside a task. */
void pool_run(pool *p, uint32_t ntasks, pool_fn fn, void *ctx);

#endif
