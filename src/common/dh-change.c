/* dh-change.c – a change to one record, as devices and the server exchange it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-change"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-autocleanups.h"
#include "dh-change.h"
#include "dh-error.h"
#include "dh-hlc.h"

#define MAX_AUTHOR_BYTES 256

DhChange *
dh_change_new (const DhEntity *entity,
               const char     *record_id,
               const char     *commune,
               const char     *author,
               const char     *clock)
{
  DhChange *change;

  g_return_val_if_fail (entity != NULL && record_id != NULL && clock != NULL, NULL);

  change = g_new0 (DhChange, 1);
  change->entity = entity;
  change->record_id = g_strdup (record_id);
  change->commune = g_strdup (commune);
  change->author = g_strdup (author);
  change->clock = g_strdup (clock);
  change->fields = json_object_new_object ();

  return change;
}

void
dh_change_free (DhChange *change)
{
  if (change == NULL)
    return;

  g_free (change->record_id);
  g_free (change->commune);
  g_free (change->author);
  g_free (change->clock);
  json_object_put (change->fields);
  g_free (change);
}

DhChange *
dh_change_copy (const DhChange *change)
{
  DhChange *copy;

  g_return_val_if_fail (change != NULL, NULL);

  copy = dh_change_new (change->entity, change->record_id, change->commune, change->author, change->clock);
  json_object_put (copy->fields);
  copy->fields = NULL;
  json_object_deep_copy (change->fields, &copy->fields, NULL);

  return copy;
}

json_object *
dh_write_to_json (const DhWrite *write)
{
  json_object *array = json_object_new_array_ext (4);

  json_object_array_add (array, write->value != NULL ? json_object_get (write->value) : NULL);
  json_object_array_add (array, json_object_new_string (write->base != NULL ? write->base : ""));
  json_object_array_add (array, json_object_new_string (write->clock));
  json_object_array_add (array, write->author != NULL ? json_object_new_string (write->author) : NULL);

  return array;
}

gboolean
dh_write_from_json (json_object *json,
                    DhWrite     *out_write)
{
  json_object *base, *clock, *author;

  if (json == NULL || !json_object_is_type (json, json_type_array) || json_object_array_length (json) != 4)
    return FALSE;

  base = json_object_array_get_idx (json, 1);
  clock = json_object_array_get_idx (json, 2);
  author = json_object_array_get_idx (json, 3);
  if (!json_object_is_type (base, json_type_string) || !json_object_is_type (clock, json_type_string))
    return FALSE;

  out_write->value = json_object_array_get_idx (json, 0);
  out_write->base = json_object_get_string (base);
  out_write->clock = json_object_get_string (clock);
  out_write->author = json_object_is_type (author, json_type_string) ? json_object_get_string (author) : NULL;

  return TRUE;
}

/* Sets one field's write; its clock defaults to the change's, and the
 * change's clock stays the latest of its writes. The author is taken as
 * given: NULL is a write without one (what the merge writes itself). */
void
dh_change_set_write (DhChange    *change,
                     const char  *field,
                     json_object *value,
                     const char  *base,
                     const char  *clock,
                     const char  *author)
{
  DhWrite write = {
    .value = value,
    .base = base != NULL ? base : "",
    .clock = clock != NULL ? clock : change->clock,
    .author = author,
  };

  g_return_if_fail (change != NULL && field != NULL);

  if (strcmp (write.clock, change->clock) > 0)
    {
      g_free (change->clock);
      change->clock = g_strdup (write.clock);
    }

  json_object_object_add (change->fields, field, dh_write_to_json (&write));
}

gboolean
dh_change_get_write (const DhChange *change,
                     const char     *field,
                     DhWrite        *out_write)
{
  json_object *json;

  if (!json_object_object_get_ex (change->fields, field, &json))
    return FALSE;

  return dh_write_from_json (json, out_write);
}

