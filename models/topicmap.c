/* Topic coordinates for the report's map: sqrt(JSD) distances, then classical MDS with GSL's
 * symmetric eigensolver. K is small (tens to a few hundred), so the dense K x K work is cheap next
 * to the K^2/2 passes over the vocabulary that the divergences need. */
#include "models/topicmap.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "common/mem.h"

double topicmap_jsd(const double *p, const double *q, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) {
    double a = p[i] > 0 ? p[i] : 0, b = q[i] > 0 ? q[i] : 0, m = 0.5 * (a + b);
    if (a > 0) s += a * log2(a / m);
    if (b > 0) s += b * log2(b / m);
  }
  s *= 0.5;
  /* rounding can leave a tiny negative value for equal inputs */
  return s < 0 ? 0 : s > 1 ? 1 : s;
}

/* Fills dist (k x k) with sqrt(JSD). */
static void fill_distances(const double *phi, uint32_t k, size_t n, double *dist) {
  for (uint32_t i = 0; i < k; i++) {
    dist[(size_t)i * k + i] = 0;
    for (uint32_t j = i + 1; j < k; j++) {
      double d = sqrt(topicmap_jsd(phi + (size_t)i * n, phi + (size_t)j * n, n));
      dist[(size_t)i * k + j] = dist[(size_t)j * k + i] = d;
    }
  }
}

topics_status topicmap_coords(const double *phi, uint32_t k, size_t n, double *xy, double *dist) {
  if (!phi || !xy || k == 0 || n == 0) return TOPICS_EINVAL;
  size_t kk;
  if (mem_mul(k, k, &kk) != TOPICS_OK) return TOPICS_ENOMEM;
  for (uint32_t t = 0; t < 2 * k; t++) xy[t] = 0;
  double *d = dist ? dist : malloc(kk * sizeof *d);
  if (!d) return TOPICS_ENOMEM;
  fill_distances(phi, k, n, d);
  if (k < 2) {
    if (!dist) free(d);
    return TOPICS_OK;
  }
  /* GSL's default handler aborts on a failed allocation; here that is an ordinary status */
  gsl_error_handler_t *old_handler = gsl_set_error_handler_off();
  gsl_matrix *b = gsl_matrix_alloc(k, k), *evec = gsl_matrix_alloc(k, k);
  gsl_vector *eval = gsl_vector_alloc(k);
  gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc(k);
  topics_status st = TOPICS_ENOMEM;
  if (!b || !evec || !eval || !w) goto done;
  /* B = -1/2 J D^2 J with J the centring matrix: subtract row and column means, add the grand
   * mean. */
  double *rowmean = calloc(k, sizeof *rowmean), grand = 0;
  if (!rowmean) goto done;
  for (uint32_t i = 0; i < k; i++) {
    for (uint32_t j = 0; j < k; j++) {
      double v = d[(size_t)i * k + j];
      rowmean[i] += v * v;
    }
    grand += rowmean[i];
    rowmean[i] /= k;
  }
  grand /= (double)k * k;
  for (uint32_t i = 0; i < k; i++)
    for (uint32_t j = 0; j < k; j++) {
      double v = d[(size_t)i * k + j];
      gsl_matrix_set(b, i, j, -0.5 * (v * v - rowmean[i] - rowmean[j] + grand));
    }
  free(rowmean);
  if (gsl_eigen_symmv(b, eval, evec, w) != 0) {
    st = TOPICS_EINVAL;
    goto done;
  }
  gsl_eigen_symmv_sort(eval, evec, GSL_EIGEN_SORT_VAL_DESC);
  for (uint32_t axis = 0; axis < 2 && axis < k; axis++) {
    double lambda = gsl_vector_get(eval, axis);
    /* a non-positive eigenvalue carries no spread that two dimensions can show */
    if (!(lambda > 1e-12)) continue;
    double scale = sqrt(lambda), big = 0;
    for (uint32_t t = 0; t < k; t++) {
      double v = gsl_matrix_get(evec, t, axis);
      if (fabs(v) > fabs(big) + 1e-12) big = v;
    }
    if (big < 0) scale = -scale;
    for (uint32_t t = 0; t < k; t++) xy[2 * t + axis] = gsl_matrix_get(evec, t, axis) * scale;
  }
  st = TOPICS_OK;
done:
  gsl_set_error_handler(old_handler);
  gsl_eigen_symmv_free(w);
  gsl_vector_free(eval);
  gsl_matrix_free(evec);
  gsl_matrix_free(b);
  if (!dist) free(d);
  return st;
}
