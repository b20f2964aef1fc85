/* test-sync.c – the pending-change queue and the merge of changes from elsewhere */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <sqlite3.h>

#include "dh-change.h"
#include "dh-demo.h"
#include "dh-hlc.h"
#include "dh-store-private.h"
#include "store-fixture.h"

static GPtrArray *
pending (DhStore *store)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *changes = dh_store_get_pending_changes (store, 0, &error);

  g_assert_no_error (error);
  return changes;
}

/* The count of the changes waiting, kept by the queue's triggers, is the
 * queue's own. */
static void
assert_pending_count (DhStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = pending (store);

  g_assert_cmpint (dh_store_count_pending_changes (store, &error), ==, (gint64) changes->len);
  g_assert_no_error (error);
}

static char *
change_id (json_object *wire)
{
  return g_strconcat (dh_json_get_string (wire, "r"), "@", dh_json_get_string (wire, "k"), NULL);
}

static void
acknowledge_all (DhStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = pending (store);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < changes->len; i++)
    g_ptr_array_add (ids, change_id (g_ptr_array_index (changes, i)));
  g_ptr_array_add (ids, NULL);

  g_assert_true (dh_store_acknowledge_changes (store, (const char * const *) ids->pdata, &error));
  g_assert_no_error (error);
}

static DhApplyReport
apply (DhStore   *store,
       GPtrArray *changes)
{
  g_autoptr(GError) error = NULL;
  DhApplyReport report;

  g_assert_true (dh_store_apply_changes (store, changes, NULL, &report, &error));
  g_assert_no_error (error);
  return report;
}

static DhStore *
open_second_store (StoreFixture *fixture,
                   const char   *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  DhStore *store = dh_store_open (path, &error);

  g_assert_no_error (error);
  dh_store_set_user (store, name);
  return store;
}

/* fields: {"name": [value, base], ...} as they travel */
static json_object *
change_for (const char *record_id,
            const char *entity,
            const char *clock,
            const char *fields)
{
  g_autofree char *text = g_strdup_printf ("{\"e\": \"%s\", \"r\": \"%s\", \"u\": \"remote\", \"k\": \"%s\", \"f\": %s}",
                                           entity, record_id, clock, fields);

  return fixture_json (text);
}

/* A clock a little after now, as another device would stamp. */
static char *
clock_after_now (guint        seconds,
                 const char  *device)
{
  guint64 ms = (guint64) (g_get_real_time () / 1000) + seconds * 1000;

  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x-%s", ms << 16, device);
}

static char *
field_clock (DhStore    *store,
             const char *entity,
             const char *id,
             const char *field)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) states = dh_store_export_state (store, entity, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < states->len; i++)
    {
      json_object *wire = g_ptr_array_index (states, i);
      DhWrite write;

      if (g_strcmp0 (dh_json_get_string (wire, "r"), id) != 0)
        continue;
      if (!dh_change_wire_get_write (wire, field, &write))
        return NULL;
      return g_strdup (write.clock);
    }

  return NULL;
}

static void
test_acknowledge_clears_queue_and_marks_synced (StoreFixture  *fixture,
                                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) house = fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\"}", fixture->village);
  g_autoptr(json_object) record = NULL;
  g_autoptr(GPtrArray) left = NULL;
  const char *unknown[] = { "7d1b8f5e-9a55-4c1e-8a8e-3d0c0f4a2b11@0000000000010000-aaaaaaaaaaaaaaaa", "nonsense", NULL };

  g_assert_cmpint (dh_store_count_pending_changes (fixture->store, &error), ==, 5);
  acknowledge_all (fixture->store);
  g_assert_cmpint (dh_store_count_pending_changes (fixture->store, &error), ==, 0);

  record = dh_store_get (fixture->store, "household", dh_json_get_string (house, "id"), &error);
  g_assert_cmpstr (dh_json_get_string (record, "sync_state"), ==, "synced");

  /* an acknowledgement that arrives twice is harmless */
  g_assert_true (dh_store_acknowledge_changes (fixture->store, unknown, &error));
  g_assert_no_error (error);
  left = pending (fixture->store);
  g_assert_cmpuint (left->len, ==, 0);
}

static void
test_edit_after_sync_is_modified (StoreFixture  *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) house = fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\"}", fixture->village);
  g_autoptr(json_object) changes = fixture_json ("{\"notes\": \"Có 2 con bò\"}");
  g_autoptr(json_object) record = NULL;

  acknowledge_all (fixture->store);
  record = dh_store_update (fixture->store, "household", dh_json_get_string (house, "id"), changes, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (record, "sync_state"), ==, "modified");
}

static void
test_replay_creates_no_duplicate (StoreFixture  *fixture,
                                  gconstpointer  data)
{
  g_autoptr(DhStore) other = open_second_store (fixture, "other.db");
  g_autoptr(GPtrArray) changes = pending (fixture->store);
  g_autoptr(GError) error = NULL;
  DhQuery query = { .entity = "admin_unit" };
  DhApplyReport report;

  report = apply (other, changes);
  g_assert_cmpuint (report.applied, ==, 4);
  report = apply (other, changes);
  g_assert_cmpuint (report.applied, ==, 0);
  g_assert_cmpuint (report.already, ==, 4);
  apply (other, changes);

  g_assert_cmpint (dh_store_count (other, &query, &error), ==, 4);
  g_assert_cmpint (dh_store_count_pending_changes (other, &error), ==, 0);
}

static void
test_later_clock_wins_each_field (StoreFixture  *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) house = fixture_create (fixture, "household",
                                                 "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\", \"notes\": \"cũ\"}",
                                                 fixture->village);
  const char *id = dh_json_get_string (house, "id");
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(json_object) record = NULL;
  g_autofree char *made = field_clock (fixture->store, "household", id, "notes");
  g_autofree char *later = clock_after_now (60, "bbbbbbbbbbbbbbbb");
  g_autofree char *fields = g_strdup_printf ("{\"address\": [\"Nhà số 5\", \"\"], \"notes\": [\"mới\", \"%s\"]}", made);

  acknowledge_all (fixture->store);

  /* from a device whose clock is far behind: loses; from one a minute ahead: wins */
  g_ptr_array_add (batch, change_for (id, "household", "0000000000010000-aaaaaaaaaaaaaaaa", "{\"notes\": [\"older\"]}"));
  g_ptr_array_add (batch, change_for (id, "household", later, fields));
  apply (fixture->store, batch);

  record = dh_store_get (fixture->store, "household", id, &error);
  g_assert_cmpstr (dh_json_get_string (record, "notes"), ==, "mới");
  g_assert_cmpstr (dh_json_get_string (record, "address"), ==, "Nhà số 5");
}

static void
test_clock_moves_past_what_it_has_seen (StoreFixture  *fixture,
                                        gconstpointer  data)
{
  g_autoptr(json_object) house = fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\"}", fixture->village);
  const char *id = dh_json_get_string (house, "id");
  g_autofree char *ahead = clock_after_now (3 * 24 * 3600, "bbbbbbbbbbbbbbbb");
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) changes = fixture_json ("{\"notes\": \"sau\"}");
  g_autoptr(json_object) record = NULL;
  g_autoptr(GPtrArray) queue = NULL;
  json_object *last;

  /* a device whose clock runs three days ahead */
  g_ptr_array_add (batch, change_for (id, "household", ahead, "{\"notes\": [\"trước\"]}"));
  apply (fixture->store, batch);

  /* a local edit after seeing it still wins over it */
  record = dh_store_update (fixture->store, "household", id, changes, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (record, "notes"), ==, "sau");
  queue = pending (fixture->store);
  last = g_ptr_array_index (queue, queue->len - 1);
  g_assert_cmpint (strcmp (dh_json_get_string (last, "k"), ahead), >, 0);
}

/* One change stamped absurdly far ahead is set aside, and never adopted. */
static void
test_absurd_clock_refused_never_adopted (StoreFixture  *fixture,
                                         gconstpointer  data)
{
  g_autoptr(json_object) house = fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\"}", fixture->village);
  const char *id = dh_json_get_string (house, "id");
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) changes = fixture_json ("{\"notes\": \"sau\"}");
  g_autoptr(json_object) record = NULL;
  g_autoptr(GPtrArray) queue = NULL;
  g_autoptr(GPtrArray) set_aside = NULL;
  DhApplyReport report;

  g_ptr_array_add (batch, change_for (id, "household", "7fffffffffff0000-bbbbbbbbbbbbbbbb", "{\"notes\": [\"tương lai\"]}"));
  report = apply (fixture->store, batch);
  g_assert_cmpuint (report.rejected, ==, 1);

  record = dh_store_update (fixture->store, "household", id, changes, &error);
  g_assert_no_error (error);
  queue = pending (fixture->store);
  g_assert_cmpint (strncmp (dh_json_get_string (g_ptr_array_index (queue, queue->len - 1), "k"), "7fff", 4), <, 0);

  set_aside = dh_store_list_quarantine (fixture->store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set_aside->len, ==, 1);
  g_assert_nonnull (strstr (dh_json_get_string (g_ptr_array_index (set_aside, 0), "reason"), "clock"));

  /* a store whose clock an older version dragged into the future follows
   * the wall clock again when it opens */
  g_assert_true (dh_store_set_meta (fixture->store, "clock_last", "7fffffffffff0000", &error));
  g_clear_object (&fixture->store);
  fixture->store = dh_store_open (fixture->path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(json_object) again = fixture_json ("{\"notes\": \"lần nữa\"}");
    g_autoptr(GPtrArray) after = NULL;

    fixture_mark_sent (fixture);
    json_object_put (dh_store_update (fixture->store, "household", id, again, &error));
    g_assert_no_error (error);
    after = pending (fixture->store);
    g_assert_cmpint (strncmp (dh_json_get_string (g_ptr_array_index (after, after->len - 1), "k"), "7fff", 4), <, 0);
  }
}

/* Two people changed one phone, neither having seen the other's change:
 * the later wins, the other is kept as a conflict that goes to the server
 * so that every device of the commune and its officials see it. */
