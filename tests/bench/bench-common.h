/* bench-common.h – what the benchmarks share: the statistics they print, the store they leave behind */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <errno.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "dh-demo.h"
#include "dh-store.h"

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

/* Thousands grouped the way the README prints them. */
static inline const char *
bench_grouped (gint64 n)
{
  static char buffers[8][32];
  static guint next;
  char *out = buffers[next++ % G_N_ELEMENTS (buffers)];
  char digits[32];
  int len, o = 0;

  g_snprintf (digits, sizeof digits, "%" G_GINT64_FORMAT, n < 0 ? -n : n);
  len = (int) strlen (digits);
  if (n < 0)
    out[o++] = '-';
  for (int i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        out[o++] = ',';
      out[o++] = digits[i];
    }
  out[o] = '\0';

  return out;
}

/* Removes a store file with its WAL. */
static inline void
bench_unlink_store (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
}

/* Removes the store a benchmark made, with its WAL, and its folder,
 * unless DONGHANH_BENCH_KEEP asks to keep them. */
static inline void
bench_remove_store (const char *dir,
                    const char *path)
{
  if (g_getenv ("DONGHANH_BENCH_KEEP") != NULL)
    return;

  bench_unlink_store (path);
  g_rmdir (dir);
}

/* A demo store of HOUSEHOLDS households made by dh_demo_populate() with
 * SEED, kept between runs in the build tree (bench-cache/, by count and
 * seed) since a large one takes many minutes to write: the path of the
 * file. It is written under another name and renamed once whole, so that
 * an interrupted run leaves no half store to be taken for one. A benchmark
 * that writes copies it first. */
static inline char *
bench_cached_demo_store (guint   households,
                         guint32 seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = NULL;
  g_autofree char *dir = g_build_filename (DH_BUILD_ROOT, "bench-cache", NULL);
  g_autofree char *name = g_strdup_printf ("demo-%u-households-seed-%u.db", households, seed);
  g_autofree char *partial = NULL;
  char *path = g_build_filename (dir, name, NULL);
  DhDemoOptions options;

  /* brought to this build's schema once, so that no run's copy migrates it */
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      store = dh_store_open (path, &error);
      g_assert_no_error (error);
      return path;
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    g_error ("%s: %s", dir, g_strerror (errno));
  partial = g_strconcat (path, ".partial", NULL);
  bench_unlink_store (partial);

  g_printerr ("making a demo store of %u households (seed %u), kept for the next runs in %s\n",
              households, seed, path);
  store = dh_store_open_full (partial, DH_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  dh_demo_options_init (&options);
  options.households = households;
  options.seed = seed;
  if (!dh_demo_populate (store, &options, NULL, NULL, &error))
    g_error ("%s", error->message);
  g_clear_object (&store);

  if (g_rename (partial, path) != 0)
    g_error ("%s: %s", path, g_strerror (errno));

  return path;
}
