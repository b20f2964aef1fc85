/* dh-field.c – one field's value as people type it and as it is kept: checked, normalised */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-field"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-autocleanups.h"
#include "dh-citizen-id.h"
#include "dh-date.h"
#include "dh-entity.h"
#include "dh-label.h"
#include "dh-error.h"
#include "dh-money.h"
#include "dh-phone.h"
#include "dh-text.h"

static const char *
json_type_words (json_object *value)
{
  switch (json_object_get_type (value))
    {
    case json_type_null:    return _("nothing (null)");
    case json_type_boolean: return _("true/false");
    case json_type_double:  return _("a number with a fraction");
    case json_type_int:     return _("a number");
    case json_type_object:  return _("an object");
    case json_type_array:   return _("a list");
    case json_type_string:  return _("text");
    default:                return _("something else");
    }
}

static gboolean
expect_type (json_object  *value,
             json_type     type,
             const char   *wanted,
             GError      **error)
{
  if (json_object_is_type (value, type))
    return TRUE;

  g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
               /* Translators: the first %s says what was given, the second what is wanted */
               _("got %s; give %s"), json_type_words (value), _(wanted));
  return FALSE;
}

static char *
join_values (const char * const *values)
{
  return g_strjoinv (", ", (char **) values);
}

static gsize
field_max_bytes (const DhField *field)
{
  if (field->max_bytes > 0)
    return field->max_bytes;

  if (field->type == DH_FIELD_NAME)
    return DH_FIELD_MAX_NAME_BYTES;
  /* a conflict keeps a field's value written out as JSON, quotes escaped */
  if (field->type == DH_FIELD_TEXT)
    return (field->flags & DH_FIELD_FLAG_COMPUTED) != 0 ? 4 * DH_FIELD_MAX_TEXT_BYTES : DH_FIELD_MAX_TEXT_BYTES;
  if (field->type == DH_FIELD_PHONE || field->type == DH_FIELD_CITIZEN_ID)
    return DH_FIELD_MAX_SHORT_BYTES;
  return DH_FIELD_MAX_CODE_BYTES;
}

static gboolean
is_bidi_control (gunichar c)
{
  return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

static gboolean
is_zero_width (gunichar c)
{
  return (c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF;
}

/* The value checked, as the record keeps it: VALUE itself when its text
 * is that already (most are), else a new string. */
static json_object *
string_as (json_object *value,
           const char  *text)
{
  if (strcmp (json_object_get_string (value), text) == 0)
    return json_object_get (value);

  return json_object_new_string (text);
}

#define EVERY_BYTE(b) (G_GUINT64_CONSTANT (0x0101010101010101) * (b))

/* How many bytes TEXT begins with that are printable ASCII. Eight bytes
 * are looked at a time: one below 0x20 borrows into its high bit when
 * 0x20 is taken from each (and was not set before), one of 0x7F or more
 * has its high bit set, or sets it when 1 is added; the first word with
 * any is read again byte by byte. */
static gsize
printable_ascii_prefix (const char *text,
                        gsize       len)
{
  gsize i = 0;

  for (; i + sizeof (guint64) <= len; i += sizeof (guint64))
    {
      guint64 word;

      memcpy (&word, text + i, sizeof word);
      if ((((word - EVERY_BYTE (0x20)) & ~word) | word | (word + EVERY_BYTE (0x01))) & EVERY_BYTE (0x80))
        break;
    }
  for (; i < len; i++)
    {
      if ((guchar) text[i] < 0x20 || (guchar) text[i] >= 0x7F)
        break;
    }

  return i;
}

/* Checks a string as it came, before anything reads it further: its length
 * first (normalising costs time that grows faster than the text), then
 * what would change it silently on the way in — a NUL that cuts it short, a
 * U+FFFD left by a broken escape, characters that hide or reorder it. */
static gboolean
check_raw_text (const DhField  *field,
                json_object    *value,
                GError        **error)
{
  const char *text = json_object_get_string (value);
  gsize len = (gsize) json_object_get_string_len (value);
  gsize max = field_max_bytes (field);
  gsize ascii;

  if (len > max)
    {
      g_autofree char *given = g_strdup_printf ("%" G_GSIZE_FORMAT, len);
      g_autofree char *most = g_strdup_printf ("%" G_GSIZE_FORMAT, max);

      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                   /* Translators: "is too long: 5000 bytes where at most 4000 fit; ..." */
                   _("is too long: %s bytes where at most %s fit; shorten it (a letter with Vietnamese marks takes 2 or 3 bytes)"),
                   given, most);
      return FALSE;
    }

  /* printable ASCII, most of any text and all of most, has nothing of
   * what is looked for below (no NUL, no invalid UTF-8, no control or
   * hidden character): only what follows it is read again */
  ascii = printable_ascii_prefix (text, len);
  if (ascii == len)
    return TRUE;

  if (strlen (text + ascii) != len - ascii)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("contains a null character (\\u0000), which would cut the text short; remove it"));
      return FALSE;
    }

  if (!g_utf8_validate (text + ascii, (gssize) (len - ascii), NULL))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("the text is not valid UTF-8; save the input as UTF-8"));
      return FALSE;
    }

  for (const char *p = text + ascii; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c;

      /* printable ASCII, most of any text, is none of what is looked for */
      if ((guchar) *p >= 0x20 && (guchar) *p < 0x7F)
        continue;

      c = g_utf8_get_char (p);
      if (c == 0xFFFD)
        {
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                       _("contains “�”, the mark of a letter that was damaged (by a broken \\u escape or a wrong encoding); type the letter again"));
          return FALSE;
        }

      /* tabs and line breaks are white space, made one space when the text is normalised */
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F))
        {
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                       _("contains the invisible control character U+%04X; remove it"), c);
          return FALSE;
        }

      if (is_bidi_control (c))
        {
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                       _("contains U+%04X, an invisible character that changes the order the text is shown in; remove it"), c);
          return FALSE;
        }

      if (field->type == DH_FIELD_NAME && is_zero_width (c))
        {
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                       _("contains U+%04X, an invisible character; remove it from the name"), c);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
has_letter_or_digit (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_isalnum (g_utf8_get_char (p)))
        return TRUE;
    }
  return FALSE;
}

