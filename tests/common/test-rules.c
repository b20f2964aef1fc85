/* test-rules.c – the rules that need other records, answered from memory as a server or a test would */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "dh-autocleanups.h"
#include "dh-error.h"
#include "dh-rules.h"

#define PROVINCE "019ab697-e800-7000-8000-000000000001"
#define COMMUNE  "019ab697-e800-7000-8000-000000000002"
#define VILLAGE  "019ab697-e800-7000-8000-000000000003"
#define HOUSE    "019ab697-e800-7000-8000-000000000004"
#define OTHER    "019ab697-e800-7000-8000-000000000005"
#define NEW      "019ab697-e800-7000-8000-000000000006"
#define HEAD     "019ab697-e800-7000-8000-000000000007"

static DhValidator validator;

/* records by id, each with its "entity" */
static GHashTable *records;

static json_object *
memory_get (gpointer          data,
            const DhEntity   *entity,
            const char       *id,
            GError          **error)
{
  json_object *record = g_hash_table_lookup (records, id);

  if (record == NULL || g_strcmp0 (dh_json_get_string (record, "entity"), entity->name) != 0)
    return NULL;

  return json_object_get (record);
}

static gboolean
memory_taken (gpointer          data,
              const DhEntity   *entity,
              const char       *except_id,
              const char       *field,
              const char       *value,
              const char       *scope_field,
              const char       *scope_value,
              gboolean         *out_taken,
              GError          **error)
{
  GHashTableIter iter;
  gpointer id, record;

  *out_taken = FALSE;
  g_hash_table_iter_init (&iter, records);
  while (g_hash_table_iter_next (&iter, &id, &record))
    {
      if (g_str_equal (id, except_id) || g_strcmp0 (dh_json_get_string (record, "entity"), entity->name) != 0)
        continue;
      if (g_strcmp0 (dh_json_get_string (record, field), value) == 0 &&
          (scope_field == NULL || g_strcmp0 (dh_json_get_string (record, scope_field), scope_value) == 0))
        *out_taken = TRUE;
    }

  return TRUE;
}

static const DhLookup lookup = { memory_get, memory_taken, NULL };

static void
put (const char *id,
     const char *json)
{
  g_hash_table_insert (records, g_strdup (id), json_tokener_parse (json));
}

static gboolean
complete (const char   *entity,
          const char   *id,
          const char   *json,
          json_object **out_record,
          GError      **error)
{
  g_autoptr(json_object) input = json_tokener_parse (json);
  g_autoptr(json_object) record = NULL;
  const DhEntity *described = dh_entity_lookup (entity);

  if (!dh_entity_normalize_fields (described, input, FALSE, &validator, &record, error))
    return FALSE;
  if (!dh_rules_complete_record (&lookup, &validator, described, id, record, error))
    return FALSE;
  if (out_record != NULL)
    *out_record = g_steal_pointer (&record);
  return TRUE;
}

static void
set_up (void)
{
  records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_put);
  put (PROVINCE, "{\"entity\": \"admin_unit\", \"kind\": \"province\", \"code\": \"T1\", \"name\": \"Tỉnh Một\"}");
  put (COMMUNE, "{\"entity\": \"admin_unit\", \"kind\": \"commune\", \"code\": \"X1\", \"name\": \"Xã Minh Tiến\", "
                "\"parent\": \"" PROVINCE "\", \"area\": \"rural\"}");
  put (VILLAGE, "{\"entity\": \"admin_unit\", \"kind\": \"village\", \"code\": \"B1\", \"name\": \"Bản Nà\", \"parent\": \"" COMMUNE "\"}");
  put (HOUSE, "{\"entity\": \"household\", \"village\": \"" VILLAGE "\", \"commune\": \"" COMMUNE "\", "
              "\"head_name\": \"Lò Văn Sính\", \"code\": \"H-01\"}");
}

static void
test_household_takes_its_commune_from_its_village (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) record = NULL;

  g_assert_true (complete ("household", NEW, "{\"village\": \"" VILLAGE "\", \"head_name\": \"Hà Văn Dũng\"}", &record, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (record, "commune"), ==, COMMUNE);
}