static void
test_concurrent_edit_keeps_loser_as_conflict (StoreFixture  *fixture,
                                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) house = fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\"}", fixture->village);
  const char *id = dh_json_get_string (house, "id");
  g_autoptr(json_object) local = fixture_json ("{\"phone\": \"0912000111\"}");
  g_autoptr(json_object) record = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GPtrArray) queue = NULL;
  g_autofree char *made = NULL;
  g_autofree char *later = clock_after_now (60, "bbbbbbbbbbbbbbbb");
  g_autofree char *fields = NULL;
  DhQuery query = { .entity = "conflict" };
  json_object *conflict;
  DhApplyReport report;

  acknowledge_all (fixture->store);
  made = field_clock (fixture->store, "household", id, "head_name");
  record = dh_store_update (fixture->store, "household", id, local, &error);
  g_assert_no_error (error);
  acknowledge_all (fixture->store);

  /* the other device had seen the household as it was made, not our phone */
  fields = g_strdup_printf ("{\"phone\": [\"0987654321\", \"%s\"]}", made);
  g_ptr_array_add (batch, change_for (id, "household", later, fields));
  report = apply (fixture->store, batch);
  g_assert_cmpuint (report.conflicts, ==, 1);

  g_clear_pointer (&record, json_object_put);
  record = dh_store_get (fixture->store, "household", id, &error);
  g_assert_cmpstr (dh_json_get_string (record, "phone"), ==, "0987654321");

  conflicts = dh_store_list (fixture->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  conflict = g_ptr_array_index (conflicts, 0);
  g_assert_cmpstr (dh_json_get_string (conflict, "field"), ==, "phone");
  g_assert_cmpstr (dh_json_get_string (conflict, "lost_value"), ==, "0912000111");
  g_assert_cmpstr (dh_json_get_string (conflict, "lost_by"), ==, "tester");
  g_assert_cmpstr (dh_json_get_string (conflict, "commune"), ==, fixture->commune);

  /* an official sees what the record holds now beside what was lost */
  {
    g_autoptr(GPtrArray) listed = dh_store_list_conflicts (fixture->store, FALSE, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (listed->len, ==, 1);
    g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (listed, 0), "kept_value"), ==, "0987654321");
    g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (listed, 0), "kept_by"), ==, "remote");
    g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (listed, 0), "lost_value"), ==, "0912000111");
  }

  /* found here, it travels like any record */
  queue = pending (fixture->store);
  g_assert_cmpuint (queue->len, ==, 1);
  g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (queue, 0), "e"), ==, "conflict");
  g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (queue, 0), "c"), ==, fixture->commune);

  /* the same conflict found at the server and sent back is the same record */
  report = apply (fixture->store, queue);
  g_assert_cmpuint (report.applied, ==, 0);
  g_assert_cmpint (dh_store_count (fixture->store, &query, &error), ==, 1);
}

/* A device's own change coming back while its later edit is waiting is its
 * own past, not a conflict with itself. */
static void
test_own_echo_is_no_conflict (StoreFixture  *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = fixture_new_id (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\"}", fixture->village);
  g_autoptr(json_object) first = fixture_json ("{\"phone\": \"0912000111\"}");
  g_autoptr(json_object) second = fixture_json ("{\"phone\": \"0912000222\"}");
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(json_object) record = NULL;
  DhQuery query = { .entity = "conflict" };
  DhApplyReport report;

  json_object_put (dh_store_update (fixture->store, "household", id, first, &error));
  g_assert_no_error (error);
  fixture_mark_sent (fixture);
  sent = pending (fixture->store);
  json_object_put (dh_store_update (fixture->store, "household", id, second, &error));
  g_assert_no_error (error);

  report = apply (fixture->store, sent);
  g_assert_cmpuint (report.conflicts, ==, 0);
  g_assert_cmpint (dh_store_count (fixture->store, &query, &error), ==, 0);
  record = dh_store_get (fixture->store, "household", id, &error);
  g_assert_cmpstr (dh_json_get_string (record, "phone"), ==, "0912000222");
}

static void
test_two_devices_converge (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) b = open_second_store (fixture, "b.db");
  g_autoptr(json_object) house = fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\"}", fixture->village);
  const char *id = dh_json_get_string (house, "id");
  g_autoptr(GPtrArray) initial = pending (fixture->store);
  g_autoptr(GPtrArray) from_a = NULL;
  g_autoptr(GPtrArray) from_b = NULL;
  g_autoptr(GPtrArray) state_a = NULL;
  g_autoptr(GPtrArray) state_b = NULL;
  g_autoptr(json_object) edit_a = fixture_json ("{\"notes\": \"A\", \"address\": \"A\"}");
  g_autoptr(json_object) edit_b = fixture_json ("{\"notes\": \"B\", \"phone\": \"0911111111\"}");
  g_autoptr(json_object) on_a = NULL;

  apply (b, initial);
  acknowledge_all (fixture->store);

  json_object_put (dh_store_update (fixture->store, "household", id, edit_a, &error));
  g_assert_no_error (error);
  json_object_put (dh_store_update (b, "household", id, edit_b, &error));
  g_assert_no_error (error);

  from_a = pending (fixture->store);
  from_b = pending (b);
  apply (fixture->store, from_b);
  apply (b, from_a);
  /* each found the conflict over notes: exchange those too */
  g_clear_pointer (&from_a, g_ptr_array_unref);
  g_clear_pointer (&from_b, g_ptr_array_unref);
  from_a = pending (fixture->store);
  from_b = pending (b);
  apply (fixture->store, from_b);
  apply (b, from_a);

  for (guint i = 0; i < 2; i++)
    {
      const char *entity = i == 0 ? "household" : "conflict";

      g_clear_pointer (&state_a, g_ptr_array_unref);
      g_clear_pointer (&state_b, g_ptr_array_unref);
      state_a = dh_store_export_state (fixture->store, entity, &error);
      state_b = dh_store_export_state (b, entity, &error);
      g_assert_cmpuint (state_a->len, ==, state_b->len);
      for (guint j = 0; j < state_a->len; j++)
        g_assert_cmpstr (json_object_to_json_string (g_ptr_array_index (state_a, j)), ==,
                         json_object_to_json_string (g_ptr_array_index (state_b, j)));
    }
  g_assert_cmpuint (state_a->len, ==, 1);

  on_a = dh_store_get (fixture->store, "household", id, &error);
  g_assert_cmpstr (dh_json_get_string (on_a, "address"), ==, "A");
  g_assert_cmpstr (dh_json_get_string (on_a, "phone"), ==, "0911111111");
}

/* A change that fails its checks is set aside with its reason; the rest of
 * its page applies, and the next page is not stuck behind it. */
static void
test_bad_change_set_aside_alone (StoreFixture  *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *other = g_uuid_string_random ();
  g_autoptr(GPtrArray) set_aside = NULL;
  DhQuery query = { .entity = "province" };
  DhApplyReport report;

  g_ptr_array_add (batch, change_for (id, "household", "not-a-clock", "{\"notes\": [\"x\"]}"));
  g_ptr_array_add (batch, change_for (id, "admin_unit", "0000000000010000-aaaaaaaaaaaaaaaa",
                                      "{\"code\": [\"X\"], \"kind\": [\"province\"], \"name\": [\"Tỉnh X\"]}"));
  g_ptr_array_add (batch, change_for (other, "household", "0000000000020000-aaaaaaaaaaaaaaaa", "{\"phone\": [\"12\"]}"));
  g_ptr_array_add (batch, fixture_json ("[1, 2, 3]"));

  report = apply (fixture->store, batch);
  g_assert_cmpuint (report.applied, ==, 1);
  g_assert_cmpuint (report.rejected, ==, 3);
  g_assert_cmpint (dh_store_count (fixture->store, &query, NULL), ==, 2);

  /* the same page again: counted again, kept once */
  report = apply (fixture->store, batch);
  g_assert_cmpuint (report.rejected, ==, 3);
  g_assert_cmpuint (report.already, ==, 1);

  set_aside = dh_store_list_quarantine (fixture->store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set_aside->len, ==, 3);
  for (guint i = 0; i < set_aside->len; i++)
    g_assert_nonnull (dh_json_get_string (g_ptr_array_index (set_aside, i), "reason"));
}

/* A long page is checked on a thread of its own while it is written (on a
 * machine of more than one processor): its bad changes are set aside each
 * alone and the rest land, as in a short one. A write that fails early in
 * the page, while its checker is still at work (here a trigger another
 * program put on the file), leaves nothing of the page, and the page
 * lands whole later. */
