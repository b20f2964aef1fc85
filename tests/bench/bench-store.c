/* bench-store.c – builds a province-sized store and prints how fast it writes, searches and opens */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "dh-autocleanups.h"
#include "dh-demo.h"
#include "dh-store.h"
#include "dh-text.h"

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
print_latencies (const char *what,
                 GArray     *samples)
{
  double *values = (double *) samples->data;

  g_array_sort (samples, compare_doubles);
  printf ("%-44s median %7.3f ms   p95 %7.3f ms   max %7.3f ms   (%u samples)\n", what,
          values[samples->len / 2], values[(guint) (samples->len * 0.95)], values[samples->len - 1], samples->len);
}

static void
progress_cb (guint    done,
             gpointer user_data)
{
  gint64 start = *(gint64 *) user_data;

  if (done % 10000 == 0)
    fprintf (stderr, "  %u households, %.0f s\n", done, (g_get_monotonic_time () - start) / 1e6);
}

static gint64
count (DhStore    *store,
       const char *entity)
{
  DhQuery query = { .entity = entity };

  return dh_store_count (store, &query, NULL);
}

/* What a caseworker types, one key at a time: the folded head's name. */
static GPtrArray *
typed_prefixes (DhStore *store,
                guint    n_names)
{
  GPtrArray *prefixes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  gint64 households = count (store, "household");

  for (guint i = 0; i < n_names; i++)
    {
      DhQuery query = { .entity = "household", .limit = 1, .offset = (guint) g_rand_int_range (rand, 0, (gint32) households) };
      g_autoptr(GPtrArray) rows = dh_store_list (store, &query, NULL);
      g_autofree char *folded = NULL;

      if (rows == NULL || rows->len == 0)
        continue;
      folded = dh_text_fold (dh_json_get_string (g_ptr_array_index (rows, 0), "head_name"));
      for (gsize len = 1; folded[len - 1] != '\0'; len++)
        {
          if (folded[len - 1] != ' ')
            g_ptr_array_add (prefixes, g_strndup (folded, len));
        }
    }

  return prefixes;
}

static void
print_size (const char *what,
            const char *path,
            const char *wal)
{
  struct stat info;

  g_assert_cmpint (g_stat (path, &info), ==, 0);
  printf ("%-44s %.1f MiB", what, info.st_size / (1024.0 * 1024.0));
  if (g_stat (wal, &info) == 0 && info.st_size > 0)
    printf (" (+ %.1f MiB write-ahead log)", info.st_size / (1024.0 * 1024.0));
  printf ("\n");
}

