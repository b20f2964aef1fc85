/* dh-rules.c – the rules a record obeys that need other records, for devices and the server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-rules"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dh-autocleanups.h"
#include "dh-classify.h"
#include "dh-date.h"
#include "dh-error.h"
#include "dh-rules.h"

static json_object *
get_live (const DhLookup  *lookup,
          const char      *entity,
          const char      *id,
          GError         **error)
{
  if (id == NULL)
    return NULL;

  return lookup->get (lookup->data, dh_entity_lookup (entity), id, error);
}

static gboolean
check_reference (const DhLookup  *lookup,
                 const DhField   *field,
                 const char      *id,
                 json_object    **out_target,
                 GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  json_object *target = get_live (lookup, field->target, id, &local_error);

  if (target == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REFERENCE,
                     /* Translators: "village: there is no place with id “…”; check the id, or add the place first" */
                     _("%s: there is no %s with id “%s”; check the id, or add the %s first"),
                     field->name, dh_entity_get_label (dh_entity_lookup (field->target)), id,
                     dh_entity_get_label (dh_entity_lookup (field->target)));
      return FALSE;
    }

  if (out_target != NULL)
    *out_target = target;
  else
    json_object_put (target);

  return TRUE;
}

static gboolean
check_unit_kind (json_object  *unit,
                 const char   *field_name,
                 const char   *wanted_kind,
                 GError      **error)
{
  const char *kind = dh_json_get_string (unit, "kind");

  if (g_strcmp0 (kind, wanted_kind) == 0)
    return TRUE;

  g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REFERENCE,
               /* Translators: "village: “Xã Minh Tiến” is not a village; give one of the commune's villages" */
               _("%s: “%s” is not a %s; give the id of a %s"),
               field_name, dh_json_get_string (unit, "name"), dh_entity_unit_kind_label (wanted_kind),
               dh_entity_unit_kind_label (wanted_kind));
  return FALSE;
}

/* The area a village has, or its commune's; and the province's code. */
static char *
unit_area (const DhLookup  *lookup,
           json_object     *village,
           char           **out_province_code)
{
  g_autoptr(json_object) commune = get_live (lookup, "admin_unit", dh_json_get_string (village, "parent"), NULL);
  g_autoptr(json_object) province = NULL;
  const char *area = dh_json_get_string (village, "area");

  if (area == NULL && commune != NULL)
    area = dh_json_get_string (commune, "area");
  if (commune != NULL)
    province = get_live (lookup, "admin_unit", dh_json_get_string (commune, "parent"), NULL);
  if (out_province_code != NULL && province != NULL)
    *out_province_code = g_strdup (dh_json_get_string (province, "code"));

  if (g_strcmp0 (area, "urban") == 0 || g_strcmp0 (area, "rural") == 0)
    return g_strdup (area);

  return NULL;
}

/* A review's proposed class, computed under the standard of the list it is
 * for and the area of the household's village. */
static gboolean
classify_assessment (const DhLookup     *lookup,
                     const DhValidator  *validator,
                     json_object        *record,
                     GError            **error)
{
  g_autoptr(json_object) household = NULL;
  g_autoptr(json_object) village = NULL;
  g_autoptr(DhClassification) result = NULL;
  g_autoptr(GPtrArray) deprived = g_ptr_array_new ();
  g_autofree char *province_code = NULL;
  g_autofree char *area = g_strdup (dh_json_get_string (record, "area"));
  DhClassifyInput input;

  household = get_live (lookup, "household", dh_json_get_string (record, "household"), NULL);
  if (household != NULL)
    village = get_live (lookup, "admin_unit", dh_json_get_string (household, "village"), NULL);
  if (village != NULL)
    {
      g_autofree char *village_area = unit_area (lookup, village, &province_code);

      if (area == NULL)
        area = g_steal_pointer (&village_area);
    }
  if (area == NULL)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("area: the household's village and commune have no area set; give \"rural\" or \"urban\""));
      return FALSE;
    }
  /* the record owns its copy from here on: area is ours */
  json_object_object_add (record, "area", json_object_new_string (area));

  /* An assessment is annual unless it says otherwise (the entity's
   * default); its list year and method follow from its kind, its date and
   * what it gives: see dh_classify_default_list_year() and dh_classify(). */
  if (!dh_classify_input_init_from_json (&input, record, deprived, error))
    return FALSE;
  input.province_code = province_code;

  /* its messages name what is wrong: the date, the income or a deprivation */
  result = dh_classify (validator->catalogues, &input, error);
  if (result == NULL)
    return FALSE;

  json_object_object_add (record, "standard", json_object_new_string (result->standard_id));
  json_object_object_add (record, "proposed_class", json_object_new_string (result->class_code));

  return TRUE;
}

