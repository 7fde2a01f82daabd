/* Where each topic goes on the report's map: topics whose word distributions are alike lie close.
 * Distances are the square root of the Jensen-Shannon divergence between topic-word distributions
 * (a metric), placed in two dimensions by classical multidimensional scaling (Torgerson/Gower: the
 * two leading eigenvectors of the double-centred squared-distance matrix). */
#ifndef TOPICS_TOPICMAP_H
#define TOPICS_TOPICMAP_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

/* Jensen-Shannon divergence of two distributions over n outcomes, in bits (0 to 1). Entries need
 * not sum exactly to one; zeros are allowed. */
double topicmap_jsd(const double *p, const double *q, size_t n);

/* Places k topics: phi holds k rows of n probabilities (row t is topic t); xy gets 2k numbers,
 * (x, y) of topic t at xy[2t], xy[2t+1], centred on the origin. The sign of each axis is fixed so
 * that its largest coordinate in absolute value is positive, which makes the result
 * deterministic. With k < 3 the unused axes are 0. TOPICS_EINVAL for k == 0 or n == 0,
 * TOPICS_ENOMEM when out of memory. dist (may be NULL) gets the k*k matrix of sqrt(JSD). */
topics_status topicmap_coords(const double *phi, uint32_t k, size_t n, double *xy, double *dist);

#endif