static void
test_reference_must_exist_and_fit (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (complete ("household", NEW, "{\"village\": \"" OTHER "\", \"head_name\": \"Hà Văn Dũng\"}", NULL, &error));
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REFERENCE);
  g_assert_null (strstr (error->message, "donghanh-cli"));
  g_clear_error (&error);

  /* a commune is not a village */
  g_assert_false (complete ("household", NEW, "{\"village\": \"" COMMUNE "\", \"head_name\": \"Hà Văn Dũng\"}", NULL, &error));
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REFERENCE);
  g_assert_nonnull (strstr (error->message, "Xã Minh Tiến"));
}

static void
test_code_unique_in_its_commune (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (complete ("household", NEW, "{\"village\": \"" VILLAGE "\", \"head_name\": \"Hà Văn Dũng\", \"code\": \"H-01\"}",
                            NULL, &error));
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "H-01"));
  g_clear_error (&error);

  /* the household itself may keep its code */
  g_assert_true (complete ("household", HOUSE, "{\"village\": \"" VILLAGE "\", \"head_name\": \"Lò Văn Sính\", \"code\": \"H-01\"}",
                           NULL, &error));
  g_assert_no_error (error);
}

/* The area given on the review is used, and read safely after the record
 * takes its own copy (a use after free once hid here). */
