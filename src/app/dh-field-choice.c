/* dh-field-choice.c – a dropdown or combo row over the values of a field, shown by their names */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-field-choice"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-entity.h"
#include "dh-field-choice.h"

/* A GtkDropDown or an AdwComboRow (both have "model" and "selected")
 * lists names; the codes they stand for are kept beside them, in the same
 * positions (NULL where it offers "none"), so that nobody reads a code and
 * the store never gets a name. */
#define CODES_KEY "dh-field-choice-codes"

/**
 * dh_field_choice_fill_labelled:
 * @codes: NULL-terminated
 * @labels: what people read for each of @codes, in the same order; a
 *   NULL label shows its code
 * @none_label: (nullable): the first choice, standing for no value; NULL:
 *   a value must be chosen
 *
 * Offers @codes by their @labels; the first choice is chosen.
 */
void
dh_field_choice_fill_labelled (GObject            *choice,
                               const char * const *codes,
                               const char * const *labels,
                               const char         *none_label)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GPtrArray *kept = g_ptr_array_new_with_free_func (g_free);

  g_return_if_fail (GTK_IS_DROP_DOWN (choice) || ADW_IS_COMBO_ROW (choice));

  if (none_label != NULL)
    {
      gtk_string_list_append (names, none_label);
      g_ptr_array_add (kept, NULL);
    }
  for (guint i = 0; codes != NULL && codes[i] != NULL; i++)
    {
      gtk_string_list_append (names, labels[i] != NULL ? labels[i] : codes[i]);
      g_ptr_array_add (kept, g_strdup (codes[i]));
    }

  g_object_set_data_full (choice, CODES_KEY, kept, (GDestroyNotify) g_ptr_array_unref);
  g_object_set (choice, "model", names, "selected", 0, NULL);
}

/**
 * dh_field_choice_fill_codes:
 * @codes: NULL-terminated: the values of @field offered, in order
 * @none_label: (nullable): a first choice for no value
 *
 * Offers @codes of @field of @entity (an enumeration or a catalogue code)
 * by the names people know them by, in the language of the interface.
 */
void
dh_field_choice_fill_codes (GObject            *choice,
                            const char         *entity,
                            const char         *field_name,
                            const char * const *codes,
                            const char         *none_label)
{
  const DhField *field = dh_entity_get_field (dh_entity_lookup (entity), field_name);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  g_return_if_fail (field != NULL);
  g_return_if_fail (field->type == DH_FIELD_ENUM || field->type == DH_FIELD_CODE || field->type == DH_FIELD_CODE_SET);

  for (guint i = 0; codes != NULL && codes[i] != NULL; i++)
    g_ptr_array_add (labels, (gpointer) dh_field_get_value_label (field, codes[i], NULL));
  g_ptr_array_add (labels, NULL);

  dh_field_choice_fill_labelled (choice, codes, (const char * const *) labels->pdata, none_label);
}

/* Offers every value of @field of @entity, as dh_field_choice_fill_codes(). */
void
dh_field_choice_fill (GObject    *choice,
                      const char *entity,
                      const char *field_name,
                      const char *none_label)
{
  const DhField *field = dh_entity_get_field (dh_entity_lookup (entity), field_name);
  g_autoptr(GPtrArray) codes = NULL;

  g_return_if_fail (field != NULL);

  if (field->type == DH_FIELD_ENUM)
    {
      dh_field_choice_fill_codes (choice, entity, field_name, field->values, none_label);
      return;
    }

  codes = dh_catalogues_list_codes (dh_catalogues_get_default (), field->target);
  g_ptr_array_add (codes, NULL);
  dh_field_choice_fill_codes (choice, entity, field_name, (const char * const *) codes->pdata, none_label);
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
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  gint64 n_communes;

  if (villages == NULL)
    return FALSE;
  n_communes = dh_store_count (store, &communes, NULL);

  for (guint i = 0; i < villages->len; i++)
    {
      json_object *village = g_ptr_array_index (villages, i);
      const char *name = dh_json_get_string (village, "name");

      g_ptr_array_add (codes, (gpointer) dh_json_get_string (village, DH_RECORD_ID));
      if (n_communes > 1)
        /* Translators: a village and the commune it is in */
        g_ptr_array_add (names, g_strdup_printf (_("%s, %s"), name,
                                                 dh_context_get_place_name (context, dh_json_get_string (village, "parent"))));
      else
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_add (codes, NULL);
  g_ptr_array_add (names, NULL);

  dh_field_choice_fill_labelled (choice, (const char * const *) codes->pdata,
                                 (const char * const *) names->pdata, none_label);

  return TRUE;
}

static void
list_item_setup (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
list_item_bind (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkStringObject *name = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), gtk_string_object_get_string (name));
}

/* The list @row opens shows each name whole, on as many lines as it takes
 * (a programme's or project's name is long). */
void
dh_field_choice_wrap_names (AdwComboRow *row)
{
  g_autoptr(GtkExpression) expression = NULL;
  g_autoptr(GtkListItemFactory) factory = NULL;

  g_return_if_fail (ADW_IS_COMBO_ROW (row));

  if (adw_combo_row_get_expression (row) != NULL)
    return;

  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  factory = gtk_signal_list_item_factory_new ();
  adw_combo_row_set_expression (row, expression);
  g_signal_connect (factory, "setup", G_CALLBACK (list_item_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (list_item_bind), NULL);
  adw_combo_row_set_list_factory (row, factory);
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