static void
test_long_page_sets_aside_alone (StoreFixture  *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(GPtrArray) set_aside = NULL;
  DhQuery households = { .entity = "household" };
  gint64 before = dh_store_count (fixture->store, &households, NULL);
  guint bad = 0;
  sqlite3 *db = NULL;
  DhApplyReport report;

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *id = g_uuid_string_random ();
      g_autofree char *clock = i % 10 == 4 ? g_strdup ("not-a-clock") : g_strdup_printf ("%016x-aaaaaaaaaaaaaaaa", (i + 1) << 16);
      g_autofree char *fields = g_strdup_printf ("{\"village\": [\"%s\"], \"head_name\": [\"Hộ %u\"]%s}", fixture->village, i,
                                                 i % 25 == 7 ? ", \"colour\": [\"xanh\"]" : "");

      bad += i % 10 == 4 || i % 25 == 7;
      g_ptr_array_add (page, change_for (id, "household", clock, fields));
    }

  g_assert_cmpint (sqlite3_open (dh_store_get_path (fixture->store), &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TRIGGER refuse BEFORE INSERT ON household WHEN NEW.head_name = 'Hộ 20' "
                                     "BEGIN SELECT RAISE (ABORT, 'refused by a test'); END",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_false (dh_store_apply_changes (fixture->store, page, "page-1", &report, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (dh_store_count (fixture->store, &households, NULL), ==, before);
  set_aside = dh_store_list_quarantine (fixture->store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set_aside->len, ==, 0);
  g_clear_pointer (&set_aside, g_ptr_array_unref);

  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER refuse", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (dh_store_apply_changes (fixture->store, page, "page-1", &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.applied, ==, page->len - bad);
  g_assert_cmpuint (report.rejected, ==, bad);
  g_assert_cmpint (dh_store_count (fixture->store, &households, NULL), ==, before + (gint64) (page->len - bad));
  set_aside = dh_store_list_quarantine (fixture->store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set_aside->len, ==, bad);
  for (guint i = 0; i < set_aside->len; i++)
    g_assert_nonnull (dh_json_get_string (g_ptr_array_index (set_aside, i), "reason"));
}

/* Ids are unique across kinds, within a page as against the store: a
 * record whose id another kind has, here or earlier in its own page, is
 * set aside; a member finds the household made earlier in its page. */
static void
test_id_of_another_kind_set_aside (StoreFixture  *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) first = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(GPtrArray) second = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(GPtrArray) set_aside = NULL;
  g_autofree char *place = g_uuid_string_random ();
  g_autofree char *house = g_uuid_string_random ();
  g_autofree char *person = g_uuid_string_random ();
  g_autofree char *stranger = g_uuid_string_random ();
  g_autofree char *orphan = g_uuid_string_random ();
  g_autofree char *household_fields = g_strdup_printf ("{\"village\": [\"%s\"], \"head_name\": [\"Lò Văn Sính\"]}", fixture->village);
  g_autofree char *member_fields = g_strdup_printf ("{\"household\": [\"%s\"], \"full_name\": [\"Lò Thị Mỷ\"]}", house);
  g_autofree char *orphan_fields = g_strdup_printf ("{\"household\": [\"%s\"], \"full_name\": [\"Lò Văn Páo\"]}", stranger);
  DhQuery households = { .entity = "household" };
  DhQuery members = { .entity = "member" };
  DhApplyReport report;

  /* a place, then a household under the place's id: one page */
  g_ptr_array_add (first, change_for (place, "admin_unit", "0000000000010000-aaaaaaaaaaaaaaaa",
                                      "{\"code\": [\"X\"], \"kind\": [\"province\"], \"name\": [\"Tỉnh X\"]}"));
  g_ptr_array_add (first, change_for (place, "household", "0000000000020000-aaaaaaaaaaaaaaaa", household_fields));
  g_ptr_array_add (first, change_for (house, "household", "0000000000030000-aaaaaaaaaaaaaaaa", household_fields));
  g_ptr_array_add (first, change_for (person, "member", "0000000000040000-aaaaaaaaaaaaaaaa", member_fields));
  report = apply (fixture->store, first);
  g_assert_cmpuint (report.applied, ==, 3);
  g_assert_cmpuint (report.rejected, ==, 1);
  g_assert_cmpuint (report.held, ==, 0);

  /* against the store: a member under the household's id, and one whose
   * household is not there yet */
  g_ptr_array_add (second, change_for (house, "member", "0000000000050000-aaaaaaaaaaaaaaaa", member_fields));
  g_ptr_array_add (second, change_for (orphan, "member", "0000000000060000-aaaaaaaaaaaaaaaa", orphan_fields));
  report = apply (fixture->store, second);
  g_assert_cmpuint (report.applied, ==, 0);
  g_assert_cmpuint (report.rejected, ==, 1);
  g_assert_cmpuint (report.held, ==, 1);

  g_assert_cmpint (dh_store_count (fixture->store, &households, &error), ==, 1);
  g_assert_cmpint (dh_store_count (fixture->store, &members, &error), ==, 1);
  g_assert_no_error (error);
  set_aside = dh_store_list_quarantine (fixture->store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set_aside->len, ==, 2);
  for (guint i = 0; i < set_aside->len; i++)
    g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (set_aside, i), "reason"), ==,
                     "Its record id belongs to a record of another kind");
}

/* An edit that arrives before the record it edits waits for it; so does a
 * tombstone of a record never seen, and a member before its household. */
static void
test_out_of_order_changes_wait_for_their_record (StoreFixture  *fixture,
                                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) b = open_second_store (fixture, "b.db");
  g_autofree char *house = fixture_new_id (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\"}", fixture->village);
  g_autoptr(json_object) edit = fixture_json ("{\"notes\": \"đã thăm\"}");
  g_autoptr(GPtrArray) everything = NULL;
  g_autoptr(GPtrArray) reversed = g_ptr_array_new ();
  g_autoptr(json_object) record = NULL;
  g_autofree char *member = NULL;
  DhQuery query = { .entity = "member" };
  DhApplyReport report;

  fixture_mark_sent (fixture);
  json_object_put (dh_store_update (fixture->store, "household", house, edit, &error));
  g_assert_no_error (error);
  member = fixture_new_id (fixture, "member", "{\"household\": \"%s\", \"full_name\": \"Lò Thị Mỷ\"}", house);
  fixture_mark_sent (fixture);
  g_assert_true (dh_store_delete (fixture->store, "member", member, &error));

  everything = pending (fixture->store);
  for (guint i = everything->len; i > 0; i--)
    g_ptr_array_add (reversed, g_ptr_array_index (everything, i - 1));

  /* the edit alone waits for its household */
  {
    g_autoptr(GPtrArray) edit_only = g_ptr_array_new ();

    g_ptr_array_add (edit_only, g_ptr_array_index (everything, everything->len - 3));
    g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (edit_only, 0), "e"), ==, "household");
    report = apply (b, edit_only);
    g_assert_cmpuint (report.held, ==, 1);
    g_assert_cmpuint (report.applied, ==, 0);
  }

  /* newest first: the tombstone, the member, the edit wait; then it all lands */
  report = apply (b, reversed);
  g_assert_cmpuint (report.rejected, ==, 0);
  g_assert_cmpuint (report.held, ==, 0);

  record = dh_store_get (b, "household", house, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (record, "notes"), ==, "đã thăm");
  query.include_deleted = TRUE;
  g_assert_cmpint (dh_store_count (b, &query, &error), ==, 1);
  query.include_deleted = FALSE;
  g_assert_cmpint (dh_store_count (b, &query, &error), ==, 0);
}

/* Once all that waited has landed, a record that comes later in the same
 * page and waits is still released by the record it waits for. */
static void
test_changes_wait_again_after_all_landed (StoreFixture  *fixture,
                                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) b = open_second_store (fixture, "b.db");
  g_autofree char *first = fixture_new_id (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\"}", fixture->village);
  g_autofree char *first_member = fixture_new_id (fixture, "member", "{\"household\": \"%s\", \"full_name\": \"Lò Thị Mỷ\"}", first);
  g_autofree char *second = fixture_new_id (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Vàng A Dính\"}", fixture->village);
  g_autofree char *second_member = fixture_new_id (fixture, "member", "{\"household\": \"%s\", \"full_name\": \"Vàng Thị Mai\"}", second);
  const char *order[] = { first_member, first, second_member, second };
  g_autoptr(GPtrArray) everything = pending (fixture->store);
  g_autoptr(GPtrArray) page = g_ptr_array_new ();
  DhQuery query = { .entity = "member" };
  DhApplyReport report;

  /* what the households stand on first, then each member before its household */
  for (guint i = 0; i < everything->len; i++)
    {
      const char *entity = dh_json_get_string (g_ptr_array_index (everything, i), "e");

      if (!g_str_equal (entity, "household") && !g_str_equal (entity, "member"))
        g_ptr_array_add (page, g_ptr_array_index (everything, i));
    }
  for (guint j = 0; j < G_N_ELEMENTS (order); j++)
    {
      for (guint i = 0; i < everything->len; i++)
        {
          if (g_strcmp0 (dh_json_get_string (g_ptr_array_index (everything, i), "r"), order[j]) == 0)
            g_ptr_array_add (page, g_ptr_array_index (everything, i));
        }
    }

  report = apply (b, page);
  g_assert_cmpuint (report.rejected, ==, 0);
  g_assert_cmpuint (report.held, ==, 0);
  g_assert_cmpuint (report.applied, ==, page->len);
  g_assert_cmpint (dh_store_count (b, &query, &error), ==, 2);
  g_assert_no_error (error);
}

/* A delivered support entry is never changed, here or anywhere: a change
 * to it from elsewhere is refused with a reason. */
static void
test_delivered_support_refuses_remote_change (StoreFixture  *fixture,
                                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *house = fixture_new_id (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\"}", fixture->village);
  g_autofree char *entry = fixture_new_id (fixture, "support",
                                              "{\"household\": \"%s\", \"support_type\": \"livestock\", \"delivered_on\": \"2026-03-02\", \"amount_vnd\": 5000000}",
                                              house);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autofree char *made = NULL;
  g_autofree char *later = clock_after_now (60, "bbbbbbbbbbbbbbbb");
  g_autofree char *fields = NULL;
  g_autoptr(json_object) record = NULL;
  DhApplyReport report;

  acknowledge_all (fixture->store);
  made = field_clock (fixture->store, "support", entry, "amount_vnd");
  fields = g_strdup_printf ("{\"amount_vnd\": [9, \"%s\"]}", made);
  g_ptr_array_add (batch, change_for (entry, "support", later, fields));
  report = apply (fixture->store, batch);
  g_assert_cmpuint (report.rejected, ==, 1);

  record = dh_store_get (fixture->store, "support", entry, &error);
  g_assert_cmpint (json_object_get_int64 (json_object_object_get (record, "amount_vnd")), ==, 5000000);
}

/* Two devices void the same entry: both voids stay in the ledger, nothing
 * gets stuck, and the totals count none of the three. */
