/* dh-field-choice.c – a dropdown or combo row over the values of a field, shown by their names */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-field-choice"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-entity.h"
#include "dh-field-choice.h"

/* A GtkDropDown or an AdwComboRow (both have "model" and "selected")
 * lists names; the codes they stand for are kept beside them, in the same
 * positions, so that nobody reads a code and the store never gets a name. */
#define CODES_KEY "dh-field-choice-codes"

static void
set_choices (GObject       *choice,
             GtkStringList *names,
             GPtrArray     *codes)
{
  g_object_set_data_full (choice, CODES_KEY, g_ptr_array_ref (codes), (GDestroyNotify) g_ptr_array_unref);
  g_object_set (choice, "model", names, "selected", 0, NULL);
}

/**
 * dh_field_choice_fill:
 * @none_label: (nullable): the first choice, standing for no value; NULL:
 *   a value must be chosen
 *
 * Lists the values of @field of @entity (an enumeration or a catalogue
 * code) by the names people know them by, in the language of the
 * interface.
 */
void
dh_field_choice_fill (GObject    *choice,
                      const char *entity,
                      const char *field_name,
                      const char *none_label)
{
  const DhField *field = dh_entity_get_field (dh_entity_lookup (entity), field_name);
  DhCatalogues *catalogues = dh_catalogues_get_default ();
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = NULL;

  g_return_if_fail (field != NULL);
  g_return_if_fail (field->type == DH_FIELD_ENUM || field->type == DH_FIELD_CODE || field->type == DH_FIELD_CODE_SET);

  if (none_label != NULL)
    {
      gtk_string_list_append (names, none_label);
      g_ptr_array_add (codes, NULL);
    }

  if (field->type == DH_FIELD_ENUM)
    {
      values = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; field->values[i] != NULL; i++)
        g_ptr_array_add (values, g_strdup (field->values[i]));
    }
  else
    values = dh_catalogues_list_codes (catalogues, field->target);

  for (guint i = 0; i < values->len; i++)
    {
      const char *code = g_ptr_array_index (values, i);
      const char *label = dh_field_get_value_label (field, code, catalogues);

      gtk_string_list_append (names, label != NULL ? label : code);
      g_ptr_array_add (codes, g_strdup (code));
    }

  set_choices (choice, names, codes);
}

/**
 * dh_field_choice_fill_villages:
 *
 * Lists the villages of the store by name, each with its commune when the
 * store has more than one commune (two communes may each have a Thôn Đông).
 */
gboolean
dh_field_choice_fill_villages (GObject     *choice,
                               DhContext   *context,
                               const char  *none_label,
                               GError     **error)
{
  DhStore *store = dh_context_get_store (context);
  DhQuery query = { .entity = "village", .sort = DH_SORT_FULL_NAME, .limit = DH_STORE_MAX_LIMIT };
  DhQuery communes = { .entity = "commune", .limit = 2 };
  g_autoptr(GPtrArray) villages = dh_store_list (store, &query, error);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  gint64 n_communes;

  if (villages == NULL)
    return FALSE;
  n_communes = dh_store_count (store, &communes, NULL);

  if (none_label != NULL)
    {
      gtk_string_list_append (names, none_label);
      g_ptr_array_add (codes, NULL);
    }

  for (guint i = 0; i < villages->len; i++)
    {
      json_object *village = g_ptr_array_index (villages, i);
      const char *name = dh_json_get_string (village, "name");

      if (n_communes > 1)
        {
          /* Translators: a village and the commune it is in */
          g_autofree char *both = g_strdup_printf (_("%s, %s"), name,
                                                   dh_context_get_place_name (context, dh_json_get_string (village, "parent")));
          gtk_string_list_append (names, both);
        }
      else
        gtk_string_list_append (names, name);
      g_ptr_array_add (codes, g_strdup (dh_json_get_string (village, DH_RECORD_ID)));
    }

  set_choices (choice, names, codes);

  return TRUE;
}

/* The code chosen; NULL when the choice is "none" or nothing is listed. */
const char *
dh_field_choice_get_code (GObject *choice)
{
  GPtrArray *codes = g_object_get_data (choice, CODES_KEY);
  guint position = GTK_INVALID_LIST_POSITION;

  g_object_get (choice, "selected", &position, NULL);
  if (codes == NULL || position == GTK_INVALID_LIST_POSITION || position >= codes->len)
    return NULL;

  return g_ptr_array_index (codes, position);
}

/* Chooses @code (NULL: the "none" choice); FALSE when it is not listed. */
gboolean
dh_field_choice_set_code (GObject    *choice,
                          const char *code)
{
  GPtrArray *codes = g_object_get_data (choice, CODES_KEY);

  for (guint i = 0; codes != NULL && i < codes->len; i++)
    {
      if (g_strcmp0 (g_ptr_array_index (codes, i), code) == 0)
        {
          g_object_set (choice, "selected", i, NULL);
          return TRUE;
        }
    }

  return FALSE;
}
