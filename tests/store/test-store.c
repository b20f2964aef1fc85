/* test-store.c – the local store: schema, writes with their pending changes, the ledger, lists */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "dh-csv.h"

#include "dh-demo.h"
#include "dh-error.h"
#include "dh-store-private.h"
#include "store-fixture.h"

static gint64
count_rows (StoreFixture *fixture,
            const char   *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 count = -1;

  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return count;
}

static GPtrArray *
pending (StoreFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *changes = dh_store_get_pending_changes (fixture->store, 0, &error);

  g_assert_no_error (error);
  return changes;
}

static json_object *
last_pending (StoreFixture *fixture)
{
  g_autoptr(GPtrArray) changes = pending (fixture);

  g_assert_cmpuint (changes->len, >, 0);
  return json_object_get (g_ptr_array_index (changes, changes->len - 1));
}

static char *
household (StoreFixture *fixture,
           const char   *head_name)
{
  g_autoptr(json_object) record =
    fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"%s\"}", fixture->village, head_name);

  return g_strdup (dh_json_get_string (record, "id"));
}

static void
test_open_creates_private_wal_store (StoreFixture  *fixture,
                                     gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  struct stat info;

  g_assert_cmpint (g_stat (fixture->path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);
  g_assert_cmpint (dh_store_get_schema_version (fixture->store), ==, 3);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  /* the write-ahead log holds the same personal data */
  g_assert_cmpint (g_stat (wal, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);
  g_assert_cmpint (strlen (dh_store_get_device_id (fixture->store)), ==, 16);
}

static void
test_reopen_keeps_device_and_clock (StoreFixture  *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *device = g_strdup (dh_store_get_device_id (fixture->store));
  g_autoptr(json_object) before = NULL;
  g_autoptr(json_object) after = NULL;
  g_autofree char *id = household (fixture, "Lò Văn Sính");

  before = last_pending (fixture);
  g_clear_object (&fixture->store);
  fixture->store = dh_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dh_store_get_device_id (fixture->store), ==, device);

  g_free (household (fixture, "Lò Thị Mỷ"));
  after = last_pending (fixture);
  g_assert_cmpint (strcmp (dh_json_get_string (after, "k"), dh_json_get_string (before, "k")), >, 0);
}

static const char broken_migration[] =
  "CREATE TABLE half_done (x INTEGER);"
  "ALTER TABLE household ADD COLUMN half INTEGER;"
  "THIS IS NOT SQL;";

static void
test_interrupted_migration_leaves_old_schema (StoreFixture  *fixture,
                                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = NULL;
  DhMigration migrations[] = { dh_store_migrations[0], dh_store_migrations[1], dh_store_migrations[2], { 4, broken_migration } };

  g_clear_object (&fixture->store);
  store = dh_store_open_with_migrations (fixture->path, migrations, G_N_ELEMENTS (migrations), &error);
  g_assert_null (store);
  g_assert_nonnull (error);

  g_assert_cmpint (count_rows (fixture, "PRAGMA user_version"), ==, 3);
  g_assert_cmpint (count_rows (fixture, "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'"), ==, 0);
  g_assert_cmpint (count_rows (fixture, "SELECT count(*) FROM pragma_table_info('household') WHERE name = 'half'"), ==, 0);
  g_assert_cmpint (count_rows (fixture, "SELECT count(*) FROM admin_unit"), ==, 4);

  g_clear_error (&error);
  fixture->store = dh_store_open (fixture->path, &error);
  g_assert_no_error (error);
}

static void
test_migration_upgrades_and_keeps_data (StoreFixture  *fixture,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = NULL;
  g_autofree char *house = household (fixture, "Lò Văn Sính");
  g_autoptr(json_object) record = NULL;
  DhMigration migrations[] = {
    dh_store_migrations[0],
    dh_store_migrations[1],
    dh_store_migrations[2],
    { 4, "ALTER TABLE household ADD COLUMN gps TEXT; CREATE INDEX household_by_gps ON household (gps);" },
  };

  g_clear_object (&fixture->store);
  store = dh_store_open_with_migrations (fixture->path, migrations, G_N_ELEMENTS (migrations), &error);
  g_assert_no_error (error);
  g_assert_cmpint (dh_store_get_schema_version (store), ==, 4);
  g_assert_cmpint (count_rows (fixture, "SELECT count(*) FROM pragma_table_info('household') WHERE name = 'gps'"), ==, 1);

  record = dh_store_get (store, "household", house, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (record, "head_name"), ==, "Lò Văn Sính");

  /* opened again, nothing runs twice */
  g_clear_object (&store);
  store = dh_store_open_with_migrations (fixture->path, migrations, G_N_ELEMENTS (migrations), &error);
  g_assert_no_error (error);
  g_assert_cmpint (dh_store_get_schema_version (store), ==, 4);
}

static void
test_newer_schema_refused (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = NULL;
  sqlite3 *db;

  g_clear_object (&fixture->store);
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 42", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = dh_store_open (fixture->path, &error);
  g_assert_null (store);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_TOO_NEW);
}

static void
test_not_a_store_refused (StoreFixture  *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "notes.txt", NULL);

  g_assert_true (g_file_set_contents (path, "a shopping list, not a database, long enough to have a header ......................................................", -1, NULL));
  store = dh_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_CORRUPT);
}

static void
test_every_field_has_a_column (StoreFixture  *fixture,
                               gconstpointer  data)
{
  guint n_entities;
  const DhEntity * const *entities = dh_entity_list_all (&n_entities);

  for (guint i = 0; i < n_entities; i++)
    {
      for (guint j = 0; j < entities[i]->n_fields; j++)
        {
          g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM pragma_table_info('%s') WHERE name = '%s'",
                                                  entities[i]->name, entities[i]->fields[j].name);

          if (count_rows (fixture, sql) != 1)
            g_error ("%s.%s has no column", entities[i]->name, entities[i]->fields[j].name);
        }
    }
}

static void
test_household_create_records_pending_change (StoreFixture  *fixture,
                                              gconstpointer  data)
{
  g_autoptr(json_object) record = NULL;
  g_autoptr(json_object) change = NULL;
  g_autoptr(json_object) fields = NULL;

  record = fixture_create (fixture, "household",
                           "{\"village\": \"%s\", \"head_name\": \"  Nguye\\u0302\\u0303n   Văn Đặng \", \"phone\": \"+84 912 345 678\"}",
                           fixture->village);

  g_assert_cmpstr (dh_json_get_string (record, "head_name"), ==, "Nguyễn Văn Đặng");
  g_assert_cmpstr (dh_json_get_string (record, "phone"), ==, "0912345678");
  g_assert_cmpstr (dh_json_get_string (record, "commune"), ==, fixture->commune);
  g_assert_cmpstr (dh_json_get_string (record, "classification"), ==, "unclassified");
  g_assert_cmpstr (dh_json_get_string (record, "sync_state"), ==, "created");
  g_assert_cmpstr (dh_json_get_string (record, "created_by"), ==, "tester");

  change = last_pending (fixture);
  g_assert_cmpstr (dh_json_get_string (change, "e"), ==, "household");
  g_assert_cmpstr (dh_json_get_string (change, "r"), ==, dh_json_get_string (record, "id"));
  g_assert_cmpstr (dh_json_get_string (change, "c"), ==, fixture->commune);
  g_assert_cmpstr (dh_json_get_string (change, "u"), ==, "tester");
  fields = fixture_change_values (change);
  g_assert_cmpstr (dh_json_get_string (fields, "head_name"), ==, "Nguyễn Văn Đặng");
  g_assert_cmpstr (dh_json_get_string (fields, "village"), ==, fixture->village);
}

