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
  GtkStack      *stack;
  GtkListBox    *list;
  GtkWidget     *retry_button;
  AdwStatusPage *sent_again_page;

  DhContext     *context;
  GPtrArray     *rows;        /* the AdwActionRows, in the order of the queue */
  gboolean       sent_again;  /* until the sync that took them ends */
};

G_DEFINE_FINAL_TYPE (DhRejectedDialog, dh_rejected_dialog, ADW_TYPE_WINDOW)

static void
dh_rejected_dialog_finalize (GObject *object)
{
  DhRejectedDialog *self = DH_REJECTED_DIALOG (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (dh_rejected_dialog_parent_class)->finalize (object);
}

static void
dh_rejected_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), DH_TYPE_REJECTED_DIALOG);

  G_OBJECT_CLASS (dh_rejected_dialog_parent_class)->dispose (object);
}

/* What refused them is gone: they go again as they are, and the list,
 * empty now, says so. */
static void
on_retry_clicked (DhRejectedDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  guint count = 0;

  if (!dh_context_retry_rejected (self->context, &count, &error))
    {
      adw_status_page_set_title (self->sent_again_page, _("Could Not Send Them Again"));
      adw_status_page_set_description (self->sent_again_page, error->message);
    }
  else
    {
      if (dh_sync_engine_get_state (dh_context_get_sync_engine (self->context)) == DH_SYNC_STATE_SYNCING)
        description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "%u change is on its way to the province. If it is refused again, "
                                                    "it comes back here with the new reason.",
                                                    "%u changes are on their way to the province. If one is refused again, "
                                                    "it comes back here with the new reason.",
                                                    count),
                                       count);
      else
        description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "%u change goes again with the next sync. If it is refused again, "
                                                    "it comes back here with the new reason.",
                                                    "%u changes go again with the next sync. If one is refused again, "
                                                    "it comes back here with the new reason.",
                                                    count),
                                       count);
      adw_status_page_set_description (self->sent_again_page, description);
      self->sent_again = TRUE;
    }

  g_ptr_array_set_size (self->rows, 0);
  gtk_widget_set_visible (self->retry_button, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "sent-again");
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
  gtk_widget_class_bind_template_child (widget_class, DhRejectedDialog, retry_button);
  gtk_widget_class_bind_template_child (widget_class, DhRejectedDialog, sent_again_page);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked);

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
static void
show_refused (DhRejectedDialog *self)
{
  g_autoptr(GPtrArray) queue = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  g_ptr_array_set_size (self->rows, 0);

  queue = dh_store_list_queue (dh_context_get_store (self->context), TRUE, 0, &error);
  for (guint i = 0; queue != NULL && i < queue->len; i++)
    {
      json_object *entry = g_ptr_array_index (queue, i);
      g_autofree char *what = dh_context_describe_change (self->context, json_object_object_get (entry, "change"));
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
  gtk_widget_set_visible (self->retry_button, queue != NULL && queue->len > 0);
}

/* The sync that took them again has ended: those refused again come back
 * with their new reasons. */
static void
on_badges_changed (DhRejectedDialog *self)
{
  if (!self->sent_again ||
      dh_sync_engine_get_state (dh_context_get_sync_engine (self->context)) == DH_SYNC_STATE_SYNCING)
    return;

  self->sent_again = FALSE;
  if (dh_context_count_rejected (self->context) > 0)
    show_refused (self);
}

DhRejectedDialog *
dh_rejected_dialog_new (DhContext *context)
{
  DhRejectedDialog *self;

  g_return_val_if_fail (DH_IS_CONTEXT (context), NULL);

  self = g_object_new (DH_TYPE_REJECTED_DIALOG, NULL);
  self->context = g_object_ref (context);
  g_signal_connect_object (context, "badges-changed", G_CALLBACK (on_badges_changed), self, G_CONNECT_SWAPPED);
  show_refused (self);

  return self;
}

/* Sends them again, as the button does. */
void
dh_rejected_dialog_retry (DhRejectedDialog *self)
{
  g_return_if_fail (DH_IS_REJECTED_DIALOG (self));
  g_return_if_fail (gtk_widget_get_visible (self->retry_button));

  g_signal_emit_by_name (self->retry_button, "clicked");
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
