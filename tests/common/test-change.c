/* test-change.c – changes keep every field of every entity intact on the wire */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "dh-autocleanups.h"
#include "dh-catalogue.h"
#include "dh-change.h"
#include "dh-error.h"
#include "dh-hlc.h"

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

static DhChange *
receive (const char  *json,
         GError     **error)
{
  g_autoptr(json_object) wire = json_tokener_parse (json);

  g_assert_nonnull (wire);
  return dh_change_from_json (wire, &validator, error);
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
      g_autoptr(DhChange) change = dh_change_new (entities[i], RECORD_ID, OTHER_ID, "lan.hoang", CLOCK);
      g_autoptr(json_object) wire = NULL;
      g_autoptr(DhChange) received = NULL;

      g_test_message ("%s", entities[i]->name);
      for (guint j = 0; j < entities[i]->n_fields; j++)
        json_object_object_add (input, entities[i]->fields[j].name, sample_value (&entities[i]->fields[j]));

      g_assert_true (dh_entity_normalize_fields (entities[i], input, TRUE, &validator, &fields, &error));
      g_assert_no_error (error);
      g_assert_cmpint (json_object_object_length (fields), ==, entities[i]->n_fields);

      {
        json_object_object_foreach (fields, key, value)
          dh_change_set_write (change, key, value, NULL, NULL, change->author);
      }
      wire = dh_change_to_json (change);
      /* each field its value alone, but a list, which is a list of one */
      {
        json_object_object_foreach (json_object_object_get (wire, "f"), key, entry)
          {
            const DhField *field = dh_entity_get_field (entities[i], key);

            g_assert_nonnull (field);
            if (field->type == DH_FIELD_CODE_SET)
              {
                g_assert_true (json_object_is_type (entry, json_type_array));
                g_assert_cmpuint (json_object_array_length (entry), ==, 1);
                g_assert_true (json_object_is_type (json_object_array_get_idx (entry, 0), json_type_array));
              }
            else
              g_assert_false (json_object_is_type (entry, json_type_array));
          }
      }
      received = dh_change_parse (json_object_to_json_string_ext (wire, JSON_C_TO_STRING_PLAIN),
                                  strlen (json_object_to_json_string_ext (wire, JSON_C_TO_STRING_PLAIN)),
                                  &validator, &error);
      g_assert_no_error (error);
      g_assert_nonnull (received);
      g_assert_true (received->entity == entities[i]);
      g_assert_cmpstr (received->record_id, ==, RECORD_ID);
      g_assert_cmpstr (received->commune, ==, OTHER_ID);
      g_assert_cmpstr (received->author, ==, "lan.hoang");
      g_assert_cmpstr (received->clock, ==, CLOCK);
      g_assert_true (json_object_equal (received->fields, change->fields));
    }
}

/* Fields carry their own clock, base and author only where they differ
 * from the change's, so an ordinary edit costs little more than its value. */
static void
test_envelope_is_compact (void)
{
  g_autoptr(DhChange) change = dh_change_new (dh_entity_lookup ("household"), RECORD_ID, OTHER_ID, "lan.hoang", CLOCK);
  g_autoptr(json_object) phone = json_object_new_string ("0912345678");
  g_autoptr(json_object) wire = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DhChange) received = NULL;
  const char *text;
  DhWrite write;

  dh_change_set_write (change, "phone", phone, "019ab697e7000000-fedcba9876543210", NULL, change->author);
  wire = dh_change_to_json (change);
  text = json_object_to_json_string_ext (wire, JSON_C_TO_STRING_PLAIN);
  g_test_message ("%s (%zu bytes)", text, strlen (text));
  g_assert_cmpuint (strlen (text), <, 230);
  g_assert_nonnull (strstr (text, "\"phone\":[\"0912345678\",\"019ab697e7000000-fedcba9876543210\"]"));

  received = dh_change_parse (text, strlen (text), &validator, &error);
  g_assert_no_error (error);
  g_assert_true (dh_change_get_write (received, "phone", &write));
  g_assert_cmpstr (write.base, ==, "019ab697e7000000-fedcba9876543210");
  g_assert_cmpstr (write.clock, ==, CLOCK);
  g_assert_cmpstr (write.author, ==, "lan.hoang");
}