static void
test_household_edit_records_only_changed_fields (StoreFixture  *fixture,
                                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = household (fixture, "Hoàng Thị Lan");
  g_autoptr(json_object) changes = fixture_json ("{\"phone\": \"0212 3456 789\", \"head_name\": \"Hoàng Thị Lan\"}");
  g_autoptr(json_object) record = NULL;
  g_autoptr(json_object) change = NULL;
  g_autoptr(GPtrArray) before = pending (fixture);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(json_object) fields = NULL;

  fixture_mark_sent (fixture);
  record = dh_store_update (fixture->store, "household", id, changes, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (record, "phone"), ==, "02123456789");

  change = last_pending (fixture);
  fields = fixture_change_values (change);
  g_assert_cmpint (json_object_object_length (fields), ==, 1);
  g_assert_cmpstr (dh_json_get_string (fields, "phone"), ==, "02123456789");

  /* the same values again change nothing and queue nothing */
  g_clear_pointer (&record, json_object_put);
  record = dh_store_update (fixture->store, "household", id, changes, &error);
  g_assert_no_error (error);
  after = pending (fixture);
  g_assert_cmpuint (after->len, ==, before->len + 1);
}

static void
test_rejected_write_leaves_nothing (StoreFixture  *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = pending (fixture);
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *text = g_strdup_printf ("{\"village\": \"%s\", \"head_name\": \"Lê Văn Tám\", \"phone\": \"12345\"}",
                                           fixture->village);
  g_autoptr(json_object) fields = fixture_json (text);
  g_autoptr(json_object) record = dh_store_create (fixture->store, "household", fields, &error);

  g_assert_null (record);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "phone"));
  after = pending (fixture);
  g_assert_cmpuint (after->len, ==, before->len);
  g_assert_cmpint (count_rows (fixture, "SELECT count(*) FROM household"), ==, 0);
}

static void
test_household_needs_a_village_not_a_commune (StoreFixture  *fixture,
                                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("{\"village\": \"%s\", \"head_name\": \"Lê Văn Tám\"}", fixture->commune);
  g_autoptr(json_object) fields = fixture_json (text);
  g_autoptr(json_object) record = dh_store_create (fixture->store, "household", fields, &error);

  g_assert_null (record);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE);
  g_assert_nonnull (strstr (error->message, "village"));
}

static void
test_household_code_unique_in_commune (StoreFixture  *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) first = NULL;
  g_autoptr(json_object) second = NULL;
  g_autofree char *text = g_strdup_printf ("{\"village\": \"%s\", \"head_name\": \"Vàng A Páo\", \"code\": \"HN-01\"}",
                                           fixture->other_village);
  g_autoptr(json_object) fields = fixture_json (text);

  first = fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Sùng A Chứ\", \"code\": \"HN-01\"}",
                          fixture->village);
  second = dh_store_create (fixture->store, "household", fields, &error);
  g_assert_null (second);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "HN-01"));
}

static void
test_every_entity_create_update_delete (StoreFixture  *fixture,
                                        gconstpointer  data)
{
  g_autofree char *house = household (fixture, "Đỗ Văn Hùng");
  struct {
    const char *entity;
    const char *create;
    const char *update;
    const char *field;
  } cases[] = {
    { "member", "{\"household\": \"%s\", \"full_name\": \"Đỗ Thị Hoa\", \"sex\": \"female\", \"birth_date\": \"1990\"}",
      "{\"schooling\": \"upper_secondary\"}", "schooling" },
    { "visit", "{\"household\": \"%s\", \"visited_on\": \"2026-03-02\", \"purpose\": \"routine\"}",
      "{\"notes\": \"Gia đình đã trồng 200 cây quế\"}", "notes" },
    { "exit_plan", "{\"household\": \"%s\", \"registered_on\": \"2026-01-15\", \"target_year\": 2027}",
      "{\"status\": \"on_track\"}", "status" },
    { "assessment", "{\"household\": \"%s\", \"reviewed_on\": \"2026-10-01\", \"income_per_capita\": 1400000, \"deprived\": [\"HI\", \"WAT\", \"TOI\"]}",
      "{\"reviewer\": \"Cán bộ Lường\"}", "reviewer" },
    { "support", "{\"household\": \"%s\", \"support_type\": \"livestock\", \"status\": \"planned\", \"amount_vnd\": \"10.000.000\"}",
      "{\"unit\": \"con bò\"}", "unit" },
    { "user", "{\"username\": \"lan.hoang%s\", \"full_name\": \"Hoàng Thị Lan\", \"role\": \"caseworker\"}",
      "{\"active\": false}", "active" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) parts = g_strsplit (cases[i].create, "%s", 2);
      g_autofree char *text = g_strjoinv (g_str_equal (cases[i].entity, "user") ? "" : house, parts);
      g_autoptr(json_object) record = fixture_create (fixture, cases[i].entity, "%s", text);
      g_autoptr(json_object) changes = fixture_json (cases[i].update);
      g_autoptr(json_object) updated = NULL;
      g_autoptr(json_object) change = NULL;
      g_autoptr(json_object) gone = NULL;
      const char *id = dh_json_get_string (record, "id");
      json_object *fields = NULL;

      g_test_message ("%s", cases[i].entity);
      change = last_pending (fixture);
      g_assert_cmpstr (dh_json_get_string (change, "e"), ==, cases[i].entity);
      g_assert_cmpstr (dh_json_get_string (change, "r"), ==, id);
      g_clear_pointer (&change, json_object_put);
      fixture_mark_sent (fixture);

      updated = dh_store_update (fixture->store, cases[i].entity, id, changes, &error);
      g_assert_no_error (error);
      change = last_pending (fixture);
      fields = fixture_change_values (change);
      g_assert_true (json_object_object_get_ex (fields, cases[i].field, NULL));
      g_assert_cmpint (json_object_object_length (fields), ==, 1);
      g_clear_pointer (&change, json_object_put);
      g_clear_pointer (&fields, json_object_put);
      fixture_mark_sent (fixture);

      g_assert_true (dh_store_delete (fixture->store, cases[i].entity, id, &error));
      g_assert_no_error (error);
      change = last_pending (fixture);
      fields = fixture_change_values (change);
      g_assert_true (json_object_get_boolean (json_object_object_get (fields, "deleted")));
      g_clear_pointer (&fields, json_object_put);

      gone = dh_store_get (fixture->store, cases[i].entity, id, &error);
      g_assert_null (gone);
      g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_NOT_FOUND);
    }
}

static void
test_household_delete_takes_members_keeps_ledger (StoreFixture  *fixture,
                                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *house = household (fixture, "Giàng A Sính");
  g_autoptr(json_object) member = fixture_create (fixture, "member", "{\"household\": \"%s\", \"full_name\": \"Giàng Thị Dợ\"}", house);
  g_autoptr(json_object) support = fixture_create (fixture, "support",
                                                   "{\"household\": \"%s\", \"support_type\": \"seed_plant\", \"delivered_on\": \"2026-04-01\", \"amount_vnd\": 800000}",
                                                   house);

  g_assert_true (dh_store_delete (fixture->store, "household", house, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (fixture, "SELECT count(*) FROM member WHERE deleted = 1"), ==, 1);
  g_assert_cmpint (count_rows (fixture, "SELECT count(*) FROM support WHERE deleted = 0"), ==, 1);
}

static void
test_member_citizen_id_must_agree (StoreFixture  *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *house = household (fixture, "Triệu Văn Sơn");
  g_autofree char *text = g_strdup_printf ("{\"household\": \"%s\", \"full_name\": \"Triệu Thị Mai\", \"sex\": \"female\", "
                                           "\"birth_date\": \"1985\", \"citizen_id\": \"002085001234\"}", house);
  g_autoptr(json_object) fields = fixture_json (text);
  g_autoptr(json_object) record = dh_store_create (fixture->store, "member", fields, &error);
  g_autoptr(json_object) good = NULL;

  g_assert_null (record);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "citizen_id"));
  g_assert_cmpint (count_rows (fixture, "SELECT count(*) FROM member"), ==, 0);

  good = fixture_create (fixture, "member",
                         "{\"household\": \"%s\", \"full_name\": \"Triệu Thị Mai\", \"sex\": \"female\", \"birth_date\": \"1985\", \"citizen_id\": \"002185001234\"}",
                         house);
  g_assert_cmpstr (dh_json_get_string (good, "citizen_id"), ==, "002185001234");
}