/**
 * dh_change_set_wire_fields:
 * @fields: the "f" of a change as it travels, written by dh_change_to_json()
 *
 * Takes a change's fields in their short form, each element left out taking
 * the change's own clock and author. For changes this program wrote itself
 * (the queue keeps them short): what arrives from elsewhere is read with
 * dh_change_from_json(), which checks everything.
 */
void
dh_change_set_wire_fields (DhChange    *change,
                           json_object *fields)
{
  g_return_if_fail (change != NULL);

  {
    json_object_object_foreach (fields, key, entry)
      {
        DhWireField read;

        dh_wire_field_read_json (key, entry, &read);
        if (read.n < 1 || read.n > 4)
          continue;
        dh_change_set_write (change, key, read.value, read.base.text, read.clock.text,
                             read.n > 3 ? read.author.text : change->author);
      }
  }
}

/**
 * dh_change_wire_get_write:
 * @wire: a change as it travels
 * @field: the field's name
 * @out_write: (out caller-allocates): its write, referring to @wire
 *
 * Reads one field of a change in its short form, an element left out
 * taking the change's own clock and author. Returns FALSE when the change
 * does not set @field, or sets it in no form a change has. Nothing is
 * checked beyond that (dh_change_check_json() checks), and @wire is only
 * read: a page may be read so on one thread while it is checked on another.
 */
gboolean
dh_change_wire_get_write (json_object *wire,
                          const char  *field,
                          DhWrite     *out_write)
{
  json_object *fields, *entry;

  if (!json_object_object_get_ex (wire, "f", &fields) || !json_object_object_get_ex (fields, field, &entry))
    return FALSE;
  return dh_change_wire_read_entry (wire, field, entry, out_write);
}

/**
 * dh_change_wire_read_entry:
 * @entry: @field's entry in @wire's "f"
 *
 * dh_change_wire_get_write() of an entry already found: for a reader that
 * goes through the fields of a change.
 */
gboolean
dh_change_wire_read_entry (json_object *wire,
                           const char  *field,
                           json_object *entry,
                           DhWrite     *out_write)
{
  DhWireField read;

  dh_wire_field_read_json (field, entry, &read);
  if (read.n < 1 || read.n > 4 || read.base.other || read.clock.other)
    return FALSE;

  out_write->value = read.value;
  out_write->base = read.base.text != NULL ? read.base.text : "";
  out_write->clock = read.clock.text != NULL ? read.clock.text : dh_json_get_string (wire, "k");
  out_write->author = read.n > 3 ? read.author.text : dh_json_get_string (wire, "u");

  return TRUE;
}

/**
 * dh_change_wire_append_in_lists:
 * @text: a change as it travels, as this program wrote it
 * @out: where it goes, each field in a list
 *
 * Appends the change with each field that travels as its value alone put
 * in a list of one, as version 1 of the protocol wrote every field: for a
 * receiver of that version, which reads nothing else. A text that is not a
 * change goes as it is.
 */
void
dh_change_wire_append_in_lists (const char *text,
                                gsize       length,
                                GString    *out)
{
  g_autoptr(json_tokener) tokener = json_tokener_new ();
  g_autoptr(json_object) wire = NULL;
  g_autoptr(GPtrArray) alone = g_ptr_array_new ();
  json_object *fields;

  if (length <= G_MAXINT)
    wire = json_tokener_parse_ex (tokener, text, (int) length);
  if (wire == NULL || json_tokener_get_parse_end (tokener) != length ||
      !json_object_object_get_ex (wire, "f", &fields) || !json_object_is_type (fields, json_type_object))
    {
      g_string_append_len (out, text, (gssize) length);
      return;
    }

  {
    json_object_object_foreach (fields, key, entry)
      if (!json_object_is_type (entry, json_type_array))
        g_ptr_array_add (alone, key);
  }
  for (guint i = 0; i < alone->len; i++)
    {
      const char *key = g_ptr_array_index (alone, i);
      json_object *list = json_object_new_array_ext (1);

      json_object_array_add (list, json_object_get (json_object_object_get (fields, key)));
      json_object_object_add (fields, key, list);
    }
  g_string_append (out, json_object_to_json_string_ext (wire, JSON_C_TO_STRING_PLAIN));
}

