/* dh-preferences-window.c – the store's place and the visit interval */
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

  GSettings            *settings;
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

static void
dh_preferences_window_dispose (GObject *object)
{
  DhPreferencesWindow *self = DH_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
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
  gtk_widget_class_bind_template_callback (widget_class, on_choose_store);
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

  return self;
}
