/* test-bundle.c – changes carried between stores as a file, whole, cut short, replayed or damaged */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <gio/gio.h>

#include "dh-change.h"
#include "store-fixture.h"

static char *
fixture_file (StoreFixture *fixture,
              const char   *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

static DhStore *
open_second_store (StoreFixture *fixture,
                   const char   *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fixture_file (fixture, name);
  DhStore *store = dh_store_open (path, &error);

  g_assert_no_error (error);
  dh_store_set_user (store, name);
  return store;
}

static char *
export_bundle (StoreFixture *fixture,
               const char   *name,
               guint        *out_count)
{
  g_autoptr(GError) error = NULL;
  char *path = fixture_file (fixture, name);

  g_assert_true (dh_store_export_bundle (fixture->store, path, FALSE, out_count, &error));
  g_assert_no_error (error);
  return path;
}

static void
apply_bundle (DhStore        *store,
              const char     *path,
              DhBundleReport *report)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dh_store_apply_bundle (store, path, NULL, NULL, report, &error));
  g_assert_no_error (error);
}

static char **
read_lines (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (text, "\n"));
  text[strlen (text) - 1] = '\0';
  return g_strsplit (text, "\n", -1);
}

static void
write_lines (const char         *path,
             const char * const *lines)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *joined = g_strjoinv ("\n", (char **) lines);
  g_autofree char *text = g_strconcat (joined, "\n", NULL);

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
}

static void
add_households (StoreFixture *fixture,
                guint         n)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dh_store_begin (fixture->store, &error));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(json_object) house = fixture_create (fixture, "household",
                                                     "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính %u\", \"phone\": \"0912345678\"}",
                                                     fixture->village, i);
      g_autoptr(json_object) member = fixture_create (fixture, "member",
                                                      "{\"household\": \"%s\", \"full_name\": \"Lò Thị Mai %u\", \"relation\": \"spouse\", \"sex\": \"female\"}",
                                                      dh_json_get_string (house, "id"), i);
    }
  g_assert_true (dh_store_commit (fixture->store, &error));
  g_assert_no_error (error);
}

/* Every record of both stores, field by field with its clock, is the same. */
static void
assert_same_records (DhStore *a,
                     DhStore *b)
{
  static const char * const entities[] = { "admin_unit", "household", "member" };

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) state_a = dh_store_export_state (a, entities[i], &error);
      g_autoptr(GPtrArray) state_b = dh_store_export_state (b, entities[i], &error);

      g_assert_no_error (error);
      g_assert_cmpuint (state_a->len, ==, state_b->len);
      for (guint j = 0; j < state_a->len; j++)
        g_assert_cmpstr (json_object_to_json_string (g_ptr_array_index (state_a, j)), ==,
                         json_object_to_json_string (g_ptr_array_index (state_b, j)));
    }
}

static gint64
count (DhStore    *store,
       const char *entity)
{
  g_autoptr(GError) error = NULL;
  DhQuery query = { .entity = entity };
  gint64 n = dh_store_count (store, &query, &error);

  g_assert_no_error (error);
  return n;
}

static guint
count_set_aside (DhStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = dh_store_list_quarantine (store, 0, &error);

  g_assert_no_error (error);
  return entries->len;
}

static void
test_round_trip_between_two_stores (StoreFixture  *fixture,
                                    gconstpointer  data)
{
  g_autoptr(DhStore) other = open_second_store (fixture, "other.db");
  g_auto(DhBundleReport) report = { 0 };
  g_autofree char *path = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(json_object) header = NULL;
  g_autoptr(json_object) end = NULL;
  g_autoptr(GError) error = NULL;
  gint64 pending;
  guint written;
  struct stat info;

  add_households (fixture, 3);
  pending = dh_store_count_pending_changes (fixture->store, &error);
  path = export_bundle (fixture, "xa-thu.bundle", &written);
  g_assert_cmpint (written, ==, pending);

  /* personal data: only its owner reads it */
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);

  /* it says what it is, then the changes, then where it ends */
  lines = read_lines (path);
  g_assert_cmpuint (g_strv_length (lines), ==, written + 2);
  header = fixture_json (lines[0]);
  g_assert_cmpstr (dh_json_get_string (header, "donghanh"), ==, "changes");
  g_assert_cmpint (dh_json_get_int (header, "version", 0), ==, DH_BUNDLE_VERSION);
  g_assert_cmpstr (dh_json_get_string (header, "device"), ==, dh_store_get_device_id (fixture->store));
  g_assert_nonnull (dh_json_get_string (header, "made_at"));
  g_assert_cmpint (dh_json_get_int (header, "count", -1), ==, written);
  end = fixture_json (lines[written + 1]);
  g_assert_cmpint (dh_json_get_int (end, "end", -1), ==, written);

  apply_bundle (other, path, &report);
  g_assert_true (report.complete);
  g_assert_false (report.nothing_new);
  g_assert_cmpstr (report.device, ==, dh_store_get_device_id (fixture->store));
  g_assert_cmpuint (report.count, ==, written);
  g_assert_cmpuint (report.received, ==, written);
  g_assert_cmpuint (report.changes.applied, ==, written);
  g_assert_cmpuint (report.changes.rejected, ==, 0);
  g_assert_cmpuint (report.set_aside->len, ==, 0);

  assert_same_records (fixture->store, other);
  g_assert_cmpint (count (other, "household"), ==, 3);
  /* what arrived from elsewhere is not this device's to send */
  g_assert_cmpint (dh_store_count_pending_changes (other, &error), ==, 0);
}