/* A change is named by its record and its clock: a device never stamps two
 * changes with one clock. */
char *
dh_change_get_id (const DhChange *change)
{
  return g_strconcat (change->record_id, "@", change->clock, NULL);
}

static void
add_string (json_object *object,
            const char  *key,
            const char  *value)
{
  if (value != NULL)
    json_object_object_add (object, key, json_object_new_string (value));
}

/* A value of its own: a change made here shares no object with the
 * record or change it came from, as one parsed from text shares none, so
 * that a page of such changes can be checked on a thread of its own
 * (dh_page_check_start(); json-c counts references without atomics). */
static json_object *
copy_value (json_object *value)
{
  json_object *copy = NULL;

  if (value == NULL)
    return NULL;
  if (json_object_deep_copy (value, &copy, NULL) != 0)
    g_error ("Could not copy a JSON value: out of memory");

  return copy;
}

json_object *
dh_change_to_json (const DhChange *change)
{
  json_object *wire = json_object_new_object ();
  json_object *fields = json_object_new_object ();

  g_return_val_if_fail (change != NULL, NULL);

  add_string (wire, "e", change->entity->name);
  add_string (wire, "r", change->record_id);
  add_string (wire, "c", change->commune);
  add_string (wire, "u", change->author);
  add_string (wire, "k", change->clock);

  {
    json_object_object_foreach (change->fields, key, json)
      {
        json_object *entry;
        DhWrite write;
        gboolean own_author, own_clock, no_base;

        if (!dh_write_from_json (json, &write))
          g_assert_not_reached ();

        own_author = g_strcmp0 (write.author, change->author) == 0;
        own_clock = g_strcmp0 (write.clock, change->clock) == 0;
        no_base = write.base[0] == '\0';

        /* the value alone, the short form of most fields of a record's
         * state: a list of one would cost its reader a list */
        if (no_base && own_clock && own_author && !json_object_is_type (write.value, json_type_array))
          {
            json_object_object_add (fields, key, copy_value (write.value));
            continue;
          }

        entry = json_object_new_array ();
        json_object_array_add (entry, copy_value (write.value));
        if (!no_base || !own_clock || !own_author)
          json_object_array_add (entry, json_object_new_string (write.base));
        if (!own_clock || !own_author)
          json_object_array_add (entry, json_object_new_string (write.clock));
        if (!own_author)
          json_object_array_add (entry, write.author != NULL ? json_object_new_string (write.author) : NULL);

        json_object_object_add (fields, key, entry);
      }
  }
  json_object_object_add (wire, "f", fields);

  return wire;
}

static gboolean
malformed (GError     **error,
           const char  *entity,
           const char  *record_id,
           const char  *what)
{
  g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
               /* Translators: the last %s says what is wrong, e.g. "its clock is not a change timestamp" */
               _("A change (entity “%s”, record “%s”) is malformed: %s"),
               entity != NULL ? entity : "", record_id != NULL ? record_id : "", what);
  return FALSE;
}

/* A member that must be text when it is there. */
static const char *
wire_text (const DhWireText *text,
           gboolean         *out_wrong_type)
{
  if (text->other)
    *out_wrong_type = TRUE;
  return text->text;
}

static void
checked_write_clear (DhCheckedWrite *checked)
{
  g_clear_pointer (&checked->write.value, json_object_put);
}

void
dh_checked_change_clear (DhCheckedChange *checked)
{
  g_clear_pointer (&checked->writes, g_array_unref);
}

/**
 * dh_change_check_json:
 * @wire: a change as received
 * @validator: the catalogues the values are checked against
 * @out_checked: (out caller-allocates): the change's envelope and its
 *   writes, each value normalised; clear it with dh_checked_change_clear()
 *
 * Checks the envelope and every value with the same rules as a record typed
 * on the device, but for the day: whether a visit lies in the future, or a
 * citizen ID's year of birth, was decided by the clock of the device that
 * recorded it, which may run days ahead of this one. A date is refused
 * only when it lies more than a year after the validator's day: a device
 * whose clock runs more than 30 days ahead has its changes refused for
 * their stamp (dh_change_check_clock()), so only a hostile or broken
 * sender writes such a date. What it reads refers to @wire, which must
 * outlive it.
 */
