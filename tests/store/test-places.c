/* test-places.c – the store takes places and coded values as people write them, and says when it is busy */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "dh-error.h"
#include "store-fixture.h"

/* The fixture's commune (Xã Thử) has Thôn Nà Hẩu (T1) and Bản Phìn Hồ
 * (T2); a second commune, Xã Mới, gets a Thôn Nà Hẩu of its own (M1). */
static char *
add_second_commune (StoreFixture *fixture,
                    char        **out_village)
{
  char *commune = fixture_new_id (fixture, "commune", "{\"code\": \"99002\", \"name\": \"Xã Mới\", \"parent\": \"Tỉnh Thử\"}");

  *out_village = fixture_new_id (fixture, "village", "{\"code\": \"M1\", \"name\": \"Thôn Nà Hẩu\", \"parent\": \"99002\"}");
  return commune;
}

static void
test_resolve_by_id_code_or_name (StoreFixture  *fixture,
                                 gconstpointer  data)
{
  const char *phin_ho[] = { "Bản Phìn Hồ", "ban phin ho", "BẢN PHÌN HỒ", "Phìn Hồ", "t2", "T2" };
  g_autoptr(GError) error = NULL;
  g_autofree char *commune = NULL;
  g_autofree char *other = NULL;
  g_autofree char *found = NULL;

  commune = add_second_commune (fixture, &other);

  for (guint i = 0; i < G_N_ELEMENTS (phin_ho); i++)
    {
      g_autofree char *id = dh_store_resolve_place (fixture->store, "village", phin_ho[i], NULL, &error);

      g_test_message ("%s", phin_ho[i]);
      g_assert_no_error (error);
      g_assert_cmpstr (id, ==, fixture->other_village);
    }

  found = dh_store_resolve_place (fixture->store, "village", fixture->village, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, fixture->village);
  g_clear_pointer (&found, g_free);

  /* a name two villages bear: both named, with commune and code */
  found = dh_store_resolve_place (fixture->store, "village", "Thôn Nà Hẩu", NULL, &error);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_AMBIGUOUS);
  g_assert_null (found);
  g_assert_nonnull (strstr (error->message, "Xã Thử"));
  g_assert_nonnull (strstr (error->message, "Xã Mới"));
  g_assert_nonnull (strstr (error->message, "T1"));
  g_assert_nonnull (strstr (error->message, "M1"));
  g_clear_error (&error);

  /* ... unless the commune is given */
  found = dh_store_resolve_place (fixture->store, "village", "Thôn Nà Hẩu", commune, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, other);
  g_clear_pointer (&found, g_free);

  found = dh_store_resolve_place (fixture->store, "village", "Thôn Tây", NULL, &error);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE);
  g_assert_nonnull (strstr (error->message, "Thôn Tây"));
  g_clear_error (&error);

  /* a village is no commune, and a commune is found by its name */
  found = dh_store_resolve_place (fixture->store, "commune", fixture->village, NULL, &error);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE);
  g_clear_error (&error);
  found = dh_store_resolve_place (fixture->store, "commune", "xa moi", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, commune);
}

/* An import reads the places once and looks one up per row. */
static void
test_places_read_once_for_many_lookups (StoreFixture  *fixture,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhPlaces) villages = NULL;
  g_autofree char *commune = NULL;
  g_autofree char *other = NULL;
  g_autofree char *later = NULL;
  g_autofree char *found = NULL;

  commune = add_second_commune (fixture, &other);
  villages = dh_store_load_places (fixture->store, "village", &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *id = dh_places_resolve (villages, "bản phìn hồ", NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (id, ==, fixture->other_village);
    }

  found = dh_places_resolve (villages, "Nà Hẩu", NULL, &error);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_AMBIGUOUS);
  g_assert_null (found);
  g_clear_error (&error);
  found = dh_places_resolve (villages, "Nà Hẩu", fixture->commune, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, fixture->village);
  g_clear_pointer (&found, g_free);
  found = dh_places_resolve (villages, other, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, other);
  g_clear_pointer (&found, g_free);

  /* the places of the moment they were read */
  later = fixture_new_id (fixture, "village", "{\"code\": \"M2\", \"name\": \"Bản Mới\", \"parent\": \"99002\"}");
  found = dh_places_resolve (villages, "M2", NULL, &error);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE);
  g_assert_nonnull (strstr (error->message, "Bản Phìn Hồ"));
}

