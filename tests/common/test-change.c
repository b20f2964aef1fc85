/* test-change.c – changes keep every field of every entity intact on the wire */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "dh-autocleanups.h"
#include "dh-catalogue.h"
#include "dh-change.h"
#include "dh-error.h"

#define CHANGE_ID "019ab697-e800-7000-8000-000000000001"
#define RECORD_ID "019ab697-e800-7000-8000-000000000002"
#define OTHER_ID  "019ab697-e800-7000-8000-000000000003"
#define CLOCK     "019ab697e8000001-0123456789abcdef"

static DhValidator validator;

/* A valid value of every type, so that every field of every entity travels. */
static json_object *
sample_value (const DhField *field)
{
  switch (field->type)
    {
    case DH_FIELD_TEXT:       return json_object_new_string ("Gia đình đã trồng 200 cây quế, “đợt 2”\nghi chú");
    case DH_FIELD_NAME:       return json_object_new_string ("Nguyễn Văn Đặng");
    case DH_FIELD_INT:        return json_object_new_int (3);
    case DH_FIELD_YEAR:       return json_object_new_int (2025);
    case DH_FIELD_MONEY:      return json_object_new_int64 (1500000);
    case DH_FIELD_DATE:       return json_object_new_string ("2025-10-01");
    case DH_FIELD_BIRTH_DATE: return json_object_new_string ("1985-03-07");
    case DH_FIELD_BOOL:       return json_object_new_boolean (TRUE);
    case DH_FIELD_ENUM:       return json_object_new_string (field->values[0]);
    case DH_FIELD_REF:        return json_object_new_string (OTHER_ID);
    case DH_FIELD_PHONE:      return json_object_new_string ("0912345678");
    case DH_FIELD_CITIZEN_ID: return json_object_new_string ("001085001234");
    case DH_FIELD_CODE:
    case DH_FIELD_CODE_SET:
      {
        g_autoptr(GPtrArray) codes = dh_catalogues_list_codes (validator.catalogues, field->target);
        json_object *code = json_object_new_string (g_ptr_array_index (codes, 0));
        json_object *set;

        if (field->type == DH_FIELD_CODE)
          return code;
        set = json_object_new_array ();
        json_object_array_add (set, code);
        return set;
      }
    default:
      g_assert_not_reached ();
    }
}

static void
test_every_field_of_every_entity_round_trips (void)
{
  guint n_entities;
  const DhEntity * const *entities = dh_entity_list_all (&n_entities);

  for (guint i = 0; i < n_entities; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(json_object) input = json_object_new_object ();
      g_autoptr(json_object) fields = NULL;
      g_autoptr(json_object) change = NULL;
      g_autoptr(json_object) received = NULL;
      g_autoptr(json_object) checked = NULL;
      const DhEntity *entity = NULL;

      g_test_message ("%s", entities[i]->name);
      for (guint j = 0; j < entities[i]->n_fields; j++)
        json_object_object_add (input, entities[i]->fields[j].name, sample_value (&entities[i]->fields[j]));

      g_assert_true (dh_entity_normalize_fields (entities[i], input, TRUE, &validator, &fields, &error));
      g_assert_no_error (error);
      g_assert_cmpint (json_object_object_length (fields), ==, entities[i]->n_fields);

      change = dh_change_new (CHANGE_ID, entities[i]->name, RECORD_ID, CLOCK, "lan.hoang", "2026-11-24T10:00:00Z", fields);
      received = json_tokener_parse (json_object_to_json_string_ext (change, JSON_C_TO_STRING_PLAIN));
      g_assert_nonnull (received);

      g_assert_true (dh_change_check (received, &validator, &entity, &checked, &error));
      g_assert_no_error (error);
      g_assert_true (entity == entities[i]);
      g_assert_true (json_object_equal (checked, fields));
    }
}

static void
test_deletion_and_cleared_fields_travel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) received = json_tokener_parse ("{\"change_id\": \"" CHANGE_ID "\", \"entity\": \"household\", "
                                                        "\"record_id\": \"" RECORD_ID "\", \"clock\": \"" CLOCK "\", "
                                                        "\"fields\": {\"deleted\": true, \"phone\": null}}");
  g_autoptr(json_object) fields = NULL;
  const DhEntity *entity = NULL;
  json_object *phone = (json_object *) 1;

  g_assert_true (dh_change_check (received, &validator, &entity, &fields, &error));
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean (json_object_object_get (fields, "deleted")));
  g_assert_true (json_object_object_get_ex (fields, "phone", &phone));
  g_assert_null (phone);
}

