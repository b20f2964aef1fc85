/* dh-record-dialog.c – a dialog that records something about one household: a visit, a support entry */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-record-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-autocleanups.h"
#include "dh-entity.h"
#include "dh-record-dialog.h"

/* What the dialogs that add one record to a household share: the
 * household, the form whose fields are checked as they are typed, the
 * save through the store, and the record once it is stored. A subclass
 * builds its fields from its template (which this class disposes) and
 * gives them to the form. */
typedef struct
{
  char         *household_id;
  DhRecordForm *form;
  json_object  *fixed;      /* what the record gets besides what is typed */
} DhRecordDialogPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (DhRecordDialog, dh_record_dialog, DH_TYPE_EDIT_DIALOG)

enum {
  PROP_0,
  PROP_HOUSEHOLD_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
on_field_changed (gpointer    user_data,
                  const char *field)
{
  DhRecordDialog *self = user_data;
  DhRecordDialogPrivate *priv = dh_record_dialog_get_instance_private (self);
  g_autoptr(json_object) record = dh_record_form_check_record (priv->form, priv->fixed, FALSE);
}

static gboolean
dh_record_dialog_save (DhEditDialog  *dialog,
                       GError       **error)
{
  DhRecordDialog *self = DH_RECORD_DIALOG (dialog);
  DhRecordDialogPrivate *priv = dh_record_dialog_get_instance_private (self);
  g_autoptr(json_object) record = dh_record_form_check_record (priv->form, priv->fixed, TRUE);

  if (record == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("Some of what was typed cannot be saved yet; the message under the fields says what to change."));
      return FALSE;
    }

  return dh_record_form_write (priv->form, priv->fixed, error);
}

static void
dh_record_dialog_dispose (GObject *object)
{
  DhRecordDialog *self = DH_RECORD_DIALOG (object);
  DhRecordDialogPrivate *priv = dh_record_dialog_get_instance_private (self);

  /* the form goes before the fields of the subclass's template, which
   * may still signal as they go */
  g_clear_pointer (&priv->form, dh_record_form_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), G_OBJECT_TYPE (object));

  G_OBJECT_CLASS (dh_record_dialog_parent_class)->dispose (object);
}

static void
dh_record_dialog_finalize (GObject *object)
{
  DhRecordDialog *self = DH_RECORD_DIALOG (object);
  DhRecordDialogPrivate *priv = dh_record_dialog_get_instance_private (self);

  g_clear_pointer (&priv->household_id, g_free);
  g_clear_pointer (&priv->fixed, json_object_put);

  G_OBJECT_CLASS (dh_record_dialog_parent_class)->finalize (object);
}