static void
test_future_visit_rejected (StoreFixture  *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *house = household (fixture, "Ma Văn Long");
  g_autofree char *text = g_strdup_printf ("{\"household\": \"%s\", \"visited_on\": \"2999-01-01\"}", house);
  g_autoptr(json_object) fields = fixture_json (text);
  g_autoptr(json_object) record = dh_store_create (fixture->store, "visit", fields, &error);

  g_assert_null (record);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE);
  g_assert_nonnull (strstr (error->message, "visited_on"));
}

static void
test_assessment_proposes_class (StoreFixture  *fixture,
                                gconstpointer  data)
{
  g_autofree char *house = household (fixture, "Nông Văn Việt");
  g_autoptr(json_object) poor = fixture_create (fixture, "assessment",
                                                "{\"household\": \"%s\", \"reviewed_on\": \"2026-10-01\", \"income_per_capita\": 1500000, \"deprived\": [\"TOI\", \"HI\", \"WAT\"]}",
                                                house);
  g_autoptr(json_object) near = fixture_create (fixture, "assessment",
                                                "{\"household\": \"%s\", \"reviewed_on\": \"2026-10-01\", \"income_per_capita\": 1500000, \"deprived\": [\"HI\"]}",
                                                house);
  json_object *deprived;

  g_assert_cmpstr (dh_json_get_string (poor, "proposed_class"), ==, "poor");
  /* an annual review (the default) of October 2026 makes the list of 2027 */
  g_assert_cmpstr (dh_json_get_string (poor, "standard"), ==, "VN-2027");
  g_assert_cmpstr (dh_json_get_string (poor, "area"), ==, "rural");
  g_assert_cmpstr (dh_json_get_string (near, "proposed_class"), ==, "near_poor");
  /* a set is stored sorted */
  json_object_object_get_ex (poor, "deprived", &deprived);
  g_assert_cmpstr (json_object_get_string (json_object_array_get_idx (deprived, 0)), ==, "HI");
}

static void
test_recognition_sets_household_class (StoreFixture  *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *house = household (fixture, "Nông Văn Việt");
  g_autoptr(json_object) review = fixture_create (fixture, "assessment",
                                                  "{\"household\": \"%s\", \"reviewed_on\": \"2025-10-01\", \"income_per_capita\": 1200000, \"deprived\": [\"HI\"]}",
                                                  house);
  g_autoptr(json_object) decision = fixture_json ("{\"official_class\": \"near_poor\", \"decided_on\": \"2025-12-15\"}");
  g_autoptr(json_object) decided = NULL;
  g_autoptr(json_object) record = NULL;
  g_autoptr(json_object) older = NULL;
  g_autoptr(json_object) still = NULL;

  record = dh_store_get (fixture->store, "household", house, &error);
  g_assert_cmpstr (dh_json_get_string (record, "classification"), ==, "unclassified");
  g_clear_pointer (&record, json_object_put);

  decided = dh_store_update (fixture->store, "assessment", dh_json_get_string (review, "id"), decision, &error);
  g_assert_no_error (error);
  record = dh_store_get (fixture->store, "household", house, &error);
  g_assert_cmpstr (dh_json_get_string (record, "classification"), ==, "near_poor");
  g_assert_cmpint (dh_json_get_int (record, "classification_year", 0), ==, 2025);
  g_assert_cmpstr (dh_json_get_string (record, "recognized_on"), ==, "2025-12-15");

  /* an older decision entered late does not undo a newer one */
  older = fixture_create (fixture, "assessment",
                          "{\"household\": \"%s\", \"reviewed_on\": \"2024-10-01\", \"income_per_capita\": 900000, "
                          "\"deprived\": [\"HI\", \"WAT\", \"TOI\"], \"official_class\": \"poor\", \"decided_on\": \"2024-12-10\"}",
                          house);
  still = dh_store_get (fixture->store, "household", house, &error);
  g_assert_cmpstr (dh_json_get_string (still, "classification"), ==, "near_poor");
}

static void
test_assessment_class_cannot_be_typed (StoreFixture  *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *house = household (fixture, "Nông Văn Việt");
  g_autofree char *text = g_strdup_printf ("{\"household\": \"%s\", \"reviewed_on\": \"2026-10-01\", \"income_per_capita\": 3000000, \"proposed_class\": \"poor\"}", house);
  g_autoptr(json_object) fields = fixture_json (text);
  g_autoptr(json_object) record = dh_store_create (fixture->store, "assessment", fields, &error);

  g_assert_null (record);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_READ_ONLY);
}

static void
test_delivered_support_cannot_be_edited (StoreFixture  *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *house = household (fixture, "Lường Văn Thắng");
  g_autoptr(json_object) entry = fixture_create (fixture, "support",
                                                 "{\"household\": \"%s\", \"support_type\": \"livestock\", \"delivered_on\": \"2026-05-01\", \"amount_vnd\": 12000000}",
                                                 house);
  g_autoptr(json_object) changes = fixture_json ("{\"amount_vnd\": 1200000}");
  g_autoptr(json_object) changed = dh_store_update (fixture->store, "support", dh_json_get_string (entry, "id"), changes, &error);

  g_assert_null (changed);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_LEDGER);
  g_assert_nonnull (strstr (error->message, "void it"));
  g_clear_error (&error);

  g_assert_false (dh_store_delete (fixture->store, "support", dh_json_get_string (entry, "id"), &error));
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_LEDGER);
  g_assert_cmpint (count_rows (fixture, "SELECT amount_vnd FROM support"), ==, 12000000);
}

