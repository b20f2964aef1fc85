/* dh-record-actions.c – the window's actions that record a visit or support, and void an entry */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-record-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-autocleanups.h"
#include "dh-entity.h"
#include "dh-record-actions.h"
#include "dh-support-dialog.h"
#include "dh-visit-dialog.h"
#include "dh-void-dialog.h"
#include "dh-window.h"

static DhContext *
window_context (DhWindow *window)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (window));

  return application != NULL ? dh_application_get_context (DH_APPLICATION (application)) : NULL;
}

/* The household shown, or NULL with the reason said to the caseworker. */
static const char *
shown_household (DhWindow *window)
{
  const char *id = dh_window_get_household_id (window);

  if (id != NULL && window_context (window) != NULL)
    return id;

  dh_window_add_toast (window, _("Open a household first: choose it in the list."));
  return NULL;
}

static void
present (DhWindow     *window,
         DhEditDialog *dialog,
         GCallback     saved)
{
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (window));
  g_signal_connect_object (dialog, "saved", saved, window, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
record_saved_cb (DhRecordDialog *dialog,
                 DhWindow       *window)
{
  g_autofree char *message = dh_record_dialog_describe_saved (dialog);

  dh_window_add_toast (window, message);
}

/* win.record-visit, win.record-support: a dialog that adds the record to
 * the household shown, and says what was recorded once it is saved. */
static void
record_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DhWindow *window = DH_WINDOW (widget);
  const char *id = shown_household (window);
  GType type = g_str_equal (action_name, "win.record-visit") ? DH_TYPE_VISIT_DIALOG : DH_TYPE_SUPPORT_DIALOG;

  if (id != NULL)
    present (window,
             g_object_new (type, "context", window_context (window), "household-id", id, NULL),
             G_CALLBACK (record_saved_cb));
}

static void
void_saved_cb (DhVoidDialog *dialog,
               DhWindow     *window)
{
  g_autofree char *what = dh_support_describe (dh_edit_dialog_get_context (DH_EDIT_DIALOG (dialog)),
                                               dh_void_dialog_get_entry (dialog));
  /* Translators: said once a support entry is voided; %s is what it was */
  g_autofree char *message = g_strdup_printf (_("Voided: %s; it is left out of the totals"), what);

  dh_window_add_toast (window, message);
}

static void
void_support_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  DhWindow *window = DH_WINDOW (widget);
  DhContext *context = window_context (window);

  if (context != NULL)
    present (window, DH_EDIT_DIALOG (dh_void_dialog_new (context, g_variant_get_string (parameter, NULL))),
             G_CALLBACK (void_saved_cb));
}

/* win.record-visit and win.record-support work on the household shown;
 * win.void-support takes the id of the entry to void. */
void
dh_record_actions_install (GtkWidgetClass *window_class)
{
  gtk_widget_class_install_action (window_class, "win.record-visit", NULL, record_action);
  gtk_widget_class_install_action (window_class, "win.record-support", NULL, record_action);
  gtk_widget_class_install_action (window_class, "win.void-support", "s", void_support_action);
}