static gboolean
check_references (const DhLookup  *lookup,
                  const DhEntity  *entity,
                  const char      *id,
                  json_object     *record,
                  GError         **error)
{
  for (guint i = 0; i < entity->n_fields; i++)
    {
      const DhField *field = &entity->fields[i];
      const char *target_id;

      if (field->type != DH_FIELD_REF || (field->flags & DH_FIELD_FLAG_COMPUTED) != 0)
        continue;

      target_id = dh_json_get_string (record, field->name);
      if (target_id == NULL)
        continue;

      if (g_str_equal (target_id, id))
        {
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REFERENCE,
                       _("%s: a record cannot refer to itself; give another record's id"), field->name);
          return FALSE;
        }

      if (g_str_equal (entity->name, "household") && g_str_equal (field->name, "village"))
        {
          g_autoptr(json_object) village = NULL;

          if (!check_reference (lookup, field, target_id, &village, error) ||
              !check_unit_kind (village, field->name, "village", error))
            return FALSE;
          json_object_object_add (record, "commune",
                                  json_object_new_string (dh_json_get_string (village, "parent")));
        }
      else if (g_str_equal (entity->name, "admin_unit") && g_str_equal (field->name, "parent"))
        {
          g_autoptr(json_object) parent = NULL;
          const char *kind = dh_json_get_string (record, "kind");
          const char *wanted = g_strcmp0 (kind, "village") == 0 ? "commune" : "province";

          if (!check_reference (lookup, field, target_id, &parent, error) ||
              !check_unit_kind (parent, field->name, wanted, error))
            return FALSE;
        }
      else if (g_str_equal (entity->name, "support") && g_str_equal (field->name, "member"))
        {
          g_autoptr(json_object) member = NULL;

          if (!check_reference (lookup, field, target_id, &member, error))
            return FALSE;
          if (g_strcmp0 (dh_json_get_string (member, "household"), dh_json_get_string (record, "household")) != 0)
            {
              g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REFERENCE,
                           _("member: %s is not a member of this household; give a member of the household that received the support"),
                           dh_json_get_string (member, "full_name"));
              return FALSE;
            }
        }
      else if (!check_reference (lookup, field, target_id, NULL, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
check_unique (const DhLookup  *lookup,
              const DhEntity  *entity,
              const char      *id,
              json_object     *record,
              GError         **error)
{
  for (guint i = 0; i < entity->n_unique; i++)
    {
      const DhUnique *unique = &entity->unique[i];
      const char *value = dh_json_get_string (record, unique->field);
      gboolean taken = FALSE;

      if (value == NULL || (unique->only != NULL && !g_str_equal (value, unique->only)))
        continue;
      if (!lookup->taken (lookup->data, entity, id, unique->field, value, unique->scope,
                          unique->scope != NULL ? dh_json_get_string (record, unique->scope) : NULL,
                          &taken, error))
        return FALSE;
      if (taken)
        {
          /* the messages are the entities' data, each with one %s or none */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_DUPLICATE,
                       g_dgettext (GETTEXT_PACKAGE, unique->message), value);
#pragma GCC diagnostic pop
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * dh_rules_complete_record:
 * @id: the record's id
 * @record: its normalised fields, completed in place with what follows
 *   from other records (a household's commune, a review's class)
 *
 * Checks what a record needs of others: the records it refers to exist and
 * fit, the values that must be unique are, and the whole record obeys its
 * entity's own checks.
 */
gboolean
dh_rules_complete_record (const DhLookup     *lookup,
                          const DhValidator  *validator,
                          const DhEntity     *entity,
                          const char         *id,
                          json_object        *record,
                          GError            **error)
{
  g_return_val_if_fail (lookup != NULL && validator != NULL && entity != NULL, FALSE);

  return check_references (lookup, entity, id, record, error) &&
         (!g_str_equal (entity->name, "assessment") || classify_assessment (lookup, validator, record, error)) &&
         check_unique (lookup, entity, id, record, error) &&
         dh_entity_check_record (entity, record, validator, error);
}