static void
exec_sql (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_void_support_and_totals (StoreFixture  *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *house = household (fixture, "Lường Văn Thắng");
  g_autoptr(json_object) wrong = fixture_create (fixture, "support",
                                                 "{\"household\": \"%s\", \"support_type\": \"livestock\", \"delivered_on\": \"2026-05-01\", \"amount_vnd\": 12000000}",
                                                 house);
  g_autoptr(json_object) right = fixture_create (fixture, "support",
                                                 "{\"household\": \"%s\", \"support_type\": \"livestock\", \"delivered_on\": \"2026-05-01\", \"amount_vnd\": 1200000}",
                                                 house);
  g_autoptr(json_object) voiding = NULL;
  g_autoptr(json_object) again = NULL;
  g_autoptr(json_object) totals = NULL;
  json_object *row;

  voiding = dh_store_void_support (fixture->store, dh_json_get_string (wrong, "id"), "", &error);
  g_assert_null (voiding);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED);
  g_clear_error (&error);

  voiding = dh_store_void_support (fixture->store, dh_json_get_string (wrong, "id"), "Nhập thừa một số 0", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (voiding, "voids"), ==, dh_json_get_string (wrong, "id"));
  g_assert_cmpstr (dh_json_get_string (voiding, "void_reason"), ==, "Nhập thừa một số 0");

  {
    g_autoptr(json_object) voided = dh_store_get (fixture->store, "support", dh_json_get_string (wrong, "id"), &error);
    g_autoptr(json_object) kept = dh_store_get (fixture->store, "support", dh_json_get_string (right, "id"), &error);

    g_assert_cmpstr (dh_json_get_string (voided, "voided_by"), ==, dh_json_get_string (voiding, "id"));
    g_assert_null (dh_json_get_string (kept, "voided_by"));
  }

  again = dh_store_void_support (fixture->store, dh_json_get_string (wrong, "id"), "again", &error);
  g_assert_null (again);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_LEDGER);
  g_clear_error (&error);

  totals = dh_store_report_support_totals (fixture->store, fixture->commune, 2026, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_object_array_length (totals), ==, 1);
  row = json_object_array_get_idx (totals, 0);
  g_assert_cmpint (dh_json_get_int (row, "amount_vnd", -1), ==, 1200000);
  g_assert_cmpint (dh_json_get_int (row, "entries", -1), ==, 1);

  /* the household's own sums, by the project (or programme) its entries
   * name, the latest delivered first; planned, voided and voiding entries
   * count for nothing, every entry is counted */
  {
    g_autoptr(json_object) support = NULL;
    g_autoptr(json_object) project = fixture_create (fixture, "support",
                                                     "{\"household\": \"%s\", \"support_type\": \"livestock\", \"delivered_on\": \"2026-06-01\", "
                                                     "\"amount_vnd\": 500000, \"project\": \"3.1\"}", house);
    g_autoptr(json_object) planned = fixture_create (fixture, "support",
                                                     "{\"household\": \"%s\", \"support_type\": \"livestock\", \"delivered_on\": \"2026-07-01\", "
                                                     "\"amount_vnd\": 700000, \"status\": \"planned\", \"project\": \"3.2\"}", house);
    g_autofree char *other = household (fixture, "Lò Thị Hoa");
    json_object *sums;

    g_assert_nonnull (project);
    g_assert_nonnull (planned);
    support = dh_store_household_support (fixture->store, house, &error);
    g_assert_no_error (error);
    g_assert_cmpint (dh_json_get_int (support, "amount_vnd", -1), ==, 1700000);
    g_assert_cmpint (dh_json_get_int (support, "entries", -1), ==, 5);
    sums = json_object_object_get (support, "by_funding");
    g_assert_cmpuint (json_object_array_length (sums), ==, 2);
    g_assert_cmpstr (dh_json_get_string (json_object_array_get_idx (sums, 0), "funding"), ==, "3.1");
    g_assert_cmpint (dh_json_get_int (json_object_array_get_idx (sums, 0), "amount_vnd", -1), ==, 500000);
    g_assert_cmpstr (dh_json_get_string (json_object_array_get_idx (sums, 1), "funding"), ==, "");
    g_assert_cmpint (dh_json_get_int (json_object_array_get_idx (sums, 1), "amount_vnd", -1), ==, 1200000);

    /* amounts whose sum does not fit, which only a store written before
     * amounts had a largest can hold: unknown, never wrong, and no
     * error, so that the card opens to void them */
    for (guint i = 0; i < 2; i++)
      json_object_put (fixture_create (fixture, "support",
                                       "{\"household\": \"%s\", \"support_type\": \"livestock\", \"delivered_on\": \"2026-06-0%u\", "
                                       "\"amount_vnd\": 1000000, \"project\": \"3.1\"}", other, i + 1));
    {
      g_autofree char *sql = g_strdup_printf ("UPDATE support SET amount_vnd = 9000000000000000000 WHERE household = '%s'", other);

      exec_sql (fixture->path, sql);
    }
    json_object_put (fixture_create (fixture, "support",
                                     "{\"household\": \"%s\", \"support_type\": \"livestock\", \"delivered_on\": \"2026-05-01\", "
                                     "\"amount_vnd\": 300000, \"programme\": \"NTP-GNBV-2021-2025\"}", other));
    g_clear_pointer (&support, json_object_put);
    support = dh_store_household_support (fixture->store, other, &error);
    g_assert_no_error (error);
    g_assert_true (json_object_object_get_ex (support, "amount_vnd", NULL));
    g_assert_null (json_object_object_get (support, "amount_vnd"));
    sums = json_object_object_get (support, "by_funding");
    g_assert_cmpuint (json_object_array_length (sums), ==, 2);
    g_assert_null (json_object_object_get (json_object_array_get_idx (sums, 0), "amount_vnd"));
    g_assert_cmpint (dh_json_get_int (json_object_array_get_idx (sums, 1), "amount_vnd", -1), ==, 300000);
  }
}

static void
test_list_sorted_by_given_name_and_paged (StoreFixture  *fixture,
                                          gconstpointer  data)
{
  static const char * const names[] = {
    "Nguyễn Thị Bình", "Trần Văn An", "Lê Văn Bình", "Đỗ Thị Bình", "Phạm Văn Đức", "Hà Văn Dũng",
  };
  static const char * const expected[] = {
    "Trần Văn An", "Đỗ Thị Bình", "Lê Văn Bình", "Nguyễn Thị Bình", "Hà Văn Dũng", "Phạm Văn Đức",
  };
  g_autoptr(GError) error = NULL;
  DhQuery query = { .entity = "household", .limit = 4 };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_free (household (fixture, names[i]));

  for (guint page = 0; page < 2; page++)
    {
      g_autoptr(GPtrArray) rows = NULL;

      query.offset = page * 4;
      rows = dh_store_list (fixture->store, &query, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (rows->len, ==, page == 0 ? 4 : 2);
      for (guint i = 0; i < rows->len; i++)
        g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (rows, i), "head_name"), ==, expected[page * 4 + i]);
    }

  g_assert_cmpint (dh_store_count (fixture->store, &query, &error), ==, 6);
}

static void
test_members_in_register_order (StoreFixture  *fixture,
                                gconstpointer  data)
{
  static const char * const expected[] = {
    "Vàng A Páo", "Thào Thị Dợ", "Vàng Thị Mỷ", "Vàng A Chứ", "Vàng Thị Sua",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *house = household (fixture, "Vàng A Páo");
  g_autofree char *filter = g_strdup_printf ("household=%s", house);
  const char *filters[] = { filter, NULL };
  DhQuery query = { .entity = "member", .filters = filters };
  g_autoptr(GPtrArray) rows = NULL;

  json_object_put (fixture_create (fixture, "member", "{\"household\": \"%s\", \"full_name\": \"Vàng Thị Sua\", \"relation\": \"child\", \"birth_date\": \"2015\"}", house));
  json_object_put (fixture_create (fixture, "member", "{\"household\": \"%s\", \"full_name\": \"Thào Thị Dợ\", \"relation\": \"spouse\", \"birth_date\": \"1982\"}", house));
  json_object_put (fixture_create (fixture, "member", "{\"household\": \"%s\", \"full_name\": \"Vàng A Chứ\", \"relation\": \"child\", \"birth_date\": \"2010-05-01\"}", house));
  json_object_put (fixture_create (fixture, "member", "{\"household\": \"%s\", \"full_name\": \"Vàng A Páo\", \"relation\": \"head\", \"birth_date\": \"1980\"}", house));
  json_object_put (fixture_create (fixture, "member", "{\"household\": \"%s\", \"full_name\": \"Vàng Thị Mỷ\", \"relation\": \"parent\", \"birth_date\": \"1955\"}", house));

  rows = dh_store_list (fixture->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (rows, i), "full_name"), ==, expected[i]);
}

static void
test_list_filters (StoreFixture  *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) a = fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"A\", \"classification\": \"poor\"}", fixture->village);
  g_autoptr(json_object) b = fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"B\", \"classification\": \"near_poor\"}", fixture->other_village);
  g_autofree char *village_filter = g_strdup_printf ("village=%s", fixture->other_village);
  const char *by_village[] = { village_filter, NULL };
  const char *by_class[] = { "classification=poor", NULL };
  const char *bad[] = { "colour=red", NULL };
  DhQuery query = { .entity = "household", .filters = by_village };
  DhQuery places = { .entity = "village" };
  g_autoptr(GPtrArray) rows = NULL;

  rows = dh_store_list (fixture->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (rows, 0), "head_name"), ==, "B");

  query.filters = by_class;
  g_assert_cmpint (dh_store_count (fixture->store, &query, &error), ==, 1);
  g_assert_cmpint (dh_store_count (fixture->store, &places, &error), ==, 2);

  query.filters = bad;
  g_assert_cmpint (dh_store_count (fixture->store, &query, &error), ==, -1);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_FIELD);
}