/* json-c reads an integer beyond 64 bits as the nearest end of the range */
static gboolean
json_int_overflows (json_object *value)
{
  gint64 number = json_object_get_int64 (value);

  if (number == G_MAXINT64)
    return json_object_get_uint64 (value) != (guint64) G_MAXINT64;
  return number == G_MININT64;
}

static gboolean
set_too_large (GError **error)
{
  g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
               _("the number is too large; check the number of digits"));
  return FALSE;
}

/* Whole numbers as text are written one way only: digits, a minus sign
 * before them if any, no "+", no spaces, no leading zeros. */
static gboolean
parse_canonical_int (const char *text,
                     gint64     *out_number,
                     gboolean   *out_too_large)
{
  const char *digits = text[0] == '-' ? text + 1 : text;

  *out_too_large = FALSE;
  if (digits[0] == '\0' || (digits[0] == '0' && digits[1] != '\0'))
    return FALSE;
  for (const char *p = digits; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
    }

  if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, out_number, NULL))
    {
      *out_too_large = TRUE;
      return FALSE;
    }
  return TRUE;
}

static json_object *
normalize_text (json_object  *value,
                gboolean      not_empty,
                GError      **error)
{
  g_autofree char *normalized = NULL;
  const char *text;

  if (!expect_type (value, json_type_string, N_("text in quotes"), error))
    return NULL;

  /* most texts come normalised already, and are kept as they came */
  text = json_object_get_string (value);
  if (!dh_text_is_normalized (text))
    text = normalized = dh_text_normalize (text);
  if (text == NULL)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("the text is not valid UTF-8; save the input as UTF-8"));
      return NULL;
    }

  if (not_empty && text[0] == '\0')
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("is empty; type the name"));
      return NULL;
    }

  if (not_empty && !has_letter_or_digit (text))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("has no letter; type the name"));
      return NULL;
    }

  return normalized == NULL ? json_object_get (value) : string_as (value, normalized);
}

static json_object *
normalize_code (const DhField     *field,
                json_object       *value,
                const DhValidator *validator,
                GError           **error)
{
  const char *code;

  if (!expect_type (value, json_type_string, N_("a code in quotes"), error))
    return NULL;

  code = dh_catalogues_find_code (validator->catalogues, field->target, json_object_get_string (value));
  if (code == NULL)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_CODE,
                   _("“%s” is not in the catalogue “%s”; use one of its codes or names"),
                   json_object_get_string (value), field->target);
      return NULL;
    }

  return string_as (value, code);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static json_object *
