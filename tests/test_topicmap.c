/* Tests for models/topicmap.c (JSD, classical scaling) and pipeline/over_time.c (dates from names,
 * shares per period) and pipeline/sha256.c (the CSP hash). The map is checked on planted topic-word
 * distributions: identical topics land on one point, a distinct one far away, and map distances
 * keep the order of the divergences. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "models/topicmap.h"
#include "pipeline/over_time.h"
#include "pipeline/sha256.h"

static double dist2(const double *xy, int a, int b) {
  return hypot(xy[2 * a] - xy[2 * b], xy[2 * a + 1] - xy[2 * b + 1]);
}

static void test_jsd(void) {
  double p[4] = {0.5, 0.5, 0, 0}, q[4] = {0, 0, 0.5, 0.5}, r[4] = {0.25, 0.25, 0.25, 0.25};
  CHECK(fabs(topicmap_jsd(p, p, 4)) < 1e-12);
  CHECK(fabs(topicmap_jsd(p, q, 4) - 1.0) < 1e-12);           /* disjoint supports: 1 bit */
  CHECK(fabs(topicmap_jsd(p, r, 4) - topicmap_jsd(r, p, 4)) < 1e-15); /* symmetric */
  /* p against the uniform r: H(m) - (H(p) + H(r)) / 2 with m = (3/8, 3/8, 1/8, 1/8) */
  double hm = -2 * (0.375 * log2(0.375) + 0.125 * log2(0.125));
  CHECK(fabs(topicmap_jsd(p, r, 4) - (hm - 0.5 * (1 + 2))) < 1e-12);
}

/* Topics over 60 words: rows 0 and 1 identical, row 2 on other words entirely, rows 3.. between
 * row 0 and row 2 at increasing mixing weights. */
#define V 60
#define KT 7
static void planted(double *phi) {
  double a[V], b[V];
  for (int w = 0; w < V; w++) {
    a[w] = w < 30 ? 1.0 / (w + 1) : 1e-4;
    b[w] = w >= 30 ? 1.0 / (w - 29) : 1e-4;
  }
  double sa = 0, sb = 0;
  for (int w = 0; w < V; w++) sa += a[w], sb += b[w];
  const double mix[KT] = {0, 0, 1, 0.15, 0.35, 0.6, 0.85};
  for (int t = 0; t < KT; t++)
    for (int w = 0; w < V; w++) phi[t * V + w] = (1 - mix[t]) * a[w] / sa + mix[t] * b[w] / sb;
}

static void test_coords(void) {
  double phi[KT * V], xy[2 * KT], d[KT * KT];
  planted(phi);
  CHECK(topicmap_coords(phi, KT, V, xy, d) == TOPICS_OK);
  CHECK(dist2(xy, 0, 1) < 1e-6);                     /* identical topics, one point */
  CHECK(dist2(xy, 0, 2) > 0.5);                      /* the distinct one far away */
  for (int t = 0; t < KT; t++) CHECK(isfinite(xy[2 * t]) && isfinite(xy[2 * t + 1]));
  /* the mixtures lie between, in order of their divergence from topic 0 */
  for (int t = 3; t < KT - 1; t++) {
    CHECK(d[0 * KT + t] < d[0 * KT + t + 1]);
    CHECK(dist2(xy, 0, t) < dist2(xy, 0, t + 1));
    CHECK(dist2(xy, 2, t) > dist2(xy, 2, t + 1));
  }
  /* centred, and the distance matrix is sqrt(JSD) */
  double mx = 0, my = 0;
  for (int t = 0; t < KT; t++) mx += xy[2 * t], my += xy[2 * t + 1];
  CHECK(fabs(mx) < 1e-9 && fabs(my) < 1e-9);
  CHECK(fabs(d[2] - sqrt(topicmap_jsd(phi, phi + 2 * V, V))) < 1e-12);
  /* deterministic: the same input gives the same output, and the largest |x| is positive */
  double xy2[2 * KT];
  CHECK(topicmap_coords(phi, KT, V, xy2, NULL) == TOPICS_OK && !memcmp(xy, xy2, sizeof xy));
  double big = 0;
  for (int t = 0; t < KT; t++)
    if (fabs(xy[2 * t]) > fabs(big)) big = xy[2 * t];
  CHECK(big > 0);
}

/* sqrt(JSD) embeds in a Euclidean space, so classical scaling is a projection: no map distance
 * exceeds its divergence, and two axes keep exactly the share of the spread of the two largest
 * eigenvalues. Four equidistant topics have three equal eigenvalues: two thirds kept. */
