/* dh-rejected-dialog.c – the changes the province refused, each with its reason */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-rejected-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-autocleanups.h"
#include "dh-rejected-dialog.h"

struct _DhRejectedDialog
{
  AdwWindow   parent_instance;

  /* template */
  GtkStack   *stack;
  GtkListBox *list;

  GPtrArray  *rows;   /* the AdwActionRows, in the order of the queue */
};

G_DEFINE_FINAL_TYPE (DhRejectedDialog, dh_rejected_dialog, ADW_TYPE_WINDOW)

static void
dh_rejected_dialog_finalize (GObject *object)
{
  DhRejectedDialog *self = DH_REJECTED_DIALOG (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (dh_rejected_dialog_parent_class)->finalize (object);
}

static void
dh_rejected_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), DH_TYPE_REJECTED_DIALOG);

  G_OBJECT_CLASS (dh_rejected_dialog_parent_class)->dispose (object);
}

static void
dh_rejected_dialog_class_init (DhRejectedDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dh_rejected_dialog_dispose;
  object_class->finalize = dh_rejected_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "dh-rejected-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DhRejectedDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, DhRejectedDialog, list);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dh_rejected_dialog_init (DhRejectedDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
}

/* Each refused change by the household it concerns and the kind of
 * record, with the server's reason (translated there). */
DhRejectedDialog *
dh_rejected_dialog_new (DhContext *context)
{
  DhRejectedDialog *self;
  g_autoptr(GPtrArray) queue = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (DH_IS_CONTEXT (context), NULL);

  self = g_object_new (DH_TYPE_REJECTED_DIALOG, NULL);
  queue = dh_store_list_queue (dh_context_get_store (context), TRUE, 0, &error);
  for (guint i = 0; queue != NULL && i < queue->len; i++)
    {
      json_object *entry = g_ptr_array_index (queue, i);
      g_autofree char *what = dh_context_describe_change (context, json_object_object_get (entry, "change"));
      const char *reason = dh_json_get_string (entry, "rejected");
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), what);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), reason != NULL ? reason : _("The server gave no reason."));
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "dialog-warning-symbolic");
      gtk_list_box_append (self->list, row);
      g_ptr_array_add (self->rows, row);
    }

  if (queue == NULL)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), error->message);
      gtk_list_box_append (self->list, row);
    }
  gtk_stack_set_visible_child_name (self->stack, queue != NULL && queue->len == 0 ? "empty" : "list");

  return self;
}

guint
dh_rejected_dialog_get_n_changes (DhRejectedDialog *self)
{
  g_return_val_if_fail (DH_IS_REJECTED_DIALOG (self), 0);

  return self->rows->len;
}

/* What the change at @position was about, as the list shows it. */
const char *
dh_rejected_dialog_get_what (DhRejectedDialog *self,
                             guint             position)
{
  g_return_val_if_fail (DH_IS_REJECTED_DIALOG (self), NULL);
  g_return_val_if_fail (position < self->rows->len, NULL);

  return adw_preferences_row_get_title (g_ptr_array_index (self->rows, position));
}

/* And why the province refused it. */
const char *
dh_rejected_dialog_get_reason (DhRejectedDialog *self,
                               guint             position)
{
  g_return_val_if_fail (DH_IS_REJECTED_DIALOG (self), NULL);
  g_return_val_if_fail (position < self->rows->len, NULL);

  return adw_action_row_get_subtitle (g_ptr_array_index (self->rows, position));
}