normalize_code_set (const DhField     *field,
                    json_object       *value,
                    const DhValidator *validator,
                    GError           **error)
{
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();
  json_object *result;
  size_t n;

  if (!expect_type (value, json_type_array, N_("a list of codes such as [\"a\", \"b\"]"), error))
    return NULL;

  n = json_object_array_length (value);
  if (n > DH_FIELD_MAX_SET_ITEMS)
    {
      g_autofree char *given = g_strdup_printf ("%" G_GSIZE_FORMAT, n);
      g_autofree char *most = g_strdup_printf ("%d", DH_FIELD_MAX_SET_ITEMS);

      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("lists %s codes where at most %s fit; give each code once"), given, most);
      return NULL;
    }

  for (size_t i = 0; i < n; i++)
    {
      json_object *item = json_object_array_get_idx (value, i);
      const char *code;

      if (!expect_type (item, json_type_string, N_("a code in quotes"), error) ||
          !check_raw_text (field, item, error))
        return NULL;

      code = dh_catalogues_find_code (validator->catalogues, field->target, json_object_get_string (item));
      if (code == NULL)
        {
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_CODE,
                       _("“%s” is not in the catalogue “%s”; use one of its codes or names"),
                       json_object_get_string (item), field->target);
          return NULL;
        }

      for (guint j = 0; j < codes->len; j++)
        {
          if (g_str_equal (g_ptr_array_index (codes, j), code))
            {
              g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                           _("“%s” is listed twice; give each code once"), code);
              return NULL;
            }
        }
      g_ptr_array_add (codes, (gpointer) code);
    }

  /* A set has no order: keeping it sorted makes equal sets equal values. */
  g_ptr_array_sort (codes, compare_strings);

  result = json_object_new_array_ext ((int) codes->len);
  for (guint i = 0; i < codes->len; i++)
    json_object_array_add (result, json_object_new_string (g_ptr_array_index (codes, i)));

  return result;
}

static json_object *
normalize_int (json_object  *value,
               gint64        min,
               gint64        max,
               GError      **error)
{
  gint64 number;

  if (json_object_is_type (value, json_type_string))
    {
      const char *text = json_object_get_string (value);
      gboolean too_large;

      if (!parse_canonical_int (text, &number, &too_large))
        {
          if (too_large)
            set_too_large (error);
          else
            g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                         _("“%s” is not a whole number; give digits only, such as 12"), text);
          return NULL;
        }
    }
  else if (!expect_type (value, json_type_int, N_("a whole number"), error))
    return NULL;
  else if (json_int_overflows (value))
    {
      set_too_large (error);
      return NULL;
    }
  else
    number = json_object_get_int64 (value);

  if (number < min || number > max)
    {
      /* numbers are written out first: a format macro inside _() cuts the
       * message short for xgettext */
      g_autofree char *given = g_strdup_printf ("%" G_GINT64_FORMAT, number);
      g_autofree char *lowest = g_strdup_printf ("%" G_GINT64_FORMAT, min);
      g_autofree char *highest = g_strdup_printf ("%" G_GINT64_FORMAT, max);

      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("%s is out of range; give a number from %s to %s"), given, lowest, highest);
      return NULL;
    }

  return json_object_new_int64 (number);
}

static json_object *
normalize_money (json_object  *value,
                 GError      **error)
{
  gint64 dong;

  if (json_object_is_type (value, json_type_string))
    {
      if (!dh_money_parse (json_object_get_string (value), &dong, error))
        return NULL;
      return json_object_new_int64 (dong);
    }

  if (!expect_type (value, json_type_int, N_("whole đồng, such as 1500000"), error))
    return NULL;

  /* json-c reads an integer beyond 64 bits as the nearest end of the
   * range, which is negative or above the largest amount */
  dong = json_object_get_int64 (value);
  if (dong < 0)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("is negative; give an amount of 0 đồng or more"));
      return NULL;
    }
  if (!dh_money_check_max (dong, error))
    return NULL;

  return json_object_new_int64 (dong);
}

/* Whether TEXT is of the form "yyyy-mm-dd", digits and dashes. */
static gboolean
is_iso_date_form (const char *text)
{
  for (guint i = 0; i < 10; i++)
    {
      if (i == 4 || i == 7 ? text[i] != '-' : !g_ascii_isdigit (text[i]))
        return FALSE;
    }

  return text[10] == '\0';
}

