/* dh-edit-dialog.c – what every dialog that edits a record shares: checks as you type, save, ask before discarding */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-edit-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-edit-dialog.h"

/* A dialog that edits a record: a field's error is shown on the field (in
 * red, as its tooltip, and to screen readers) and keeps the record from
 * being saved; Ctrl+Return saves; closing with typed changes asks first. */
typedef struct
{
  DhContext  *context;
  GHashTable *errors;     /* GtkWidget * -> message */
  gboolean    modified;
  gboolean    discarding;
} DhEditDialogPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (DhEditDialog, dh_edit_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_MODIFIED,
  PROP_HAS_ERRORS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_save_action (DhEditDialog *self)
{
  DhEditDialogPrivate *priv = dh_edit_dialog_get_instance_private (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "edit.save", g_hash_table_size (priv->errors) == 0);
}

static void
discard_response (AdwMessageDialog *dialog,
                  const char       *response,
                  DhEditDialog     *self)
{
  DhEditDialogPrivate *priv = dh_edit_dialog_get_instance_private (self);

  if (g_strcmp0 (response, "discard") == 0)
    {
      priv->discarding = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
}

static gboolean
dh_edit_dialog_close_request (GtkWindow *window)
{
  DhEditDialog *self = DH_EDIT_DIALOG (window);
  DhEditDialogPrivate *priv = dh_edit_dialog_get_instance_private (self);
  AdwMessageDialog *ask;

  if (!priv->modified || priv->discarding)
    return GTK_WINDOW_CLASS (dh_edit_dialog_parent_class)->close_request (window);

  ask = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, _("Discard What You Typed?"),
                                                    _("The changes in this window have not been saved.")));
  adw_message_dialog_add_responses (ask,
                                    "cancel", _("_Keep Editing"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ask, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ask, "cancel");
  adw_message_dialog_set_close_response (ask, "cancel");
  g_signal_connect_object (ask, "response", G_CALLBACK (discard_response), self, 0);
  gtk_window_present (GTK_WINDOW (ask));

  return TRUE;
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  dh_edit_dialog_save (DH_EDIT_DIALOG (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
dh_edit_dialog_dispose (GObject *object)
{
  DhEditDialog *self = DH_EDIT_DIALOG (object);
  DhEditDialogPrivate *priv = dh_edit_dialog_get_instance_private (self);

  g_clear_object (&priv->context);
  g_clear_pointer (&priv->errors, g_hash_table_unref);

  G_OBJECT_CLASS (dh_edit_dialog_parent_class)->dispose (object);
}

static void
dh_edit_dialog_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DhEditDialog *self = DH_EDIT_DIALOG (object);
  DhEditDialogPrivate *priv = dh_edit_dialog_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, priv->context);
      break;

    case PROP_MODIFIED:
      g_value_set_boolean (value, priv->modified);
      break;

    case PROP_HAS_ERRORS:
      g_value_set_boolean (value, dh_edit_dialog_has_errors (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dh_edit_dialog_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DhEditDialog *self = DH_EDIT_DIALOG (object);
  DhEditDialogPrivate *priv = dh_edit_dialog_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      priv->context = g_value_dup_object (value);
      break;

    case PROP_MODIFIED:
      dh_edit_dialog_set_modified (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dh_edit_dialog_class_init (DhEditDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = dh_edit_dialog_dispose;
  object_class->get_property = dh_edit_dialog_get_property;
  object_class->set_property = dh_edit_dialog_set_property;
  window_class->close_request = dh_edit_dialog_close_request;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         DH_TYPE_CONTEXT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_HAS_ERRORS] =
    g_param_spec_boolean ("has-errors", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* the record was written: the window can say what was recorded */
  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "edit.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "edit.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "edit.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "edit.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "edit.cancel", NULL);
}

static void
dh_edit_dialog_init (DhEditDialog *self)
{
  DhEditDialogPrivate *priv = dh_edit_dialog_get_instance_private (self);

  priv->errors = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_hide_on_close (GTK_WINDOW (self), FALSE);
}

DhContext *
dh_edit_dialog_get_context (DhEditDialog *self)
{
  DhEditDialogPrivate *priv = dh_edit_dialog_get_instance_private (self);

  g_return_val_if_fail (DH_IS_EDIT_DIALOG (self), NULL);

  return priv->context;
}

gboolean
dh_edit_dialog_get_modified (DhEditDialog *self)
{
  DhEditDialogPrivate *priv = dh_edit_dialog_get_instance_private (self);

  g_return_val_if_fail (DH_IS_EDIT_DIALOG (self), FALSE);

  return priv->modified;
}

void
dh_edit_dialog_set_modified (DhEditDialog *self,
                             gboolean      modified)
{
  DhEditDialogPrivate *priv = dh_edit_dialog_get_instance_private (self);

  g_return_if_fail (DH_IS_EDIT_DIALOG (self));

  modified = !!modified;
  if (priv->modified == modified)
    return;

  priv->modified = modified;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

/**
 * dh_edit_dialog_set_field_error:
 * @message: (nullable): what is wrong and how to fix it; NULL: nothing is
 *
 * Shows @message on @field, or clears it; while any field has an error
 * the record cannot be saved.
 */
void
dh_edit_dialog_set_field_error (DhEditDialog *self,
                                GtkWidget    *field,
                                const char   *message)
{
  DhEditDialogPrivate *priv = dh_edit_dialog_get_instance_private (self);
  gboolean had_errors;

  g_return_if_fail (DH_IS_EDIT_DIALOG (self));
  g_return_if_fail (GTK_IS_WIDGET (field));

  had_errors = g_hash_table_size (priv->errors) > 0;

  if (message != NULL)
    {
      g_hash_table_replace (priv->errors, field, g_strdup (message));
      gtk_widget_add_css_class (field, "error");
      gtk_widget_set_tooltip_text (field, message);
      gtk_accessible_update_property (GTK_ACCESSIBLE (field),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                      -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (field),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
    }
  else if (g_hash_table_remove (priv->errors, field))
    {
      gtk_widget_remove_css_class (field, "error");
      gtk_widget_set_tooltip_text (field, NULL);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_STATE_INVALID);
    }

  update_save_action (self);
  if (had_errors != (g_hash_table_size (priv->errors) > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_ERRORS]);
}

const char *
dh_edit_dialog_get_field_error (DhEditDialog *self,
                                GtkWidget    *field)
{
  DhEditDialogPrivate *priv = dh_edit_dialog_get_instance_private (self);

  g_return_val_if_fail (DH_IS_EDIT_DIALOG (self), NULL);

  return g_hash_table_lookup (priv->errors, field);
}

gboolean
dh_edit_dialog_has_errors (DhEditDialog *self)
{
  DhEditDialogPrivate *priv = dh_edit_dialog_get_instance_private (self);

  g_return_val_if_fail (DH_IS_EDIT_DIALOG (self), FALSE);

  return g_hash_table_size (priv->errors) > 0;
}

static void
on_editable_changed (DhEditDialog *self)
{
  dh_edit_dialog_set_modified (self, TRUE);
}

/* Anything typed into @editable counts as a change to ask about. */
void
dh_edit_dialog_watch_editable (DhEditDialog *self,
                               GtkWidget    *editable)
{
  g_return_if_fail (DH_IS_EDIT_DIALOG (self));
  g_return_if_fail (GTK_IS_EDITABLE (editable));

  g_signal_connect_object (editable, "changed", G_CALLBACK (on_editable_changed), self, G_CONNECT_SWAPPED);
}

/**
 * dh_edit_dialog_save:
 *
 * Saves through the subclass when no field has an error, emits "saved"
 * and closes the dialog; a store error is shown in a message that keeps
 * the dialog and what was typed, unless the subclass showed it on a field.
 * Returns TRUE when the record was saved.
 */
gboolean
dh_edit_dialog_save (DhEditDialog *self)
{
  DhEditDialogClass *klass;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *message;

  g_return_val_if_fail (DH_IS_EDIT_DIALOG (self), FALSE);

  klass = DH_EDIT_DIALOG_GET_CLASS (self);
  if (dh_edit_dialog_has_errors (self) || klass->save == NULL)
    return FALSE;

  if (klass->save (self, &error))
    {
      dh_edit_dialog_set_modified (self, FALSE);
      g_signal_emit (self, signals[SAVED], 0);
      gtk_window_close (GTK_WINDOW (self));
      return TRUE;
    }

  /* refused for what a field holds: the message is on the field already */
  if (dh_edit_dialog_has_errors (self))
    return FALSE;

  message = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Not Saved"), error->message));
  adw_message_dialog_add_response (message, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (message));

  return FALSE;
}