static void
test_two_voids_both_stay (StoreFixture  *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) b = open_second_store (fixture, "b.db");
  g_autofree char *house = fixture_new_id (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\"}", fixture->village);
  g_autofree char *entry = fixture_new_id (fixture, "support",
                                              "{\"household\": \"%s\", \"support_type\": \"livestock\", \"delivered_on\": \"2026-03-02\", \"amount_vnd\": 5000000}",
                                              house);
  g_autoptr(GPtrArray) initial = pending (fixture->store);
  g_autoptr(GPtrArray) from_a = NULL;
  g_autoptr(GPtrArray) from_b = NULL;
  g_autoptr(json_object) void_a = NULL;
  g_autoptr(json_object) void_b = NULL;
  g_autoptr(json_object) totals = NULL;
  DhQuery query = { .entity = "support" };
  DhApplyReport report;

  apply (b, initial);
  acknowledge_all (fixture->store);

  void_a = dh_store_void_support (fixture->store, entry, "nhập hai lần", &error);
  g_assert_no_error (error);
  void_b = dh_store_void_support (b, entry, "sai hộ", &error);
  g_assert_no_error (error);

  from_a = pending (fixture->store);
  from_b = pending (b);
  report = apply (fixture->store, from_b);
  g_assert_cmpuint (report.rejected, ==, 0);
  report = apply (b, from_a);
  g_assert_cmpuint (report.rejected, ==, 0);

  g_assert_cmpint (dh_store_count (fixture->store, &query, &error), ==, 3);
  g_assert_cmpint (dh_store_count (b, &query, &error), ==, 3);

  /* the earliest void is the one on both devices; the other says so */
  {
    g_autoptr(json_object) entry_a = dh_store_get (fixture->store, "support", entry, &error);
    g_autoptr(json_object) entry_b = dh_store_get (b, "support", entry, &error);
    g_autoptr(json_object) a_on_b = dh_store_get (b, "support", dh_json_get_string (void_a, "id"), &error);
    g_autoptr(json_object) b_on_b = dh_store_get (b, "support", dh_json_get_string (void_b, "id"), &error);
    const char *the_void = dh_json_get_string (entry_a, "voided_by");

    g_assert_nonnull (the_void);
    g_assert_cmpstr (dh_json_get_string (entry_b, "voided_by"), ==, the_void);
    /* neither void looks like a second delivery */
    g_assert_true (json_object_get_boolean (json_object_object_get (a_on_b, "is_void")));
    g_assert_true (json_object_get_boolean (json_object_object_get (b_on_b, "is_void")));
    g_assert_null (json_object_object_get (entry_a, "is_void"));
    g_assert_true ((dh_json_get_string (a_on_b, "superseded_by") == NULL) !=
                   (dh_json_get_string (b_on_b, "superseded_by") == NULL));
    g_assert_cmpstr (dh_json_get_string (g_str_equal (the_void, dh_json_get_string (void_a, "id")) ? b_on_b : a_on_b,
                                         "superseded_by"), ==, the_void);
  }
  totals = dh_store_report_support_totals (fixture->store, fixture->commune, 2026, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (json_object_to_json_string (totals), "5000000"));
}

/* The server refused a change: it stays, with the reason, out of the way. */
static void
test_rejected_change_is_skipped_with_reason (StoreFixture  *fixture,
                                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = pending (fixture->store);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) rejected = NULL;
  g_autofree char *first = change_id (g_ptr_array_index (before, 0));
  const char *ids[] = { first, NULL };
  const char *reasons[] = { "Bạn không có quyền sửa xã này", NULL };

  g_assert_true (dh_store_reject_changes (fixture->store, ids, reasons, &error));
  g_assert_no_error (error);

  after = pending (fixture->store);
  g_assert_cmpuint (after->len, ==, before->len - 1);
  rejected = dh_store_list_queue (fixture->store, TRUE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rejected->len, ==, 1);
  g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (rejected, 0), "rejected"), ==, reasons[0]);
}

/* The change of @record_id waiting to leave, or NULL. */
static json_object *
pending_of (DhStore    *store,
            const char *record_id)
{
  g_autoptr(GPtrArray) changes = pending (store);

  for (guint i = 0; i < changes->len; i++)
    {
      json_object *wire = g_ptr_array_index (changes, i);

      if (g_strcmp0 (dh_json_get_string (wire, "r"), record_id) == 0)
        return json_object_get (wire);
    }

  return NULL;
}

static void
reject (DhStore    *store,
        const char *record_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) wire = pending_of (store, record_id);
  g_autofree char *id = NULL;
  const char *reasons[] = { "Thôn không thuộc xã này", NULL };
  const char *ids[] = { NULL, NULL };

  g_assert_nonnull (wire);
  id = change_id (wire);
  ids[0] = id;
  g_assert_true (dh_store_reject_changes (store, ids, reasons, &error));
  g_assert_no_error (error);
  g_assert_null (pending_of (store, record_id));
}

static guint
count_rejected (DhStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rejected = dh_store_list_queue (store, TRUE, 0, &error);

  g_assert_no_error (error);
  return rejected->len;
}

/* The server refused a new household; the caseworker corrects one field:
 * what goes then is the whole household, the refused change's other fields
 * with their own clocks and the corrected one replacing what the refused
 * write replaced (nothing), and the refused change leaves the list. */
static void
test_refused_change_goes_with_its_correction (StoreFixture  *fixture,
                                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) server = open_second_store (fixture, "server.db");
  g_autofree char *id = fixture_new_id (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\", "
                                        "\"phone\": \"0912000111\"}", fixture->village);
  g_autoptr(json_object) correction = fixture_json ("{\"phone\": \"0912000222\"}");
  g_autoptr(json_object) refused = pending_of (fixture->store, id);
  g_autoptr(json_object) sent = NULL;
  g_autoptr(json_object) values = NULL;
  g_autoptr(json_object) record = NULL;
  g_autoptr(GPtrArray) everything = NULL;
  DhWrite phone;
  DhApplyReport report;

  fixture_mark_sent (fixture);
  reject (fixture->store, id);
  g_assert_cmpuint (count_rejected (fixture->store), ==, 1);

  json_object_put (dh_store_update (fixture->store, "household", id, correction, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (count_rejected (fixture->store), ==, 0);
  assert_pending_count (fixture->store);
  sent = pending_of (fixture->store, id);
  g_assert_nonnull (sent);
  values = fixture_change_values (sent);
  g_assert_cmpstr (dh_json_get_string (values, "head_name"), ==, "Lò Văn Sính");
  g_assert_cmpstr (dh_json_get_string (values, "village"), ==, fixture->village);
  g_assert_cmpstr (dh_json_get_string (values, "phone"), ==, "0912000222");
  /* the other fields keep the refused change's clock */
  g_assert_cmpstr (dh_json_get_string (sent, "k"), >, dh_json_get_string (refused, "k"));
  g_assert_true (dh_change_wire_get_write (sent, "phone", &phone));
  g_assert_cmpstr (phone.base, ==, "");

  /* the server, which never had the household, takes it whole, and no
   * conflict is made of the refused phone that nobody saw */
  everything = pending (fixture->store);
  report = apply (server, everything);
  g_assert_cmpuint (report.rejected, ==, 0);
  g_assert_cmpuint (report.conflicts, ==, 0);
  g_assert_cmpuint (report.held, ==, 0);
  record = dh_store_get (server, "household", id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (record, "head_name"), ==, "Lò Văn Sính");
  g_assert_cmpstr (dh_json_get_string (record, "phone"), ==, "0912000222");
}

/* A refused write that someone has written over since is not sent again
 * with the next edit: what the record holds now is the other's. */
static void
test_refused_write_overwritten_stays_behind (StoreFixture  *fixture,
                                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) other = open_second_store (fixture, "other.db");
  g_autofree char *id = fixture_new_id (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\"}",
                                        fixture->village);
  g_autoptr(json_object) mine = fixture_json ("{\"phone\": \"0912000111\"}");
  g_autoptr(json_object) theirs = fixture_json ("{\"phone\": \"0912000999\"}");
  g_autoptr(json_object) notes = fixture_json ("{\"notes\": \"Đã gặp chủ hộ\"}");
  g_autoptr(GPtrArray) made = pending (fixture->store);
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GPtrArray) from_other = NULL;
  g_autoptr(json_object) sent = NULL;
  g_autoptr(json_object) values = NULL;
  g_autoptr(json_object) record = NULL;

  apply (other, made);
  acknowledge_all (fixture->store);

  json_object_put (dh_store_update (fixture->store, "household", id, mine, &error));
  g_assert_no_error (error);
  refused = pending (fixture->store);
  fixture_mark_sent (fixture);
  reject (fixture->store, id);

  /* the other copy saw the refused phone, then wrote its own over it */
  apply (other, refused);
  json_object_put (dh_store_update (other, "household", id, theirs, &error));
  g_assert_no_error (error);
  from_other = pending (other);
  apply (fixture->store, from_other);
  record = dh_store_get (fixture->store, "household", id, &error);
  g_assert_cmpstr (dh_json_get_string (record, "phone"), ==, "0912000999");

  json_object_put (dh_store_update (fixture->store, "household", id, notes, &error));
  g_assert_no_error (error);
  sent = pending_of (fixture->store, id);
  values = fixture_change_values (sent);
  g_assert_cmpstr (dh_json_get_string (values, "notes"), ==, "Đã gặp chủ hộ");
  g_assert_false (json_object_object_get_ex (values, "phone", NULL));
  g_assert_cmpuint (count_rejected (fixture->store), ==, 0);
}

/* What refused a change can go away: sent again as it is, at the next sync. */
static void
test_refused_changes_go_again (StoreFixture  *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = fixture_new_id (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\"}",
                                        fixture->village);
  g_autoptr(json_object) before = pending_of (fixture->store, id);
  g_autoptr(json_object) after = NULL;
  guint count = 0;

  fixture_mark_sent (fixture);
  reject (fixture->store, id);
  assert_pending_count (fixture->store);
  g_assert_true (dh_store_retry_rejected (fixture->store, &count, &error));
  assert_pending_count (fixture->store);
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 1);
  g_assert_cmpuint (count_rejected (fixture->store), ==, 0);
  after = pending_of (fixture->store, id);
  g_assert_nonnull (after);
  g_assert_cmpstr (json_object_to_json_string (after), ==, json_object_to_json_string (before));

  g_assert_true (dh_store_retry_rejected (fixture->store, &count, &error));
  g_assert_cmpuint (count, ==, 0);
}

static gint64
forty_days_behind (gpointer user_data)
{
  return g_get_real_time () / 1000 - (gint64) 40 * 24 * 3600 * 1000;
}