static gint64
acknowledge_everything (DhStore *store)
{
  g_autoptr(GError) error = NULL;
  gint64 total = 0;

  for (;;)
    {
      g_autoptr(GPtrArray) changes = dh_store_get_pending_changes (store, 5000, &error);
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

      g_assert_no_error (error);
      if (changes->len == 0)
        return total;

      /* a change is named by its record and clock */
      for (guint i = 0; i < changes->len; i++)
        {
          json_object *change = g_ptr_array_index (changes, i);

          g_ptr_array_add (ids, g_strconcat (dh_json_get_string (change, "r"), "@", dh_json_get_string (change, "k"), NULL));
        }
      g_ptr_array_add (ids, NULL);
      g_assert_true (dh_store_acknowledge_changes (store, (const char * const *) ids->pdata, &error));
      total += changes->len;
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) prefixes = NULL;
  g_autoptr(GArray) search_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) open_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) page_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) filtered_ms = g_array_new (FALSE, FALSE, sizeof (double));
  DhDemoOptions options;
  gint64 start, elapsed, records;
  g_autofree char *wal = NULL;
  guint64 matches = 0;
  char *commune_id = NULL;
  guint middle = 0;

  dh_demo_options_init (&options);
  options.households = argc > 1 ? (guint) atoi (argv[1]) : 100000;
  options.members_per_household = 5;
  options.visits_per_household = 10;
  options.supports_per_household = 3;
  options.seed = 2026;

  dir = g_dir_make_tmp ("donghanh-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "bench.db", NULL);

  printf ("Đồng Hành store benchmark: %u households (%s)\n", options.households, path);

  store = dh_store_open (path, &error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  if (!dh_demo_populate (store, &options, progress_cb, &start, &error))
    g_error ("%s", error->message);
  elapsed = g_get_monotonic_time () - start;

  records = count (store, "household") + count (store, "member") + count (store, "visit") +
            count (store, "support") + count (store, "assessment") + count (store, "admin_unit");
  printf ("records: %" G_GINT64_FORMAT " households, %" G_GINT64_FORMAT " members, %" G_GINT64_FORMAT " visits, "
          "%" G_GINT64_FORMAT " support entries, %" G_GINT64_FORMAT " reviews\n",
          count (store, "household"), count (store, "member"), count (store, "visit"),
          count (store, "support"), count (store, "assessment"));
  printf ("insert: %" G_GINT64_FORMAT " records in %.1f s = %.0f records/s (each with its pending change, "
          "search entry, in transactions of 500 households)\n",
          records, elapsed / 1e6, records / (elapsed / 1e6));

  prefixes = typed_prefixes (store, 200);
  for (guint i = 0; i < prefixes->len; i++)
    {
      g_autoptr(GPtrArray) rows = NULL;
      double ms;

      start = g_get_monotonic_time ();
      rows = dh_store_search_households (store, g_ptr_array_index (prefixes, i), 50, &error);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_assert_no_error (error);
      matches += rows->len;
      g_array_append_val (search_ms, ms);
    }
  print_latencies ("search as you type (50 results, prefixes):", search_ms);
  printf ("%-44s %.1f households per search on average\n", "", (double) matches / prefixes->len);

  {
    DhQuery communes = { .entity = "commune", .limit = 1 };
    g_autoptr(GPtrArray) rows = dh_store_list (store, &communes, NULL);
    g_autofree char *filter = NULL;
    const char *filters[] = { NULL, NULL };
    DhQuery in_commune = { .entity = "household" };

    commune_id = g_strdup (dh_json_get_string (g_ptr_array_index (rows, 0), "id"));
    filter = g_strdup_printf ("commune=%s", commune_id);
    filters[0] = filter;
    in_commune.filters = filters;
    middle = (guint) dh_store_count (store, &in_commune, NULL) / 2;
  }
  g_clear_object (&store);

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *filter = g_strdup_printf ("commune=%s", commune_id);
      const char *filters[] = { filter, NULL };
      DhQuery first_page = { .entity = "household", .limit = 50 };
      DhQuery commune_page = { .entity = "household", .limit = 50, .filters = filters, .offset = middle };
      g_autoptr(GPtrArray) rows = NULL;
      g_autoptr(GPtrArray) commune_rows = NULL;
      double opened, paged, filtered;

      start = g_get_monotonic_time ();
      store = dh_store_open (path, &error);
      g_assert_no_error (error);
      opened = (g_get_monotonic_time () - start) / 1000.0;
      rows = dh_store_list (store, &first_page, &error);
      g_assert_no_error (error);
      paged = (g_get_monotonic_time () - start) / 1000.0;
      g_assert_cmpuint (rows->len, ==, 50);

      start = g_get_monotonic_time ();
      commune_rows = dh_store_list (store, &commune_page, &error);
      g_assert_no_error (error);
      filtered = (g_get_monotonic_time () - start) / 1000.0;

      g_array_append_val (open_ms, opened);
      g_array_append_val (page_ms, paged);
      g_array_append_val (filtered_ms, filtered);
      g_clear_object (&store);
    }
  print_latencies ("open the store:", open_ms);
  print_latencies ("open + first page of 50, by given name:", page_ms);
  {
    g_autofree char *what = g_strdup_printf ("a commune's middle page (offset %u):", middle);

    print_latencies (what, filtered_ms);
  }

  wal = g_strconcat (path, "-wal", NULL);
  print_size ("file size, every change still waiting to sync:", path, wal);

  /* what a store looks like once the server has acknowledged everything */
  store = dh_store_open (path, &error);
  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  records = acknowledge_everything (store);
  elapsed = g_get_monotonic_time () - start;
  printf ("acknowledge: %" G_GINT64_FORMAT " changes in %.1f s = %.0f changes/s\n",
          records, elapsed / 1e6, records / (elapsed / 1e6));
  g_assert_true (dh_store_vacuum (store, &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  print_size ("file size, all synced (after VACUUM):", path, wal);

  {
    struct rusage usage;

    getrusage (RUSAGE_SELF, &usage);
    printf ("%-44s %.1f MiB\n", "peak memory (resident) of this process:", usage.ru_maxrss / 1024.0);
  }

  if (g_getenv ("DONGHANH_BENCH_KEEP") == NULL)
    {
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_unlink (path);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (dir);
    }
  g_free (commune_id);

  return 0;
}