static json_object *
normalize_date (const DhField     *field,
                json_object       *value,
                const DhValidator *validator,
                GError           **error)
{
  g_autofree char *iso = NULL;
  GDate date;

  if (!expect_type (value, json_type_string, N_("a date such as \"2026-11-24\" or \"24/11/2026\""), error))
    return NULL;

  g_date_clear (&date, 1);
  if (!dh_date_parse (json_object_get_string (value), &date, error))
    return NULL;

  if ((field->flags & DH_FIELD_FLAG_NOT_FUTURE) != 0 &&
      !dh_date_check_not_future (&date, &validator->today, error))
    return NULL;

  /* "yyyy-mm-dd" of a day of the calendar, as most dates come, is what
   * dh_date_to_iso() writes of it */
  if (is_iso_date_form (json_object_get_string (value)))
    return json_object_get (value);

  iso = dh_date_to_iso (&date);
  return string_as (value, iso);
}

/* One of the field's values, given as the value itself or as what people
 * call it ("Hộ nghèo", "ho ngheo", "Poor household" for "poor"). */
static json_object *
normalize_enum (const DhField      *field,
                json_object        *value,
                const DhValidator  *validator,
                GError            **error)
{
  const char *text;
  const char *code = NULL;

  if (!expect_type (value, json_type_string, N_("one of the listed values in quotes"), error))
    return NULL;

  text = json_object_get_string (value);
  if (g_strv_contains (field->values, text))
    return json_object_get (value);

  if (field->target != NULL)
    code = dh_catalogues_find_code (validator->catalogues != NULL ? validator->catalogues : dh_catalogues_get_default (),
                                    field->target, text);
  if (code != NULL && g_strv_contains (field->values, code))
    return json_object_new_string (code);

  {
    g_autofree char *allowed = join_values (field->values);
    g_autofree char *labels = field->target != NULL ? dh_label_list (field) : NULL;

    if (labels != NULL)
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_CODE,
                   /* Translators: the labels, then the same values as codes */
                   _("“%s” is not allowed; write one of: %s (or their codes: %s)"), text, labels, allowed);
    else
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_CODE,
                   _("“%s” is not allowed; use one of: %s"), text, allowed);
  }
  return NULL;
}