/* Changes set aside here are tried again: those that still fail stay, with
 * the time they first came; once what refused them is gone (here, this
 * device's clock put right), they apply. */
static void
test_set_aside_changes_apply_later (StoreFixture  *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) behind = open_second_store (fixture, "behind.db");
  g_autofree char *id = fixture_new_id (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\"}",
                                        fixture->village);
  g_autoptr(GPtrArray) made = pending (fixture->store);
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(json_object) record = NULL;
  DhApplyReport report;

  /* its clock is forty days behind: every change looks stamped in the future */
  dh_store_set_wall_clock (behind, forty_days_behind, NULL);
  report = apply (behind, made);
  g_assert_cmpuint (report.rejected, ==, made->len);
  first = dh_store_list_quarantine (behind, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->len, ==, made->len);

  /* still behind: they stay, as they were */
  g_assert_true (dh_store_apply_set_aside (behind, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.rejected, ==, made->len);
  g_assert_cmpuint (report.applied, ==, 0);
  again = dh_store_list_quarantine (behind, 0, &error);
  g_assert_cmpuint (again->len, ==, first->len);
  for (guint i = 0; i < again->len; i++)
    {
      json_object *before = g_ptr_array_index (first, i);
      json_object *now = g_ptr_array_index (again, i);

      g_assert_cmpstr (dh_json_get_string (now, "received_at"), ==, dh_json_get_string (before, "received_at"));
      g_assert_cmpstr (dh_json_get_string (now, "record_id"), ==, dh_json_get_string (before, "record_id"));
    }
  g_assert_null (dh_store_get (behind, "household", id, NULL));

  /* the clock put right: they apply, and leave the list */
  dh_store_set_wall_clock (behind, NULL, NULL);
  g_assert_true (dh_store_apply_set_aside (behind, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.applied, ==, made->len);
  g_assert_cmpuint (report.rejected, ==, 0);
  g_clear_pointer (&again, g_ptr_array_unref);
  again = dh_store_list_quarantine (behind, 0, &error);
  g_assert_cmpuint (again->len, ==, 0);
  record = dh_store_get (behind, "household", id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (record, "head_name"), ==, "Lò Văn Sính");

  /* nothing set aside: nothing to do, and the end of every sync does not
   * wait for the store's write lock, which another program may hold for
   * the length of an import */
  {
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open (dh_store_get_path (behind), &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
    dh_store_set_busy_timeout (behind, 50);
    g_assert_true (dh_store_apply_set_aside (behind, &report, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (report.applied + report.rejected + report.already, ==, 0);
    g_assert_cmpint (sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
}

/* Another program holds the store's write lock (an import, a second
 * copy of the application): a pulled page, an acknowledgement and a
 * refusal fail with the store's reason, nothing is half written, and each
 * goes through once the store is free. */
static void
test_held_store_fails_a_write_whole (StoreFixture  *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) queue = pending (fixture->store);
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *id = change_id (g_ptr_array_index (queue, 0));
  g_autofree char *cursor = NULL;
  const char *ids[] = { id, NULL };
  const char *reasons[] = { "refused", NULL };
  sqlite3 *db = NULL;

  g_assert_cmpuint (queue->len, >, 0);
  g_assert_cmpint (sqlite3_open (dh_store_get_path (fixture->store), &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  dh_store_set_busy_timeout (fixture->store, 50);

  g_assert_false (dh_store_apply_changes (fixture->store, page, "7", NULL, &error));
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_false (dh_store_acknowledge_changes (fixture->store, ids, &error));
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_false (dh_store_reject_changes (fixture->store, ids, reasons, &error));
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_BUSY);
  g_clear_error (&error);
  cursor = dh_store_get_meta (fixture->store, "pull_cursor");
  g_assert_true (cursor == NULL || *cursor == '\0');
  after = pending (fixture->store);
  g_assert_cmpuint (after->len, ==, queue->len);

  g_assert_cmpint (sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (dh_store_apply_changes (fixture->store, page, "7", NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&cursor, g_free);
  cursor = dh_store_get_meta (fixture->store, "pull_cursor");
  g_assert_cmpstr (cursor, ==, "7");
  g_assert_true (dh_store_acknowledge_changes (fixture->store, ids, &error));
  g_assert_no_error (error);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = pending (fixture->store);
  g_assert_cmpuint (after->len, ==, queue->len - 1);
}

/* Edits that have not left the device join its waiting change; once a
 * change is sent it never changes again. */
static void
test_unsent_edits_coalesce_sent_never_change (StoreFixture  *fixture,
                                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = fixture_new_id (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\"}", fixture->village);
  g_autoptr(json_object) first = fixture_json ("{\"phone\": \"0912000111\"}");
  g_autoptr(json_object) second = fixture_json ("{\"phone\": \"0912000222\", \"notes\": \"x\"}");
  g_autoptr(GPtrArray) queue = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) later = NULL;
  g_autoptr(json_object) values = NULL;

  queue = pending (fixture->store);
  json_object_put (dh_store_update (fixture->store, "household", id, first, &error));
  g_clear_pointer (&queue, g_ptr_array_unref);
  queue = pending (fixture->store);
  g_assert_cmpuint (queue->len, ==, 5);
  values = fixture_change_values (g_ptr_array_index (queue, 4));
  g_assert_cmpstr (dh_json_get_string (values, "phone"), ==, "0912000111");
  g_assert_cmpstr (dh_json_get_string (values, "head_name"), ==, "Lò Văn Sính");

  fixture_mark_sent (fixture);
  sent = pending (fixture->store);
  json_object_put (dh_store_update (fixture->store, "household", id, second, &error));
  later = pending (fixture->store);
  g_assert_cmpuint (later->len, ==, 6);
  assert_pending_count (fixture->store);
  acknowledge_all (fixture->store);
  assert_pending_count (fixture->store);
  g_assert_cmpint (dh_store_count_pending_changes (fixture->store, NULL), ==, 0);
  g_assert_cmpstr (json_object_to_json_string (g_ptr_array_index (later, 4)), ==,
                   json_object_to_json_string (g_ptr_array_index (sent, 4)));
}

/* The cursor of a pull moves with the page it ends, in one transaction. */
static void
test_cursor_moves_with_its_page (StoreFixture  *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) b = open_second_store (fixture, "b.db");
  g_autoptr(GPtrArray) page = pending (fixture->store);
  g_autofree char *cursor = NULL;

  g_assert_true (dh_store_apply_changes (b, page, "1234", NULL, &error));
  g_assert_no_error (error);
  cursor = dh_store_get_meta (b, "pull_cursor");
  g_assert_cmpstr (cursor, ==, "1234");
}

/* Deleting a household and restoring it brings back what went with it. */
static void
test_restore_brings_back_what_went (StoreFixture  *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *house = fixture_new_id (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\"}", fixture->village);
  g_autofree char *member = fixture_new_id (fixture, "member", "{\"household\": \"%s\", \"full_name\": \"Lò Thị Mỷ\"}", house);
  g_autoptr(json_object) record = NULL;
  DhQuery query = { .entity = "member" };

  g_assert_true (dh_store_delete (fixture->store, "household", house, &error));
  g_assert_cmpint (dh_store_count (fixture->store, &query, &error), ==, 0);
  g_assert_true (dh_store_restore (fixture->store, "household", house, &error));
  g_assert_no_error (error);
  record = dh_store_get (fixture->store, "household", house, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dh_store_count (fixture->store, &query, &error), ==, 1);

  g_assert_false (dh_store_restore (fixture->store, "household", house, &error));
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* a member comes back into a live household only */
  g_assert_true (dh_store_delete (fixture->store, "household", house, &error));
  g_assert_false (dh_store_restore (fixture->store, "member", member, &error));
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE);
}

/* Deleted on one device while a member was added on another: the deletion
 * stands, both devices list it as a conflict, and restoring the household
 * brings it back; deleting it again, having seen it all, settles it. */
static void
test_deletion_with_unseen_member_is_a_conflict (StoreFixture  *fixture,
                                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) b = open_second_store (fixture, "b.db");
  g_autofree char *house = fixture_new_id (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\"}", fixture->village);
  g_autoptr(GPtrArray) initial = pending (fixture->store);
  g_autoptr(GPtrArray) from_a = NULL;
  g_autoptr(GPtrArray) from_b = NULL;
  g_autoptr(GPtrArray) on_a = NULL;
  g_autoptr(GPtrArray) on_b = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(json_object) member_fields = NULL;
  g_autoptr(json_object) member = NULL;
  g_autofree char *text = g_strdup_printf ("{\"household\": \"%s\", \"full_name\": \"Lò Thị Mỷ\"}", house);

  apply (b, initial);
  acknowledge_all (fixture->store);

  g_assert_true (dh_store_delete (fixture->store, "household", house, &error));
  member_fields = fixture_json (text);
  member = dh_store_create (b, "member", member_fields, &error);
  g_assert_no_error (error);

  from_a = pending (fixture->store);
  from_b = pending (b);
  apply (fixture->store, from_b);
  apply (b, from_a);

  on_a = dh_store_list_conflicts (fixture->store, FALSE, &error);
  g_assert_no_error (error);
  on_b = dh_store_list_conflicts (b, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (on_a->len, ==, 1);
  g_assert_cmpuint (on_b->len, ==, 1);
  g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (on_a, 0), "record_id"), ==, house);
  g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (on_a, 0), "lost_entity"), ==, "member");
  g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (on_a, 0), "lost_by"), ==, "b.db");
  g_assert_cmpstr (json_object_to_json_string (g_ptr_array_index (on_a, 0)), ==,
                   json_object_to_json_string (g_ptr_array_index (on_b, 0)));

  /* the member follows the deleted household out of sight, and back */
  {
    g_autofree char *filter = g_strdup_printf ("household=%s", house);
    const char *filters[] = { filter, NULL };
    DhQuery members = { .entity = "member", .filters = filters };

    g_assert_cmpint (dh_store_count (fixture->store, &members, &error), ==, 0);
    g_assert_true (dh_store_restore (fixture->store, "household", house, &error));
    g_assert_no_error (error);
    g_assert_cmpint (dh_store_count (fixture->store, &members, &error), ==, 1);
  }

  /* deleting again, having seen the member, lets the deletion stand */
  g_assert_true (dh_store_delete (fixture->store, "household", house, &error));
  after = dh_store_list_conflicts (fixture->store, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, 0);
}

