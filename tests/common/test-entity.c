/* test-entity.c – records are validated and normalised the same way everywhere */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "dh-autocleanups.h"
#include "dh-entity.h"
#include "dh-error.h"
#include "dh-label.h"
#include "dh-money.h"

#define HOUSE "4b0e9d1e-59a8-4b3c-9f4e-2f5d3c7a1b20"

static DhValidator validator;

static json_object *
normalize (const char  *entity,
           const char  *text,
           GError     **error)
{
  g_autoptr(json_object) input = json_tokener_parse (text);
  json_object *fields = NULL;

  g_assert_nonnull (input);
  if (!dh_entity_normalize_fields (dh_entity_lookup (entity), input, FALSE, &validator, &fields, error))
    return NULL;
  if (!dh_entity_check_record (dh_entity_lookup (entity), fields, &validator, error))
    g_clear_pointer (&fields, json_object_put);

  return fields;
}

static void
assert_rejected (const char        *entity,
                 const char        *text,
                 DhValidationError  code,
                 const char        *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) fields = normalize (entity, text, &error);

  g_test_message ("%s %.200s", entity, text);
  g_assert_null (fields);
  g_assert_error (error, DH_VALIDATION_ERROR, (int) code);
  if (strstr (error->message, words) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, words);
}

static void
test_text_is_trimmed_and_composed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) fields = normalize ("member", "{\"household\": \"" HOUSE "\", \"full_name\": \"  Nguye\\u0302\\u0303n   Thi\\u0323 Hoa  \"}", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (fields, "full_name"), ==, "Nguyễn Thị Hoa");
}

static void
test_unknown_field_names_the_fields (void)
{
  assert_rejected ("household", "{\"colour\": \"red\"}", DH_VALIDATION_ERROR_UNKNOWN_FIELD, "colour");
  assert_rejected ("household", "{\"colour\": \"red\"}", DH_VALIDATION_ERROR_UNKNOWN_FIELD, "head_name");
}

static void
test_required_fields (void)
{
  assert_rejected ("household", "{\"village\": \"" HOUSE "\"}", DH_VALIDATION_ERROR_REQUIRED, "head_name");
  assert_rejected ("household", "{\"village\": \"" HOUSE "\", \"head_name\": \"   \"}", DH_VALIDATION_ERROR_REQUIRED, "head_name");
}

static void
test_types_and_values (void)
{
  assert_rejected ("member", "{\"household\": \"" HOUSE "\", \"full_name\": \"A\", \"sex\": \"x\"}", DH_VALIDATION_ERROR_UNKNOWN_CODE, "Male, Female (or their codes: male, female)");
  assert_rejected ("member", "{\"household\": \"" HOUSE "\", \"full_name\": 42}", DH_VALIDATION_ERROR_INVALID, "full_name");
  assert_rejected ("member", "{\"household\": \"nope\", \"full_name\": \"A\"}", DH_VALIDATION_ERROR_INVALID, "household");
  assert_rejected ("member", "{\"household\": \"" HOUSE "\", \"full_name\": \"A\", \"ethnicity\": \"martian\"}", DH_VALIDATION_ERROR_UNKNOWN_CODE, "martian");
  assert_rejected ("member", "{\"household\": \"" HOUSE "\", \"full_name\": \"A\", \"birth_date\": \"1850\"}", DH_VALIDATION_ERROR_OUT_OF_RANGE, "birth_date");
  assert_rejected ("member", "{\"household\": \"" HOUSE "\", \"full_name\": \"A\", \"health_insurance\": \"yes\"}", DH_VALIDATION_ERROR_INVALID, "true or false");
  assert_rejected ("support", "{\"household\": \"" HOUSE "\", \"support_type\": \"cash\", \"amount_vnd\": -5}", DH_VALIDATION_ERROR_OUT_OF_RANGE, "amount_vnd");
  assert_rejected ("support", "{\"household\": \"" HOUSE "\", \"support_type\": \"cash\", \"amount_vnd\": 1.5}", DH_VALIDATION_ERROR_INVALID, "amount_vnd");
  assert_rejected ("household", "{\"village\": \"" HOUSE "\", \"head_name\": \"A\", \"poverty_causes\": [\"no_capital\", \"no_capital\"]}", DH_VALIDATION_ERROR_INVALID, "twice");
}