gboolean
dh_field_normalize_value (const DhField     *field,
                          json_object       *value,
                          const DhValidator *validator,
                          json_object      **out_value,
                          GError           **error)
{
  g_autoptr(json_object) result = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (validator != NULL, FALSE);
  g_return_val_if_fail (out_value != NULL, FALSE);

  /* null clears a field; the record check then says whether it may be clear */
  if (value == NULL)
    {
      *out_value = NULL;
      return TRUE;
    }

  if (json_object_is_type (value, json_type_string) &&
      !check_raw_text (field, value, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", field->name);
      return FALSE;
    }

  switch (field->type)
    {
    case DH_FIELD_TEXT:
      result = normalize_text (value, FALSE, &local_error);
      break;

    case DH_FIELD_NAME:
      result = normalize_text (value, TRUE, &local_error);
      break;

    case DH_FIELD_INT:
      result = normalize_int (value, 0, G_MAXINT32, &local_error);
      break;

    case DH_FIELD_YEAR:
      result = normalize_int (value, 1900, 2100, &local_error);
      break;

    case DH_FIELD_MONEY:
      result = normalize_money (value, &local_error);
      break;

    case DH_FIELD_DATE:
      result = normalize_date (field, value, validator, &local_error);
      break;

    case DH_FIELD_BIRTH_DATE:
      if (expect_type (value, json_type_string, N_("a year such as \"1985\" or a date such as \"1985-03-07\""), &local_error))
        {
          g_autofree char *iso = NULL;
          int year;

          if (dh_birth_date_parse (json_object_get_string (value), &validator->today, &iso, &year, &local_error))
            result = string_as (value, iso);
        }
      break;

    case DH_FIELD_BOOL:
      if (expect_type (value, json_type_boolean, N_("true or false"), &local_error))
        result = json_object_new_boolean (json_object_get_boolean (value));
      break;

    case DH_FIELD_ENUM:
      result = normalize_enum (field, value, validator, &local_error);
      break;

    case DH_FIELD_CODE:
      result = normalize_code (field, value, validator, &local_error);
      break;

    case DH_FIELD_CODE_SET:
      result = normalize_code_set (field, value, validator, &local_error);
      break;

    case DH_FIELD_REF:
      if (expect_type (value, json_type_string, N_("the id of a record in quotes"), &local_error))
        {
          const char *id = json_object_get_string (value);

          if (dh_is_valid_uuid (id))
            result = json_object_get (value);
          else
            g_set_error (&local_error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                         /* Translators: "“12” is not a record id; give the id of a village" */
                         _("“%s” is not a record id; give the id of a %s"),
                         id,
                         /* places are named by kind: a village, a commune */
                         g_str_equal (field->target, "admin_unit") &&
                         (g_str_equal (field->name, "village") || g_str_equal (field->name, "commune"))
                         ? dh_entity_unit_kind_label (field->name)
                         : dh_entity_get_label (dh_entity_lookup (field->target)));
        }
      break;

    case DH_FIELD_PHONE:
      if (expect_type (value, json_type_string, N_("a phone number in quotes, such as \"0912 345 678\""), &local_error))
        {
          g_autofree char *phone = dh_phone_normalize (json_object_get_string (value), &local_error);

          if (phone != NULL)
            result = string_as (value, phone);
        }
      break;

    case DH_FIELD_CITIZEN_ID:
      /* the digits are checked against sex and birth year in check_member() */
      if (expect_type (value, json_type_string, N_("12 digits in quotes"), &local_error))
        {
          g_autofree char *id = dh_text_normalize (json_object_get_string (value));

          /* written in groups, as on the card: "001 085 012 345" */
          if (id != NULL && strspn (id, "0123456789 ") == strlen (id))
            {
              char *to = id;

              for (const char *from = id; *from != '\0'; from++)
                {
                  if (*from != ' ')
                    *to++ = *from;
                }
              *to = '\0';
            }

          if (id != NULL && dh_citizen_id_check (validator->catalogues, &validator->today, id, DH_SEX_UNKNOWN, 0, &local_error))
            result = string_as (value, id);
          else if (id == NULL)
            g_set_error (&local_error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                         _("the text is not valid UTF-8; save the input as UTF-8"));
        }
      break;

    default:
      g_assert_not_reached ();
    }

  if (local_error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", field->name);
      return FALSE;
    }

  /* An empty optional text is the same as no text. */
  if (result != NULL && json_object_is_type (result, json_type_string) &&
      json_object_get_string_len (result) == 0)
    g_clear_pointer (&result, json_object_put);

  *out_value = g_steal_pointer (&result);
  return TRUE;
}

gboolean
dh_entity_normalize_fields (const DhEntity    *entity,
                            json_object       *input,
                            gboolean           allow_computed,
                            const DhValidator *validator,
                            json_object      **out_fields,
                            GError           **error)
{
  g_autoptr(json_object) fields = NULL;

  g_return_val_if_fail (entity != NULL, FALSE);
  g_return_val_if_fail (validator != NULL, FALSE);
  g_return_val_if_fail (out_fields != NULL, FALSE);

  if (input == NULL || !json_object_is_type (input, json_type_object))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("expected one JSON object such as {\"field\": \"value\"}"));
      return FALSE;
    }

  fields = json_object_new_object ();

  {
    json_object_object_foreach (input, key, value)
      {
        const DhField *field = dh_entity_get_field (entity, key);
        json_object *normalized = NULL;

        if (dh_entity_is_meta_key (key))
          continue;

        /* an unknown name is repeated in the message: a long one is not */
        if (field == NULL && strlen (key) > DH_FIELD_MAX_CODE_BYTES)
          {
            g_autofree char *names = dh_entity_list_field_names (entity, FALSE);

            g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_FIELD,
                         _("a field name is far longer than any of a %s; its fields are: %s"),
                         dh_entity_get_label (entity), names);
            return FALSE;
          }

        if (field == NULL)
          {
            g_autofree char *names = dh_entity_list_field_names (entity, FALSE);

            g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_FIELD,
                         /* Translators: "colour: there is no such field in a household; its fields are: ..." */
                         _("%s: there is no such field in a %s; its fields are: %s"),
                         key, dh_entity_get_label (entity), names);
            return FALSE;
          }

        if (!allow_computed && (field->flags & DH_FIELD_FLAG_COMPUTED) != 0)
          {
            g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_READ_ONLY,
                         _("%s: is worked out by Đồng Hành and cannot be typed; leave it out"),
                         key);
            return FALSE;
          }

        if (!dh_field_normalize_value (field, value, validator, &normalized, error))
          return FALSE;

        json_object_object_add (fields, key, normalized);
      }
  }

  *out_fields = g_steal_pointer (&fields);
  return TRUE;
}