/* A bundle of version 1, whose changes had every field in a list, as a
 * device of that version writes it, still applies, the same. */
static void
test_version_1_bundle_applies (StoreFixture  *fixture,
                               gconstpointer  data)
{
  g_autoptr(DhStore) other = open_second_store (fixture, "other.db");
  g_auto(DhBundleReport) report = { 0 };
  g_autofree char *path = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) old = g_ptr_array_new_with_free_func (g_free);
  guint written, in_lists = 0;

  add_households (fixture, 3);
  path = export_bundle (fixture, "phien-ban-1.bundle", &written);
  lines = read_lines (path);
  g_ptr_array_add (old, g_strdup_printf ("{\"donghanh\": \"changes\", \"version\": 1, \"device\": \"%s\", \"count\": %u}",
                                         dh_store_get_device_id (fixture->store), written));
  for (guint i = 1; i <= written; i++)
    {
      GString *line = g_string_new (NULL);

      dh_change_wire_append_in_lists (lines[i], strlen (lines[i]), line);
      /* a field that is its value alone now went in a list then */
      in_lists += strcmp (line->str, lines[i]) != 0;
      {
        g_autoptr(json_object) change = fixture_json (line->str);

        json_object_object_foreach (json_object_object_get (change, "f"), key, entry)
          {
            (void) key;
            g_assert_true (json_object_is_type (entry, json_type_array));
          }
      }
      g_ptr_array_add (old, g_string_free (line, FALSE));
    }
  g_assert_cmpuint (in_lists, ==, written);
  g_ptr_array_add (old, g_strdup (lines[written + 1]));
  g_ptr_array_add (old, NULL);
  write_lines (path, (const char * const *) old->pdata);

  apply_bundle (other, path, &report);
  g_assert_true (report.complete);
  g_assert_cmpuint (report.changes.applied, ==, written);
  g_assert_cmpuint (report.set_aside->len, ==, 0);
  assert_same_records (fixture->store, other);
}

static void
test_export_marks_changes_sent (StoreFixture  *fixture,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) house = fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\"}", fixture->village);
  g_autoptr(json_object) edit = fixture_json ("{\"notes\": \"Có 2 con bò\"}");
  g_autoptr(GPtrArray) queue = NULL;
  g_autoptr(GPtrArray) after_edit = NULL;
  g_autofree char *path = NULL;
  guint written;

  path = export_bundle (fixture, "sent.bundle", &written);
  queue = dh_store_list_queue (fixture->store, FALSE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queue->len, ==, written);
  for (guint i = 0; i < queue->len; i++)
    g_assert_true (json_object_get_boolean (json_object_object_get (g_ptr_array_index (queue, i), "sent")));

  /* the household's change left the device: an edit makes a change of its own */
  json_object_put (dh_store_update (fixture->store, "household", dh_json_get_string (house, "id"), edit, &error));
  g_assert_no_error (error);
  after_edit = dh_store_list_queue (fixture->store, FALSE, 0, &error);
  g_assert_cmpuint (after_edit->len, ==, written + 1);
  g_assert_false (json_object_get_boolean (json_object_object_get (g_ptr_array_index (after_edit, written), "sent")));
}

