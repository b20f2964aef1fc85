/* test-object.c – the store as a GObject: how it opens, its properties, its clock and its errors */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "dh-date.h"
#include "dh-error.h"
#include "dh-store-private.h"
#include "store-fixture.h"

typedef struct
{
  gint64 ms;
} FakeClock;

static gint64
fake_clock_cb (gpointer user_data)
{
  FakeClock *clock = user_data;

  return clock->ms;
}

static gint64
local_ms (int year,
          int month,
          int day,
          int hour,
          int minute,
          int second)
{
  g_autoptr(GDateTime) time = g_date_time_new_local (year, month, day, hour, minute, second);

  return g_date_time_to_unix (time) * 1000;
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           guint      *notified)
{
  (*notified)++;
}

static void
test_opens_as_an_initable (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "other.db", NULL);
  g_autofree char *not_a_folder = g_build_filename (fixture->dir, "other.db", "store.db", NULL);
  g_autofree char *read_path = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *user = NULL;
  g_autoptr(DhStore) store = NULL;
  g_autoptr(DhStore) refused = NULL;
  g_autoptr(json_object) record = NULL;
  guint notified = 0;

  store = g_initable_new (DH_TYPE_STORE, NULL, &error, "path", path, "user", "lan", NULL);
  g_assert_no_error (error);
  g_object_get (store, "path", &read_path, "device-id", &device_id, "user", &user, NULL);
  g_assert_cmpstr (read_path, ==, path);
  g_assert_cmpstr (device_id, ==, dh_store_get_device_id (store));
  g_assert_true (dh_hlc_is_valid_device_id (device_id));
  g_assert_cmpstr (user, ==, "lan");

  /* user says when it changes, and only then */
  g_signal_connect (store, "notify::user", G_CALLBACK (notify_cb), &notified);
  g_object_set (store, "user", "lan", NULL);
  dh_store_set_user (store, "lan");
  g_assert_cmpuint (notified, ==, 0);
  dh_store_set_user (store, "minh");
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpstr (dh_store_get_user (store), ==, "minh");

  /* a store whose changes were never announced still goes when dropped */
  record = json_tokener_parse ("{\"code\": \"98\", \"kind\": \"province\", \"name\": \"Tỉnh Khác\"}");
  json_object_put (dh_store_create (store, "admin_unit", record, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (g_steal_pointer (&store));
  while (g_main_context_iteration (NULL, FALSE))
    ;

  /* a path that cannot hold a store: the error says so */
  refused = g_initable_new (DH_TYPE_STORE, NULL, &error, "path", not_a_folder, NULL);
  g_assert_null (refused);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_OPEN);
}

static void
test_stamps_come_from_the_wall_clock (StoreFixture  *fixture,
                                      gconstpointer  data)
{
  FakeClock clock = { .ms = g_get_real_time () / 1000 + 36 * 3600 * 1000 };
  g_autoptr(GDateTime) expected_time = g_date_time_new_from_unix_utc (clock.ms / 1000);
  g_autofree char *expected = g_date_time_format (expected_time, "%Y-%m-%dT%H:%M:%SZ");
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) record = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  json_object *change;

  dh_store_set_wall_clock (fixture->store, fake_clock_cb, &clock);
  g_assert_cmpint (dh_store_get_wall_clock_ms (fixture->store), ==, clock.ms);

  record = fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Vàng A Dế\"}", fixture->village);
  g_assert_cmpstr (dh_json_get_string (record, "created_at"), ==, expected);
  g_assert_cmpstr (dh_json_get_string (record, "updated_at"), ==, expected);

  changes = dh_store_get_pending_changes (fixture->store, 0, &error);
  g_assert_no_error (error);
  change = g_ptr_array_index (changes, changes->len - 1);
  g_assert_cmpint (dh_hlc_get_wall_ms (dh_json_get_string (change, "k")), ==, clock.ms);

  dh_store_set_wall_clock (fixture->store, NULL, NULL);
}

static char *
today_iso (DhStore *store)
{
  GDate today;

  dh_store_get_today (store, &today);
  return dh_date_to_iso (&today);
}

static json_object *
try_visit (StoreFixture  *fixture,
           const char    *household_id,
           const char    *date,
           GError       **error)
{
  g_autofree char *text = g_strdup_printf ("{\"household\": \"%s\", \"visited_on\": \"%s\"}", household_id, date);
  g_autoptr(json_object) fields = fixture_json (text);

  return dh_store_create (fixture->store, "visit", fields, error);
}