gboolean
dh_change_check_json (json_object        *wire,
                      const DhValidator  *validator,
                      DhCheckedChange    *out_checked,
                      GError            **error)
{
  g_autoptr(GArray) fields = g_array_new (FALSE, TRUE, sizeof (DhWireField));
  DhWireChange read;

  dh_wire_change_read_json (wire, fields, &read);
  read.fields = (DhWireField *) (gpointer) fields->data;

  return dh_change_check_wire (&read, validator, out_checked, error);
}

/**
 * dh_change_check_wire:
 * @wire: a change as received, read in place (dh-wire.h)
 *
 * dh_change_check_json() of a change read so; what it gives refers to the
 * texts @wire refers to.
 */
gboolean
dh_change_check_wire (const DhWireChange *wire,
                      const DhValidator  *validator,
                      DhCheckedChange    *out_checked,
                      GError            **error)
{
  g_autoptr(GArray) writes = NULL;
  DhValidator year_ahead;
  const char *entity_name, *record_id, *commune, *author, *clock;
  const DhEntity *entity;
  gboolean wrong_type = FALSE;
  guint n_checked = 0;
  guint64 packed_clock;

  g_return_val_if_fail (wire != NULL, FALSE);
  g_return_val_if_fail (validator != NULL, FALSE);
  g_return_val_if_fail (out_checked != NULL, FALSE);

  if (!wire->is_object)
    return malformed (error, NULL, NULL, _("it is not a JSON object"));

  entity_name = wire_text (&wire->entity, &wrong_type);
  record_id = wire_text (&wire->record, &wrong_type);
  commune = wire_text (&wire->commune, &wrong_type);
  author = wire_text (&wire->author, &wrong_type);
  clock = wire_text (&wire->clock, &wrong_type);
  entity = dh_entity_lookup (entity_name);

  if (wrong_type)
    return malformed (error, entity_name, record_id, _("“e”, “r”, “c”, “u” and “k” must be text"));
  if (entity == NULL)
    return malformed (error, entity_name, record_id, _("its entity is unknown; update Đồng Hành"));
  if (!dh_is_valid_uuid (record_id) || (commune != NULL && !dh_is_valid_uuid (commune)))
    return malformed (error, entity_name, record_id, _("its record and commune must be UUIDs"));
  if (author != NULL && (strlen (author) > MAX_AUTHOR_BYTES || !g_utf8_validate (author, -1, NULL)))
    return malformed (error, entity_name, record_id, _("its author is not a user name"));
  if (!dh_hlc_parse (clock, &packed_clock, NULL))
    return malformed (error, entity_name, record_id, _("its clock is not a change timestamp"));
  if (!wire->has_fields || (wire->n_fields == 0 && !wire->too_many))
    return malformed (error, entity_name, record_id, _("it sets no field"));
  if (wire->too_many)
    return malformed (error, entity_name, record_id, _("it names more fields than any record has"));

  /* one write a field, each written in its place: a write not reached
   * (a field refused before it) stays zeroed, and is cleared as none */
  writes = g_array_sized_new (FALSE, TRUE, sizeof (DhCheckedWrite), wire->n_fields);
  g_array_set_clear_func (writes, (GDestroyNotify) checked_write_clear);
  g_array_set_size (writes, wire->n_fields);

  /* the dates its author's clock decided: a year after this one's day */
  year_ahead = *validator;
  if (g_date_valid (&year_ahead.today))
    g_date_add_years (&year_ahead.today, 1);
  else
    g_date_set_dmy (&year_ahead.today, 31, G_DATE_DECEMBER, 9999);

  for (guint i = 0; i < wire->n_fields; i++)
    {
      const DhWireField *entry = &wire->fields[i];
      const char *key = entry->name;
      const DhField *field = NULL;
      g_autoptr(json_object) clean = NULL;
      json_object *value = entry->value;
      const char *field_base = "", *field_clock = clock, *field_author = author;
      gboolean deleted = g_str_equal (key, DH_RECORD_DELETED);

      if (entry->n < 1 || entry->n > 4)
        return malformed (error, entity_name, record_id, _("each field must be [value, base, clock, author], or its value alone when that is not a list"));

      if (entry->base.other)
        return malformed (error, entity_name, record_id, _("a field's base must be text"));
      if (entry->base.text != NULL)
        {
          field_base = entry->base.text;
          if (field_base[0] != '\0' && !dh_hlc_parse (field_base, NULL, NULL))
            return malformed (error, entity_name, record_id, _("a field's base is not a change timestamp"));
        }
      if (entry->clock.other)
        return malformed (error, entity_name, record_id, _("a field's clock is not a change timestamp at or before the change's"));
      if (entry->clock.text != NULL)
        {
          field_clock = entry->clock.text;
          if (!dh_hlc_parse (field_clock, NULL, NULL) || strcmp (field_clock, clock) > 0)
            return malformed (error, entity_name, record_id, _("a field's clock is not a change timestamp at or before the change's"));
        }
      if (strcmp (field_base, field_clock) >= 0)
        return malformed (error, entity_name, record_id, _("a field replaces a value written after it"));
      /* a fourth element names the write's author, null when it has none */
      if (entry->n > 3)
        {
          field_author = entry->author.text;
          if (entry->author.other ||
              (field_author != NULL && (strlen (field_author) > MAX_AUTHOR_BYTES || !g_utf8_validate (field_author, -1, NULL))))
            return malformed (error, entity_name, record_id, _("its author is not a user name"));
        }

      if (!deleted)
        field = dh_entity_get_field (entity, key);
      if (deleted)
        {
          if (!json_object_is_type (value, json_type_boolean))
            return malformed (error, entity_name, record_id, _("“deleted” must be true or false"));
          clean = json_object_new_boolean (json_object_get_boolean (value));
        }
      else if (field == NULL)
        {
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_FIELD,
                       _("A change has the unknown field “%s” (%s); update Đồng Hành"),
                       key, entity->name);
          return FALSE;
        }
      else if (!dh_field_normalize_value (field, value, &year_ahead, &clean, error))
        return FALSE;

      g_array_index (writes, DhCheckedWrite, n_checked++) = (DhCheckedWrite) {
        .field = field,
        .write = { .value = g_steal_pointer (&clean), .clock = field_clock, .base = field_base, .author = field_author },
      };
    }
  g_array_set_size (writes, n_checked);

  *out_checked = (DhCheckedChange) {
    .entity = entity,
    .record_id = record_id,
    .commune = commune,
    .author = author,
    .clock = clock,
    .packed_clock = packed_clock,
    .writes = g_steal_pointer (&writes),
  };

  return TRUE;
}