static void
test_deletion_and_cleared_fields_travel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhChange) change = receive ("{\"e\": \"household\", \"r\": \"" RECORD_ID "\", \"k\": \"" CLOCK "\", "
                                        "\"f\": {\"deleted\": [true, \"019ab697e7000000-fedcba9876543210\"], \"phone\": [null]}}",
                                        &error);
  DhWrite deleted, phone;

  g_assert_no_error (error);
  g_assert_true (dh_change_get_write (change, "deleted", &deleted));
  g_assert_true (json_object_get_boolean (deleted.value));
  g_assert_true (dh_change_get_write (change, "phone", &phone));
  g_assert_null (phone.value);
  g_assert_cmpstr (phone.base, ==, "");
}

/* A field whose base, clock and author are the change's travels as its
 * value alone; read, it is the same write as the list of one. */
static void
test_value_alone_is_the_list_of_one (void)
{
  static const char * const forms[][2] = {
    { "\"phone\": [\"0912345678\"], \"notes\": [null], \"deleted\": [false], \"poverty_causes\": [[\"no_capital\"]]",
      "\"phone\": \"0912345678\", \"notes\": null, \"deleted\": false, \"poverty_causes\": [[\"no_capital\"]]" },
    { "\"head_name\": [\"Lò Văn Sính\"], \"phone\": [\"0912345678\", \"019ab697e7000000-fedcba9876543210\"]",
      "\"head_name\": \"Lò Văn Sính\", \"phone\": [\"0912345678\", \"019ab697e7000000-fedcba9876543210\"]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      DhChange *changes[2] = { NULL, NULL };
      g_autoptr(json_object) wire = NULL;
      g_autofree char *text = NULL;
      g_autoptr(GError) error = NULL;
      DhWrite write;

      for (guint form = 0; form < 2; form++)
        {
          g_autofree char *json = g_strdup_printf ("{\"e\": \"household\", \"r\": \"" RECORD_ID "\", \"u\": \"lan.hoang\", "
                                                   "\"k\": \"" CLOCK "\", \"f\": {%s}}", forms[i][form]);

          g_test_message ("%s", json);
          changes[form] = receive (json, &error);
          g_assert_no_error (error);
        }
      g_assert_true (json_object_equal (changes[0]->fields, changes[1]->fields));

      /* written again, it is the short form */
      wire = dh_change_to_json (changes[0]);
      dh_change_free (changes[0]);
      dh_change_free (changes[1]);
      text = g_strdup_printf ("{\"e\": \"household\", \"r\": \"" RECORD_ID "\", \"u\": \"lan.hoang\", "
                              "\"k\": \"" CLOCK "\", \"f\": {%s}}", forms[i][1]);
      {
        g_autoptr(json_object) expected = json_tokener_parse (text);

        g_assert_true (json_object_equal (wire, expected));
      }

      /* and its writes read with their defaults */
      g_assert_true (dh_change_wire_get_write (wire, "phone", &write));
      g_assert_cmpstr (json_object_get_string (write.value), ==, "0912345678");
      g_assert_cmpstr (write.clock, ==, CLOCK);
      g_assert_cmpstr (write.author, ==, "lan.hoang");
      g_assert_cmpstr (write.base, ==, i == 0 ? "" : "019ab697e7000000-fedcba9876543210");
      g_assert_false (dh_change_wire_get_write (wire, "village", &write));
    }
}

static void
test_dates_from_other_clocks_accepted (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(DhChange) change = NULL;
  GDate tomorrow;

  /* a device whose calendar runs a day ahead recorded a visit "today" */
  g_date_clear (&tomorrow, 1);
  tomorrow = validator.today;
  g_date_add_days (&tomorrow, 1);
  text = g_strdup_printf ("{\"e\": \"visit\", \"r\": \"" RECORD_ID "\", \"k\": \"" CLOCK "\", "
                          "\"f\": {\"visited_on\": [\"%04d-%02d-%02d\"]}}",
                          g_date_get_year (&tomorrow), g_date_get_month (&tomorrow), g_date_get_day (&tomorrow));
  change = receive (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (change);

  /* and, at New Year, the ID card of a child born in its new year */
  {
    int year = g_date_get_year (&validator.today) + 1;
    g_autofree char *id_text = g_strdup_printf ("{\"e\": \"member\", \"r\": \"" RECORD_ID "\", \"k\": \"" CLOCK "\", "
                                                "\"f\": {\"citizen_id\": [\"001%d%02d012345\"]}}",
                                                (year - 1900) / 100 * 2, year % 100);
    g_autoptr(DhChange) member = receive (id_text, &error);

    g_assert_no_error (error);
    g_assert_nonnull (member);
  }

  /* but not a visit more than a year ahead, nor a card of a child born
   * then: no clock whose changes are taken runs that far ahead */
  {
    int year = g_date_get_year (&validator.today) + 2;
    g_autofree char *visit_text = g_strdup_printf ("{\"e\": \"visit\", \"r\": \"" RECORD_ID "\", \"k\": \"" CLOCK "\", "
                                                   "\"f\": {\"visited_on\": [\"%04d-01-01\"]}}", year);
    g_autofree char *id_text = g_strdup_printf ("{\"e\": \"member\", \"r\": \"" RECORD_ID "\", \"k\": \"" CLOCK "\", "
                                                "\"f\": {\"citizen_id\": [\"001%d%02d012345\"]}}",
                                                (year - 1900) / 100 * 2, year % 100);
    g_autoptr(DhChange) visit = receive (visit_text, &error);

    g_assert_null (visit);
    g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE);
    g_clear_error (&error);
    g_assert_null (receive (id_text, &error));
    g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE);
    g_clear_error (&error);
  }
}

