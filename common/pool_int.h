/* For tests of the pool only: what a failed thread start looks like, without making the system
 * refuse one. Nothing outside common/ and tests/ includes this. */
#ifndef TOPICS_POOL_INT_H
#define TOPICS_POOL_INT_H

#include "common/pool.h"

/* pool_new, except that thread starts after the first max_threads fail as pthread_create's
 * failure would. */
pool *pool_new_limited_(uint32_t nworkers, uint32_t max_threads, topics_status *st);

#endif