/* Made-up households never leave their store. */
static void
test_demo_store_never_sends (StoreFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) demo = open_second_store (fixture, "demo.db");
  DhDemoOptions options;

  dh_demo_options_init (&options);
  options.households = 2;
  g_assert_true (dh_demo_populate (demo, &options, NULL, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (dh_store_is_demo (demo));
  g_assert_false (dh_store_check_can_send (demo, &error));
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_DEMO);
  g_clear_error (&error);

  /* not on a USB stick either */
  {
    g_autofree char *bundle = g_build_filename (fixture->dir, "demo.bundle", NULL);

    g_assert_false (dh_store_export_bundle (demo, bundle, FALSE, NULL, &error));
    g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_DEMO);
    g_assert_false (g_file_test (bundle, G_FILE_TEST_EXISTS));
    g_clear_error (&error);
  }

  g_assert_false (dh_store_is_demo (fixture->store));
  g_assert_true (dh_store_check_can_send (fixture->store, &error));
  g_assert_no_error (error);
}

/* Every column of every record, and every search entry with the record
 * it belongs to, as text in one order: what two stores are compared by.
 * SKIP names columns left out. */
static char *
dump_rows (DhStore            *store,
           const char * const *skip)
{
  static const char * const tables[] = {
    "admin_unit", "user", "household", "member", "exit_plan", "visit", "assessment", "support", "conflict",
  };
  g_autoptr(GString) dump = g_string_new (NULL);
  g_autofree char *search_sql = g_strdup_printf ("SELECT 'household ' || h.id, s.doc FROM household_search s JOIN household h ON s.rowid = h.rowid "
                                                 "UNION ALL SELECT 'head ' || h.id, s.doc FROM household_search s JOIN household h ON s.rowid = -%" G_GINT64_FORMAT " - h.rowid "
                                                 "UNION ALL SELECT 'member ' || m.id, s.doc FROM household_search s JOIN member m ON s.rowid = -m.rowid "
                                                 "ORDER BY 1",
                                                 G_GINT64_CONSTANT (1) << 40);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (dh_store_get_path (store), &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  for (guint t = 0; t <= G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *sql = t < G_N_ELEMENTS (tables) ? g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY id", tables[t]) : g_strdup (search_sql);
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      g_string_append_printf (dump, "%s\n", sql);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int i = 0; i < sqlite3_column_count (stmt); i++)
            {
              if (skip != NULL && g_strv_contains (skip, sqlite3_column_name (stmt, i)))
                continue;
              g_string_append_printf (dump, "%s=%s|", sqlite3_column_name (stmt, i),
                                      sqlite3_column_type (stmt, i) == SQLITE_NULL ? "NULL" : (const char *) sqlite3_column_text (stmt, i));
            }
          g_string_append_c (dump, '\n');
        }
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);

  return g_string_free (g_steal_pointer (&dump), FALSE);
}

static const char *
household_id (GPtrArray *state,
              guint      index)
{
  return dh_json_get_string (g_ptr_array_index (state, index), "r");
}

/* Applies CHANGES in pages of PAGE_SIZE, from the last when BACKWARDS;
 * each page with a cursor of its own, as a pull brings them, when
 * WITH_CURSORS. */
static void
apply_in_pages (DhStore   *store,
                GPtrArray *changes,
                guint      page_size,
                gboolean   backwards,
                gboolean   with_cursors)
{
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);

  for (guint i = 0; i < changes->len; i++)
    {
      json_object *wire = g_ptr_array_index (changes, backwards ? changes->len - 1 - i : i);

      g_ptr_array_add (page, json_object_get (wire));
      if (page->len == page_size || i + 1 == changes->len)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *cursor = with_cursors ? g_strdup_printf ("page-%u", i) : NULL;
          DhApplyReport report;

          g_assert_true (dh_store_apply_changes (store, page, cursor, &report, &error));
          g_assert_no_error (error);
          g_assert_cmpuint (report.rejected, ==, 0);
          g_ptr_array_set_size (page, 0);
        }
    }
}

/* The same, forwards, each page's check begun before the page before it
 * is written, as a pull's reader begins it (dh_store_check_page()):
 * FIRST_SYNC is its guess that the pages are a first sync's, right or
 * wrong. Each page is read from its text, as a pull reads it
 * (dh_wire_page_parse_answer()). After the first, the pages land
 * TOGETHER in a transaction (dh_store_begin_pulled()), as a pull's do when
 * they come while one is written; 1: each alone. */