static void
test_overdue_caseload (StoreFixture  *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) report = NULL;
  GDate today;
  struct {
    const char *head;
    const char *classification;
    const char *visited_on;
    const char *next_visit_on;
    const char *expected;   /* reason, or NULL when not overdue */
  } cases[] = {
    { "Lò Văn A", "poor", NULL, NULL, "never_visited" },
    { "Lò Văn B", "near_poor", "2025-12-01", NULL, "not_visited_recently" },
    { "Lò Văn C", "poor", "2026-06-20", "2026-06-25", "next_visit_passed" },
    { "Lò Văn D", "poor", "2026-06-20", "2026-07-20", NULL },
    { "Lò Văn E", "poor", "2026-05-01", NULL, NULL },
    { "Lò Văn G", "not_poor", NULL, NULL, NULL },
  };
  guint expected_rows = 0;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 30, G_DATE_JUNE, 2026);
  dh_store_set_today (fixture->store, &today);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(json_object) house = fixture_create (fixture, "household",
                                                     "{\"village\": \"%s\", \"head_name\": \"%s\", \"classification\": \"%s\"}",
                                                     fixture->village, cases[i].head, cases[i].classification);

      if (cases[i].visited_on != NULL)
        {
          g_autofree char *next = cases[i].next_visit_on != NULL
                                  ? g_strdup_printf (", \"next_visit_on\": \"%s\"", cases[i].next_visit_on) : g_strdup ("");

          /* an older visit first: only the latest one counts */
          json_object_put (fixture_create (fixture, "visit", "{\"household\": \"%s\", \"visited_on\": \"2025-01-05\", \"next_visit_on\": \"2025-02-01\"}",
                                           dh_json_get_string (house, "id")));
          json_object_put (fixture_create (fixture, "visit", "{\"household\": \"%s\", \"visited_on\": \"%s\"%s}",
                                           dh_json_get_string (house, "id"), cases[i].visited_on, next));
        }
      expected_rows += cases[i].expected != NULL;
    }

  report = dh_store_report_overdue (fixture->store, fixture->commune, 90, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_object_array_length (report), ==, expected_rows);

  /* never visited first, then the longest waiting */
  for (guint i = 0, row = 0; i < G_N_ELEMENTS (cases); i++)
    {
      json_object *entry;

      if (cases[i].expected == NULL)
        continue;
      entry = json_object_array_get_idx (report, row++);
      g_assert_cmpstr (dh_json_get_string (entry, "head_name"), ==, cases[i].head);
      g_assert_cmpstr (dh_json_get_string (entry, "reason"), ==, cases[i].expected);
    }
}

/* The list's filter "not visited for N days" follows the overdue report's
 * rule, household for household, whatever their class. */
static void
test_not_visited_filter_agrees_with_report (StoreFixture  *fixture,
                                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) report = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GHashTable) reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *gone_visit = NULL;
  const char *overdue[] = { DH_FILTER_NOT_VISITED_FOR "=90", NULL };
  const char *bad[] = { DH_FILTER_NOT_VISITED_FOR "=ninety", NULL };
  DhQuery query = { .entity = "household", .filters = overdue, .limit = 100 };
  GDate today;
  struct {
    const char *head;
    const char *classification;
    const char *visited_on;
    const char *next_visit_on;
    gboolean    overdue;
  } cases[] = {
    { "Lò Văn A", "poor", NULL, NULL, TRUE },
    { "Lò Văn B", "near_poor", "2025-12-01", NULL, TRUE },
    { "Lò Văn C", "poor", "2026-06-20", "2026-06-25", TRUE },
    { "Lò Văn D", "poor", "2026-06-20", "2026-07-20", FALSE },
    { "Lò Văn E", "near_poor", "2026-04-01", NULL, FALSE },
    { "Lò Văn G", "not_poor", NULL, NULL, TRUE },
    { "Lò Văn H", "average", "2026-06-01", NULL, FALSE },
  };

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 30, G_DATE_JUNE, 2026);
  dh_store_set_today (fixture->store, &today);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *house = fixture_new_id (fixture, "household",
                                               "{\"village\": \"%s\", \"head_name\": \"%s\", \"classification\": \"%s\"}",
                                               fixture->village, cases[i].head, cases[i].classification);

      if (cases[i].visited_on != NULL)
        {
          g_autofree char *next = cases[i].next_visit_on != NULL
                                  ? g_strdup_printf (", \"next_visit_on\": \"%s\"", cases[i].next_visit_on) : g_strdup ("");

          json_object_put (fixture_create (fixture, "visit", "{\"household\": \"%s\", \"visited_on\": \"%s\"%s}",
                                           house, cases[i].visited_on, next));
        }
      /* a visit deleted again is no visit */
      if (g_str_equal (cases[i].head, "Lò Văn B"))
        gone_visit = fixture_new_id (fixture, "visit", "{\"household\": \"%s\", \"visited_on\": \"2026-06-28\"}", house);
    }
  g_assert_true (dh_store_delete (fixture->store, "visit", gone_visit, &error));
  g_assert_no_error (error);

  listed = dh_store_list (fixture->store, &query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < listed->len; j++)
        found = found || g_strcmp0 (dh_json_get_string (g_ptr_array_index (listed, j), "head_name"), cases[i].head) == 0;
      g_assert_cmpint (found, ==, cases[i].overdue);
    }
  g_assert_cmpint (dh_store_count (fixture->store, &query, &error), ==, listed->len);

  /* with the report's classes, the same households as the report */
  report = dh_store_report_overdue (fixture->store, fixture->commune, 90, &error);
  g_assert_no_error (error);
  for (size_t i = 0; i < json_object_array_length (report); i++)
    g_hash_table_add (reported, g_strdup (dh_json_get_string (json_object_array_get_idx (report, i), "household")));
  for (guint j = 0; j < listed->len; j++)
    {
      json_object *house = g_ptr_array_index (listed, j);
      const char *klass = dh_json_get_string (house, "classification");
      gboolean followed = g_strcmp0 (klass, "poor") == 0 || g_strcmp0 (klass, "near_poor") == 0;

      g_assert_cmpint (g_hash_table_contains (reported, dh_json_get_string (house, "id")), ==, followed);
    }
  g_assert_cmpuint (json_object_array_length (report), ==, 3);

  /* a shorter interval catches more: E, last visited 90 days ago, at 30 */
  overdue[0] = DH_FILTER_NOT_VISITED_FOR "=30";
  g_assert_cmpint (dh_store_count (fixture->store, &query, &error), ==, listed->len + 1);

  query.filters = bad;
  g_assert_cmpint (dh_store_count (fixture->store, &query, &error), ==, -1);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "ninety"));
}