static void
test_today_turns_at_midnight (StoreFixture  *fixture,
                              gconstpointer  data)
{
  FakeClock clock = { .ms = local_ms (2027, 1, 31, 23, 59, 59) };
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) house = NULL;
  g_autoptr(json_object) early = NULL;
  g_autoptr(json_object) visit = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *fixed = NULL;
  GDate date;

  dh_store_set_wall_clock (fixture->store, fake_clock_cb, &clock);
  house = fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Sùng A Páo\"}", fixture->village);

  /* a second before midnight, tomorrow's visit cannot be recorded yet */
  before = today_iso (fixture->store);
  g_assert_cmpstr (before, ==, "2027-01-31");
  early = try_visit (fixture, dh_json_get_string (house, "id"), "2027-02-01", &error);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE);
  g_assert_null (early);
  g_clear_error (&error);

  /* the store left open past midnight knows it is the next day */
  clock.ms = local_ms (2027, 2, 1, 0, 0, 0);
  after = today_iso (fixture->store);
  g_assert_cmpstr (after, ==, "2027-02-01");
  visit = try_visit (fixture, dh_json_get_string (house, "id"), "2027-02-01", &error);
  g_assert_no_error (error);
  g_assert_nonnull (visit);

  /* a date given by hand wins, until it is taken back */
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 30, G_DATE_JUNE, 2026);
  dh_store_set_today (fixture->store, &date);
  fixed = today_iso (fixture->store);
  g_assert_cmpstr (fixed, ==, "2026-06-30");
  dh_store_set_today (fixture->store, NULL);
  g_free (fixed);
  fixed = today_iso (fixture->store);
  g_assert_cmpstr (fixed, ==, "2027-02-01");

  dh_store_set_wall_clock (fixture->store, NULL, NULL);
}

static void
assert_sql_fails (StoreFixture *fixture,
                  const char   *sql,
                  GQuark        domain,
                  int           code)
{
  g_autoptr(GError) error = NULL;

  dh_store_lock (fixture->store);
  g_assert_false (dh_store_exec (fixture->store, sql, &error));
  dh_store_unlock (fixture->store);
  g_assert_error (error, domain, code);
  g_test_message ("%s", error->message);
}

static void
test_constraint_errors_told_apart (StoreFixture  *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing_village =
    g_strdup_printf ("INSERT INTO household (id, created_at, updated_at, clock, village, head_name) "
                     "VALUES ('%s', 'now', 'now', 'clock', 'no-such-village', 'Lò Văn A')",
                     "7f6b1a0e-2f47-4d41-9a3e-0e6f3c3c9b11");

  assert_sql_fails (fixture, missing_village, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE);
  assert_sql_fails (fixture, "INSERT INTO meta (key, value) VALUES ('device_id', 'again')",
                    DH_STORE_ERROR, DH_STORE_ERROR_DUPLICATE);
  assert_sql_fails (fixture, "INSERT INTO change_queue (entity, record_id, clock, fields) VALUES ('household', 'r', 'k', '{}'), ('household', 'r', 'k', '{}')",
                    DH_STORE_ERROR, DH_STORE_ERROR_DUPLICATE);
  assert_sql_fails (fixture, "INSERT INTO meta (key, value) VALUES (NULL, 'nobody')",
                    DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED);

  dh_store_lock (fixture->store);
  g_assert_true (dh_store_exec (fixture->store, "CREATE TEMP TABLE amounts (vnd INTEGER CHECK (vnd >= 0))", &error));
  dh_store_unlock (fixture->store);
  g_assert_no_error (error);
  assert_sql_fails (fixture, "INSERT INTO amounts VALUES (-1)", DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID);

  /* and none of them left a transaction open */
  g_assert_true (dh_store_begin (fixture->store, &error));
  g_assert_true (dh_store_commit (fixture->store, &error));
  g_assert_no_error (error);
}

/* The writer's connection has no mutex of SQLite's: the store's lock is
 * what keeps two threads out of it, and using it without holding the lock
 * stops the program rather than risk the file. */
static void
test_connection_used_under_the_lock_alone (StoreFixture  *fixture,
                                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (g_test_subprocess ())
    {
      dh_store_exec (fixture->store, "SELECT 1", &error);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*dh_store_is_locked_here*");

  dh_store_lock (fixture->store);
  g_assert_true (dh_store_exec (fixture->store, "SELECT 1", &error));
  dh_store_unlock (fixture->store);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  STORE_TEST ("/store/object/opens-as-an-initable", test_opens_as_an_initable);
  STORE_TEST ("/store/clock/stamps-come-from-the-wall-clock", test_stamps_come_from_the_wall_clock);
  STORE_TEST ("/store/clock/today-turns-at-midnight", test_today_turns_at_midnight);
  STORE_TEST ("/store/errors/constraint-errors-told-apart", test_constraint_errors_told_apart);
  STORE_TEST ("/store/object/connection-used-under-the-lock-alone", test_connection_used_under_the_lock_alone);

  return g_test_run ();
}