/* One clock stamped a year ahead would drag every later stamp after it. */
static void
test_clock_from_far_future_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhChange) change = receive ("{\"e\": \"household\", \"r\": \"" RECORD_ID "\", \"k\": \"7fffffffffff0000-bbbbbbbbbbbbbbbb\", "
                                        "\"f\": {\"notes\": [\"x\"]}}", &error);
  gint64 stamped = dh_hlc_get_wall_ms (CLOCK);

  g_assert_no_error (error);
  g_assert_false (dh_change_check_clocks (change, stamped, &error));
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  /* days ahead is a wrong clock that still converges */
  {
    g_autofree char *ahead = g_strdup_printf ("%016" G_GINT64_MODIFIER "x-bbbbbbbbbbbbbbbb",
                                              (guint64) (stamped + (gint64) 29 * 24 * 3600 * 1000) << 16);
    g_autofree char *text = g_strdup_printf ("{\"e\": \"household\", \"r\": \"" RECORD_ID "\", \"k\": \"%s\", "
                                             "\"f\": {\"notes\": [\"x\"]}}", ahead);
    g_autoptr(DhChange) days_ahead = receive (text, &error);

    g_assert_no_error (error);
    g_assert_true (dh_change_check_clocks (days_ahead, stamped, &error));
    g_assert_no_error (error);
  }
}

