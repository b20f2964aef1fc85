/* dh-field-check.c – what is typed into a field, checked by the rule the store applies to it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-field-check"

#include "config.h"

#include <string.h>

#include "dh-autocleanups.h"
#include "dh-field-check.h"

/* A dialog never has a rule of its own: what it accepts and refuses, and
 * the words it refuses in, are the store's, read through the functions
 * the store reads a record with. */

/* The validator the store would use now: its idea of today, the
 * application's catalogues. */
void
dh_field_check_init_validator (DhContext   *context,
                               DhValidator *out_validator)
{
  g_return_if_fail (DH_IS_CONTEXT (context));
  g_return_if_fail (out_validator != NULL);

  dh_validator_init (out_validator);
  dh_store_get_today (dh_context_get_store (context), &out_validator->today);
  out_validator->catalogues = dh_context_get_catalogues (context);
}

/**
 * dh_field_check_message:
 * @message: a message of the store or of its rules
 * @out_field: (out) (transfer full) (optional) (nullable): the field of
 *   @entity the message names, or %NULL when it names none
 *
 * "reviewed_on: 30/12/2026 is in the future" -> "30/12/2026 is in the
 * future" and "reviewed_on": the message is shown on the field it names,
 * so that field's name (a code) is not repeated to the caseworker.
 *
 * Returns: (transfer full): the message without the field's name
 */
char *
dh_field_check_message (const char  *entity,
                        const char  *message,
                        char       **out_field)
{
  const DhEntity *described = dh_entity_lookup (entity);
  const char *colon;
  g_autofree char *name = NULL;

  g_return_val_if_fail (message != NULL, NULL);

  if (out_field != NULL)
    *out_field = NULL;

  colon = strstr (message, ": ");
  if (colon == NULL || described == NULL)
    return g_strdup (message);

  name = g_strndup (message, colon - message);
  if (dh_entity_get_field (described, name) == NULL)
    return g_strdup (message);

  if (out_field != NULL)
    *out_field = g_steal_pointer (&name);

  return g_strdup (colon + 2);
}

/**
 * dh_field_check_text:
 * @text: what was typed
 * @out_value: (out) (transfer full) (nullable): the value as the store
 *   keeps it; NULL for an empty optional field
 *
 * Checks @text for @field of @entity with the store's own rule
 * (dh_field_normalize_value) and its idea of today: money as people
 * write it (1.500.000), dates as 24/11/2026 and never in the future where
 * the field says so, whole numbers; so that a dialog refuses exactly what
 * the store refuses, in the same words.
 *
 * Returns: (transfer full) (nullable): NULL when the text is right, else
 *   what is wrong and how to fix it
 */
char *
dh_field_check_text (DhContext    *context,
                     const char   *entity_name,
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

  g_return_val_if_fail (DH_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (field != NULL, NULL);
  g_return_val_if_fail (out_value != NULL, NULL);

  *out_value = NULL;
  trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  /* an empty optional field is no value; an empty name is an error the
   * rule words itself */
  if (trimmed[0] == '\0' && field->type != DH_FIELD_NAME)
    return NULL;

  dh_field_check_init_validator (context, &validator);
  given = json_object_new_string (trimmed);
  if (!dh_field_normalize_value (field, given, &validator, out_value, &error))
    return dh_field_check_message (entity_name, error->message, NULL);

  return NULL;
}
