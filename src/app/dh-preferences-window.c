/* dh-preferences-window.c – the store's place, the province's server and who is signed in, the visit interval */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-preferences-window.h"

struct _DhPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwActionRow         *store_row;
  GtkSpinButton        *interval_spin;
  AdwPreferencesGroup  *server_group;
  AdwActionRow         *server_row;
  AdwActionRow         *ca_row;
  AdwActionRow         *account_row;
  GtkWidget            *sign_in_button;
  GtkWidget            *sign_out_button;

  GSettings            *settings;
  DhContext            *context;
};

G_DEFINE_FINAL_TYPE (DhPreferencesWindow, dh_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
show_store_path (DhPreferencesWindow *self,
                 const char          *path)
{
  g_autofree char *display = g_filename_display_name (path);

  adw_action_row_set_subtitle (self->store_row, display);
}

static void
choose_response (GtkNativeDialog     *dialog,
                 int                  response,
                 DhPreferencesWindow *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_object_unref (dialog);
  if (file == NULL || (path = g_file_get_path (file)) == NULL)
    {
      g_object_unref (self);
      return;
    }

  g_settings_set_string (self->settings, "store-path", path);
  show_store_path (self, path);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("This store is opened the next time Đồng Hành starts.")));
  g_object_unref (self);
}

static void
on_choose_store (DhPreferencesWindow *self)
{
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new (_("Choose the Store"), GTK_WINDOW (self),
                                 GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (choose_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* The server, its certificate and who is signed in, as the store keeps them. */
static void
show_server (DhPreferencesWindow *self)
{
  g_autoptr(DhSyncSettings) settings = NULL;
  g_autofree char *account = NULL;
  g_autofree char *ca = NULL;
  gboolean demo;

  if (self->context == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->server_group), FALSE);
      return;
    }

  demo = dh_context_is_demo (self->context);
  settings = dh_sync_settings_load (dh_context_get_store (self->context));
  account = dh_context_describe_account (self->context);
  ca = settings->ca_file != NULL ? g_filename_display_name (settings->ca_file) : NULL;

  adw_action_row_set_subtitle (self->server_row, settings->server != NULL ? settings->server : _("None yet: sign in to set it"));
  adw_action_row_set_subtitle (self->ca_row, ca != NULL ? ca : _("None"));
  if (demo)
    adw_action_row_set_subtitle (self->account_row, _("This store holds made-up demo households, which are never sent anywhere."));
  else
    adw_action_row_set_subtitle (self->account_row, account != NULL ? account : _("Nobody is signed in on this computer."));
  gtk_widget_set_visible (self->sign_in_button, !demo);
  gtk_widget_set_visible (self->sign_out_button, !demo && account != NULL);
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  DhPreferencesWindow *self = DH_PREFERENCES_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  gint64 pending;
  g_autofree char *said = NULL;

  if (self->context == NULL)
    return;

  if (!dh_context_sign_out (self->context, &error))
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
      return;
    }

  pending = dh_sync_engine_get_pending (dh_context_get_sync_engine (self->context));
  if (pending > 0)
    said = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Signed out. %u change waits on this computer; it is sent after the next sign-in.",
                                         "Signed out. %u changes wait on this computer; they are sent after the next sign-in.",
                                         (gulong) pending),
                            (guint) pending);
  else
    said = g_strdup (_("Signed out. Nothing was waiting to be sent."));
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (said));
}

/* The store the application has open, for its server; NULL before one is. */
void
dh_preferences_window_set_context (DhPreferencesWindow *self,
                                   DhContext           *context)
{
  g_return_if_fail (DH_IS_PREFERENCES_WINDOW (self));

  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  g_set_object (&self->context, context);
  if (context != NULL)
    g_signal_connect_object (context, "account-changed", G_CALLBACK (show_server), self, G_CONNECT_SWAPPED);
  show_server (self);
}

static void
dh_preferences_window_dispose (GObject *object)
{
  DhPreferencesWindow *self = DH_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->context);
  gtk_widget_dispose_template (GTK_WIDGET (object), DH_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (dh_preferences_window_parent_class)->dispose (object);
}

static void
dh_preferences_window_class_init (DhPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dh_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "dh-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DhPreferencesWindow, store_row);
  gtk_widget_class_bind_template_child (widget_class, DhPreferencesWindow, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, DhPreferencesWindow, server_group);
  gtk_widget_class_bind_template_child (widget_class, DhPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, DhPreferencesWindow, ca_row);
  gtk_widget_class_bind_template_child (widget_class, DhPreferencesWindow, account_row);
  gtk_widget_class_bind_template_child (widget_class, DhPreferencesWindow, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, DhPreferencesWindow, sign_out_button);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_store);
  gtk_widget_class_install_action (widget_class, "preferences.sign-out", NULL, sign_out_action);
}

static void
dh_preferences_window_init (DhPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

DhPreferencesWindow *
dh_preferences_window_new (GSettings  *settings,
                           const char *store_path)
{
  DhPreferencesWindow *self = g_object_new (DH_TYPE_PREFERENCES_WINDOW, NULL);

  self->settings = g_object_ref (settings);
  show_store_path (self, store_path);
  g_settings_bind (settings, "visit-interval-days", self->interval_spin, "value", G_SETTINGS_BIND_DEFAULT);
  show_server (self);

  return self;
}

/* Who is signed in, as the Server group says it (for tests). */
const char *
dh_preferences_window_get_account (DhPreferencesWindow *self)
{
  g_return_val_if_fail (DH_IS_PREFERENCES_WINDOW (self), NULL);

  return adw_action_row_get_subtitle (self->account_row);
}