/* The caseworkers households are assigned to, each once, live ones only. */
static void
test_list_values_of_a_field (StoreFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) values = NULL;
  g_autofree char *gone = NULL;

  json_object_put (fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn A\", \"assigned_to\": \"Đinh Thị Hoa\"}", fixture->village));
  json_object_put (fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn B\", \"assigned_to\": \"Bùi Văn Dũng\"}", fixture->village));
  json_object_put (fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn C\", \"assigned_to\": \"Đinh Thị Hoa\"}", fixture->village));
  json_object_put (fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn D\"}", fixture->village));
  gone = fixture_new_id (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"Lò Văn E\", \"assigned_to\": \"Ánh\"}", fixture->village);
  g_assert_true (dh_store_delete (fixture->store, "household", gone, &error));

  values = dh_store_list_values (fixture->store, "household", "assigned_to", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (values->len, ==, 2);
  /* B before Đ, as Vietnamese lists sort */
  g_assert_cmpstr (g_ptr_array_index (values, 0), ==, "Bùi Văn Dũng");
  g_assert_cmpstr (g_ptr_array_index (values, 1), ==, "Đinh Thị Hoa");

  /* a reference: the communes that have households, the fixture's one */
  g_clear_pointer (&values, g_ptr_array_unref);
  values = dh_store_list_values (fixture->store, "household", "commune", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (values->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (values, 0), ==, fixture->commune);
}

static void
changed_cb (DhStore    *store,
            const char *entity,
            GString    *heard)
{
  g_string_append_printf (heard, "%s;", entity);
}

static void
run_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_changed_after_commit_only (StoreFixture  *fixture,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) all = g_string_new (NULL);
  g_autoptr(GString) households = g_string_new (NULL);
  g_autoptr(json_object) bad = fixture_json ("{\"head_name\": \"A\"}");
  g_autoptr(json_object) none = NULL;
  g_autofree char *house = NULL;

  run_main_context ();
  g_signal_connect (fixture->store, "changed", G_CALLBACK (changed_cb), all);
  g_signal_connect (fixture->store, "changed::household", G_CALLBACK (changed_cb), households);

  /* a batch says so once, after its commit, for each entity it touched,
   * when the main context runs */
  g_assert_true (dh_store_begin (fixture->store, &error));
  house = household (fixture, "Lò Văn Sính");
  json_object_put (fixture_create (fixture, "member", "{\"household\": \"%s\", \"full_name\": \"Lò Thị Mỷ\"}", house));
  json_object_put (fixture_create (fixture, "member", "{\"household\": \"%s\", \"full_name\": \"Lò Văn Tủa\"}", house));
  run_main_context ();
  g_assert_cmpstr (all->str, ==, "");
  g_assert_true (dh_store_commit (fixture->store, &error));
  g_assert_cmpstr (all->str, ==, "");
  run_main_context ();
  g_assert_cmpstr (all->str, ==, "household;member;");
  g_assert_cmpstr (households->str, ==, "household;");

  /* a rejected write, or a batch rolled back, says nothing */
  g_string_truncate (all, 0);
  none = dh_store_create (fixture->store, "household", bad, &error);
  g_assert_null (none);
  g_clear_error (&error);
  g_assert_true (dh_store_begin (fixture->store, &error));
  g_free (household (fixture, "Lò Văn Chứ"));
  dh_store_rollback (fixture->store);
  run_main_context ();
  g_assert_cmpstr (all->str, ==, "");

  /* commits that follow each other are announced together */
  g_free (household (fixture, "Lò Văn Chứ"));
  g_free (household (fixture, "Lò Văn Páo"));
  run_main_context ();
  g_assert_cmpstr (all->str, ==, "household;");

  g_signal_handlers_disconnect_by_func (fixture->store, changed_cb, all);
  g_signal_handlers_disconnect_by_func (fixture->store, changed_cb, households);
}

static void
test_status_and_village_report (StoreFixture  *fixture,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) a = fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"A\", \"classification\": \"poor\"}", fixture->village);
  g_autoptr(json_object) b = fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"B\", \"classification\": \"poor\"}", fixture->village);
  g_autoptr(json_object) status = dh_store_get_status (fixture->store, &error);
  g_autoptr(json_object) report = NULL;
  json_object *counts, *village, *by_class;

  g_assert_no_error (error);
  json_object_object_get_ex (status, "counts", &counts);
  g_assert_cmpint (dh_json_get_int (counts, "household", -1), ==, 2);
  g_assert_cmpint (dh_json_get_int (status, "pending_changes", -1), ==, 6);

  report = dh_store_report_classes_by_village (fixture->store, fixture->commune, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_object_array_length (report), ==, 2);
  /* Bản Phìn Hồ sorts before Thôn Nà Hẩu */
  village = json_object_array_get_idx (report, 1);
  g_assert_cmpstr (dh_json_get_string (village, "name"), ==, "Thôn Nà Hẩu");
  json_object_object_get_ex (village, "by_class", &by_class);
  g_assert_cmpint (dh_json_get_int (by_class, "poor", -1), ==, 2);
}

/* Exports ENTITY and reads the file back as rows of cells, header first. */
static GPtrArray *
export_rows (StoreFixture *fixture,
             const char   *entity)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "export.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(DhCsvReader) reader = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  GStrv cells = NULL;
  gsize length;

  g_assert_true (dh_store_export_csv (fixture->store, entity, path, NULL, &error));
  g_assert_no_error (error);
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  bytes = g_bytes_new (contents, length);
  reader = dh_csv_reader_new (bytes, &error);
  g_assert_no_error (error);
  while (dh_csv_reader_next (reader, &cells, NULL, &error))
    g_ptr_array_add (rows, g_steal_pointer (&cells));
  g_assert_no_error (error);

  return rows;
}

static int
column_of (GPtrArray  *rows,
           const char *name)
{
  const char * const *header = g_ptr_array_index (rows, 0);

  for (int c = 0; header[c] != NULL; c++)
    {
      if (g_str_equal (header[c], name))
        return c;
    }
  g_assert_not_reached ();
}

static void
test_export_support_sums_to_money_delivered (StoreFixture  *fixture,
                                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *house = household (fixture, "Lường Văn Thắng");
  g_autoptr(json_object) wrong = fixture_create (fixture, "support",
                                                 "{\"household\": \"%s\", \"support_type\": \"livestock\", \"delivered_on\": \"2026-05-01\", \"amount_vnd\": 3000000, \"status\": \"delivered\"}",
                                                 house);
  g_autoptr(json_object) right = fixture_create (fixture, "support",
                                                 "{\"household\": \"%s\", \"support_type\": \"livestock\", \"delivered_on\": \"2026-05-01\", \"amount_vnd\": 1200000, \"status\": \"delivered\"}",
                                                 house);
  g_autoptr(json_object) voiding = dh_store_void_support (fixture->store, dh_json_get_string (wrong, "id"), "Nhầm hộ", &error);
  g_autoptr(GPtrArray) rows = NULL;
  gint64 sum = 0;
  int amount, voided_by, voids, id;

  g_assert_no_error (error);
  rows = export_rows (fixture, "support");
  g_assert_cmpuint (rows->len, ==, 4);
  amount = column_of (rows, "Amount (đồng)");
  voided_by = column_of (rows, "Voided by entry");
  voids = column_of (rows, "Voids entry");
  id = column_of (rows, "ID");

  for (guint r = 1; r < rows->len; r++)
    {
      const char * const *cells = g_ptr_array_index (rows, r);

      sum += g_ascii_strtoll (cells[amount], NULL, 10);
      /* the export says which entry is void, and which cancels it */
      if (g_str_equal (cells[id], dh_json_get_string (wrong, "id")))
        g_assert_cmpstr (cells[voided_by], ==, dh_json_get_string (voiding, "id"));
      else if (g_str_equal (cells[id], dh_json_get_string (voiding, "id")))
        {
          g_assert_cmpstr (cells[voids], ==, dh_json_get_string (wrong, "id"));
          g_assert_cmpstr (cells[amount], ==, "-3000000");
        }
      else
        g_assert_cmpstr (cells[voided_by], ==, "");
    }
  g_assert_cmpint (sum, ==, 1200000);
}

static void
test_export_formulas_kept_as_text (StoreFixture  *fixture,
                                   gconstpointer  data)
{
  g_autofree char *link = household (fixture, "=HYPERLINK(\\\"http://x\\\",\\\"click\\\")");
  g_autofree char *sum = household (fixture, "=1+1");
  g_autoptr(json_object) phoned = fixture_create (fixture, "household",
                                                  "{\"village\": \"%s\", \"head_name\": \"@Lò Văn Pâng\", \"phone\": \"0912345678\"}",
                                                  fixture->village);
  g_autoptr(GPtrArray) rows = export_rows (fixture, "household");
  g_autoptr(GHashTable) heads = g_hash_table_new (g_str_hash, g_str_equal);
  int head = column_of (rows, "Head of household");
  int phone = column_of (rows, "Phone");

  for (guint r = 1; r < rows->len; r++)
    {
      const char * const *cells = g_ptr_array_index (rows, r);

      g_hash_table_add (heads, (gpointer) cells[head]);
      if (g_str_equal (cells[head], "'@Lò Văn Pâng"))
        g_assert_cmpstr (cells[phone], ==, "=\"0912345678\"");
    }
  g_assert_true (g_hash_table_contains (heads, "'=HYPERLINK(\"http://x\",\"click\")"));
  g_assert_true (g_hash_table_contains (heads, "'=1+1"));
  g_assert_true (g_hash_table_contains (heads, "'@Lò Văn Pâng"));
}