static void
test_export_never_replaces_a_file_unasked (StoreFixture  *fixture,
                                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fixture_file (fixture, "bao-cao.xlsx");
  g_autofree char *text = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint files = 0;

  g_assert_true (g_file_set_contents (path, "the official's report", -1, &error));
  g_assert_false (dh_store_export_bundle (fixture->store, path, FALSE, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "the official's report");
  g_assert_cmpint (dh_store_count_pending_changes (fixture->store, &error), >, 0);
  g_assert_no_error (error);

  /* asked to replace it, it does, and leaves no temporary file behind */
  g_assert_true (dh_store_export_bundle (fixture->store, path, TRUE, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "{\"donghanh\":\"changes\""));

  dir = g_dir_open (fixture->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_assert_false (g_str_has_prefix (name, ".bao-cao"));
      files++;
    }
  g_assert_cmpuint (files, >, 0);
}

static void
test_export_with_nothing_pending_is_empty (StoreFixture  *fixture,
                                           gconstpointer  data)
{
  g_autoptr(DhStore) other = open_second_store (fixture, "other.db");
  g_auto(DhBundleReport) report = { 0 };
  g_autofree char *path = fixture_file (fixture, "empty.bundle");
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  guint written = 99;

  g_assert_true (dh_store_export_bundle (other, path, FALSE, &written, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (written, ==, 0);
  lines = read_lines (path);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_cmpstr (lines[1], ==, "{\"end\":0}");

  apply_bundle (fixture->store, path, &report);
  g_assert_true (report.complete);
  g_assert_true (report.nothing_new);
  g_assert_cmpuint (report.received, ==, 0);
}

/* Cut in the middle of a line, as a copy pulled out too soon: the whole
 * lines apply, the cut one is neither applied nor set aside, and a whole
 * copy brings the rest. */
static void
test_cut_bundle_applies_what_is_whole (StoreFixture  *fixture,
                                       gconstpointer  data)
{
  g_autoptr(DhStore) other = open_second_store (fixture, "other.db");
  g_auto(DhBundleReport) cut_report = { 0 };
  g_auto(DhBundleReport) whole_report = { 0 };
  g_autofree char *path = NULL;
  g_autofree char *cut_path = fixture_file (fixture, "cut.bundle");
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const char *middle;
  guint written;

  add_households (fixture, 5);
  path = export_bundle (fixture, "whole.bundle", &written);
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  middle = strchr (text + strlen (text) / 2, '\n');
  g_assert_true (g_file_set_contents (cut_path, text, middle + 10 - text, &error));
  g_assert_no_error (error);

  apply_bundle (other, cut_path, &cut_report);
  g_assert_false (cut_report.complete);
  g_assert_cmpuint (cut_report.count, ==, written);
  g_assert_cmpuint (cut_report.received, >, 0);
  g_assert_cmpuint (cut_report.received, <, written);
  g_assert_cmpuint (cut_report.changes.applied, ==, cut_report.received);
  g_assert_cmpuint (count_set_aside (other), ==, 0);

  apply_bundle (other, path, &whole_report);
  g_assert_true (whole_report.complete);
  g_assert_cmpuint (whole_report.changes.already, ==, cut_report.received);
  g_assert_cmpuint (whole_report.changes.applied, ==, written - cut_report.received);
  assert_same_records (fixture->store, other);
}

/* Cut exactly between two lines: nothing is half, but the end is missing. */
static void
test_bundle_without_its_end_is_not_whole (StoreFixture  *fixture,
                                          gconstpointer  data)
{
  g_autoptr(DhStore) other = open_second_store (fixture, "other.db");
  g_auto(DhBundleReport) report = { 0 };
  g_autofree char *path = export_bundle (fixture, "whole.bundle", NULL);
  g_auto(GStrv) lines = read_lines (path);
  guint n = g_strv_length (lines);

  g_free (lines[n - 1]);
  lines[n - 1] = NULL;
  write_lines (path, (const char * const *) lines);

  apply_bundle (other, path, &report);
  g_assert_false (report.complete);
  g_assert_cmpuint (report.received, ==, n - 2);
  g_assert_cmpuint (report.changes.applied, ==, n - 2);
}

static void
test_replay_writes_nothing (StoreFixture  *fixture,
                            gconstpointer  data)
{
  g_autoptr(DhStore) other = open_second_store (fixture, "other.db");
  g_auto(DhBundleReport) first = { 0 };
  g_auto(DhBundleReport) second = { 0 };
  g_autofree char *path = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) with_bad = g_ptr_array_new ();
  guint written;

  add_households (fixture, 2);
  path = export_bundle (fixture, "twice.bundle", &written);

  /* with a line that is not a change, set aside once */
  lines = read_lines (path);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (i == 3)
        g_ptr_array_add (with_bad, (gpointer) "{\"e\": \"household\", \"r\": ");
      g_ptr_array_add (with_bad, lines[i]);
    }
  g_ptr_array_add (with_bad, NULL);
  write_lines (path, (const char * const *) with_bad->pdata);

  apply_bundle (other, path, &first);
  g_assert_false (first.nothing_new);
  g_assert_cmpuint (first.changes.applied, ==, written);
  g_assert_cmpuint (first.changes.rejected, ==, 1);

  apply_bundle (other, path, &second);
  g_assert_true (second.nothing_new);
  g_assert_cmpuint (second.changes.applied, ==, 0);
  g_assert_cmpuint (second.changes.already, ==, written);
  g_assert_cmpuint (second.changes.conflicts, ==, 0);
  g_assert_cmpuint (count_set_aside (other), ==, 1);
  g_assert_cmpint (count (other, "household"), ==, 2);
  assert_same_records (fixture->store, other);
}

/* A line that is not JSON, a change the rules refuse and a line longer
 * than any change are each set aside with their reason; the rest apply. */
static void
test_bad_lines_set_aside_alone (StoreFixture  *fixture,
                                gconstpointer  data)
{
  g_autoptr(DhStore) other = open_second_store (fixture, "other.db");
  g_auto(DhBundleReport) report = { 0 };
  g_autofree char *path = NULL;
  g_autofree char *long_line = NULL;
  g_autofree char *header = NULL;
  g_autofree char *end = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) damaged = g_ptr_array_new ();
  g_autoptr(GPtrArray) set_aside = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found_line = FALSE, found_record = FALSE;
  guint written, n;

  add_households (fixture, 2);
  path = export_bundle (fixture, "damaged.bundle", &written);
  lines = read_lines (path);
  n = g_strv_length (lines);

  long_line = g_strnfill (DH_CHANGE_MAX_BYTES + 10, 'x');
  header = g_strdup_printf ("{\"donghanh\": \"changes\", \"version\": 1, \"device\": \"aaaaaaaaaaaaaaaa\", \"count\": %u}", written + 3);
  end = g_strdup_printf ("{\"end\": %u}", written + 3);
  g_ptr_array_add (damaged, header);
  for (guint i = 1; i < n - 1; i++)
    {
      if (i == 4)
        {
          g_ptr_array_add (damaged, (gpointer) "{\"e\": \"household\", \"r\": \"5b0e…");
          g_ptr_array_add (damaged, (gpointer) "{\"e\": \"household\", \"r\": \"01a2e0f0-0000-7000-8000-000000000001\", \"u\": \"x\", "
                                               "\"k\": \"0000000000010000-bbbbbbbbbbbbbbbb\", \"f\": {\"classification\": [\"rich\"]}}");
          g_ptr_array_add (damaged, long_line);
        }
      g_ptr_array_add (damaged, lines[i]);
    }
  g_ptr_array_add (damaged, end);
  g_ptr_array_add (damaged, NULL);
  write_lines (path, (const char * const *) damaged->pdata);

  apply_bundle (other, path, &report);
  g_assert_true (report.complete);
  g_assert_cmpuint (report.received, ==, written + 3);
  g_assert_cmpuint (report.changes.applied, ==, written);
  g_assert_cmpuint (report.changes.rejected, ==, 3);
  g_assert_cmpuint (report.set_aside->len, ==, 3);
  for (guint i = 0; i < report.set_aside->len; i++)
    {
      json_object *entry = g_ptr_array_index (report.set_aside, i);

      g_assert_nonnull (dh_json_get_string (entry, "reason"));
      if (dh_json_get_int (entry, "line", 0) == 5)
        found_line = TRUE;
      if (g_strcmp0 (dh_json_get_string (entry, "record_id"), "01a2e0f0-0000-7000-8000-000000000001") == 0)
        found_record = TRUE;
    }
  g_assert_true (found_line);
  g_assert_true (found_record);
  assert_same_records (fixture->store, other);

  /* the store keeps them with their reasons; of the long line, a little */
  set_aside = dh_store_list_quarantine (other, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set_aside->len, ==, 3);
  for (guint i = 0; i < set_aside->len; i++)
    g_assert_cmpuint (strlen (json_object_to_json_string (g_ptr_array_index (set_aside, i))), <, 4096);
}