static void
test_review_classified_with_given_or_inherited_area (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) given = NULL;
  g_autoptr(json_object) inherited = NULL;

  g_assert_true (complete ("assessment", NEW,
                           "{\"household\": \"" HOUSE "\", \"reviewed_on\": \"2025-10-01\", \"area\": \"urban\", "
                           "\"income_per_capita\": 1800000, \"deprived\": [\"HI\", \"WAT\", \"TOI\"]}",
                           &given, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (given, "area"), ==, "urban");
  g_assert_cmpstr (dh_json_get_string (given, "proposed_class"), ==, "poor");

  g_assert_true (complete ("assessment", OTHER,
                           "{\"household\": \"" HOUSE "\", \"reviewed_on\": \"2025-10-01\", "
                           "\"income_per_capita\": 1800000, \"deprived\": [\"HI\", \"WAT\", \"TOI\"]}",
                           &inherited, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (inherited, "area"), ==, "rural");
  g_assert_cmpstr (dh_json_get_string (inherited, "proposed_class"), ==, "average");
}

/* The annual review is for the next year's list: in autumn 2021 it used
 * VN-2022, in autumn 2026 VN-2027; an ad-hoc review keeps its own year's. */
static void
test_review_uses_the_standard_of_its_list_year (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) autumn_2021 = NULL;
  g_autoptr(json_object) autumn_2026 = NULL;
  g_autoptr(json_object) ad_hoc_2026 = NULL;

  g_assert_true (complete ("assessment", NEW,
                           "{\"household\": \"" HOUSE "\", \"reviewed_on\": \"2021-10-15\", "
                           "\"income_per_capita\": 1400000, \"deprived\": [\"HI\", \"WAT\", \"TOI\"]}",
                           &autumn_2021, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (autumn_2021, "standard"), ==, "VN-2022");
  g_assert_cmpstr (dh_json_get_string (autumn_2021, "proposed_class"), ==, "poor");

  g_assert_true (complete ("assessment", NEW,
                           "{\"household\": \"" HOUSE "\", \"reviewed_on\": \"2026-10-01\", \"review_kind\": \"annual\", "
                           "\"income_per_capita\": 2000000, \"deprived\": [\"HI\", \"TOI\", \"WST\"]}",
                           &autumn_2026, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (autumn_2026, "standard"), ==, "VN-2027");
  g_assert_cmpstr (dh_json_get_string (autumn_2026, "proposed_class"), ==, "poor");

  g_assert_true (complete ("assessment", NEW,
                           "{\"household\": \"" HOUSE "\", \"reviewed_on\": \"2026-10-01\", \"review_kind\": \"ad_hoc\", "
                           "\"income_per_capita\": 2000000, \"deprived\": [\"HI\", \"TOI\", \"WAT\"]}",
                           &ad_hoc_2026, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (ad_hoc_2026, "standard"), ==, "VN-2022");
  g_assert_cmpstr (dh_json_get_string (ad_hoc_2026, "proposed_class"), ==, "average");
}

/* A review that gives score A was scored with the forms: the score places
 * it, not an income given beside it. */
static void
test_review_with_income_and_score_follows_the_score (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) record = NULL;

  g_assert_true (complete ("assessment", NEW,
                           "{\"household\": \"" HOUSE "\", \"reviewed_on\": \"2026-03-10\", \"review_kind\": \"ad_hoc\", "
                           "\"income_per_capita\": 2000000, \"score_a\": 100, \"deprived\": [\"HI\", \"WAT\", \"TOI\"]}",
                           &record, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (record, "proposed_class"), ==, "poor");
}

/* One head a household; a head, spouse or parent is at least 15. */
static void
test_member_relations (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *ten_years_ago = g_strdup_printf ("%04d-01-01", g_date_time_get_year (now) - 10);
  g_autofree char *young_spouse = g_strdup_printf ("{\"household\": \"" HOUSE "\", \"full_name\": \"Lò Thị Nga\", "
                                                   "\"relation\": \"spouse\", \"birth_date\": \"%s\"}", ten_years_ago);
  g_autofree char *young_child = g_strdup_printf ("{\"household\": \"" HOUSE "\", \"full_name\": \"Lò Thị Nga\", "
                                                  "\"relation\": \"child\", \"birth_date\": \"%s\"}", ten_years_ago);
  g_autofree char *shown = g_strdup_printf ("01/01/%04d", g_date_time_get_year (now) - 10);

  put (HEAD, "{\"entity\": \"member\", \"household\": \"" HOUSE "\", \"full_name\": \"Lò Văn Sính\", "
             "\"relation\": \"head\"}");

  g_assert_false (complete ("member", NEW, "{\"household\": \"" HOUSE "\", \"full_name\": \"Lò Văn Pản\", "
                                           "\"relation\": \"head\"}", NULL, &error));
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_DUPLICATE);
  g_assert_true (g_str_has_prefix (error->message, "relation: "));
  g_clear_error (&error);

  /* the head keeps being the head; others are other relations */
  g_assert_true (complete ("member", HEAD, "{\"household\": \"" HOUSE "\", \"full_name\": \"Lò Văn Sính\", "
                                           "\"relation\": \"head\"}", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (complete ("member", NEW, "{\"household\": \"" HOUSE "\", \"full_name\": \"Lò Văn Pản\", "
                                          "\"relation\": \"child\"}", NULL, &error));
  g_assert_no_error (error);

  /* a spouse of ten is a wrong date or a wrong relation; a child of ten is not */
  g_assert_false (complete ("member", NEW, young_spouse, NULL, &error));
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE);
  g_assert_nonnull (strstr (error->message, shown));
  g_clear_error (&error);
  g_assert_true (complete ("member", NEW, young_child, NULL, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  dh_validator_init (&validator);
  set_up ();

  g_test_add_func ("/common/rules/household-takes-its-commune-from-its-village", test_household_takes_its_commune_from_its_village);
  g_test_add_func ("/common/rules/reference-must-exist-and-fit", test_reference_must_exist_and_fit);
  g_test_add_func ("/common/rules/code-unique-in-its-commune", test_code_unique_in_its_commune);
  g_test_add_func ("/common/rules/one-head-and-grown-heads-spouses-parents", test_member_relations);
  g_test_add_func ("/common/rules/review-classified-with-given-or-inherited-area", test_review_classified_with_given_or_inherited_area);
  g_test_add_func ("/common/rules/review-uses-the-standard-of-its-list-year", test_review_uses_the_standard_of_its_list_year);
  g_test_add_func ("/common/rules/review-with-income-and-score-follows-the-score", test_review_with_income_and_score_follows_the_score);

  status = g_test_run ();
  g_hash_table_unref (records);
  return status;
}