static gboolean
folder_holds_only (const char *dir,
                   const char *name)
{
  g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
  const char *entry;

  while ((entry = g_dir_read_name (folder)) != NULL)
    {
      if (g_strcmp0 (entry, name) != 0)
        return FALSE;
    }
  return TRUE;
}

static void
test_export_appears_whole_or_not_at_all (StoreFixture  *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_build_filename (fixture->dir, "out", NULL);
  g_autofree char *path = g_build_filename (out, "ho.csv", NULL);
  g_autofree char *nowhere = g_build_filename (fixture->dir, "khong-co", "ho.csv", NULL);
  struct rlimit saved, small;
  struct stat info;

  g_assert_cmpint (g_mkdir (out, 0700), ==, 0);
  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *name = g_strdup_printf ("Nguyễn Thị Hoa Số %u", i);
      g_autofree char *id = household (fixture, name);
    }

  /* a folder that is not there: a clear error, and no file */
  g_assert_false (dh_store_export_csv (fixture->store, "household", nowhere, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "khong-co"));
  g_clear_error (&error);
  g_assert_false (g_file_test (nowhere, G_FILE_TEST_EXISTS));

  /* a disk that fills up halfway through: no half file, no temporary */
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  small = saved;
  small.rlim_cur = 16 * 1024;
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  g_assert_false (dh_store_export_csv (fixture->store, "household", path, NULL, &error));
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, SIG_DFL);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (folder_holds_only (out, NULL));

  /* then whole, private, and alone */
  g_assert_true (dh_store_export_csv (fixture->store, "household", path, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);
  g_assert_cmpint (info.st_size, >, 16 * 1024);
  g_assert_true (folder_holds_only (out, "ho.csv"));

  /* an unknown list leaves the old file as it was */
  g_assert_false (dh_store_export_csv (fixture->store, "spaceship", path, NULL, &error));
  g_clear_error (&error);
  g_assert_true (folder_holds_only (out, "ho.csv"));
}

static guint
file_mode (const char *path)
{
  struct stat info;

  g_assert_cmpint (g_stat (path, &info), ==, 0);
  return info.st_mode & 07777;
}

static void
test_open_refuses_what_is_not_a_store (StoreFixture  *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_build_filename (fixture->dir, "ghi-chu.txt", NULL);
  g_autofree char *empty = g_build_filename (fixture->dir, "rong.db", NULL);
  g_autofree char *foreign = g_build_filename (fixture->dir, "khac.db", NULL);
  g_autofree char *contents = NULL;
  DhStore *store;
  struct stat info;

  g_assert_true (g_file_set_contents (text, "Danh sách hộ nghèo thôn Nà Hẩu\n", -1, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  exec_sql (foreign, "CREATE TABLE photos (name TEXT); INSERT INTO photos VALUES ('Tết 2026');");
  g_assert_cmpint (g_chmod (text, 0644), ==, 0);
  g_assert_cmpint (g_chmod (empty, 0644), ==, 0);
  g_assert_cmpint (g_chmod (foreign, 0644), ==, 0);

  /* a text is not a store, and not a damaged one either */
  store = dh_store_open (text, &error);
  g_assert_null (store);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "not a Đồng Hành store"));
  g_assert_null (strstr (error->message, "damaged"));
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (text, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "Danh sách hộ nghèo thôn Nà Hẩu\n");
  g_assert_cmpuint (file_mode (text), ==, 0644);

  /* only an opening that may create turns an empty file into a store */
  store = dh_store_open_full (empty, DH_STORE_OPEN_DEFAULT, &error);
  g_assert_null (store);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  store = dh_store_open_full (empty, DH_STORE_OPEN_READ_ONLY, &error);
  g_assert_null (store);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_cmpint (g_stat (empty, &info), ==, 0);
  g_assert_cmpint (info.st_size, ==, 0);
  g_assert_cmpuint (info.st_mode & 07777, ==, 0644);

  /* another program's database is left as it was, whatever the flags */
  store = dh_store_open_full (foreign, DH_STORE_OPEN_CREATE, &error);
  g_assert_null (store);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "not a Đồng Hành store"));
  g_clear_error (&error);
  g_assert_cmpuint (file_mode (foreign), ==, 0644);
  {
    StoreFixture other = { .path = foreign };

    g_assert_cmpint (count_rows (&other, "SELECT count(*) FROM sqlite_master WHERE name = 'meta'"), ==, 0);
    g_assert_cmpint (count_rows (&other, "PRAGMA user_version"), ==, 0);
  }
}