static void
test_not_a_bundle_is_refused (StoreFixture  *fixture,
                              gconstpointer  data)
{
  static const char * const contents[] = {
    "",
    "Mã hộ,Họ và tên chủ hộ,Thôn\r\n001,Lò Văn Sính,Nà Hẩu\r\n",
    "{\"e\": \"household\", \"r\": \"x\"}\n{\"end\": 1}\n",
    "{\"donghanh\": \"settings\", \"version\": 1}\n{\"end\": 0}\n",
    "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
  };
  g_autoptr(DhStore) other = open_second_store (fixture, "other.db");
  g_autofree char *path = fixture_file (fixture, "not-a-bundle");

  for (guint i = 0; i < G_N_ELEMENTS (contents); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(DhBundleReport) report = { 0 };

      g_assert_true (g_file_set_contents (path, contents[i], i == 4 ? 16 : -1, &error));
      g_assert_false (dh_store_apply_bundle (other, path, NULL, NULL, &report, &error));
      g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, "not a bundle of changes from Đồng Hành"));
      g_assert_cmpuint (report.received, ==, 0);
    }
  g_assert_cmpint (count (other, "household"), ==, 0);
  g_assert_cmpuint (count_set_aside (other), ==, 0);
}

static void
test_newer_bundle_asks_for_an_update (StoreFixture  *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DhBundleReport) report = { 0 };
  g_autofree char *path = fixture_file (fixture, "future.bundle");
  g_autofree char *text = g_strdup_printf ("{\"donghanh\": \"changes\", \"version\": %d, \"count\": 0}\n{\"end\": 0}\n",
                                           DH_BUNDLE_VERSION + 1);

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_false (dh_store_apply_bundle (fixture->store, path, NULL, NULL, &report, &error));
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_TOO_NEW);
}

