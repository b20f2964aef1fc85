/* bench-common.h – what the benchmarks share: the statistics they print, the store they leave behind */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>
#include <glib/gstdio.h>

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

/* Removes the store a benchmark made, with its WAL, and its folder,
 * unless DONGHANH_BENCH_KEEP asks to keep them. */
static inline void
bench_remove_store (const char *dir,
                    const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  if (g_getenv ("DONGHANH_BENCH_KEEP") != NULL)
    return;

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (dir);
}
