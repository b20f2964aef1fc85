/* dh-change.c – a change to one record, as devices and the server exchange it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-change"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dh-autocleanups.h"
#include "dh-change.h"
#include "dh-error.h"
#include "dh-hlc.h"

static void
add_string (json_object *object,
            const char  *key,
            const char  *value)
{
  if (value != NULL)
    json_object_object_add (object, key, json_object_new_string (value));
}

/* Takes a reference on fields. */
json_object *
dh_change_new (const char  *change_id,
               const char  *entity,
               const char  *record_id,
               const char  *clock,
               const char  *author,
               const char  *made_at,
               json_object *fields)
{
  json_object *change = json_object_new_object ();

  g_return_val_if_fail (change_id != NULL && entity != NULL && record_id != NULL && clock != NULL, NULL);

  add_string (change, "change_id", change_id);
  add_string (change, "entity", entity);
  add_string (change, "record_id", record_id);
  add_string (change, "clock", clock);
  add_string (change, "author", author);
  add_string (change, "made_at", made_at);
  json_object_object_add (change, "fields", fields != NULL ? json_object_get (fields) : json_object_new_object ());

  return change;
}

/**
 * dh_change_check:
 * @change: a change as received
 * @validator: the catalogues the values are checked against
 * @out_entity: (out): the entity it changes
 * @out_fields: (out) (transfer full): its fields, normalised
 *
 * Checks the envelope and every value with the same rules as a record typed
 * on the device. Dates are checked for their form only: whether a visit lies
 * in the future was decided by the clock of the device that recorded it.
 */
gboolean
dh_change_check (json_object        *change,
                 const DhValidator  *validator,
                 const DhEntity    **out_entity,
                 json_object       **out_fields,
                 GError            **error)
{
  const char *entity_name = dh_json_get_string (change, "entity");
  const char *record_id = dh_json_get_string (change, "record_id");
  const DhEntity *entity = dh_entity_lookup (entity_name);
  g_autoptr(json_object) normalized = json_object_new_object ();
  DhValidator any_day;
  json_object *fields = NULL;

  g_return_val_if_fail (validator != NULL, FALSE);
  g_return_val_if_fail (out_entity != NULL && out_fields != NULL, FALSE);

  if (entity == NULL || !dh_is_valid_uuid (record_id) ||
      !dh_is_valid_uuid (dh_json_get_string (change, "change_id")) ||
      !dh_hlc_parse (dh_json_get_string (change, "clock"), NULL, NULL) ||
      !json_object_object_get_ex (change, "fields", &fields) ||
      !json_object_is_type (fields, json_type_object))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("A change is malformed (entity “%s”, record “%s”): it needs a change_id and a record_id that are UUIDs, a known entity, a clock and an object of fields"),
                   entity_name != NULL ? entity_name : "", record_id != NULL ? record_id : "");
      return FALSE;
    }

  any_day = *validator;
  g_date_set_dmy (&any_day.today, 31, G_DATE_DECEMBER, 9999);

  {
    json_object_object_foreach (fields, key, value)
      {
        const DhField *field = dh_entity_get_field (entity, key);
        json_object *clean = NULL;

        if (g_str_equal (key, DH_RECORD_DELETED))
          {
            json_object_object_add (normalized, key, json_object_new_boolean (json_object_get_boolean (value)));
            continue;
          }

        if (field == NULL)
          {
            g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_FIELD,
                         _("A change has the unknown field “%s” (%s); update Đồng Hành"),
                         key, entity->name);
            return FALSE;
          }

        if (!dh_field_normalize_value (field, value, &any_day, &clean, error))
          return FALSE;

        json_object_object_add (normalized, key, clean);
      }
  }

  *out_entity = entity;
  *out_fields = g_steal_pointer (&normalized);
  return TRUE;
}