/* The change a checked one is, its fields complete as dh_change_set_write()
 * makes them; the field clocks are at or before the change's, which stays
 * its clock. */
DhChange *
dh_change_new_from_checked (const DhCheckedChange *checked)
{
  DhChange *change;
  /* what most writes share with their change: one object each, not one a field */
  g_autoptr(json_object) no_base = NULL;
  g_autoptr(json_object) change_clock = NULL;
  g_autoptr(json_object) change_author = NULL;

  g_return_val_if_fail (checked != NULL && checked->writes != NULL, NULL);

  change = dh_change_new (checked->entity, checked->record_id, checked->commune, checked->author, checked->clock);
  no_base = json_object_new_string ("");
  change_clock = json_object_new_string (checked->clock);
  change_author = checked->author != NULL ? json_object_new_string (checked->author) : NULL;

  for (guint i = 0; i < checked->writes->len; i++)
    {
      const DhCheckedWrite *entry = &g_array_index (checked->writes, DhCheckedWrite, i);
      const DhWrite *write = &entry->write;
      json_object *array = json_object_new_array_ext (4);

      json_object_array_add (array, write->value != NULL ? json_object_get (write->value) : NULL);
      json_object_array_add (array, write->base[0] == '\0' ? json_object_get (no_base) : json_object_new_string (write->base));
      json_object_array_add (array, write->clock == checked->clock ? json_object_get (change_clock) : json_object_new_string (write->clock));
      json_object_array_add (array, write->author == NULL ? NULL :
                                    write->author == checked->author ? json_object_get (change_author) : json_object_new_string (write->author));
      /* the wire's keys are unique, and the entity's names live as long as the program */
      json_object_object_add_ex (change->fields, entry->field != NULL ? entry->field->name : DH_RECORD_DELETED, array,
                                 JSON_C_OBJECT_ADD_KEY_IS_NEW | JSON_C_OBJECT_ADD_CONSTANT_KEY);
    }

  return change;
}

