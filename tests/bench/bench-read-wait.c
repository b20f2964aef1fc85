/* bench-read-wait.c – how long a main-thread read waits while a large write transaction is open */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <glib/gstdio.h>

#include "bench-common.h"
#include "dh-autocleanups.h"
#include "dh-demo.h"
#include "dh-record-list.h"
#include "dh-store.h"

/* The reads a list view and a status line make on the main thread: a page
 * of 50 households it has not read yet, a count, and a reload of the
 * list's ids. Each is timed on an idle store, then while another thread
 * writes WRITTEN households in one transaction; the figures are compared
 * in the same run, on the same machine. */

typedef struct
{
  const char *name;
  GArray     *idle;   /* ms */
  GArray     *busy;   /* ms */
} Samples;

typedef struct
{
  DhStore    *store;
  const char *village;
  guint       households;
  gint        begun;
  gint        finished;
  double      transaction_s;
} Writer;

static void
print_samples (Samples *samples)
{
  double idle_p99, busy_p99, idle_max, busy_max;

  g_array_sort (samples->idle, bench_compare_doubles);
  g_array_sort (samples->busy, bench_compare_doubles);
  idle_p99 = bench_percentile (samples->idle, 0.99);
  busy_p99 = bench_percentile (samples->busy, 0.99);
  idle_max = g_array_index (samples->idle, double, samples->idle->len - 1);
  busy_max = g_array_index (samples->busy, double, samples->busy->len - 1);

  printf ("%s\n", samples->name);
  printf ("  idle store:     median %8.3f ms   p99 %8.3f ms   max %8.3f ms   (%u reads)\n",
          bench_percentile (samples->idle, 0.5), idle_p99, idle_max, samples->idle->len);
  printf ("  during a write: median %8.3f ms   p99 %8.3f ms   max %8.3f ms   (%u reads)\n",
          bench_percentile (samples->busy, 0.5), busy_p99, busy_max, samples->busy->len);
  printf ("  during / idle:  p99 × %.2f   max × %.2f\n", busy_p99 / idle_p99, busy_max / idle_max);
}

static gpointer
write_in_one_transaction (gpointer data)
{
  Writer *writer = data;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  if (!dh_store_begin (writer->store, &error))
    g_error ("%s", error->message);
  g_atomic_int_set (&writer->begun, TRUE);

  for (guint i = 0; i < writer->households; i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"village\": \"%s\", \"head_name\": \"Thào A Chứ %u\", \"phone\": \"09%08u\"}",
                                               writer->village, i, i);
      g_autoptr(json_object) fields = json_tokener_parse (text);
      g_autoptr(json_object) record = dh_store_create (writer->store, "household", fields, &error);

      if (record == NULL)
        g_error ("%s", error->message);
    }

  if (!dh_store_commit (writer->store, &error))
    g_error ("%s", error->message);
  writer->transaction_s = (g_get_monotonic_time () - start) / 1e6;
  g_atomic_int_set (&writer->finished, TRUE);

  return NULL;
}

/* One read of each kind; page is a page the list has not kept. */
static void
read_once (DhStore      *store,
           DhRecordList *list,
           guint         page,
           Samples      *pages,
           Samples      *counts,
           Samples      *reloads,
           gboolean      busy)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhRecord) record = NULL;
  DhQuery query = { .entity = "household" };
  gint64 start;
  double ms;

  start = g_get_monotonic_time ();
  record = g_list_model_get_item (G_LIST_MODEL (list), page * 50);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  g_assert_true (dh_record_is_loaded (record));
  g_array_append_val (busy ? pages->busy : pages->idle, ms);

  start = g_get_monotonic_time ();
  if (dh_store_count (store, &query, &error) < 0)
    g_error ("%s", error->message);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  g_array_append_val (busy ? counts->busy : counts->idle, ms);

  start = g_get_monotonic_time ();
  if (!dh_record_list_reload (list, &error))
    g_error ("%s", error->message);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  g_array_append_val (busy ? reloads->busy : reloads->idle, ms);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = NULL;
  g_autoptr(DhRecordList) list = NULL;
  g_autoptr(GThread) thread = NULL;
  g_autoptr(GPtrArray) villages = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *village = NULL;
  DhDemoOptions options;
  DhQuery village_query = { .entity = "village", .limit = 1 };
  Writer writer = { 0 };
  Samples pages = { "a list page of 50 households not read before (DhRecordList):" };
  Samples counts = { "a count of the households (dh_store_count):" };
  Samples reloads = { "a list reload (ids and versions of every household):" };
  guint n_pages, page = 0;

  dh_demo_options_init (&options);
  options.households = argc > 1 ? (guint) atoi (argv[1]) : 10000;
  options.seed = 2026;
  writer.households = argc > 2 ? (guint) atoi (argv[2]) : 20000;

  dir = g_dir_make_tmp ("donghanh-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "bench.db", NULL);

  printf ("Đồng Hành read-wait benchmark: %u households in the store, %u more written in one transaction\n",
          options.households, writer.households);

  store = dh_store_open (path, &error);
  g_assert_no_error (error);
  if (!dh_demo_populate (store, &options, NULL, NULL, &error))
    g_error ("%s", error->message);

  villages = dh_store_list (store, &village_query, &error);
  g_assert_no_error (error);
  village = g_strdup (g_ptr_array_index (villages, 0) != NULL ? json_object_get_string (json_object_object_get (g_ptr_array_index (villages, 0), "id")) : NULL);

  list = dh_record_list_new (store, "household", NULL, DH_SORT_GIVEN_NAME, &error);
  g_assert_no_error (error);
  n_pages = (g_list_model_get_n_items (G_LIST_MODEL (list)) + 49) / 50;

  pages.idle = g_array_new (FALSE, FALSE, sizeof (double));
  pages.busy = g_array_new (FALSE, FALSE, sizeof (double));
  counts.idle = g_array_new (FALSE, FALSE, sizeof (double));
  counts.busy = g_array_new (FALSE, FALSE, sizeof (double));
  reloads.idle = g_array_new (FALSE, FALSE, sizeof (double));
  reloads.busy = g_array_new (FALSE, FALSE, sizeof (double));

  /* a first pass warms the caches and is not counted; then pages are read
   * in turn: with more pages than the list keeps, each is read from the
   * store */
  for (guint i = 0; i < n_pages; i++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), i * 50));
  for (guint i = 0; i < 500; i++)
    read_once (store, list, page++ % n_pages, &pages, &counts, &reloads, FALSE);

  writer.store = store;
  writer.village = village;
  thread = g_thread_new ("writer", write_in_one_transaction, &writer);
  while (!g_atomic_int_get (&writer.begun))
    g_thread_yield ();
  while (!g_atomic_int_get (&writer.finished))
    read_once (store, list, page++ % n_pages, &pages, &counts, &reloads, TRUE);
  g_thread_join (g_steal_pointer (&thread));

  printf ("the write: %u households in one transaction took %.1f s; a read that waited for it would\n"
          "have waited up to that long\n\n", writer.households, writer.transaction_s);
  print_samples (&pages);
  print_samples (&counts);
  print_samples (&reloads);

  g_array_unref (pages.idle);
  g_array_unref (pages.busy);
  g_array_unref (counts.idle);
  g_array_unref (counts.busy);
  g_array_unref (reloads.idle);
  g_array_unref (reloads.busy);
  g_clear_object (&list);
  g_clear_object (&store);

  bench_remove_store (dir, path);

  return 0;
}
