/* test-sync.c – the pending-change queue and the merge of changes from elsewhere */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "dh-hlc.h"
#include "store-fixture.h"

static GPtrArray *
pending (DhStore *store)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *changes = dh_store_get_pending_changes (store, 0, &error);

  g_assert_no_error (error);
  return changes;
}

static void
acknowledge_all (DhStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = pending (store);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; i < changes->len; i++)
    g_ptr_array_add (ids, (gpointer) dh_json_get_string (g_ptr_array_index (changes, i), "change_id"));
  g_ptr_array_add (ids, NULL);

  g_assert_true (dh_store_acknowledge_changes (store, (const char * const *) ids->pdata, &error));
  g_assert_no_error (error);
}

static void
apply (DhStore   *store,
       GPtrArray *changes)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dh_store_apply_remote_changes (store, changes, &error));
  g_assert_no_error (error);
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

static json_object *
change_for (const char *record_id,
            const char *entity,
            const char *clock,
            const char *fields)
{
  g_autofree char *change_id = g_uuid_string_random ();
  g_autofree char *text = g_strdup_printf ("{\"change_id\": \"%s\", \"entity\": \"%s\", \"record_id\": \"%s\", "
                                           "\"clock\": \"%s\", \"author\": \"remote\", \"fields\": %s}",
                                           change_id, entity, record_id, clock, fields);

  return fixture_json (text);
}

static void
test_acknowledge_clears_queue_and_marks_synced (StoreFixture  *fixture,
                                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) house = fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\"}", fixture->village);
  g_autoptr(json_object) record = NULL;
  g_autoptr(GPtrArray) left = NULL;
  const char *unknown[] = { "7d1b8f5e-9a55-4c1e-8a8e-3d0c0f4a2b11", NULL };

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

  apply (other, changes);
  apply (other, changes);
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

  acknowledge_all (fixture->store);

  /* from a device whose clock is far behind: loses; from one far ahead: wins */
  g_ptr_array_add (batch, change_for (id, "household", "0000000000010000-aaaaaaaaaaaaaaaa", "{\"notes\": \"older\"}"));
  g_ptr_array_add (batch, change_for (id, "household", "7fffffffffff0000-bbbbbbbbbbbbbbbb", "{\"address\": \"Nhà số 5\"}"));
  apply (fixture->store, batch);

  record = dh_store_get (fixture->store, "household", id, &error);
  g_assert_cmpstr (dh_json_get_string (record, "notes"), ==, "cũ");
  g_assert_cmpstr (dh_json_get_string (record, "address"), ==, "Nhà số 5");
  g_assert_cmpint (dh_store_count_pending_changes (fixture->store, &error), ==, 0);
}

static void
test_clock_moves_past_what_it_has_seen (StoreFixture  *fixture,
                                        gconstpointer  data)
{
  g_autoptr(json_object) house = fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn Sính\"}", fixture->village);
  const char *id = dh_json_get_string (house, "id");
  const char *future = "00ffffffffff0000-bbbbbbbbbbbbbbbb";
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) changes = fixture_json ("{\"notes\": \"sau\"}");
  g_autoptr(json_object) record = NULL;
  g_autoptr(GPtrArray) queue = NULL;
  json_object *last;

  g_ptr_array_add (batch, change_for (id, "household", future, "{\"notes\": \"trước\"}"));
  apply (fixture->store, batch);

  /* a local edit after seeing a timestamp from the future still wins over it */
  record = dh_store_update (fixture->store, "household", id, changes, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (record, "notes"), ==, "sau");
  queue = pending (fixture->store);
  last = g_ptr_array_index (queue, queue->len - 1);
  g_assert_cmpint (strcmp (dh_json_get_string (last, "clock"), future), >, 0);
}

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
  DhQuery query = { .entity = "conflict" };
  json_object *conflict;

  acknowledge_all (fixture->store);
  record = dh_store_update (fixture->store, "household", id, local, &error);
  g_assert_no_error (error);

  g_ptr_array_add (batch, change_for (id, "household", "7fffffffffff0000-bbbbbbbbbbbbbbbb", "{\"phone\": \"0987654321\"}"));
  apply (fixture->store, batch);

  g_clear_pointer (&record, json_object_put);
  record = dh_store_get (fixture->store, "household", id, &error);
  g_assert_cmpstr (dh_json_get_string (record, "phone"), ==, "0987654321");

  conflicts = dh_store_list (fixture->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  conflict = g_ptr_array_index (conflicts, 0);
  g_assert_cmpstr (dh_json_get_string (conflict, "field"), ==, "phone");
  g_assert_cmpstr (dh_json_get_string (conflict, "kept_value"), ==, "0987654321");
  g_assert_cmpstr (dh_json_get_string (conflict, "lost_value"), ==, "0912000111");
  g_assert_cmpstr (dh_json_get_string (conflict, "lost_by"), ==, "tester");
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
  g_autoptr(json_object) edit_a = fixture_json ("{\"notes\": \"A\", \"address\": \"A\"}");
  g_autoptr(json_object) edit_b = fixture_json ("{\"notes\": \"B\", \"phone\": \"0911111111\"}");
  g_autoptr(json_object) on_a = NULL;
  g_autoptr(json_object) on_b = NULL;

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

  on_a = dh_store_get (fixture->store, "household", id, &error);
  on_b = dh_store_get (b, "household", id, &error);
  for (guint i = 0; i < 3; i++)
    {
      const char *field = (const char *[]) { "notes", "address", "phone" }[i];

      g_assert_cmpstr (dh_json_get_string (on_a, field), ==, dh_json_get_string (on_b, field));
    }
  g_assert_cmpstr (dh_json_get_string (on_a, "address"), ==, "A");
  g_assert_cmpstr (dh_json_get_string (on_a, "phone"), ==, "0911111111");
}

static void
test_malformed_change_rejected_whole (StoreFixture  *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *good = g_strdup_printf ("{\"code\": \"X\", \"kind\": \"province\", \"name\": \"Tỉnh X\"}");
  DhQuery query = { .entity = "province" };

  g_ptr_array_add (batch, change_for (id, "admin_unit", "0000000000010000-aaaaaaaaaaaaaaaa", good));
  g_ptr_array_add (batch, change_for (id, "household", "not-a-clock", "{}"));

  g_assert_false (dh_store_apply_remote_changes (fixture->store, batch, &error));
  g_assert_nonnull (error);
  g_assert_cmpint (dh_store_count (fixture->store, &query, NULL), ==, 1);
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
  STORE_TEST ("/store/sync/concurrent-edit-keeps-loser-as-conflict", test_concurrent_edit_keeps_loser_as_conflict);
  STORE_TEST ("/store/sync/two-devices-converge", test_two_devices_converge);
  STORE_TEST ("/store/sync/malformed-change-rejected-whole", test_malformed_change_rejected_whole);

  return g_test_run ();
}