static void
test_missing_file_says_so (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DhBundleReport) report = { 0 };
  g_autofree char *path = fixture_file (fixture, "no-such.bundle");

  g_assert_false (dh_store_apply_bundle (fixture->store, path, NULL, NULL, &report, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
progress_cb (guint    done,
             guint    total,
             gpointer user_data)
{
  GArray *calls = user_data;

  g_assert_cmpuint (done, <=, total);
  g_array_append_val (calls, done);
}

/* More changes than one transaction takes: each batch lands and says how far it got. */
static void
test_large_bundle_applies_in_batches (StoreFixture  *fixture,
                                      gconstpointer  data)
{
  g_autoptr(DhStore) other = open_second_store (fixture, "other.db");
  g_auto(DhBundleReport) report = { 0 };
  g_autoptr(GArray) calls = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  guint written;

  add_households (fixture, 500);
  path = export_bundle (fixture, "large.bundle", &written);
  g_assert_cmpuint (written, >, 2 * DH_BUNDLE_BATCH_SIZE);

  g_assert_true (dh_store_apply_bundle (other, path, progress_cb, calls, &report, &error));
  g_assert_no_error (error);
  g_assert_true (report.complete);
  g_assert_cmpuint (report.changes.applied, ==, written);
  g_assert_cmpuint (calls->len, ==, written / DH_BUNDLE_BATCH_SIZE + 1);
  g_assert_cmpuint (g_array_index (calls, guint, 0), ==, DH_BUNDLE_BATCH_SIZE);
  g_assert_cmpuint (g_array_index (calls, guint, calls->len - 1), ==, written);
  g_assert_cmpint (count (other, "member"), ==, 500);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  STORE_TEST ("/store/bundle/round-trip-between-two-stores", test_round_trip_between_two_stores);
  STORE_TEST ("/store/bundle/version-1-bundle-applies", test_version_1_bundle_applies);
  STORE_TEST ("/store/bundle/export-marks-changes-sent", test_export_marks_changes_sent);
  STORE_TEST ("/store/bundle/export-never-replaces-a-file-unasked", test_export_never_replaces_a_file_unasked);
  STORE_TEST ("/store/bundle/export-with-nothing-pending-is-empty", test_export_with_nothing_pending_is_empty);
  STORE_TEST ("/store/bundle/cut-bundle-applies-what-is-whole", test_cut_bundle_applies_what_is_whole);
  STORE_TEST ("/store/bundle/bundle-without-its-end-is-not-whole", test_bundle_without_its_end_is_not_whole);
  STORE_TEST ("/store/bundle/replay-writes-nothing", test_replay_writes_nothing);
  STORE_TEST ("/store/bundle/bad-lines-set-aside-alone", test_bad_lines_set_aside_alone);
  STORE_TEST ("/store/bundle/not-a-bundle-is-refused", test_not_a_bundle_is_refused);
  STORE_TEST ("/store/bundle/newer-bundle-asks-for-an-update", test_newer_bundle_asks_for_an_update);
  STORE_TEST ("/store/bundle/missing-file-says-so", test_missing_file_says_so);
  STORE_TEST ("/store/bundle/large-bundle-applies-in-batches", test_large_bundle_applies_in_batches);

  return g_test_run ();
}
