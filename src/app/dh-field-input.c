/* dh-field-input.c – what people type into a field, read and checked as the store reads and checks it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-field-input"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "dh-autocleanups.h"
#include "dh-date.h"
#include "dh-field-check.h"
#include "dh-field-input.h"
#include "dh-rules.h"

/* A dialog never has a rule of its own: what it accepts and refuses, and
 * the words it refuses in, are the store's, read through the functions
 * the store reads a record with. */

/* "the list" -> "The list": a message of the rules, shown as a sentence. */
char *
dh_field_input_capitalise (const char *text)
{
  char first[8] = { 0 };

  if (text == NULL || text[0] == '\0')
    return g_strdup (text);

  g_unichar_to_utf8 (g_unichar_toupper (g_utf8_get_char (text)), first);
  return g_strconcat (first, g_utf8_next_char (text), NULL);
}

/* The store's message, without the name of the field it names (returned
 * in @out_field), as a sentence: "reviewed_on: 30/12/2026 is in the
 * future" -> "30/12/2026 is in the future". */
char *
dh_field_input_split_message (const char  *message,
                              const char  *entity,
                              char       **out_field)
{
  g_autofree char *field = NULL;
  g_autofree char *rest = dh_field_check_message (entity, message, &field);

  if (out_field != NULL)
    *out_field = NULL;
  if (field == NULL)
    return g_steal_pointer (&rest);

  if (out_field != NULL)
    *out_field = g_steal_pointer (&field);

  /* a sentence the field started */
  return dh_field_input_capitalise (rest);
}

static json_object *
lookup_get (gpointer         data,
            const DhEntity  *entity,
            const char      *id,
            GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  json_object *record = dh_store_get (data, entity->name, id, &local_error);

  if (record == NULL && !g_error_matches (local_error, DH_STORE_ERROR, DH_STORE_ERROR_NOT_FOUND))
    g_propagate_error (error, g_steal_pointer (&local_error));

  return record;
}

/* Whether a value is taken is the store's to say when it writes: the
 * values a dialog checks before then are not unique ones. */
static gboolean
lookup_taken (gpointer          data,
              const DhEntity   *entity,
              const char       *except_id,
              const char       *field,
              const char       *value,
              const char       *scope_field,
              const char       *scope_value,
              gboolean         *out_taken,
              GError          **error)
{
  *out_taken = FALSE;
  return TRUE;
}

/**
 * dh_field_input_check_record:
 * @id: (nullable): the record's id; %NULL for one not yet written
 * @record: its fields as the store keeps them; completed in place with
 *   what the store works out (a review's standard and proposed class)
 *
 * Checks @record with the rules the store checks it with before writing:
 * the records it names, what follows from them, the checks across its
 * fields.
 *
 * Returns: %FALSE with @error in the store's words when it would refuse it
 */
gboolean
dh_field_input_check_record (DhContext    *context,
                             const char   *entity,
                             const char   *id,
                             json_object  *record,
                             GError      **error)
{
  DhLookup lookup = { lookup_get, lookup_taken, NULL };
  DhValidator validator;

  g_return_val_if_fail (DH_IS_CONTEXT (context), FALSE);
  g_return_val_if_fail (dh_entity_lookup (entity) != NULL, FALSE);

  lookup.data = dh_context_get_store (context);
  dh_field_check_init_validator (context, &validator);

  return dh_rules_complete_record (&lookup, &validator, dh_entity_lookup (entity),
                                   id != NULL ? id : "", record, error);
}

/* A label under the rows of @group that says what is wrong with them, in
 * words: a red field alone is not read by everyone. */
