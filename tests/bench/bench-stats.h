/* bench-stats.h – the order statistics the benchmarks print */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

static inline int
bench_compare_doubles (gconstpointer a,
                       gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* The sample at FRACTION of SAMPLES (of doubles), which it sorts. */
static inline double
bench_percentile (GArray *samples,
                  double  fraction)
{
  guint index = (guint) (samples->len * fraction);

  g_array_sort (samples, bench_compare_doubles);
  return g_array_index (samples, double, MIN (index, samples->len - 1));
}