/**
 * dh_change_from_json:
 * @wire: a change as received
 * @validator: the catalogues the values are checked against
 *
 * Checks the envelope and every value with the same rules as a record typed
 * on the device (dh_change_check_json()), and returns the change with its
 * fields normalised.
 */
DhChange *
dh_change_from_json (json_object        *wire,
                     const DhValidator  *validator,
                     GError            **error)
{
  g_auto(DhCheckedChange) checked = { 0 };

  g_return_val_if_fail (validator != NULL, NULL);

  if (!dh_change_check_json (wire, validator, &checked, error))
    return NULL;

  return dh_change_new_from_checked (&checked);
}

DhChange *
dh_change_parse (const char         *text,
                 gsize               length,
                 const DhValidator  *validator,
                 GError            **error)
{
  g_autoptr(json_tokener) tokener = NULL;
  g_autoptr(json_object) wire = NULL;

  if (length > DH_CHANGE_MAX_BYTES)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("A change of %u bytes is larger than the %d bytes allowed"),
                   (guint) MIN (length, G_MAXUINT), DH_CHANGE_MAX_BYTES);
      return NULL;
    }

  tokener = json_tokener_new_ex (16);
  wire = json_tokener_parse_ex (tokener, text, (int) length);
  if (wire == NULL || json_tokener_get_error (tokener) != json_tokener_success ||
      json_tokener_get_parse_end (tokener) != length)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("A change is not one well-formed JSON object"));
      return NULL;
    }

  return dh_change_from_json (wire, validator, error);
}

static gboolean check_wall_ms (gint64, gint64, GError **);

/* Refuses a change stamped further ahead of the receiver's clock than any
 * wrong clock of days could explain: adopting it would drag every later
 * stamp after it. */
gboolean
dh_change_check_clocks (const DhChange  *change,
                        gint64           now_ms,
                        GError         **error)
{
  return dh_change_check_clock (change->clock, now_ms, error);
}

/* The same, for the clock of a change checked, not made. */
gboolean
dh_change_check_clock (const char  *clock,
                       gint64       now_ms,
                       GError     **error)
{
  return check_wall_ms (dh_hlc_get_wall_ms (clock), now_ms, error);
}

/* The same, for a change checked: its clock was read then. */
gboolean
dh_checked_change_check_clock (const DhCheckedChange  *checked,
                               gint64                  now_ms,
                               GError                **error)
{
  return check_wall_ms (dh_hlc_packed_get_wall_ms (checked->packed_clock), now_ms, error);
}

static gboolean
check_wall_ms (gint64   wall_ms,
               gint64   now_ms,
               GError **error)
{
  if (wall_ms > now_ms + DH_CHANGE_MAX_AHEAD_MS)
    {
      g_autoptr(GDateTime) stamped = g_date_time_new_from_unix_utc (wall_ms / 1000);
      g_autofree char *when = stamped != NULL ? g_date_time_format (stamped, "%d/%m/%Y") : g_strdup ("?");

      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("The change was stamped %s, more than 30 days ahead of this clock: the clock of the device that made it is wrong; set its date and time, then sync again"),
                   when);
      return FALSE;
    }

  return TRUE;
}
