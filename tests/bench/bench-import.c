/* bench-import.c – how long an import of the commune's list keeps other writers of the store waiting */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <glib/gstdio.h>

#include "bench-common.h"
#include "dh-autocleanups.h"
#include "dh-demo.h"
#include "dh-store.h"

/* A list of ROWS households (3,000: a large commune) is imported into a
 * store that holds the demo province's places, then imported again with
 * every phone changed (an update of each household). Meanwhile a second
 * connection, as another program or the sync would, writes one household
 * at a time and times each write: the longest of them is how long the
 * import held the store's write lock. The baseline is the same one-record
 * write on the idle store, measured in the same run. */

typedef struct
{
  DhStore    *store;
  const char *path;
  gint        finished;
  double      seconds;
  guint       good;
  guint       bad;
} Import;

static gpointer
import_in_thread (gpointer data)
{
  Import *import = data;
  g_autoptr(GError) error = NULL;
  g_auto(DhImportReport) report = { 0 };
  gint64 start = g_get_monotonic_time ();

  if (!dh_store_import_households (import->store, import->path, FALSE, &report, &error))
    {
      DhImportProblem *first = report.problems->len > 0 ? g_ptr_array_index (report.problems, 0) : NULL;

      g_error ("%s (line %u: %s)", error->message, first != NULL ? first->line : 0, first != NULL ? first->message : "");
    }
  import->seconds = (g_get_monotonic_time () - start) / 1e6;
  import->good = report.good;
  import->bad = report.bad;
  g_atomic_int_set (&import->finished, TRUE);

  return NULL;
}

/* One household written on the other connection; returns its time in ms. */
static double
write_one (DhStore    *store,
           const char *village,
           guint       n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("{\"village\": \"%s\", \"head_name\": \"Giàng A Pó %u\"}", village, n);
  g_autoptr(json_object) fields = json_tokener_parse (text);
  gint64 start = g_get_monotonic_time ();
  g_autoptr(json_object) record = dh_store_create (store, "household", fields, &error);

  if (record == NULL)
    g_error ("%s", error->message);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
write_list (const char *path,
            const char *village,
            guint       rows,
            guint       phone_base)
{
  g_autoptr(GString) list = g_string_new ("Mã hộ;Họ và tên chủ hộ;Thôn;Số điện thoại;Dân tộc;Phân loại;Nguyên nhân nghèo\n");
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < rows; i++)
    g_string_append_printf (list, "NK-%05u;Lò Văn Sính %u;%s;09%08u;Thái;%s;Không có vốn sản xuất, kinh doanh\n",
                            i, i, village, phone_base + i, i % 3 == 0 ? "Hộ nghèo" : "Hộ cận nghèo");
  if (!g_file_set_contents (path, list->str, (gssize) list->len, &error))
    g_error ("%s", error->message);
}

static void
measure (const char *what,
         DhStore    *store,
         DhStore    *other,
         const char *list,
         const char *village,
         double      idle_median,
         guint      *n)
{
  g_autoptr(GThread) thread = NULL;
  g_autoptr(GArray) waits = g_array_new (FALSE, FALSE, sizeof (double));
  Import import = { .store = store, .path = list };
  double longest;

  thread = g_thread_new ("import", import_in_thread, &import);
  while (!g_atomic_int_get (&import.finished))
    {
      double ms = write_one (other, village, (*n)++);

      g_array_append_val (waits, ms);
      g_usleep (2000);
    }
  g_thread_join (g_steal_pointer (&thread));
  g_assert_cmpuint (import.bad, ==, 0);

  longest = bench_percentile (waits, 1.0);
  printf ("%s: %u rows in %.2f s\n", what, import.good, import.seconds);
  printf ("  a one-household write on another connection meanwhile: median %.1f ms, longest %.1f ms (%u writes)\n",
          bench_percentile (waits, 0.5), longest, waits->len);
  printf ("  longest wait / idle write: × %.0f; longest wait / whole import: %.0f %%\n",
          longest / idle_median, 100.0 * longest / 1000.0 / import.seconds);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = NULL;
  g_autoptr(DhStore) other = NULL;
  g_autoptr(GPtrArray) villages = NULL;
  g_autoptr(GArray) idle = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  DhDemoOptions options;
  DhQuery village_query = { .entity = "village", .limit = 2 };
  const char *village_name, *village_id;
  guint rows = argc > 1 ? (guint) atoi (argv[1]) : 3000;
  guint n = 0;
  double idle_median;

  dh_demo_options_init (&options);
  options.households = 0;

  dir = g_dir_make_tmp ("donghanh-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "bench.db", NULL);
  first = g_build_filename (dir, "list.csv", NULL);
  second = g_build_filename (dir, "list-again.csv", NULL);

  printf ("Đồng Hành import benchmark: a list of %u households, imported, then imported again with new phones\n", rows);

  store = dh_store_open (path, &error);
  g_assert_no_error (error);
  if (!dh_demo_populate (store, &options, NULL, NULL, &error))
    g_error ("%s", error->message);
  other = dh_store_open (path, &error);
  g_assert_no_error (error);

  villages = dh_store_list (store, &village_query, &error);
  g_assert_no_error (error);
  village_name = dh_json_get_string (g_ptr_array_index (villages, 0), "name");
  village_id = dh_json_get_string (g_ptr_array_index (villages, 1), "id");
  write_list (first, village_name, rows, 10000000);
  write_list (second, village_name, rows, 20000000);

  for (guint i = 0; i < 200; i++)
    {
      double ms = write_one (other, village_id, n++);

      g_array_append_val (idle, ms);
    }
  idle_median = bench_percentile (idle, 0.5);
  printf ("baseline: the same one-household write on the idle store: median %.1f ms, p99 %.1f ms\n\n",
          idle_median, bench_percentile (idle, 0.99));

  measure ("a new list", store, other, first, village_id, idle_median, &n);
  measure ("the same list again, every phone changed", store, other, second, village_id, idle_median, &n);

  g_clear_object (&other);
  g_clear_object (&store);
  g_unlink (first);
  g_unlink (second);
  bench_remove_store (dir, path);

  return 0;
}