static void
dh_record_dialog_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  DhRecordDialog *self = DH_RECORD_DIALOG (object);
  DhRecordDialogPrivate *priv = dh_record_dialog_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_HOUSEHOLD_ID:
      priv->household_id = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dh_record_dialog_class_init (DhRecordDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DhEditDialogClass *dialog_class = DH_EDIT_DIALOG_CLASS (klass);

  object_class->dispose = dh_record_dialog_dispose;
  object_class->finalize = dh_record_dialog_finalize;
  object_class->set_property = dh_record_dialog_set_property;
  dialog_class->save = dh_record_dialog_save;

  /* the household the record is about */
  properties[PROP_HOUSEHOLD_ID] =
    g_param_spec_string ("household-id", NULL, NULL, NULL,
                         (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dh_record_dialog_init (DhRecordDialog *self)
{
  DhRecordDialogPrivate *priv = dh_record_dialog_get_instance_private (self);

  priv->fixed = json_object_new_object ();
}

/**
 * dh_record_dialog_start:
 * @entity: the kind of record the dialog adds
 * @summary: where every error is said in words, under the fields
 *
 * Returns: (transfer none): the form, for the subclass to give it its
 *   fields once they hold their first values
 */
DhRecordForm *
dh_record_dialog_start (DhRecordDialog *self,
                        const char     *entity,
                        GtkLabel       *summary)
{
  DhRecordDialogPrivate *priv = dh_record_dialog_get_instance_private (self);

  g_return_val_if_fail (DH_IS_RECORD_DIALOG (self), NULL);
  g_return_val_if_fail (priv->form == NULL, NULL);

  priv->form = dh_record_form_new (DH_EDIT_DIALOG (self), entity);
  dh_record_form_set_summary (priv->form, summary);
  json_object_object_add (priv->fixed, "household", json_object_new_string (priv->household_id));

  return priv->form;
}

/* The record gets @field with @value (a string; NULL: none) besides what
 * is typed. */
void
dh_record_dialog_set_fixed (DhRecordDialog *self,
                            const char     *field,
                            const char     *value)
{
  DhRecordDialogPrivate *priv = dh_record_dialog_get_instance_private (self);

  g_return_if_fail (DH_IS_RECORD_DIALOG (self));

  if (value != NULL)
    json_object_object_add (priv->fixed, field, json_object_new_string (value));
  else
    json_object_object_del (priv->fixed, field);
}

/**
 * dh_record_dialog_ready:
 * @title: the dialog's title, which gets the household's head as subtitle
 * @save_button: what Enter in a field presses
 * @first_field: where the focus starts
 *
 * Called once the fields hold their first values: from now on what is
 * typed is checked, and counts as a change to ask about.
 */
void
dh_record_dialog_ready (DhRecordDialog *self,
                        AdwWindowTitle *title,
                        GtkWidget      *save_button,
                        GtkWidget      *first_field)
{
  DhRecordDialogPrivate *priv = dh_record_dialog_get_instance_private (self);
  DhStore *store = dh_context_get_store (dh_edit_dialog_get_context (DH_EDIT_DIALOG (self)));
  g_autoptr(json_object) household = dh_store_get (store, "household", priv->household_id, NULL);

  g_return_if_fail (DH_IS_RECORD_DIALOG (self));
  g_return_if_fail (priv->form != NULL);

  if (household != NULL)
    adw_window_title_set_subtitle (title, dh_json_get_string (household, "head_name"));

  dh_record_form_set_changed_func (priv->form, on_field_changed, self);
  gtk_window_set_default_widget (GTK_WINDOW (self), save_button);
  gtk_window_set_focus (GTK_WINDOW (self), first_field);
}

const char *
dh_record_dialog_get_household_id (DhRecordDialog *self)
{
  DhRecordDialogPrivate *priv = dh_record_dialog_get_instance_private (self);

  g_return_val_if_fail (DH_IS_RECORD_DIALOG (self), NULL);

  return priv->household_id;
}

/* The row that shows @field of the record ("visited_on", "amount_vnd", ...). */
GtkWidget *
dh_record_dialog_get_field (DhRecordDialog *self,
                            const char     *field)
{
  DhRecordDialogPrivate *priv = dh_record_dialog_get_instance_private (self);

  g_return_val_if_fail (DH_IS_RECORD_DIALOG (self), NULL);

  return dh_record_form_get_widget (priv->form, field);
}

/* Returns: (transfer none) (nullable): the record as stored, once saved */
json_object *
dh_record_dialog_get_record (DhRecordDialog *self)
{
  DhRecordDialogPrivate *priv = dh_record_dialog_get_instance_private (self);

  g_return_val_if_fail (DH_IS_RECORD_DIALOG (self), NULL);

  return priv->form != NULL ? dh_record_form_get_saved (priv->form) : NULL;
}

/* Returns: (transfer full): what was saved, in a few words for a toast */
char *
dh_record_dialog_describe_saved (DhRecordDialog *self)
{
  g_return_val_if_fail (DH_IS_RECORD_DIALOG (self), NULL);
  g_return_val_if_fail (dh_record_dialog_get_record (self) != NULL, NULL);

  return DH_RECORD_DIALOG_GET_CLASS (self)->describe_saved (self);
}