static void
test_records_name_places_as_people_do (StoreFixture  *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) household = NULL;
  g_autoptr(json_object) moved = NULL;
  g_autoptr(json_object) input = NULL;
  g_autoptr(json_object) record = NULL;
  g_autofree char *commune = NULL;
  g_autofree char *other = NULL;

  commune = add_second_commune (fixture, &other);

  household = fixture_create (fixture, "household", "{\"village\": \"Phìn Hồ\", \"head_name\": \"Giàng A Sử\"}");
  g_assert_cmpstr (dh_json_get_string (household, "village"), ==, fixture->other_village);
  g_assert_cmpstr (dh_json_get_string (household, "commune"), ==, fixture->commune);

  /* the input given is not changed by the resolution */
  input = fixture_json ("{\"village\": \"Thôn Nà Hẩu\", \"head_name\": \"Giàng A Páo\"}");
  record = dh_store_create (fixture->store, "household", input, &error);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_AMBIGUOUS);
  g_assert_null (record);
  g_assert_true (g_str_has_prefix (error->message, "village: "));
  g_assert_cmpstr (dh_json_get_string (input, "village"), ==, "Thôn Nà Hẩu");
  g_clear_error (&error);

  g_clear_pointer (&input, json_object_put);
  input = fixture_json ("{\"village\": \"M1\"}");
  moved = dh_store_update (fixture->store, "household", dh_json_get_string (household, "id"), input, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (moved, "village"), ==, other);
  g_assert_cmpstr (dh_json_get_string (moved, "commune"), ==, commune);

  /* a place added as a commune is one, and a commune's id is no village's */
  g_clear_pointer (&record, json_object_put);
  record = dh_store_get (fixture->store, "commune", commune, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (record, "kind"), ==, "commune");
  g_clear_pointer (&record, json_object_put);
  record = dh_store_get (fixture->store, "village", commune, &error);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_NOT_FOUND);
  g_assert_null (record);
}

static void
test_filters_and_reports_take_names (StoreFixture  *fixture,
                                     gconstpointer  data)
{
  const char *poor_filters[] = { "classification=Hộ nghèo", NULL };
  const char *unknown_filters[] = { "classification=rich", NULL };
  const char *place_filters[] = { "village=Phìn Hồ", NULL };
  DhQuery query = { .entity = "household", .filters = poor_filters };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(json_object) report = NULL;
  g_autoptr(json_object) by_id = NULL;

  g_free (fixture_new_id (fixture, "household", "{\"village\": \"T1\", \"head_name\": \"Giàng A Sử\", \"classification\": \"poor\"}"));
  g_free (fixture_new_id (fixture, "household", "{\"village\": \"T2\", \"head_name\": \"Giàng A Páo\", \"classification\": \"near_poor\"}"));

  rows = dh_store_list (fixture->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpint (dh_store_count (fixture->store, &query, &error), ==, 1);
  g_clear_pointer (&rows, g_ptr_array_unref);

  query.filters = unknown_filters;
  rows = dh_store_list (fixture->store, &query, &error);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_CODE);
  g_assert_null (rows);
  g_assert_nonnull (strstr (error->message, "Hộ cận nghèo"));
  g_clear_error (&error);
  g_assert_cmpint (dh_store_count (fixture->store, &query, &error), ==, -1);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_CODE);
  g_clear_error (&error);

  query.filters = place_filters;
  rows = dh_store_list (fixture->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (rows, 0), "head_name"), ==, "Giàng A Páo");

  by_id = dh_store_report_classes_by_village (fixture->store, fixture->commune, &error);
  g_assert_no_error (error);
  report = dh_store_report_classes_by_village (fixture->store, "Xã Thử", &error);
  g_assert_no_error (error);
  g_assert_true (json_object_equal (report, by_id));
  g_clear_pointer (&report, json_object_put);

  report = dh_store_report_classes_by_village (fixture->store, "Xã Không Có", &error);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE);
  g_assert_null (report);
}

/* A second program's write, here a second store on the same file: the
 * first holds the write lock, as a long import does. */
static void
test_write_behind_another_is_busy (StoreFixture  *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) other = dh_store_open (fixture->path, &error);
  g_autoptr(json_object) input = fixture_json ("{\"village\": \"T1\", \"head_name\": \"Giàng A Sử\"}");
  g_autoptr(json_object) record = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  DhQuery query = { .entity = "village" };

  g_assert_no_error (error);
  dh_store_set_busy_timeout (other, 0);

  g_assert_true (dh_store_begin (fixture->store, &error));
  g_assert_no_error (error);

  record = dh_store_create (other, "household", input, &error);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_BUSY);
  g_assert_null (record);
  g_assert_nonnull (strstr (error->message, "another program"));
  g_clear_error (&error);

  /* reads go on */
  rows = dh_store_list (other, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);

  dh_store_rollback (fixture->store);
  record = dh_store_create (other, "household", input, &error);
  g_assert_no_error (error);
  g_assert_nonnull (record);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  STORE_TEST ("/store/places/resolve-by-id-code-or-name", test_resolve_by_id_code_or_name);
  STORE_TEST ("/store/places/read-once-for-many-lookups", test_places_read_once_for_many_lookups);
  STORE_TEST ("/store/places/records-name-places-as-people-do", test_records_name_places_as_people_do);
  STORE_TEST ("/store/places/filters-and-reports-take-names", test_filters_and_reports_take_names);
  STORE_TEST ("/store/busy/write-behind-another-is-busy", test_write_behind_another_is_busy);

  return g_test_run ();
}