static void
test_open_marks_new_stores_and_stamps_old_ones (StoreFixture  *fixture,
                                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = NULL;

  /* "DHnh" */
  g_assert_cmpint (count_rows (fixture, "PRAGMA application_id"), ==, 0x44486E68);

  /* a store made before the application id was set */
  g_clear_object (&fixture->store);
  exec_sql (fixture->path, "PRAGMA application_id = 0");
  g_assert_cmpint (count_rows (fixture, "PRAGMA application_id"), ==, 0);

  store = dh_store_open_full (fixture->path, DH_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_true (dh_store_is_read_only (store));
  g_clear_object (&store);
  g_assert_cmpint (count_rows (fixture, "PRAGMA application_id"), ==, 0);

  store = dh_store_open_full (fixture->path, DH_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_false (dh_store_is_read_only (store));
  g_assert_cmpint (count_rows (fixture, "PRAGMA application_id"), ==, 0x44486E68);
}

static void
test_open_read_only_reads_and_changes_nothing (StoreFixture  *fixture,
                                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = NULL;
  g_autofree char *house = household (fixture, "Hoàng Thị Mai");
  g_autoptr(json_object) record = NULL;
  g_autoptr(json_object) fields = fixture_json ("{\"head_name\": \"Vàng A Chứ\"}");
  g_autofree char *missing = g_build_filename (fixture->dir, "khong-co.db", NULL);

  json_object_object_add (fields, "village", json_object_new_string (fixture->village));
  g_clear_object (&fixture->store);
  g_assert_cmpint (g_chmod (fixture->path, 0640), ==, 0);

  store = dh_store_open_full (fixture->path, DH_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  record = dh_store_get (store, "household", house, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (record, "head_name"), ==, "Hoàng Thị Mai");
  g_clear_pointer (&record, json_object_put);

  record = dh_store_create (store, "household", fields, &error);
  g_assert_null (record);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_OPEN);
  g_clear_error (&error);
  g_clear_object (&store);
  g_assert_cmpint (count_rows (fixture, "SELECT count(*) FROM household"), ==, 1);

  /* nor does opening it to write change who may read it */
  store = dh_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  g_assert_cmpuint (file_mode (fixture->path), ==, 0640);

  /* a read-only opening never creates */
  store = dh_store_open_full (missing, DH_STORE_OPEN_READ_ONLY, &error);
  g_assert_null (store);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_OPEN);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

static char *
family_name_of (const char *full_name)
{
  return g_strndup (full_name, strcspn (full_name, " "));
}

static int
birth_year_of (json_object *member)
{
  return (int) g_ascii_strtoll (dh_json_get_string (member, "birth_date"), NULL, 10);
}

/* Every household of a demo is a family one could meet: one head, named
 * as the household is; a man's wife of about his age; children with their
 * father's family name, born when their parents were grown; a head's
 * parent a generation older; grandchildren two generations younger; all of
 * one ethnic group. */
static void
test_demo_households_are_families (StoreFixture  *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) households = NULL;
  DhDemoOptions options;
  DhQuery query = { .entity = "household", .limit = 1000 };
  guint seen_spouses = 0, seen_children = 0, seen_parents = 0, seen_grandchildren = 0, seen_widows = 0;

  dh_demo_options_init (&options);
  options.households = 400;
  options.seed = 2026;
  g_assert_true (dh_demo_populate (fixture->store, &options, NULL, NULL, &error));
  g_assert_no_error (error);

  households = dh_store_list (fixture->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (households->len, ==, 400);

  for (guint h = 0; h < households->len; h++)
    {
      json_object *household = g_ptr_array_index (households, h);
      g_autofree char *filter = g_strdup_printf ("household=%s", dh_json_get_string (household, "id"));
      const char * const filters[] = { filter, NULL };
      DhQuery member_query = { .entity = "member", .filters = filters, .limit = 1000 };
      g_autoptr(GPtrArray) members = dh_store_list (fixture->store, &member_query, &error);
      g_autofree char *children_family = NULL;
      json_object *head = NULL, *spouse = NULL;

      g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

      g_assert_no_error (error);
      g_assert_cmpuint (members->len, >, 0);

      for (guint i = 0; i < members->len; i++)
        {
          json_object *member = g_ptr_array_index (members, i);

          g_assert_cmpstr (dh_json_get_string (member, "ethnicity"), ==, dh_json_get_string (household, "ethnicity"));
          /* no two people of one family share a name */
          g_assert_true (g_hash_table_add (names, (gpointer) dh_json_get_string (member, "full_name")));
          if (g_str_equal (dh_json_get_string (member, "relation"), "head"))
            {
              g_assert_null (head);
              head = member;
            }
          else if (g_str_equal (dh_json_get_string (member, "relation"), "spouse"))
            {
              g_assert_null (spouse);
              spouse = member;
            }
        }
      g_assert_nonnull (head);
      g_assert_cmpstr (dh_json_get_string (head, "full_name"), ==, dh_json_get_string (household, "head_name"));

      if (g_str_equal (dh_json_get_string (head, "sex"), "male"))
        children_family = family_name_of (dh_json_get_string (head, "full_name"));
      else
        seen_widows++;

      if (spouse != NULL)
        {
          g_assert_cmpstr (dh_json_get_string (spouse, "sex"), !=, dh_json_get_string (head, "sex"));
          g_assert_cmpint (ABS (birth_year_of (spouse) - birth_year_of (head)), <=, 10);
          if (g_str_equal (dh_json_get_string (spouse, "sex"), "male"))
            children_family = family_name_of (dh_json_get_string (spouse, "full_name"));
          seen_spouses++;
        }

      for (guint i = 0; i < members->len; i++)
        {
          json_object *member = g_ptr_array_index (members, i);
          const char *relation = dh_json_get_string (member, "relation");
          g_autofree char *member_family = family_name_of (dh_json_get_string (member, "full_name"));
          int born = birth_year_of (member);

          if (g_str_equal (relation, "child") || g_str_equal (relation, "grandchild"))
            {
              int generations = g_str_equal (relation, "child") ? 1 : 2;

              /* a widow's children all carry their late father's name */
              if (children_family == NULL)
                children_family = g_strdup (member_family);
              g_assert_cmpstr (member_family, ==, children_family);
              g_assert_cmpint (born, >=, birth_year_of (head) + 16 * generations);
              if (spouse != NULL)
                g_assert_cmpint (born, >=, birth_year_of (spouse) + 16 * generations);
              seen_children += generations == 1;
              seen_grandchildren += generations == 2;
            }
          else if (g_str_equal (relation, "parent"))
            {
              g_autofree char *head_family = family_name_of (dh_json_get_string (head, "full_name"));

              g_assert_cmpint (born, <=, birth_year_of (head) - 16);
              if (g_str_equal (dh_json_get_string (member, "sex"), "male"))
                g_assert_cmpstr (member_family, ==, head_family);
              seen_parents++;
            }
        }
    }

  /* the demo shows every kind of family, not only the easy ones */
  g_assert_cmpuint (seen_spouses, >, 0);
  g_assert_cmpuint (seen_children, >, 0);
  g_assert_cmpuint (seen_parents, >, 0);
  g_assert_cmpuint (seen_grandchildren, >, 0);
  g_assert_cmpuint (seen_widows, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  STORE_TEST ("/store/open/creates-private-wal-store", test_open_creates_private_wal_store);
  STORE_TEST ("/store/open/reopen-keeps-device-and-clock", test_reopen_keeps_device_and_clock);
  STORE_TEST ("/store/migration/interrupted-leaves-old-schema", test_interrupted_migration_leaves_old_schema);
  STORE_TEST ("/store/migration/upgrades-and-keeps-data", test_migration_upgrades_and_keeps_data);
  STORE_TEST ("/store/migration/newer-schema-refused", test_newer_schema_refused);
  STORE_TEST ("/store/open/not-a-store-refused", test_not_a_store_refused);
  STORE_TEST ("/store/schema/every-field-has-a-column", test_every_field_has_a_column);
  STORE_TEST ("/store/household/create-records-pending-change", test_household_create_records_pending_change);
  STORE_TEST ("/store/household/edit-records-only-changed-fields", test_household_edit_records_only_changed_fields);
  STORE_TEST ("/store/household/rejected-write-leaves-nothing", test_rejected_write_leaves_nothing);
  STORE_TEST ("/store/household/needs-a-village-not-a-commune", test_household_needs_a_village_not_a_commune);
  STORE_TEST ("/store/household/code-unique-in-commune", test_household_code_unique_in_commune);
  STORE_TEST ("/store/household/delete-takes-members-keeps-ledger", test_household_delete_takes_members_keeps_ledger);
  STORE_TEST ("/store/entities/create-update-delete-record-changes", test_every_entity_create_update_delete);
  STORE_TEST ("/store/member/citizen-id-must-agree", test_member_citizen_id_must_agree);
  STORE_TEST ("/store/visit/future-date-rejected", test_future_visit_rejected);
  STORE_TEST ("/store/assessment/proposes-class", test_assessment_proposes_class);
  STORE_TEST ("/store/assessment/recognition-sets-household-class", test_recognition_sets_household_class);
  STORE_TEST ("/store/assessment/class-cannot-be-typed", test_assessment_class_cannot_be_typed);
  STORE_TEST ("/store/support/delivered-entry-cannot-be-edited", test_delivered_support_cannot_be_edited);
  STORE_TEST ("/store/support/void-and-totals", test_void_support_and_totals);
  STORE_TEST ("/store/open/refuses-what-is-not-a-store", test_open_refuses_what_is_not_a_store);
  STORE_TEST ("/store/open/marks-new-stores-and-stamps-old-ones", test_open_marks_new_stores_and_stamps_old_ones);
  STORE_TEST ("/store/open/read-only-reads-and-changes-nothing", test_open_read_only_reads_and_changes_nothing);
  STORE_TEST ("/store/export/support-sums-to-money-delivered", test_export_support_sums_to_money_delivered);
  STORE_TEST ("/store/export/formulas-kept-as-text", test_export_formulas_kept_as_text);
  STORE_TEST ("/store/export/appears-whole-or-not-at-all", test_export_appears_whole_or_not_at_all);
  STORE_TEST ("/store/list/sorted-by-given-name-and-paged", test_list_sorted_by_given_name_and_paged);
  STORE_TEST ("/store/list/filters", test_list_filters);
  STORE_TEST ("/store/list/members-in-register-order", test_members_in_register_order);
  STORE_TEST ("/store/report/status-and-villages", test_status_and_village_report);
  STORE_TEST ("/store/report/overdue-caseload", test_overdue_caseload);
  STORE_TEST ("/store/query/not-visited-filter-agrees-with-report", test_not_visited_filter_agrees_with_report);
  STORE_TEST ("/store/query/list-values-of-a-field", test_list_values_of_a_field);
  STORE_TEST ("/store/signals/changed-after-commit-only", test_changed_after_commit_only);
  STORE_TEST ("/store/demo/households-are-families", test_demo_households_are_families);

  return g_test_run ();
}
