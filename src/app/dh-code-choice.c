/* dh-code-choice.c – a combo row that offers the codes of a catalogue by their names */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-code-choice"

#include "config.h"

#include "dh-code-choice.h"

/* The row shows names; the codes behind them are kept beside its model,
 * position for position (NULL where the row offers "none"). */
#define CODES_KEY "dh-code-choice-codes"

static GPtrArray *
row_codes (AdwComboRow *row)
{
  return g_object_get_data (G_OBJECT (row), CODES_KEY);
}

static void
list_item_setup (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  /* a programme's or project's whole name, on as many lines as it takes */
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

/**
 * dh_code_choice_fill_labelled:
 * @codes: NULL-terminated
 * @labels: what people read for each of @codes, in the same order
 * @none_label: (nullable): a first choice that stands for no code
 *
 * Offers @codes by their @labels; the first choice is chosen.
 */
void
dh_code_choice_fill_labelled (AdwComboRow        *row,
                              const char * const *codes,
                              const char * const *labels,
                              const char         *none_label)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GPtrArray *kept = g_ptr_array_new_with_free_func (g_free);

  g_return_if_fail (ADW_IS_COMBO_ROW (row));

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

  g_object_set_data_full (G_OBJECT (row), CODES_KEY, kept, (GDestroyNotify) g_ptr_array_unref);
  if (adw_combo_row_get_expression (row) == NULL)
    {
      g_autoptr(GtkExpression) expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");

      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

      adw_combo_row_set_expression (row, expression);
      g_signal_connect (factory, "setup", G_CALLBACK (list_item_setup), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (list_item_bind), NULL);
      adw_combo_row_set_list_factory (row, factory);
    }
  adw_combo_row_set_model (row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (row, 0);
}

/**
 * dh_code_choice_fill:
 * @catalogue: the catalogue that names @codes ("support_type", "visit_purpose")
 * @codes: NULL-terminated
 * @none_label: (nullable): a first choice that stands for no code
 *
 * Offers @codes by the names @catalogues gives them in the language of
 * the interface, never as codes.
 */
void
dh_code_choice_fill (AdwComboRow        *row,
                     DhCatalogues       *catalogues,
                     const char         *catalogue,
                     const char * const *codes,
                     const char         *none_label)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  g_return_if_fail (ADW_IS_COMBO_ROW (row));
  g_return_if_fail (DH_IS_CATALOGUES (catalogues));

  for (guint i = 0; codes != NULL && codes[i] != NULL; i++)
    g_ptr_array_add (labels, (gpointer) dh_catalogues_get_label (catalogues, catalogue, codes[i]));
  g_ptr_array_add (labels, NULL);

  dh_code_choice_fill_labelled (row, codes, (const char * const *) labels->pdata, none_label);
}

/* The code chosen, or NULL for "none". */
const char *
dh_code_choice_get (AdwComboRow *row)
{
  GPtrArray *codes;
  guint position;

  g_return_val_if_fail (ADW_IS_COMBO_ROW (row), NULL);

  codes = row_codes (row);
  position = adw_combo_row_get_selected (row);
  if (codes == NULL || position == GTK_INVALID_LIST_POSITION || position >= codes->len)
    return NULL;

  return g_ptr_array_index (codes, position);
}

/* Chooses @code (NULL: "none"); FALSE when the row does not offer it. */
gboolean
dh_code_choice_select (AdwComboRow *row,
                       const char  *code)
{
  GPtrArray *codes;

  g_return_val_if_fail (ADW_IS_COMBO_ROW (row), FALSE);

  codes = row_codes (row);
  for (guint i = 0; codes != NULL && i < codes->len; i++)
    {
      if (g_strcmp0 (g_ptr_array_index (codes, i), code) == 0)
        {
          adw_combo_row_set_selected (row, i);
          return TRUE;
        }
    }

  return FALSE;
}