static void
test_malformed_changes_refused (void)
{
#define ENV "\"e\": \"household\", \"r\": \"" RECORD_ID "\", \"k\": \"" CLOCK "\""
  static const struct {
    const char *json;
    int         code;
    const char *words;
  } cases[] = {
    { "{\"r\": \"" RECORD_ID "\", \"k\": \"" CLOCK "\", \"f\": {\"notes\": [\"x\"]}}", DH_VALIDATION_ERROR_INVALID, "entity" },
    { "{\"e\": \"spaceship\", \"r\": \"" RECORD_ID "\", \"k\": \"" CLOCK "\", \"f\": {\"notes\": [\"x\"]}}", DH_VALIDATION_ERROR_INVALID, "spaceship" },
    { "{\"e\": \"household\", \"r\": \"42\", \"k\": \"" CLOCK "\", \"f\": {\"notes\": [\"x\"]}}", DH_VALIDATION_ERROR_INVALID, "42" },
    { "{\"e\": \"household\", \"r\": \"" RECORD_ID "\", \"k\": \"yesterday\", \"f\": {\"notes\": [\"x\"]}}", DH_VALIDATION_ERROR_INVALID, "clock" },
    { "{" ENV ", \"f\": []}", DH_VALIDATION_ERROR_INVALID, "no field" },
    { "{" ENV ", \"f\": {}}", DH_VALIDATION_ERROR_INVALID, "no field" },
    { "{" ENV ", \"f\": {\"notes\": []}}", DH_VALIDATION_ERROR_INVALID, "[value, base, clock, author]" },
    { "{" ENV ", \"f\": {\"notes\": [\"x\", \"\", \"" CLOCK "\", \"lan\", 5]}}", DH_VALIDATION_ERROR_INVALID, "[value, base, clock, author]" },
    { "{" ENV ", \"f\": {\"notes\": {\"x\": 1}}}", DH_VALIDATION_ERROR_INVALID, "notes" },
    { "{" ENV ", \"f\": {\"notes\": [\"x\", \"soon\"]}}", DH_VALIDATION_ERROR_INVALID, "base" },
    { "{" ENV ", \"f\": {\"notes\": [\"x\", \"" CLOCK "\"]}}", DH_VALIDATION_ERROR_INVALID, "after it" },
    { "{" ENV ", \"f\": {\"notes\": [\"x\", \"\", \"7fffffffffff0000-bbbbbbbbbbbbbbbb\"]}}", DH_VALIDATION_ERROR_INVALID, "clock" },
    { "{" ENV ", \"f\": {\"colour\": [\"red\"]}}", DH_VALIDATION_ERROR_UNKNOWN_FIELD, "colour" },
    { "{" ENV ", \"f\": {\"phone\": [\"12\"]}}", DH_VALIDATION_ERROR_INVALID, "phone" },
    { "{" ENV ", \"f\": {\"deleted\": [\"yes\"]}}", DH_VALIDATION_ERROR_INVALID, "deleted" },
    { "{" ENV ", \"f\": {\"deleted\": \"yes\"}}", DH_VALIDATION_ERROR_INVALID, "deleted" },
    { "{" ENV ", \"f\": {\"phone\": \"12\"}}", DH_VALIDATION_ERROR_INVALID, "phone" },
    { "{" ENV ", \"f\": {\"head_name\": \"Lan\\u200B\"}}", DH_VALIDATION_ERROR_INVALID, "invisible" },
    { "{\"e\": \"member\", \"r\": \"" RECORD_ID "\", \"k\": \"" CLOCK "\", \"f\": {\"birth_date\": [\"1850\"]}}",
      DH_VALIDATION_ERROR_OUT_OF_RANGE, "birth_date" },
    /* the envelope's members, each of its one-letter key alone */
    { "{\"e\": 7, \"r\": \"" RECORD_ID "\", \"k\": \"" CLOCK "\", \"f\": {\"notes\": [\"x\"]}}", DH_VALIDATION_ERROR_INVALID, "must be text" },
    { "{" ENV ", \"u\": [\"lan\"], \"f\": {\"notes\": [\"x\"]}}", DH_VALIDATION_ERROR_INVALID, "must be text" },
    { "{" ENV ", \"c\": {}, \"f\": {\"notes\": [\"x\"]}}", DH_VALIDATION_ERROR_INVALID, "must be text" },
    { "{\"e\": null, \"r\": \"" RECORD_ID "\", \"k\": \"" CLOCK "\", \"f\": {\"notes\": [\"x\"]}}", DH_VALIDATION_ERROR_INVALID, "entity" },
    { "{\"entity\": \"household\", \"r\": \"" RECORD_ID "\", \"k\": \"" CLOCK "\", \"f\": {\"notes\": [\"x\"]}}", DH_VALIDATION_ERROR_INVALID, "entity" },
    { "{\"E\": \"household\", \"r\": \"" RECORD_ID "\", \"k\": \"" CLOCK "\", \"f\": {\"notes\": [\"x\"]}}", DH_VALIDATION_ERROR_INVALID, "entity" },
    { "{" ENV "}", DH_VALIDATION_ERROR_INVALID, "no field" },
    { "{" ENV ", \"f\": null}", DH_VALIDATION_ERROR_INVALID, "no field" },
    { "{" ENV ", \"ff\": {\"notes\": [\"x\"]}}", DH_VALIDATION_ERROR_INVALID, "no field" },
    /* what a text hides after printable ASCII, or before it */
    { "{" ENV ", \"f\": {\"notes\": [\"Nhà số 4\\u0000 và 5\"]}}", DH_VALIDATION_ERROR_INVALID, "null character" },
    { "{" ENV ", \"f\": {\"notes\": [\"ab\\u0000\"]}}", DH_VALIDATION_ERROR_INVALID, "null character" },
    { "{" ENV ", \"f\": {\"notes\": [\"Hộ \\u202Eabc\"]}}", DH_VALIDATION_ERROR_INVALID, "order" },
    { "{" ENV ", \"f\": {\"notes\": [\"abc\\u0007\"]}}", DH_VALIDATION_ERROR_INVALID, "control" },
    { "{" ENV ", \"f\": {\"notes\": [\"\\u0085 abc\"]}}", DH_VALIDATION_ERROR_INVALID, "control" },
    { "{" ENV ", \"f\": {\"notes\": [\"abc \\uFFFD\"]}}", DH_VALIDATION_ERROR_INVALID, "damaged" },
    { "{" ENV ", \"f\": {\"head_name\": [\"Lan\\u200B\"]}}", DH_VALIDATION_ERROR_INVALID, "invisible" },
  };
#undef ENV

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DhChange) change = NULL;

      g_test_message ("%s", cases[i].json);
      change = receive (cases[i].json, &error);
      g_assert_null (change);
      g_assert_error (error, DH_VALIDATION_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].words) == NULL)
        g_error ("“%s” does not mention “%s”", error->message, cases[i].words);
    }
}