static void
test_dates_from_other_clocks_accepted (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(json_object) received = NULL;
  g_autoptr(json_object) fields = NULL;
  const DhEntity *entity = NULL;
  GDate tomorrow;

  /* a device whose calendar runs a day ahead recorded a visit "today" */
  g_date_clear (&tomorrow, 1);
  tomorrow = validator.today;
  g_date_add_days (&tomorrow, 1);
  text = g_strdup_printf ("{\"change_id\": \"" CHANGE_ID "\", \"entity\": \"visit\", \"record_id\": \"" RECORD_ID "\", "
                          "\"clock\": \"" CLOCK "\", \"fields\": {\"visited_on\": \"%04d-%02d-%02d\"}}",
                          g_date_get_year (&tomorrow), g_date_get_month (&tomorrow), g_date_get_day (&tomorrow));
  received = json_tokener_parse (text);

  g_assert_true (dh_change_check (received, &validator, &entity, &fields, &error));
  g_assert_no_error (error);
}

static void
test_malformed_changes_refused (void)
{
  static const struct {
    const char *json;
    int         code;
    const char *words;
  } cases[] = {
    { "{\"entity\": \"household\", \"record_id\": \"" RECORD_ID "\", \"clock\": \"" CLOCK "\", \"fields\": {}}",
      DH_VALIDATION_ERROR_INVALID, "change_id" },
    { "{\"change_id\": \"" CHANGE_ID "\", \"entity\": \"spaceship\", \"record_id\": \"" RECORD_ID "\", \"clock\": \"" CLOCK "\", \"fields\": {}}",
      DH_VALIDATION_ERROR_INVALID, "spaceship" },
    { "{\"change_id\": \"" CHANGE_ID "\", \"entity\": \"household\", \"record_id\": \"42\", \"clock\": \"" CLOCK "\", \"fields\": {}}",
      DH_VALIDATION_ERROR_INVALID, "42" },
    { "{\"change_id\": \"" CHANGE_ID "\", \"entity\": \"household\", \"record_id\": \"" RECORD_ID "\", \"clock\": \"yesterday\", \"fields\": {}}",
      DH_VALIDATION_ERROR_INVALID, "clock" },
    { "{\"change_id\": \"" CHANGE_ID "\", \"entity\": \"household\", \"record_id\": \"" RECORD_ID "\", \"clock\": \"" CLOCK "\", \"fields\": []}",
      DH_VALIDATION_ERROR_INVALID, "fields" },
    { "{\"change_id\": \"" CHANGE_ID "\", \"entity\": \"household\", \"record_id\": \"" RECORD_ID "\", \"clock\": \"" CLOCK "\", \"fields\": {\"colour\": \"red\"}}",
      DH_VALIDATION_ERROR_UNKNOWN_FIELD, "colour" },
    { "{\"change_id\": \"" CHANGE_ID "\", \"entity\": \"household\", \"record_id\": \"" RECORD_ID "\", \"clock\": \"" CLOCK "\", \"fields\": {\"phone\": \"12\"}}",
      DH_VALIDATION_ERROR_INVALID, "phone" },
    { "{\"change_id\": \"" CHANGE_ID "\", \"entity\": \"member\", \"record_id\": \"" RECORD_ID "\", \"clock\": \"" CLOCK "\", \"fields\": {\"birth_date\": \"1850\"}}",
      DH_VALIDATION_ERROR_OUT_OF_RANGE, "birth_date" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(json_object) received = json_tokener_parse (cases[i].json);
      g_autoptr(json_object) fields = NULL;
      const DhEntity *entity = NULL;

      g_test_message ("%s", cases[i].json);
      g_assert_nonnull (received);
      g_assert_false (dh_change_check (received, &validator, &entity, &fields, &error));
      g_assert_error (error, DH_VALIDATION_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].words) == NULL)
        g_error ("“%s” does not mention “%s”", error->message, cases[i].words);
      g_assert_null (fields);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  dh_validator_init (&validator);

  g_test_add_func ("/common/change/every-field-of-every-entity-round-trips", test_every_field_of_every_entity_round_trips);
  g_test_add_func ("/common/change/deletion-and-cleared-fields-travel", test_deletion_and_cleared_fields_travel);
  g_test_add_func ("/common/change/dates-from-other-clocks-accepted", test_dates_from_other_clocks_accepted);
  g_test_add_func ("/common/change/malformed-changes-refused", test_malformed_changes_refused);

  return g_test_run ();
}
