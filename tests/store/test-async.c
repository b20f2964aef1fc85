/* test-async.c – the store's reads and long writes in worker threads, with progress and cancellation */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "dh-report-table.h"
#include "dh-store-private.h"
#include "store-fixture.h"

static GThread *main_thread;

static void
add_households (StoreFixture *fixture,
                guint         n)
{
  for (guint i = 0; i < n; i++)
    json_object_put (fixture_create (fixture, "household",
                                     "{\"village\": \"%s\", \"head_name\": \"Lò Văn Tủa %u\", \"classification\": \"%s\"}",
                                     i % 2 == 0 ? fixture->village : fixture->other_village, i,
                                     i % 3 == 0 ? "poor" : "near_poor"));
}

static gint64
count_households (StoreFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  DhQuery query = { .entity = "household" };
  gint64 count = dh_store_count (fixture->store, &query, &error);

  g_assert_no_error (error);
  return count;
}

static void
assert_same_json (json_object *a,
                  json_object *b)
{
  g_assert_cmpstr (json_object_to_json_string_ext (a, JSON_C_TO_STRING_PLAIN), ==,
                   json_object_to_json_string_ext (b, JSON_C_TO_STRING_PLAIN));
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_true (g_thread_self () == main_thread);
  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *result;
}

/* A table as one text: its title, heading, rows and what it says when empty */
static char *
table_text (const DhReportTable *table)
{
  GString *text = g_string_new (table->title);

  g_string_append_printf (text, "\n%s\n", table->empty);
  for (guint i = 0; i < table->heading->len; i++)
    g_string_append_printf (text, "%s|", (const char *) g_ptr_array_index (table->heading, i));
  for (guint r = 0; r < table->rows->len; r++)
    {
      GPtrArray *cells = g_ptr_array_index (table->rows, r);

      g_string_append_c (text, '\n');
      for (guint c = 0; c < cells->len; c++)
        g_string_append_printf (text, "%s|", (const char *) g_ptr_array_index (cells, c));
    }
  return g_string_free (text, FALSE);
}

static void
test_reads_in_a_worker_thread (StoreFixture  *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) listed = NULL, counted = NULL, found = NULL, status = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) matches = NULL;
  g_autoptr(json_object) status_json = NULL;
  g_autoptr(json_object) expected = NULL;
  DhQuery query = { .entity = "household", .limit = 5, .offset = 3 };

  add_households (fixture, 12);

  dh_store_list_async (fixture->store, &query, NULL, store_result_cb, &listed);
  dh_store_count_async (fixture->store, &query, NULL, store_result_cb, &counted);
  dh_store_search_households_async (fixture->store, "lo van tua", 0, NULL, store_result_cb, &found);
  dh_store_get_status_async (fixture->store, NULL, store_result_cb, &status);

  rows = dh_store_list_finish (fixture->store, wait_for (&listed), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 5);
  g_assert_cmpint (dh_store_count_finish (fixture->store, wait_for (&counted), &error), ==, 12);
  g_assert_no_error (error);
  matches = dh_store_search_households_finish (fixture->store, wait_for (&found), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (matches->len, ==, 12);

  /* the same answers as the reads made on the spot */
  status_json = dh_store_get_status_finish (fixture->store, wait_for (&status), &error);
  g_assert_no_error (error);
  expected = dh_store_get_status (fixture->store, &error);
  assert_same_json (status_json, expected);


  /* the reports in words, read with their places' names in a worker, are
   * the tables read on the spot */
  for (DhReportKind kind = DH_REPORT_VILLAGES; kind <= DH_REPORT_OVERDUE; kind++)
    {
      g_autoptr(GAsyncResult) read = NULL;
      g_autoptr(DhReportTable) table = NULL;
      g_autoptr(DhReportTable) on_the_spot = NULL;
      g_autofree char *text = NULL;
      g_autofree char *expected_text = NULL;
      guint number = kind == DH_REPORT_SUPPORT ? 2026 : 90;

      dh_report_table_read_async (fixture->store, kind, fixture->commune, number, NULL, store_result_cb, &read);
      table = dh_report_table_read_finish (fixture->store, wait_for (&read), &error);
      g_assert_no_error (error);
      on_the_spot = dh_report_table_read (fixture->store, kind, fixture->commune, number, &error);
      g_assert_no_error (error);
      text = table_text (table);
      expected_text = table_text (on_the_spot);
      g_assert_cmpstr (text, ==, expected_text);
      /* two villages and the total; twelve households overdue; no support */
      g_assert_cmpuint (table->rows->len, ==, kind == DH_REPORT_VILLAGES ? 3 : kind == DH_REPORT_OVERDUE ? 12 : 0);
    }
}