static void
apply_checked_ahead (DhStore   *store,
                     GPtrArray *changes,
                     guint      page_size,
                     gboolean   first_sync,
                     gboolean   with_cursors,
                     guint      together)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) dh_wire_page_unref);
  g_autoptr(DhPageCheck) next = NULL;

  for (guint i = 0; i < changes->len; i += page_size)
    {
      GString *text = g_string_new ("{\"changes\": [");
      g_autoptr(json_object) answer = NULL;
      DhWirePage *page;
      gsize length;

      for (guint j = i; j < MIN (i + page_size, changes->len); j++)
        g_string_append_printf (text, "%s%s", j > i ? ", " : "",
                                json_object_to_json_string_ext (g_ptr_array_index (changes, j), JSON_C_TO_STRING_PLAIN));
      g_string_append (text, "], \"more\": true}");
      length = text->len;
      page = dh_wire_page_parse_answer (g_string_free (text, FALSE), length, 32, &answer);
      g_assert_nonnull (page);
      g_ptr_array_add (pages, page);
    }

  for (guint i = 0; i < pages->len; i++)
    {
      DhWirePage *page = g_ptr_array_index (pages, i);
      g_autoptr(DhPageCheck) check = i == 0 ? dh_store_check_page (store, NULL, page, first_sync) : g_steal_pointer (&next);
      g_autoptr(GError) error = NULL;
      g_autofree char *cursor = with_cursors ? g_strdup_printf ("page-%u", i) : NULL;
      DhApplyReport report;

      if (i + 1 < pages->len)
        next = dh_store_check_page (store, NULL, g_ptr_array_index (pages, i + 1), first_sync);
      if (together > 1 && i % together == 1)
        {
          g_assert_true (dh_store_begin_pulled (store, &error));
          g_assert_no_error (error);
        }
      g_assert_true (dh_store_apply_checked_changes (store, page, check, cursor, &report, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (report.rejected, ==, 0);
      if (together > 1 && i > 0 && (i % together == 0 || i + 1 == pages->len))
        {
          g_assert_true (dh_store_end_pulled (store, TRUE, &error));
          g_assert_no_error (error);
        }
    }
}

/* A first sync writes each record not seen before straight from its
 * change: the rows, their bookkeeping, sort keys and search entries must
 * be those the record has where it was written, whatever the order and
 * grouping of the pages (members before their households wait, and are
 * written when their household comes). With DATA, the pages come with
 * cursors, as a pull brings them into an empty store: their search
 * entries wait, and are all written when the engine says the first sync
 * ended (forwards) or when the store opens again after a first sync cut
 * short (backwards). */
static void
test_first_sync_rows_are_the_source_rows (StoreFixture  *fixture,
                                          gconstpointer  data)
{
  gboolean with_cursors = data != NULL;
  static const char * const entities[] = {
    "admin_unit", "user", "household", "member", "exit_plan", "visit", "assessment", "support", "conflict",
  };
  /* what the source's own writes keep and a synced copy does not: when and
   * by whom (on this machine) each row was written, and whether it is sent */
  static const char * const local_only[] = { "created_at", "updated_at", "sync_state", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) state = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(DhStore) forwards = open_second_store (fixture, "forwards.db");
  g_autoptr(DhStore) backwards = open_second_store (fixture, "backwards.db");
  /* pages long enough to be checked on a thread of their own */
  g_autoptr(DhStore) long_pages = open_second_store (fixture, "long-pages.db");
  g_autoptr(GPtrArray) households = NULL;
  g_autofree char *source_rows = NULL;
  g_autofree char *forwards_rows = NULL;
  g_autofree char *backwards_rows = NULL;
  g_autofree char *forwards_all = NULL;
  g_autofree char *backwards_all = NULL;
  g_autofree char *long_pages_rows = NULL;
  g_autofree char *long_pages_all = NULL;
  /* and checked ahead, with the guess of a first sync right, and wrong,
   * and landing three pages together */
  DhStore *ahead[3] = {
    open_second_store (fixture, "ahead-right.db"), open_second_store (fixture, "ahead-wrong.db"),
    open_second_store (fixture, "ahead-together.db"),
  };
  g_autoptr(json_object) edit = fixture_json ("{\"phone\": \"0912345678\", \"notes\": null}");
  g_autoptr(json_object) rename = fixture_json ("{\"head_name\": \"Đinh Thị Ánh\"}");
  DhDemoOptions demo;

  dh_demo_options_init (&demo);
  demo.households = 12;
  demo.seed = 7;
  g_assert_true (dh_demo_populate (fixture->store, &demo, NULL, NULL, &error));
  g_assert_no_error (error);

  /* a household whose members are still to be entered */
  g_free (fixture_new_id (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Hà Văn Tú\"}", fixture->village));

  /* later writes by someone else: a cleared field, a new name, a deletion */
  households = dh_store_export_state (fixture->store, "household", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (households->len, >=, 3);
  dh_store_set_user (fixture->store, "minh.tran");
  json_object_put (dh_store_update (fixture->store, "household", household_id (households, 0), edit, &error));
  g_assert_no_error (error);
  json_object_put (dh_store_update (fixture->store, "household", household_id (households, 1), rename, &error));
  g_assert_no_error (error);
  g_assert_true (dh_store_delete (fixture->store, "household", household_id (households, 2), &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    {
      g_autoptr(GPtrArray) changes = dh_store_export_state (fixture->store, entities[i], &error);

      g_assert_no_error (error);
      for (guint j = 0; j < changes->len; j++)
        g_ptr_array_add (state, json_object_get (g_ptr_array_index (changes, j)));
    }

  apply_in_pages (forwards, state, 7, FALSE, with_cursors);
  apply_in_pages (backwards, state, 5, TRUE, with_cursors);
  g_assert_cmpuint (state->len, >, 2 * 80);
  apply_in_pages (long_pages, state, 80, FALSE, with_cursors);
  apply_checked_ahead (ahead[0], state, 80, with_cursors, with_cursors, 1);
  apply_checked_ahead (ahead[1], state, 80, !with_cursors, with_cursors, 1);
  g_assert_cmpuint (state->len, >, 4 * 30);
  apply_checked_ahead (ahead[2], state, 30, with_cursors, with_cursors, 3);
  if (with_cursors)
    {
      g_autofree char *path = g_strdup (dh_store_get_path (backwards));
      g_autofree char *forwards_incomplete = dh_store_get_meta (forwards, "search_incomplete");
      g_autofree char *backwards_incomplete = dh_store_get_meta (backwards, "search_incomplete");

      /* the pages of a first sync left their search entries out */
      g_assert_nonnull (forwards_incomplete);
      g_assert_nonnull (backwards_incomplete);
      g_assert_true (dh_store_finish_first_sync (forwards, &error));
      g_assert_no_error (error);
      g_assert_true (dh_store_finish_first_sync (long_pages, &error));
      g_assert_no_error (error);
      for (guint i = 0; i < G_N_ELEMENTS (ahead); i++)
        {
          g_assert_true (dh_store_finish_first_sync (ahead[i], &error));
          g_assert_no_error (error);
          g_assert_true (ahead[i]->search_from_kept);
        }
      /* the entries were made from what the pages kept as they wrote the
       * rows, when every household came before its members, and are those
       * the tables give */
      g_assert_true (forwards->search_from_kept);
      g_assert_true (long_pages->search_from_kept);
      {
        g_autofree char *kept = dump_rows (forwards, NULL);
        g_autofree char *read_again = NULL;

        g_assert_true (dh_store_rebuild_search (forwards, &error));
        g_assert_no_error (error);
        g_assert_false (forwards->search_from_kept);
        read_again = dump_rows (forwards, NULL);
        g_assert_cmpstr (kept, ==, read_again);
      }
      /* members before their households: from the tables, as the store opens */
      g_assert_false (backwards->search_from_kept);
      g_clear_object (&backwards);
      backwards = dh_store_open (path, &error);
      g_assert_no_error (error);
    }

  source_rows = dump_rows (fixture->store, local_only);
  forwards_rows = dump_rows (forwards, local_only);
  backwards_rows = dump_rows (backwards, local_only);
  g_assert_cmpstr (forwards_rows, ==, source_rows);
  g_assert_cmpstr (backwards_rows, ==, source_rows);
  long_pages_rows = dump_rows (long_pages, local_only);
  g_assert_cmpstr (long_pages_rows, ==, source_rows);
  /* and between the copies, when each row was made too */
  forwards_all = dump_rows (forwards, NULL);
  backwards_all = dump_rows (backwards, NULL);
  long_pages_all = dump_rows (long_pages, NULL);
  g_assert_cmpstr (backwards_all, ==, forwards_all);
  g_assert_cmpstr (long_pages_all, ==, forwards_all);
  for (guint i = 0; i < G_N_ELEMENTS (ahead); i++)
    {
      g_autofree char *ahead_rows = dump_rows (ahead[i], local_only);
      g_autofree char *ahead_all = dump_rows (ahead[i], NULL);

      g_assert_cmpstr (ahead_rows, ==, source_rows);
      g_assert_cmpstr (ahead_all, ==, forwards_all);
      g_object_unref (ahead[i]);
    }
  g_assert_nonnull (strstr (forwards_rows, "Đinh Thị Ánh"));
  g_assert_nonnull (strstr (forwards_rows, "minh.tran"));
  g_assert_nonnull (strstr (forwards_rows, "ha van tu"));
}

/* A page of a first sync into an empty store: the village its households
 * need, when VILLAGE is given, then a household of each name. */
static GPtrArray *
first_sync_page (const char         *village,
                 const char * const *names,
                 GPtrArray          *ids)
{
  GPtrArray *page = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  static guint tick = 0x100;

  if (village != NULL)
    {
      g_autofree char *commune = g_uuid_string_random ();
      g_autofree char *village_fields = g_strdup_printf ("{\"code\": [\"T1\"], \"kind\": [\"village\"], "
                                                         "\"name\": [\"Thôn Nà Hẩu\"], \"parent\": [\"%s\"]}", commune);

      g_ptr_array_add (page, change_for (commune, "admin_unit", "0000000000010000-aaaaaaaaaaaaaaaa",
                                         "{\"code\": [\"X1\"], \"kind\": [\"commune\"], \"name\": [\"Xã Sín Chải\"]}"));
      g_ptr_array_add (page, change_for (village, "admin_unit", "0000000000010001-aaaaaaaaaaaaaaaa", village_fields));
    }
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *id = g_uuid_string_random ();
      g_autofree char *clock = g_strdup_printf ("%016x-aaaaaaaaaaaaaaaa", (tick++) << 16);
      g_autofree char *fields = g_strdup_printf ("{\"village\": [\"%s\"], \"head_name\": [\"%s\"]}",
                                                 village != NULL ? village : (const char *) g_ptr_array_index (ids, 0), names[i]);

      g_ptr_array_add (page, change_for (id, "household", clock, fields));
      if (ids != NULL)
        g_ptr_array_add (ids, g_steal_pointer (&id));
    }

  return page;
}

static guint
count_found (DhStore    *store,
             const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = dh_store_search_households (store, text, 0, &error);

  g_assert_no_error (error);
  return found->len;
}

/* How many households another program sees in the store at PATH, and
 * the pull cursor it sees (NULL: none). */
static guint
count_seen_by_another (const char  *path,
                       char       **out_cursor)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint households;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT (SELECT count (*) FROM household), "
                                           "(SELECT value FROM meta WHERE key = 'pull_cursor')", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  households = (guint) sqlite3_column_int (stmt, 0);
  *out_cursor = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return households;
}

/* Pulled pages that land together (dh_store_begin_pulled()) are seen by
 * no one before their commit, and then all, with the last one's cursor;
 * a page that fails among them is undone alone, and those before it
 * land; the search entries the first sync's pages left out are written
 * at its end. */
static void
test_pulled_pages_land_together (StoreFixture  *fixture,
                                 gconstpointer  data)
{
  static const char * const first_names[] = { "Giàng Seo Pao", "Lù Thị Xia", NULL };
  static const char * const second_names[] = { "Vàng Văn Chứ", NULL };
  static const char * const third_names[] = { "Sùng Thị Mai", "Thào A Lử", NULL };
  static const char * const refused_names[] = { "Hầu A Dế", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = open_second_store (fixture, "device.db");
  g_autofree char *village = g_uuid_string_random ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) first = first_sync_page (village, first_names, NULL);
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) third = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  g_autofree char *cursor = NULL;
  DhApplyReport report;

  g_ptr_array_add (ids, g_strdup (village));
  second = first_sync_page (NULL, second_names, ids);
  third = first_sync_page (NULL, third_names, ids);
  refused = first_sync_page (NULL, refused_names, ids);

  /* the first alone, then two together */
  g_assert_true (dh_store_apply_changes (store, first, "page-1", &report, &error));
  g_assert_no_error (error);
  g_assert_true (dh_store_begin_pulled (store, &error));
  g_assert_no_error (error);
  g_assert_true (dh_store_apply_changes (store, second, "page-2", &report, &error));
  g_assert_no_error (error);
  g_assert_true (dh_store_apply_changes (store, third, "page-3", &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.applied, ==, 2);
  g_assert_cmpuint (count_seen_by_another (dh_store_get_path (store), &cursor), ==, 2);
  g_assert_cmpstr (cursor, ==, "page-1");
  g_clear_pointer (&cursor, g_free);
  g_assert_true (dh_store_end_pulled (store, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_seen_by_another (dh_store_get_path (store), &cursor), ==, 5);
  g_assert_cmpstr (cursor, ==, "page-3");
  g_clear_pointer (&cursor, g_free);

  /* a page that cannot be written, after one that can */
  dh_store_lock (store);
  g_assert_true (dh_store_exec (store, "CREATE TEMP TRIGGER refuse BEFORE INSERT ON main.household "
                                       "WHEN NEW.head_name = 'Hầu A Dế' BEGIN SELECT RAISE (ABORT, 'refused'); END", &error));
  dh_store_unlock (store);
  g_assert_no_error (error);
  g_assert_true (dh_store_begin_pulled (store, &error));
  g_assert_no_error (error);
  {
    static const char * const fourth_names[] = { "Mùa A Sình", NULL };
    g_autoptr(GPtrArray) fourth = first_sync_page (NULL, fourth_names, ids);

    g_assert_true (dh_store_apply_changes (store, fourth, "page-4", &report, &error));
    g_assert_no_error (error);
  }
  g_assert_false (dh_store_apply_changes (store, refused, "page-5", &report, &error));
  g_assert_nonnull (error);
  g_test_message ("the page that could not be written: %s", error->message);
  g_clear_error (&error);
  g_assert_true (dh_store_end_pulled (store, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_seen_by_another (dh_store_get_path (store), &cursor), ==, 6);
  g_assert_cmpstr (cursor, ==, "page-4");

  /* the search entries the pages left out are written once, at the end */
  g_assert_true (dh_store_finish_first_sync (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_found (store, "sung thi mai"), ==, 1);
  g_assert_cmpuint (count_found (store, "mua a sinh"), ==, 1);
  g_assert_cmpuint (count_found (store, "hau a de"), ==, 0);
}

/* While a first sync goes on, its records have no search entries yet:
 * a search then writes them first, and finds every household that
 * landed, typed without its marks; a store opened only to read says
 * that the search is not ready. */
static void
test_first_sync_search_finds_what_landed (StoreFixture  *fixture,
                                          gconstpointer  data)
{
  static const char * const first_names[] = { "Hoàng Văn Thụ", "Lò Thị Mỷ", NULL };
  static const char * const second_names[] = { "Hoàng Thị Đào", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = open_second_store (fixture, "device.db");
  g_autofree char *village = g_uuid_string_random ();
  g_autoptr(GPtrArray) first = first_sync_page (village, first_names, NULL);
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(DhStore) reader = NULL;
  GPtrArray *found;
  DhApplyReport report;

  g_ptr_array_add (ids, g_strdup (village));
  second = first_sync_page (NULL, second_names, ids);
  g_assert_true (dh_store_apply_changes (store, first, "page-1", &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.applied, ==, 4);

  /* a store that cannot be written cannot complete them: it says so */
  reader = dh_store_open_full (dh_store_get_path (store), DH_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  found = dh_store_search_households (reader, "hoang van thu", 0, &error);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_FAILED);
  g_assert_null (found);
  g_clear_error (&error);
  g_clear_object (&reader);

  g_assert_cmpuint (count_found (store, "hoang van thu"), ==, 1);
  g_assert_cmpuint (count_found (store, "hoang"), ==, 1);

  g_assert_true (dh_store_apply_changes (store, second, "page-2", &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.applied, ==, 1);
  g_assert_cmpuint (count_found (store, "hoang"), ==, 2);
  g_assert_cmpuint (count_found (store, "dao"), ==, 1);

  g_assert_true (dh_store_finish_first_sync (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_found (store, "hoang"), ==, 2);
  g_assert_cmpuint (count_found (store, "lo thi my"), ==, 1);
}

/* A first sync into a store with no record knows the store's ids from
 * its own pages; a record written between two pages, here or by another
 * program, must still keep its id from another kind of record. */
static void
test_first_sync_local_write_keeps_ids_apart (StoreFixture  *fixture,
                                             gconstpointer  data)
{
  static const char * const names[] = { "Hà Văn Tú", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = open_second_store (fixture, "device.db");
  g_autoptr(DhStore) other = NULL;
  g_autofree char *village = g_uuid_string_random ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(GPtrArray) set_aside = NULL;
  g_autoptr(json_object) local = NULL;
  g_autoptr(json_object) local_values = NULL;
  g_autofree char *local_fields = NULL;
  g_autofree char *member_fields = NULL;
  g_autofree char *person = g_uuid_string_random ();
  g_autofree char *stranger = g_uuid_string_random ();
  const char *local_id;
  DhQuery members = { .entity = "member" };
  DhApplyReport report;

  g_ptr_array_add (ids, g_strdup (village));
  first = first_sync_page (village, names, ids);
  g_assert_true (dh_store_apply_changes (store, first, "page-1", &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.applied, ==, 3);

  /* the same page again, as after a pull cut before its answer came */
  g_assert_true (dh_store_apply_changes (store, first, "page-1", &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.applied, ==, 0);
  g_assert_cmpuint (report.already, ==, 3);

  /* the caseworker adds a household meanwhile, here or in another program */
  local_fields = g_strdup_printf ("{\"village\": \"%s\", \"head_name\": \"Lò Văn Páo\"}", village);
  if (g_strcmp0 (data, "other") == 0)
    {
      other = dh_store_open (dh_store_get_path (store), &error);
      g_assert_no_error (error);
      dh_store_set_user (other, "other");
    }
  local_values = fixture_json (local_fields);
  if (g_strcmp0 (data, "sqlite") != 0)
    {
      local = dh_store_create (other != NULL ? other : store, "household", local_values, &error);
      g_assert_no_error (error);
      local_id = dh_json_get_string (local, DH_RECORD_ID);
    }
  else
    {
      /* a program that writes the file with SQLite alone, and so never
       * completes the search as a store that opens does: a copy of the
       * household under a new id */
      sqlite3 *db = NULL;
      g_autofree char *sql = NULL;

      local_id = stranger;
      sql = g_strdup_printf ("CREATE TEMP TABLE copy AS SELECT * FROM household WHERE id = '%s';"
                             "UPDATE copy SET id = '%s', code = NULL;"
                             "INSERT INTO household SELECT * FROM copy;",
                             (const char *) g_ptr_array_index (ids, 1), stranger);
      g_assert_cmpint (sqlite3_open (dh_store_get_path (store), &db), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_close (db);
    }

  /* the next page: a member under the local household's id, and one
   * under an id of its own */
  member_fields = g_strdup_printf ("{\"household\": [\"%s\"], \"full_name\": [\"Hà Thị Hoa\"]}",
                                   (const char *) g_ptr_array_index (ids, 1));
  g_ptr_array_add (second, change_for (local_id, "member", "0000000000050000-aaaaaaaaaaaaaaaa", member_fields));
  g_ptr_array_add (second, change_for (person, "member", "0000000000060000-aaaaaaaaaaaaaaaa", member_fields));
  g_assert_true (dh_store_apply_changes (store, second, "page-2", &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.applied, ==, 1);
  g_assert_cmpuint (report.rejected, ==, 1);

  g_assert_cmpint (dh_store_count (store, &members, &error), ==, 1);
  g_assert_no_error (error);
  set_aside = dh_store_list_quarantine (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set_aside->len, ==, 1);
  g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (set_aside, 0), "record_id"), ==, local_id);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  STORE_TEST ("/store/sync/acknowledge-clears-queue-and-marks-synced", test_acknowledge_clears_queue_and_marks_synced);
  STORE_TEST ("/store/sync/edit-after-sync-is-modified", test_edit_after_sync_is_modified);
  STORE_TEST ("/store/sync/replay-creates-no-duplicate", test_replay_creates_no_duplicate);
  STORE_TEST ("/store/sync/later-clock-wins-each-field", test_later_clock_wins_each_field);
  STORE_TEST ("/store/sync/clock-moves-past-what-it-has-seen", test_clock_moves_past_what_it_has_seen);
  STORE_TEST ("/store/sync/absurd-clock-refused-never-adopted", test_absurd_clock_refused_never_adopted);
  STORE_TEST ("/store/sync/concurrent-edit-keeps-loser-as-conflict", test_concurrent_edit_keeps_loser_as_conflict);
  STORE_TEST ("/store/sync/own-echo-is-no-conflict", test_own_echo_is_no_conflict);
  STORE_TEST ("/store/sync/two-devices-converge", test_two_devices_converge);
  STORE_TEST ("/store/sync/bad-change-set-aside-alone", test_bad_change_set_aside_alone);
  STORE_TEST ("/store/sync/long-page-sets-aside-alone", test_long_page_sets_aside_alone);
  STORE_TEST ("/store/sync/id-of-another-kind-set-aside", test_id_of_another_kind_set_aside);
  STORE_TEST ("/store/sync/out-of-order-changes-wait-for-their-record", test_out_of_order_changes_wait_for_their_record);
  STORE_TEST ("/store/sync/changes-wait-again-after-all-landed", test_changes_wait_again_after_all_landed);
  STORE_TEST ("/store/sync/ledger/delivered-support-refuses-remote-change", test_delivered_support_refuses_remote_change);
  STORE_TEST ("/store/sync/ledger/two-voids-both-stay", test_two_voids_both_stay);
  STORE_TEST ("/store/sync/queue/rejected-change-skipped-with-reason", test_rejected_change_is_skipped_with_reason);
  STORE_TEST ("/store/sync/queue/unsent-edits-coalesce-sent-never-change", test_unsent_edits_coalesce_sent_never_change);
  STORE_TEST ("/store/sync/queue/refused-change-goes-with-its-correction", test_refused_change_goes_with_its_correction);
  STORE_TEST ("/store/sync/queue/refused-write-overwritten-stays-behind", test_refused_write_overwritten_stays_behind);
  STORE_TEST ("/store/sync/queue/refused-changes-go-again", test_refused_changes_go_again);
  STORE_TEST ("/store/sync/set-aside-changes-apply-later", test_set_aside_changes_apply_later);
  STORE_TEST ("/store/sync/cursor-moves-with-its-page", test_cursor_moves_with_its_page);
  STORE_TEST ("/store/sync/first-sync-rows-are-the-source-rows", test_first_sync_rows_are_the_source_rows);
  g_test_add ("/store/sync/held-store-fails-a-write-whole", StoreFixture, NULL,
              store_fixture_set_up, test_held_store_fails_a_write_whole, store_fixture_tear_down);
  g_test_add ("/store/sync/first-sync/pages-with-cursors-rows-are-the-source-rows", StoreFixture, "cursors",
              store_fixture_set_up, test_first_sync_rows_are_the_source_rows, store_fixture_tear_down);
  STORE_TEST ("/store/sync/first-sync/search-finds-what-landed-before-the-end", test_first_sync_search_finds_what_landed);
  STORE_TEST ("/store/sync/first-sync/pulled-pages-land-together", test_pulled_pages_land_together);
  g_test_add ("/store/sync/first-sync/local-write-between-pages-keeps-ids-apart", StoreFixture, NULL,
              store_fixture_set_up, test_first_sync_local_write_keeps_ids_apart, store_fixture_tear_down);
  g_test_add ("/store/sync/first-sync/other-program-write-between-pages-keeps-ids-apart", StoreFixture, "other",
              store_fixture_set_up, test_first_sync_local_write_keeps_ids_apart, store_fixture_tear_down);
  g_test_add ("/store/sync/first-sync/sqlite-write-between-pages-keeps-ids-apart", StoreFixture, "sqlite",
              store_fixture_set_up, test_first_sync_local_write_keeps_ids_apart, store_fixture_tear_down);
  STORE_TEST ("/store/sync/restore-brings-back-what-went", test_restore_brings_back_what_went);
  STORE_TEST ("/store/sync/demo-store-never-sends", test_demo_store_never_sends);
  STORE_TEST ("/store/sync/deletion-with-unseen-member-is-a-conflict", test_deletion_with_unseen_member_is_a_conflict);

  return g_test_run ();
}