GtkLabel *
dh_field_input_add_problems (AdwPreferencesGroup *group)
{
  GtkLabel *label = GTK_LABEL (gtk_label_new (NULL));

  g_return_val_if_fail (ADW_IS_PREFERENCES_GROUP (group), NULL);

  gtk_label_set_xalign (label, 0);
  gtk_label_set_wrap (label, TRUE);
  gtk_label_set_wrap_mode (label, PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_margin_top (GTK_WIDGET (label), 6);
  gtk_widget_add_css_class (GTK_WIDGET (label), "error");
  gtk_widget_set_visible (GTK_WIDGET (label), FALSE);
  adw_preferences_group_add (group, GTK_WIDGET (label));

  return label;
}

/* Shows in @label the errors @dialog has on @widgets, one a line. */
void
dh_field_input_show_problems (DhEditDialog *dialog,
                              GtkLabel     *label,
                              GtkWidget   **widgets,
                              guint         n_widgets)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_if_fail (DH_IS_EDIT_DIALOG (dialog));
  g_return_if_fail (GTK_IS_LABEL (label));

  for (guint i = 0; i < n_widgets; i++)
    {
      const char *message = dh_edit_dialog_get_field_error (dialog, widgets[i]);

      if (message == NULL)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, message);
    }

  gtk_label_set_label (label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (label), text->len > 0);
}

/* Shows the date @iso in @editable as people write it (24/11/2026). */
void
dh_field_input_set_date (GtkEditable *editable,
                         const char  *iso)
{
  g_autofree char *text = NULL;
  GDate date;

  g_return_if_fail (GTK_IS_EDITABLE (editable));

  g_date_clear (&date, 1);
  if (iso != NULL && dh_date_parse (iso, &date, NULL))
    text = dh_date_format (&date);
  gtk_editable_set_text (editable, text != NULL ? text : "");
}

/**
 * dh_field_input_write:
 * @id: (nullable): the record to change; %NULL to make a new one
 * @record: the fields a dialog holds, null where it holds nothing
 *
 * Writes what a dialog holds: a new record with the fields that have a
 * value, or the changes to record @id, where a field emptied is cleared
 * and the records it belongs to (its references) are left as they are.
 *
 * Returns: (transfer full) (nullable): the record as stored, or %NULL with
 *   @error in the store's words
 */
json_object *
dh_field_input_write (DhContext    *context,
                      const char   *entity,
                      const char   *id,
                      json_object  *record,
                      GError      **error)
{
  const DhEntity *described = dh_entity_lookup (entity);
  g_autoptr(json_object) fields = json_object_new_object ();
  DhStore *store;

  g_return_val_if_fail (DH_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (described != NULL, NULL);

  store = dh_context_get_store (context);
  {
    json_object_object_foreach (record, key, value)
      {
        const DhField *field = dh_entity_get_field (described, key);

        if (id == NULL && value == NULL)
          continue;
        if (id != NULL && field != NULL && field->type == DH_FIELD_REF)
          continue;
        json_object_object_add (fields, key, json_object_get (value));
      }
  }

  if (id == NULL)
    return dh_store_create (store, entity, fields, error);

  return dh_store_update (store, entity, id, fields, error);
}

/**
 * dh_field_input_find_latest:
 *
 * The household's newest record of @entity (its latest review, its plan).
 *
 * Returns: (transfer full) (nullable): the record; %NULL without an error
 *   when the household has none, with one when the store cannot say
 */
json_object *
dh_field_input_find_latest (DhContext   *context,
                            const char  *entity,
                            const char  *household_id,
                            GError     **error)
{
  g_autofree char *filter = g_strdup_printf ("household=%s", household_id);
  const char *filters[] = { filter, NULL };
  DhQuery query = { .entity = entity, .filters = filters, .sort = DH_SORT_NEWEST, .limit = 1 };
  g_autoptr(GPtrArray) found = NULL;

  g_return_val_if_fail (DH_IS_CONTEXT (context), NULL);

  found = dh_store_list (dh_context_get_store (context), &query, error);
  if (found == NULL || found->len == 0)
    return NULL;

  return json_object_get (g_ptr_array_index (found, 0));
}