static void
test_money_text_and_sets_normalised (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) support = normalize ("support", "{\"household\": \"" HOUSE "\", \"support_type\": \"livestock\", \"status\": \"planned\", \"amount_vnd\": \"1.500.000 ₫\"}", &error);
  g_autoptr(json_object) household = NULL;
  json_object *causes;

  g_assert_no_error (error);
  g_assert_cmpint (dh_json_get_int (support, "amount_vnd", -1), ==, 1500000);

  household = normalize ("household", "{\"village\": \"" HOUSE "\", \"head_name\": \"A\", \"poverty_causes\": [\"no_skills\", \"no_capital\"], \"visited\": null}", &error);
  g_assert_null (household);
  g_clear_error (&error);
  household = normalize ("household", "{\"village\": \"" HOUSE "\", \"head_name\": \"A\", \"poverty_causes\": [\"no_skills\", \"no_capital\"]}", &error);
  g_assert_no_error (error);
  json_object_object_get_ex (household, "poverty_causes", &causes);
  g_assert_cmpstr (json_object_get_string (json_object_array_get_idx (causes, 0)), ==, "no_capital");
}

/* Ethnic groups as people write them, and a citizen ID in the card's groups. */
static void
test_names_aliases_and_spaced_citizen_id_are_accepted (void)
{
  static const struct { const char *written, *code; } groups[] = {
    { "H'Mông", "mong" }, { "Mông", "mong" }, { "Mèo", "mong" }, { "HMONG", "mong" },
    { "Khơ-me", "khmer" }, { "Khmer", "khmer" }, { "M'Nông", "mnong" }, { "Raglai", "ra_glai" },
    { "Vân Kiều", "bru_van_kieu" }, { "Bru-Vân Kiều", "bru_van_kieu" }, { "Kinh (Việt)", "kinh" },
    { "Tày", "tay" }, { "08", "mong" }, { "8", "mong" }, { "01", "kinh" }, { "gia_rai", "gia_rai" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *input = g_strdup_printf ("{\"household\": \"" HOUSE "\", \"full_name\": \"A\", \"ethnicity\": \"%s\"}",
                                                groups[i].written);
      g_autoptr(json_object) member = normalize ("member", input, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (dh_json_get_string (member, "ethnicity"), ==, groups[i].code);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(json_object) member = normalize ("member", "{\"household\": \"" HOUSE "\", \"full_name\": \"A\", \"citizen_id\": \" 001 085 012 345 \"}", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (dh_json_get_string (member, "citizen_id"), ==, "001085012345");
  }

  assert_rejected ("member", "{\"household\": \"" HOUSE "\", \"full_name\": \"A\", \"citizen_id\": \"001 085 O12 345\"}",
                   DH_VALIDATION_ERROR_INVALID, "citizen_id");
  assert_rejected ("member", "{\"household\": \"" HOUSE "\", \"full_name\": \"A\", \"ethnicity\": \"55\"}",
                   DH_VALIDATION_ERROR_UNKNOWN_CODE, "55");
}

static void
test_computed_fields_cannot_be_typed (void)
{
  assert_rejected ("assessment", "{\"household\": \"" HOUSE "\", \"reviewed_on\": \"2026-01-02\", \"income_per_capita\": 1, \"proposed_class\": \"poor\"}",
                   DH_VALIDATION_ERROR_READ_ONLY, "proposed_class");
  assert_rejected ("support", "{\"household\": \"" HOUSE "\", \"support_type\": \"cash\", \"voids\": \"" HOUSE "\"}",
                   DH_VALIDATION_ERROR_READ_ONLY, "voids");
}

static void
test_rules_across_fields (void)
{
  assert_rejected ("support", "{\"household\": \"" HOUSE "\", \"support_type\": \"cash\", \"delivered_on\": \"2026-01-02\", \"amount_vnd\": 1000, \"state_share_vnd\": 900, \"household_share_vnd\": 200}",
                   DH_VALIDATION_ERROR_OUT_OF_RANGE, "1.100 ₫");
  assert_rejected ("support", "{\"household\": \"" HOUSE "\", \"support_type\": \"cash\", \"status\": \"delivered\"}",
                   DH_VALIDATION_ERROR_REQUIRED, "delivered_on");
  assert_rejected ("exit_plan", "{\"household\": \"" HOUSE "\", \"registered_on\": \"2026-01-02\", \"target_year\": 2025}",
                   DH_VALIDATION_ERROR_OUT_OF_RANGE, "target_year");
  assert_rejected ("visit", "{\"household\": \"" HOUSE "\", \"visited_on\": \"2026-01-02\", \"next_visit_on\": \"2026-01-01\"}",
                   DH_VALIDATION_ERROR_OUT_OF_RANGE, "next_visit_on");
  assert_rejected ("assessment", "{\"household\": \"" HOUSE "\", \"reviewed_on\": \"2026-01-02\"}",
                   DH_VALIDATION_ERROR_REQUIRED, "income_per_capita");
  assert_rejected ("assessment", "{\"household\": \"" HOUSE "\", \"reviewed_on\": \"2026-01-02\", \"score_a\": 100, \"official_class\": \"poor\"}",
                   DH_VALIDATION_ERROR_REQUIRED, "decided_on");
  assert_rejected ("admin_unit", "{\"code\": \"1\", \"kind\": \"village\", \"name\": \"Thôn 1\"}",
                   DH_VALIDATION_ERROR_REQUIRED, "parent");
  assert_rejected ("member", "{\"household\": \"" HOUSE "\", \"full_name\": \"A\", \"sex\": \"male\", \"birth_date\": \"1990\", \"citizen_id\": \"002190001234\"}",
                   DH_VALIDATION_ERROR_MISMATCH, "citizen_id");
}

static void
test_future_dates_refused_where_they_cannot_be (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) planned = NULL;

  assert_rejected ("visit", "{\"household\": \"" HOUSE "\", \"visited_on\": \"2999-01-01\"}", DH_VALIDATION_ERROR_OUT_OF_RANGE, "visited_on");
  assert_rejected ("visit", "{\"household\": \"" HOUSE "\", \"visited_on\": \"31/02/2026\"}", DH_VALIDATION_ERROR_INVALID, "visited_on");

  /* the next visit is planned for the future, and that is fine */
  planned = normalize ("visit", "{\"household\": \"" HOUSE "\", \"visited_on\": \"01/02/2026\", \"next_visit_on\": \"2999-01-01\"}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (planned, "visited_on"), ==, "2026-02-01");

  /* support handed over is handed over by today; support planned may lie ahead */
  assert_rejected ("support", "{\"household\": \"" HOUSE "\", \"support_type\": \"cash\", \"status\": \"delivered\", \"delivered_on\": \"2999-01-01\"}",
                   DH_VALIDATION_ERROR_OUT_OF_RANGE, "delivered_on");
  {
    g_autoptr(json_object) ahead = normalize ("support", "{\"household\": \"" HOUSE "\", \"support_type\": \"cash\", \"status\": \"planned\", \"delivered_on\": \"2999-01-01\"}", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (dh_json_get_string (ahead, "delivered_on"), ==, "2999-01-01");
  }
}

static char *
household_with_head (const char *head)
{
  return g_strdup_printf ("{\"village\": \"" HOUSE "\", \"head_name\": \"%s\"}", head);
}

static void
test_text_longer_than_its_limit_is_refused (void)
{
  g_autoptr(GString) name = g_string_sized_new (1024 * 1024);
  g_autoptr(GString) notes = g_string_new (NULL);
  g_autofree char *input = NULL;
  g_autofree char *long_notes = NULL;
  g_autofree char *long_code = NULL;
  g_autofree char *longest_name = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) fields = NULL;

  /* a megabyte of Vietnamese letters written decomposed: normalising it
   * would take minutes, refusing it takes nothing */
  while (name->len < 1024 * 1024)
    g_string_append (name, "Nguye\\u0302\\u0303n ");
  input = household_with_head (name->str);
  assert_rejected ("household", input, DH_VALIDATION_ERROR_OUT_OF_RANGE, "head_name");
  assert_rejected ("household", input, DH_VALIDATION_ERROR_OUT_OF_RANGE, "at most 200");

  for (guint i = 0; i < 4001; i++)
    g_string_append_c (notes, 'a');
  long_notes = g_strdup_printf ("{\"village\": \"" HOUSE "\", \"head_name\": \"A\", \"notes\": \"%s\"}", notes->str);
  assert_rejected ("household", long_notes, DH_VALIDATION_ERROR_OUT_OF_RANGE, "notes");

  /* an unknown field's name is not repeated when it is long */
  {
    g_autofree char *long_key = g_strdup_printf ("{\"%s\": 1}", notes->str);
    g_autoptr(GError) key_error = NULL;
    g_autoptr(json_object) none = normalize ("household", long_key, &key_error);

    g_assert_null (none);
    g_assert_error (key_error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_FIELD);
    g_assert_cmpuint (strlen (key_error->message), <, 1000);
    g_assert_nonnull (strstr (key_error->message, "head_name"));
  }

  long_code = g_strdup_printf ("{\"village\": \"" HOUSE "\", \"head_name\": \"A\", \"code\": \"%s\"}", notes->str + 4001 - 65);
  assert_rejected ("household", long_code, DH_VALIDATION_ERROR_OUT_OF_RANGE, "at most 64");

  /* the limits leave room for real names: 66 letters of three bytes each */
  g_string_truncate (name, 0);
  for (guint i = 0; i < 66; i++)
    g_string_append (name, "Đ");
  longest_name = household_with_head (name->str);
  fields = normalize ("household", longest_name, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (fields, "head_name"), ==, name->str);
}

static void
test_values_are_never_changed_silently (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) fields = NULL;

  /* a NUL would cut the name short */
  assert_rejected ("household", "{\"village\": \"" HOUSE "\", \"head_name\": \"Nguyen\\u0000EVIL\"}",
                   DH_VALIDATION_ERROR_INVALID, "head_name");
  assert_rejected ("household", "{\"village\": \"" HOUSE "\", \"head_name\": \"Nguyen\\u0000EVIL\"}",
                   DH_VALIDATION_ERROR_INVALID, "\\u0000");
  /* a lone surrogate is read as U+FFFD: the letter it stood for is lost */
  assert_rejected ("member", "{\"household\": \"" HOUSE "\", \"full_name\": \"Tr\\ud800n\"}",
                   DH_VALIDATION_ERROR_INVALID, "full_name");
  assert_rejected ("household", "{\"village\": \"" HOUSE "\", \"head_name\": \"A\", \"notes\": \"h\\ufffdng\"}",
                   DH_VALIDATION_ERROR_INVALID, "notes");
  /* names that show nothing, or show something else than they hold */
  assert_rejected ("household", "{\"village\": \"" HOUSE "\", \"head_name\": \"\\u200b\\u200b\\u2060\"}",
                   DH_VALIDATION_ERROR_INVALID, "head_name");
  assert_rejected ("household", "{\"village\": \"" HOUSE "\", \"head_name\": \"Nguy\\u200bn\"}",
                   DH_VALIDATION_ERROR_INVALID, "U+200B");
  assert_rejected ("household", "{\"village\": \"" HOUSE "\", \"head_name\": \"Lan \\u202eoaH\"}",
                   DH_VALIDATION_ERROR_INVALID, "U+202E");
  assert_rejected ("household", "{\"village\": \"" HOUSE "\", \"head_name\": \"An\\u2066\"}",
                   DH_VALIDATION_ERROR_INVALID, "U+2066");
  assert_rejected ("household", "{\"village\": \"" HOUSE "\", \"head_name\": \"...\"}",
                   DH_VALIDATION_ERROR_INVALID, "head_name");
  assert_rejected ("household", "{\"village\": \"" HOUSE "\", \"head_name\": \"A\", \"notes\": \"bell\\u0007\"}",
                   DH_VALIDATION_ERROR_INVALID, "U+0007");
  assert_rejected ("household", "{\"village\": \"" HOUSE "\", \"head_name\": \"A\", \"notes\": \"c1\\u0085\"}",
                   DH_VALIDATION_ERROR_INVALID, "U+0085");
  /* money beyond the largest amount, or beyond 64 bits, is refused, never stored as the largest */
  assert_rejected ("support", "{\"household\": \"" HOUSE "\", \"support_type\": \"cash\", \"amount_vnd\": 1000000000001}",
                   DH_VALIDATION_ERROR_OUT_OF_RANGE, "1.000.000.000.000");
  assert_rejected ("support", "{\"household\": \"" HOUSE "\", \"support_type\": \"cash\", \"state_share_vnd\": 9223372036854775807}",
                   DH_VALIDATION_ERROR_OUT_OF_RANGE, "state_share_vnd");
  assert_rejected ("support", "{\"household\": \"" HOUSE "\", \"support_type\": \"cash\", \"amount_vnd\": 99999999999999999999}",
                   DH_VALIDATION_ERROR_OUT_OF_RANGE, "amount_vnd");
  assert_rejected ("support", "{\"household\": \"" HOUSE "\", \"support_type\": \"cash\", \"amount_vnd\": 9223372036854775808}",
                   DH_VALIDATION_ERROR_OUT_OF_RANGE, "larger than");
  assert_rejected ("support", "{\"household\": \"" HOUSE "\", \"support_type\": \"cash\", \"amount_vnd\": \"99999999999999999999\"}",
                   DH_VALIDATION_ERROR_OUT_OF_RANGE, "amount_vnd");
  assert_rejected ("support", "{\"household\": \"" HOUSE "\", \"support_type\": \"cash\", \"quantity\": 99999999999999999999}",
                   DH_VALIDATION_ERROR_OUT_OF_RANGE, "too large");
  /* whole numbers given as text are written one way */
  assert_rejected ("household", "{\"village\": \"" HOUSE "\", \"head_name\": \"A\", \"classification_year\": \"+2026\"}",
                   DH_VALIDATION_ERROR_INVALID, "classification_year");
  assert_rejected ("household", "{\"village\": \"" HOUSE "\", \"head_name\": \"A\", \"classification_year\": \" 2026\"}",
                   DH_VALIDATION_ERROR_INVALID, "classification_year");
  assert_rejected ("household", "{\"village\": \"" HOUSE "\", \"head_name\": \"A\", \"classification_year\": \"02026\"}",
                   DH_VALIDATION_ERROR_INVALID, "classification_year");

  /* tabs and line breaks in notes are white space, and the largest amount still fits */
  fields = normalize ("support", "{\"household\": \"" HOUSE "\", \"support_type\": \"cash\", \"status\": \"planned\", \"description\": \"hai\\tcon\\nbò\", \"amount_vnd\": 1000000000000, \"quantity\": \"2\"}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (fields, "description"), ==, "hai con bò");
  g_assert_cmpint (dh_json_get_int (fields, "amount_vnd", -1), ==, DH_MONEY_MAX);
  g_assert_cmpint (dh_json_get_int (fields, "quantity", -1), ==, 2);
}

static void
assert_finds (const DhField *field,
              const char    *text,
              const char    *expected)
{
  g_assert_cmpstr (dh_catalogues_find_code (dh_catalogues_get_default (), field->target, text), ==, expected);
}

/* Values are shown and found by what people call them, never by their code. */
static void
test_values_have_labels_people_use (void)
{
  const DhEntity * const *entities;
  guint n_entities;
  const DhField *classification = dh_entity_get_field (dh_entity_lookup ("household"), "classification");
  const DhField *relation = dh_entity_get_field (dh_entity_lookup ("member"), "relation");
  const DhField *ethnicity = dh_entity_get_field (dh_entity_lookup ("member"), "ethnicity");
  const DhField *notes = dh_entity_get_field (dh_entity_lookup ("member"), "notes");

  /* every enumerated value of every entity has a label of its own */
  entities = dh_entity_list_all (&n_entities);
  for (guint e = 0; e < n_entities; e++)
    for (guint f = 0; f < entities[e]->n_fields; f++)
      {
        const DhField *field = &entities[e]->fields[f];

        if (field->type != DH_FIELD_ENUM)
          continue;
        g_assert_nonnull (field->target);
        for (guint v = 0; field->values[v] != NULL; v++)
          {
            const char *label = dh_field_get_value_label (field, field->values[v], NULL);

            g_assert_nonnull (label);
            g_assert_cmpstr (label, !=, field->values[v]);
            assert_finds (field, label, field->values[v]);
          }
      }

  /* in the language of the interface: English here (LC_ALL=C.UTF-8) */
  g_assert_cmpstr (dh_field_get_value_label (classification, "poor", NULL), ==, "Poor household");
  g_assert_null (dh_field_get_value_label (classification, "rich", NULL));
  g_assert_null (dh_field_get_value_label (notes, "poor", NULL));
  assert_finds (classification, "poor", "poor");
  assert_finds (classification, "Hộ nghèo", "poor");
  assert_finds (classification, "ho ngheo", "poor");
  assert_finds (relation, "child", "child");
  assert_finds (relation, "cousin", NULL);

  /* catalogue codes by their name, with or without marks */
  g_assert_cmpstr (dh_field_get_value_label (ethnicity, "tay", NULL), ==, dh_catalogues_get_name_en (dh_catalogues_get_default (), "ethnicity", "tay"));
  assert_finds (ethnicity, "Tày", "tay");
  assert_finds (ethnicity, "tay", "tay");
  assert_finds (ethnicity, "Klingon", NULL);

  /* and a record may be written with them */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(json_object) fields = normalize ("member", "{\"household\": \"" HOUSE "\", \"full_name\": \"A\", \"sex\": \"Nữ\", \"relation\": \"con\"}", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (dh_json_get_string (fields, "sex"), ==, "female");
    g_assert_cmpstr (dh_json_get_string (fields, "relation"), ==, "child");
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(json_object) fields = normalize ("member", "{\"household\": \"" HOUSE "\", \"full_name\": \"A\", \"ethnicity\": \"Tày\"}", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (dh_json_get_string (fields, "ethnicity"), ==, "tay");
  }
}

/* Every field a person writes or reads has a name people use for it: a
 * field added without one fails here, not in front of a caseworker. */
static void
test_every_field_has_a_label (void)
{
  guint n_entities;
  const DhEntity * const *entities = dh_entity_list_all (&n_entities);

  for (guint i = 0; i < n_entities; i++)
    {
      if (entities[i]->derived)
        continue;
      for (guint j = 0; j < entities[i]->n_fields; j++)
        {
          const char *name = entities[i]->fields[j].name;

          if (g_strcmp0 (dh_label_field (entities[i]->name, name), name) == 0)
            g_error ("%s.%s has no label", entities[i]->name, name);
        }
    }
  g_assert_cmpstr (dh_label_field ("household", "phone"), ==, "Phone");
  g_assert_cmpstr (dh_label_field ("household", "code"), !=, dh_label_field ("admin_unit", "code"));
  g_assert_cmpstr (dh_label_field ("support", "status"), !=, dh_label_field ("exit_plan", "status"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  dh_validator_init (&validator);

  g_test_add_func ("/common/entity/text-is-trimmed-and-composed", test_text_is_trimmed_and_composed);
  g_test_add_func ("/common/entity/unknown-field-names-the-fields", test_unknown_field_names_the_fields);
  g_test_add_func ("/common/entity/required-fields", test_required_fields);
  g_test_add_func ("/common/entity/every-field-has-a-label", test_every_field_has_a_label);
  g_test_add_func ("/common/entity/types-and-values", test_types_and_values);
  g_test_add_func ("/common/entity/money-text-and-sets-normalised", test_money_text_and_sets_normalised);
  g_test_add_func ("/common/entity/names-aliases-and-spaced-citizen-id-are-accepted", test_names_aliases_and_spaced_citizen_id_are_accepted);
  g_test_add_func ("/common/entity/computed-fields-cannot-be-typed", test_computed_fields_cannot_be_typed);
  g_test_add_func ("/common/entity/rules-across-fields", test_rules_across_fields);
  g_test_add_func ("/common/entity/future-dates-refused-where-they-cannot-be", test_future_dates_refused_where_they_cannot_be);
  g_test_add_func ("/common/entity/text-longer-than-its-limit-is-refused", test_text_longer_than_its_limit_is_refused);
  g_test_add_func ("/common/entity/values-are-never-changed-silently", test_values_are_never_changed_silently);
  g_test_add_func ("/common/entity/values-have-labels-people-use", test_values_have_labels_people_use);

  return g_test_run ();
}