static void
test_cancelled_read_says_so (StoreFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) counted = NULL;
  g_autoptr(GAsyncResult) status = NULL;
  g_autoptr(json_object) nothing = NULL;
  g_autoptr(DhConnection) reader = NULL;
  DhQuery query = { .entity = "household" };
  sqlite3_stmt *stmt;

  add_households (fixture, 3);
  g_cancellable_cancel (cancellable);

  dh_store_count_async (fixture->store, &query, cancellable, store_result_cb, &counted);
  g_assert_cmpint (dh_store_count_finish (fixture->store, wait_for (&counted), &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  dh_store_get_status_async (fixture->store, cancellable, store_result_cb, &status);
  nothing = dh_store_get_status_finish (fixture->store, wait_for (&status), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (nothing);
  g_clear_error (&error);

  {
    g_autoptr(GAsyncResult) read = NULL;
    g_autoptr(DhReportTable) table = NULL;

    dh_report_table_read_async (fixture->store, DH_REPORT_VILLAGES, fixture->commune, 0, cancellable, store_result_cb, &read);
    table = dh_report_table_read_finish (fixture->store, wait_for (&read), &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_null (table);
    g_clear_error (&error);
  }

  /* a statement already running stops when its cancellable is cancelled */
  g_cancellable_reset (cancellable);
  reader = dh_store_acquire_reader (fixture->store, cancellable, &error);
  g_assert_no_error (error);
  stmt = dh_connection_prepare (reader, "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                                        "SELECT count (*) FROM n", &error);
  g_assert_no_error (error);
  g_cancellable_cancel (cancellable);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_INTERRUPT);
  dh_connection_set_error (reader, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  sqlite3_reset (stmt);
  g_clear_pointer (&reader, dh_connection_release);

  /* and the reader it ran on reads again for the next caller */
  g_assert_cmpint (count_households (fixture), ==, 3);
}

/* Long writes */

#define WRITE_BATCHES 8
#define WRITE_BATCH   25

typedef struct
{
  StoreFixture *fixture;
  GMutex        mutex;
  GCond         cond;
  guint64       seen;        /* the last progress the main thread saw */
  guint64       cancel_at;   /* cancel once this much is done; 0: never */
  GCancellable *cancellable;
  GString      *reports;
  gboolean      ran;
  gboolean      finished;
} Import;

static void
import_init (Import       *import,
             StoreFixture *fixture)
{
  import->fixture = fixture;
  g_mutex_init (&import->mutex);
  g_cond_init (&import->cond);
  import->cancellable = g_cancellable_new ();
  import->reports = g_string_new (NULL);
}

static void
import_clear (Import *import)
{
  g_mutex_clear (&import->mutex);
  g_cond_clear (&import->cond);
  g_clear_object (&import->cancellable);
  g_string_free (import->reports, TRUE);
}

/* An import: batches of households, each its own transaction; between two
 * batches it reports, and waits for the main thread to have seen it, so
 * that the test knows which batch the cancellation falls after. */
static gboolean
import_in_thread (DhStore       *store,
                  gpointer       data,
                  DhProgress    *progress,
                  GCancellable  *cancellable,
                  GError       **error)
{
  Import *import = data;
  guint64 total = WRITE_BATCHES * WRITE_BATCH;

  g_assert_true (g_thread_self () != main_thread);
  import->ran = TRUE;

  for (guint batch = 0; batch < WRITE_BATCHES; batch++)
    {
      guint64 done = (batch + 1) * WRITE_BATCH;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (!dh_store_begin (store, error))
        return FALSE;
      for (guint i = 0; i < WRITE_BATCH; i++)
        {
          g_autofree char *text = g_strdup_printf ("{\"village\": \"%s\", \"head_name\": \"Giàng A Sình %u\"}",
                                                   import->fixture->village, batch * WRITE_BATCH + i);
          g_autoptr(json_object) fields = json_tokener_parse (text);
          g_autoptr(json_object) record = dh_store_create (store, "household", fields, error);

          if (record == NULL)
            {
              dh_store_rollback (store);
              return FALSE;
            }
        }
      if (!dh_store_commit (store, error))
        return FALSE;

      dh_progress_report (progress, done, total);
      g_mutex_lock (&import->mutex);
      while (import->seen < done)
        g_cond_wait (&import->cond, &import->mutex);
      g_mutex_unlock (&import->mutex);
    }

  return TRUE;
}

static void
import_progress_cb (guint64  done,
                    guint64  total,
                    gpointer user_data)
{
  Import *import = user_data;

  g_assert_true (g_thread_self () == main_thread);
  g_assert_false (import->finished);
  g_string_append_printf (import->reports, "%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " ", done, total);

  if (import->cancel_at > 0 && done >= import->cancel_at)
    g_cancellable_cancel (import->cancellable);

  g_mutex_lock (&import->mutex);
  import->seen = done;
  g_cond_signal (&import->cond);
  g_mutex_unlock (&import->mutex);
}

static void
import_finished_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_true (g_thread_self () == main_thread);
  *out = g_object_ref (result);
}

static void
changed_cb (DhStore    *store,
            const char *entity,
            guint      *heard)
{
  g_assert_true (g_thread_self () == main_thread);
  (*heard)++;
}

static void
test_write_in_thread_reports_progress (StoreFixture  *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  Import import = { 0 };
  guint heard = 0;

  import_init (&import, fixture);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_signal_connect (fixture->store, "changed::household", G_CALLBACK (changed_cb), &heard);

  dh_store_run_write_in_thread (fixture->store, import_in_thread, &import, NULL,
                                import_progress_cb, &import, import.cancellable,
                                import_finished_cb, &result);
  wait_for (&result);
  import.finished = TRUE;

  g_assert_true (dh_store_run_write_finish (fixture->store, result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (import.reports->str, ==, "25/200 50/200 75/200 100/200 125/200 150/200 175/200 200/200 ");
  g_assert_cmpint (count_households (fixture), ==, 200);

  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (heard, >=, 1);

  g_signal_handlers_disconnect_by_func (fixture->store, changed_cb, &heard);
  import_clear (&import);
}

static void
test_write_cancelled_between_batches (StoreFixture  *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  Import import = { 0 };

  import_init (&import, fixture);
  import.cancel_at = 75;

  dh_store_run_write_in_thread (fixture->store, import_in_thread, &import, NULL,
                                import_progress_cb, &import, import.cancellable,
                                import_finished_cb, &result);
  wait_for (&result);
  import.finished = TRUE;

  /* the batches committed before stay; nothing after */
  g_assert_false (dh_store_run_write_finish (fixture->store, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (import.reports->str, ==, "25/200 50/200 75/200 ");
  g_assert_cmpint (count_households (fixture), ==, 75);

  import_clear (&import);
}

static void
test_write_cancelled_before_it_starts (StoreFixture  *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  Import import = { 0 };

  import_init (&import, fixture);
  g_cancellable_cancel (import.cancellable);

  dh_store_run_write_in_thread (fixture->store, import_in_thread, &import, NULL,
                                import_progress_cb, &import, import.cancellable,
                                import_finished_cb, &result);
  wait_for (&result);

  g_assert_false (dh_store_run_write_finish (fixture->store, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (import.ran);
  g_assert_cmpint (count_households (fixture), ==, 0);

  import_clear (&import);
}

static void
bundle_progress_cb (guint64  done,
                    guint64  total,
                    gpointer user_data)
{
  guint64 *last = user_data;

  g_assert_true (g_thread_self () == main_thread);
  g_assert_cmpuint (done, >=, *last);
  *last = done;
}

/* A page from elsewhere, a bundle, an import and an export, each in a
 * worker thread, each result and report on the main thread. */
static void
test_long_writes_in_a_worker_thread (StoreFixture  *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other_path = g_build_filename (fixture->dir, "other.db", NULL);
  g_autofree char *bundle = g_build_filename (fixture->dir, "lan.bundle", NULL);
  g_autofree char *csv = g_build_filename (fixture->dir, "ho.csv", NULL);
  g_autofree char *list = NULL;
  g_autoptr(DhStore) other = dh_store_open (other_path, &error);
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GAsyncResult) applied = NULL;
  g_autoptr(GAsyncResult) exported = NULL;
  g_autoptr(GAsyncResult) carried = NULL;
  g_autoptr(GAsyncResult) imported = NULL;
  g_auto(DhBundleReport) bundle_report = { 0 };
  g_auto(DhImportReport) import_report = { 0 };
  DhApplyReport report = { 0 };
  guint written = 0;
  guint64 last = 0;

  g_assert_no_error (error);
  page = dh_store_get_pending_changes (fixture->store, 0, &error);
  g_assert_no_error (error);

  dh_store_apply_changes_async (other, page, "7", NULL, store_result_cb, &applied);
  g_assert_true (dh_store_apply_changes_finish (other, wait_for (&applied), &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.applied, ==, page->len);

  dh_store_export_bundle_async (fixture->store, bundle, FALSE, NULL, store_result_cb, &exported);
  g_assert_true (dh_store_export_finish (fixture->store, wait_for (&exported), &written, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (written, ==, page->len);

  dh_store_apply_bundle_async (other, bundle, bundle_progress_cb, &last, NULL, store_result_cb, &carried);
  g_assert_true (dh_store_apply_bundle_finish (other, wait_for (&carried), &bundle_report, &error));
  g_assert_no_error (error);
  g_assert_true (bundle_report.complete);
  g_assert_true (bundle_report.nothing_new);
  g_assert_cmpuint (last, ==, page->len);

  list = g_strdup_printf ("Họ và tên chủ hộ,Thôn\nHà Văn Dũng,%s\nLò Văn Sính,Thôn Không Có\n", fixture->village);
  g_assert_true (g_file_set_contents (csv, list, -1, &error));
  dh_store_import_households_async (fixture->store, csv, FALSE, NULL, NULL, NULL, store_result_cb, &imported);
  g_assert_false (dh_store_import_households_finish (fixture->store, wait_for (&imported), &import_report, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (import_report.good, ==, 1);
  g_assert_cmpuint (import_report.bad, ==, 1);
  g_assert_cmpuint (import_report.problems->len, ==, 1);
  g_assert_cmpuint (((DhImportProblem *) g_ptr_array_index (import_report.problems, 0))->line, ==, 3);

  /* a list of members, once its household is there */
  {
    g_auto(DhImportReport) members_report = { 0 };
    g_autofree char *households_list = g_strdup_printf ("Mã hộ,Họ và tên chủ hộ,Thôn\nA-9,Hà Văn Dũng,%s\n", fixture->village);
    g_autofree char *members_csv = g_build_filename (fixture->dir, "nhan-khau.csv", NULL);

    g_clear_error (&error);
    dh_import_report_clear (&import_report);
    g_assert_true (g_file_set_contents (csv, households_list, -1, &error));
    g_clear_object (&imported);
    dh_store_import_households_async (fixture->store, csv, FALSE, NULL, NULL, NULL, store_result_cb, &imported);
    g_assert_true (dh_store_import_households_finish (fixture->store, wait_for (&imported), &import_report, &error));
    g_assert_no_error (error);

    g_assert_true (g_file_set_contents (members_csv, "Mã hộ,Họ và tên,Quan hệ với chủ hộ\nA-9,Hà Thị Lan,Vợ/chồng\n", -1, &error));
    g_clear_object (&imported);
    dh_store_import_members_async (fixture->store, members_csv, FALSE, NULL, NULL, NULL, store_result_cb, &imported);
    g_assert_true (dh_store_import_households_finish (fixture->store, wait_for (&imported), &members_report, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (members_report.created, ==, 1);
  }
}

typedef struct
{
  guint64       last;
  guint         reports;
  gboolean      went_back;
  GCancellable *cancel_when_writing;  /* cancelled at the first report of the writing half */
} ImportProgress;

static void
list_import_progress_cb (guint64  done,
                    guint64  total,
                    gpointer user_data)
{
  ImportProgress *progress = user_data;

  g_assert_true (g_thread_self () == main_thread);
  g_assert_cmpuint (total, ==, 1000);
  g_assert_cmpuint (done, <=, total);
  if (done < progress->last)
    progress->went_back = TRUE;
  progress->last = done;
  progress->reports++;
  if (progress->cancel_when_writing != NULL && done >= total / 2 && done < total)
    g_cancellable_cancel (progress->cancel_when_writing);
}

/* An import tells how far it has come, and cancelled, even while it
 * writes, leaves nothing of itself in the store. */
static void
test_import_reports_progress_and_cancels (StoreFixture  *fixture,
                                          gconstpointer  data)
{
  g_autofree char *csv = g_build_filename (fixture->dir, "ho-lon.csv", NULL);
  g_autoptr(GString) list = g_string_new ("Mã hộ,Họ và tên chủ hộ,Thôn\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_auto(DhImportReport) report = { 0 };
  g_auto(DhImportReport) cancelled_report = { 0 };
  ImportProgress progress = { 0 };
  ImportProgress cancelled = { 0 };
  DhQuery query = { .entity = "household" };
  gint64 before = dh_store_count (fixture->store, &query, NULL);
  gint64 pending_before = dh_store_count_pending_changes (fixture->store, NULL);

  for (guint i = 0; i < 600; i++)
    g_string_append_printf (list, "P-%04u,Người Thứ %u,%s\n", i, i, fixture->village);
  g_assert_true (g_file_set_contents (csv, list->str, -1, &error));

  /* cancelled while it writes: the transaction goes, and no household with it */
  cancelled.cancel_when_writing = cancellable;
  dh_store_import_households_async (fixture->store, csv, FALSE, list_import_progress_cb, &cancelled,
                                    cancellable, store_result_cb, &second);
  g_assert_false (dh_store_import_households_finish (fixture->store, wait_for (&second), &cancelled_report, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (cancelled.last, >=, 500);
  g_assert_cmpint (dh_store_count (fixture->store, &query, NULL), ==, before);
  g_assert_cmpint (dh_store_count_pending_changes (fixture->store, NULL), ==, pending_before);

  /* the whole import: reports that never go back, ending at all of it */
  dh_store_import_households_async (fixture->store, csv, FALSE, list_import_progress_cb, &progress,
                                    NULL, store_result_cb, &first);
  g_assert_true (dh_store_import_households_finish (fixture->store, wait_for (&first), &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.created, ==, 600);
  g_assert_cmpuint (progress.reports, >, 1);
  g_assert_false (progress.went_back);
  g_assert_cmpuint (progress.last, ==, 1000);
  g_assert_cmpint (dh_store_count (fixture->store, &query, NULL), ==, before + 600);
}

static void
export_progress_cb (guint64  done,
                    guint64  total,
                    gpointer user_data)
{
  guint64 *last = user_data;

  g_assert_true (g_thread_self () == main_thread);
  g_assert_cmpuint (done, <=, total);
  g_assert_cmpuint (done, >=, *last);
  *last = done;
}

/* An export tells how many rows it has written; cancelled, it leaves the
 * file that was there as it was, and no half-written one beside it. */
static void
test_export_reports_progress_and_cancels (StoreFixture  *fixture,
                                          gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "ho.csv", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GDir) dir = NULL;
  DhQuery query = { .entity = "household" };
  gint64 households;
  guint64 last = 0;
  guint written = 0;
  const char *name;
  guint files = 0;

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(json_object) household = fixture_create (fixture, "household",
                                                         "{\"village\": \"%s\", \"head_name\": \"Người Thứ %u\"}",
                                                         fixture->village, i);
    }
  households = dh_store_count (fixture->store, &query, NULL);
  g_assert_cmpint (households, ==, 5);
  dh_store_export_csv_async (fixture->store, "household", path, export_progress_cb, &last,
                             NULL, store_result_cb, &result);
  g_assert_true (dh_store_export_finish (fixture->store, wait_for (&result), &written, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (written, ==, households);
  g_assert_cmpuint (last, ==, households);

  /* cancelled: the list exported before stays as it was */
  g_assert_true (g_file_set_contents (path, "the list of last year\n", -1, NULL));
  g_cancellable_cancel (cancellable);
  g_assert_false (dh_store_export_csv_in_thread (fixture->store, "household", path, NULL, cancellable, &written, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "the list of last year\n");
  dir = g_dir_open (fixture->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    files += g_str_has_prefix (name, ".ho.csv");
  g_assert_cmpuint (files, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  main_thread = g_thread_self ();

  STORE_TEST ("/store/async/reads-in-a-worker-thread", test_reads_in_a_worker_thread);
  STORE_TEST ("/store/async/cancelled-read-says-so", test_cancelled_read_says_so);
  STORE_TEST ("/store/async/write-in-thread-reports-progress", test_write_in_thread_reports_progress);
  STORE_TEST ("/store/async/import-reports-progress-and-cancels", test_import_reports_progress_and_cancels);
  STORE_TEST ("/store/async/export-reports-progress-and-cancels", test_export_reports_progress_and_cancels);
  STORE_TEST ("/store/async/write-cancelled-between-batches", test_write_cancelled_between_batches);
  STORE_TEST ("/store/async/write-cancelled-before-it-starts", test_write_cancelled_before_it_starts);
  STORE_TEST ("/store/async/long-writes-in-a-worker-thread", test_long_writes_in_a_worker_thread);

  return g_test_run ();
}