static void
test_oversized_and_trailing_input_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = g_strnfill (DH_CHANGE_MAX_BYTES + 1, ' ');
  const char *two = "{\"e\": \"household\", \"r\": \"" RECORD_ID "\", \"k\": \"" CLOCK "\", \"f\": {\"notes\": [\"x\"]}} {}";
  DhChange *change;

  change = dh_change_parse (huge, strlen (huge), &validator, &error);
  g_assert_null (change);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  change = dh_change_parse (two, strlen (two), &validator, &error);
  g_assert_null (change);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  dh_validator_init (&validator);

  g_test_add_func ("/common/change/every-field-of-every-entity-round-trips", test_every_field_of_every_entity_round_trips);
  g_test_add_func ("/common/change/envelope-is-compact", test_envelope_is_compact);
  g_test_add_func ("/common/change/deletion-and-cleared-fields-travel", test_deletion_and_cleared_fields_travel);
  g_test_add_func ("/common/change/value-alone-is-the-list-of-one", test_value_alone_is_the_list_of_one);
  g_test_add_func ("/common/change/dates-from-other-clocks-accepted", test_dates_from_other_clocks_accepted);
  g_test_add_func ("/common/change/clock-from-far-future-refused", test_clock_from_far_future_refused);
  g_test_add_func ("/common/change/malformed-changes-refused", test_malformed_changes_refused);
  g_test_add_func ("/common/change/oversized-and-trailing-input-refused", test_oversized_and_trailing_input_refused);

  return g_test_run ();
}
