/* dh-field-check.c – what is typed into a field, checked by the rule the store applies to it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-field-check"

#include "config.h"

#include <string.h>

#include "dh-autocleanups.h"
#include "dh-entity.h"
#include "dh-field-check.h"
#include "dh-text.h"

/**
 * dh_field_check_message:
 * @field: (nullable): the field the message is shown on
 *
 * The store's message for a field, as shown beside that field: without
 * the field's name before it, which is what a list of errors needs and the
 * field itself does not.
 */
char *
dh_field_check_message (const char   *field,
                        const GError *error)
{
  g_autofree char *prefix = field != NULL ? g_strconcat (field, ": ", NULL) : NULL;
  const char *message = error->message;

  if (prefix != NULL && g_str_has_prefix (message, prefix))
    message += strlen (prefix);

  return g_strdup (message);
}

/**
 * dh_field_check_text:
 * @text: what was typed
 * @out_value: (out) (transfer full) (nullable): the value as the store
 *   keeps it; NULL for an empty optional field
 *
 * Checks @text for @field of @entity with the store's own rule
 * (dh_field_normalize_value), so that a dialog refuses exactly what the
 * store refuses, in the same words.
 *
 * Returns: (transfer full) (nullable): NULL when the text is right, else
 *   what is wrong and how to fix it
 */
char *
dh_field_check_text (const char   *entity_name,
                     const char   *field_name,
                     const char   *text,
                     json_object **out_value)
{
  const DhEntity *entity = dh_entity_lookup (entity_name);
  const DhField *field = entity != NULL ? dh_entity_get_field (entity, field_name) : NULL;
  g_autoptr(json_object) given = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *trimmed = NULL;
  DhValidator validator;

  g_return_val_if_fail (field != NULL, NULL);
  g_return_val_if_fail (out_value != NULL, NULL);

  *out_value = NULL;
  trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  /* an empty optional field is no value; an empty name is an error the
   * rule words itself */
  if (trimmed[0] == '\0' && field->type != DH_FIELD_NAME)
    return NULL;

  dh_validator_init (&validator);
  given = json_object_new_string (text != NULL ? text : "");
  if (!dh_field_normalize_value (field, given, &validator, out_value, &error))
    return dh_field_check_message (field_name, error);

  return NULL;
}