static void test_preserves_distances(void) {
  enum { K4 = 4, V4 = 8 };
  double phi[K4 * V4] = {0};
  for (int t = 0; t < K4; t++) /* each topic on two words of its own, a little on the rest */
    for (int w = 0; w < V4; w++) phi[t * V4 + w] = (w == 2 * t || w == 2 * t + 1) ? 0.4 : 0.2 / 6;
  double xy[2 * K4], d[K4 * K4], kept = 0, all = 0;
  CHECK(topicmap_coords(phi, K4, V4, xy, d) == TOPICS_OK);
  for (int a = 0; a < K4; a++)
    for (int b = a + 1; b < K4; b++) {
      double m = dist2(xy, a, b);
      CHECK(m <= d[a * K4 + b] + 1e-9);
      CHECK(fabs(d[a * K4 + b] - d[1]) < 1e-12);
      kept += m * m;
      all += d[a * K4 + b] * d[a * K4 + b];
    }
  CHECK(fabs(kept / all - 2.0 / 3.0) < 1e-9);
  /* the planted topics too */
  double p7[KT * V], xy7[2 * KT], d7[KT * KT];
  planted(p7);
  CHECK(topicmap_coords(p7, KT, V, xy7, d7) == TOPICS_OK);
  for (int a = 0; a < KT; a++)
    for (int b = a + 1; b < KT; b++) CHECK(dist2(xy7, a, b) <= d7[a * KT + b] + 1e-9);
}

static void test_small_k(void) {
  double phi[KT * V], xy[4];
  planted(phi); /* rows 0 and 1 identical, row 2 distinct */
  CHECK(topicmap_coords(phi, 1, V, xy, NULL) == TOPICS_OK && xy[0] == 0 && xy[1] == 0);
  double two[2 * V];
  memcpy(two, phi, V * sizeof *phi);
  memcpy(two + V, phi + 2 * V, V * sizeof *phi);
  CHECK(topicmap_coords(two, 2, V, xy, NULL) == TOPICS_OK);
  CHECK(fabs(fabs(xy[0] - xy[2]) - sqrt(topicmap_jsd(two, two + V, V))) < 1e-9);
  CHECK(xy[1] == 0 && xy[3] == 0);
  CHECK(topicmap_coords(phi, 0, V, xy, NULL) == TOPICS_EINVAL);
  CHECK(topicmap_coords(phi, 2, 0, xy, NULL) == TOPICS_EINVAL);
}

static void test_dates(void) {
  struct { const char *s; int ok, y, m, d; } cases[] = {
      {"talks/2022-06-08-pycon.md", 1, 2022, 6, 8},
      {"2021-organize/notes.md", 1, 2021, 0, 0},
      {"pycon-us-2019/videos/keynote.json", 1, 2019, 0, 0},
      {"meetup-2025-01", 1, 2025, 1, 0},
      {"a/2020_11/b", 1, 2020, 11, 0},
      {"x2018.13.01", 1, 2018, 0, 0},       /* no month 13 */
      {"notes/12019/file.md", 0, 0, 0, 0},  /* run together with another digit */
      {"python-3000-and-1969", 0, 0, 0, 0}, /* out of range */
      {"python3.md", 0, 0, 0, 0},
      {"2023-05-7", 1, 2023, 5, 0},         /* a one-digit day is not a day */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ot_date d = {0, 0, 0};
    int ok = ot_date_scan(cases[i].s, &d);
    CHECK_MSG(ok == cases[i].ok && (!ok || (d.year == cases[i].y && d.month == cases[i].m &&
                                            d.day == cases[i].d)),
              "%s: %d %d-%d-%d", cases[i].s, ok, d.year, d.month, d.day);
  }
  ot_date d;
  CHECK(!ot_date_scan(NULL, &d));
}

static void test_sha256(void) {
  char b64[SHA256_B64_SIZE];
  /* FIPS 180-4 examples, in base64 */
  sha256_base64("abc", 3, b64);
  CHECK_STREQ(b64, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
  sha256_base64("", 0, b64);
  CHECK_STREQ(b64, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 56 bytes: 2 blocks */
  uint8_t h[32];
  sha256(two, strlen(two), h);
  CHECK(h[0] == 0x24 && h[1] == 0x8d && h[31] == 0xc1);
}

int main(void) {
  test_jsd();
  test_coords();
  test_preserves_distances();
  test_small_k();
  test_dates();
  test_sha256();
  return check_done();
}
