/* dh-application.c – the application: one store, its windows and its actions */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-application"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-app-resources.h"
#include "dh-application.h"
#include "dh-preferences-window.h"
#include "dh-sign-in-dialog.h"
#include "dh-window.h"

struct _DhApplication
{
  AdwApplication  parent_instance;

  char           *store_path;   /* from --store, else the settings, else the default */
  DhContext      *context;      /* NULL until a store is open */
  GSettings      *settings;
  GNetworkMonitor *monitor;     /* NULL: GLib's default */
};

G_DEFINE_FINAL_TYPE (DhApplication, dh_application, ADW_TYPE_APPLICATION)

static void
dh_application_finalize (GObject *object)
{
  DhApplication *self = DH_APPLICATION (object);

  g_clear_pointer (&self->store_path, g_free);
  g_clear_object (&self->context);
  g_clear_object (&self->settings);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (dh_application_parent_class)->finalize (object);
}

static char *
settings_store_path (GSettings *settings)
{
  g_autofree char *path = g_settings_get_string (settings, "store-path");

  if (path[0] == '\0')
    return dh_store_default_path ();

  return g_steal_pointer (&path);
}

static int
dh_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  DhApplication *self = DH_APPLICATION (application);
  const char *store = NULL;

  if (g_variant_dict_lookup (options, "version", "b", NULL))
    {
      g_print ("donghanh %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "store", "^&ay", &store))
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (store);
      g_autofree char *path = g_file_get_path (file);

      dh_application_set_store_path (self, path);
    }

  return -1;
}

/**
 * dh_application_get_context:
 *
 * Returns: (transfer none) (nullable): the open store and what goes with
 * it, opening the store the first time; NULL when there is no store at its
 * path yet (the window then offers to make one).
 */
DhContext *
dh_application_get_context (DhApplication *self)
{
  g_return_val_if_fail (DH_IS_APPLICATION (self), NULL);

  return self->context;
}

/* Returns: (transfer none): the settings, loaded at startup */
GSettings *
dh_application_get_settings (DhApplication *self)
{
  g_return_val_if_fail (DH_IS_APPLICATION (self), NULL);

  return self->settings;
}

/* The store to open, instead of the one the settings name (what --store does). */
void
dh_application_set_store_path (DhApplication *self,
                               const char    *path)
{
  g_return_if_fail (DH_IS_APPLICATION (self));
  g_return_if_fail (self->context == NULL);

  g_free (self->store_path);
  self->store_path = g_strdup (path);
}

/* What tells the sync whether there is a network, instead of GLib's
 * default (tests); before the store is opened. */
void
dh_application_set_network_monitor (DhApplication   *self,
                                    GNetworkMonitor *monitor)
{
  g_return_if_fail (DH_IS_APPLICATION (self));
  g_return_if_fail (self->context == NULL);

  g_set_object (&self->monitor, monitor);
}

const char *
dh_application_get_store_path (DhApplication *self)
{
  g_return_val_if_fail (DH_IS_APPLICATION (self), NULL);

  return self->store_path;
}

static void
dh_application_activate (GApplication *application)
{
  DhApplication *self = DH_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (dh_window_new (self));

  gtk_window_present (window);
}

static void
dh_application_startup (GApplication *application)
{
  DhApplication *self = DH_APPLICATION (application);

  G_APPLICATION_CLASS (dh_application_parent_class)->startup (application);

  self->settings = dh_context_load_settings ();
  if (self->store_path == NULL)
    self->store_path = settings_store_path (self->settings);

  gtk_window_set_default_icon_name (APP_ID);
}

/**
 * dh_application_open_store:
 * @flags: DH_STORE_OPEN_CREATE to make the store when it is missing
 *
 * Opens the store at the application's path for every window. Returns
 * the context, or NULL with @error set in words a caseworker can act on.
 */
DhContext *
dh_application_open_store (DhApplication    *self,
                           DhStoreOpenFlags  flags,
                           GError          **error)
{
  g_autoptr(DhStore) store = NULL;

  g_return_val_if_fail (DH_IS_APPLICATION (self), NULL);

  if (self->context != NULL)
    return self->context;

  store = dh_store_open_full (self->store_path, flags, error);
  if (store == NULL)
    return NULL;

  self->context = dh_context_new_full (store, self->settings, self->monitor);

  return self->context;
}

static void
dh_application_class_init (DhApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = dh_application_finalize;

  /* the templates, the style and the icons, before any window is made */
  dh_app_register_resource ();

  app_class->activate = dh_application_activate;
  app_class->startup = dh_application_startup;
  app_class->handle_local_options = dh_application_handle_local_options;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  DhApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* each window asks before it loses what is typed in it */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  DhApplication *self = user_data;
  const char *developers[] = { _("The Đồng Hành developers"), NULL };
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", _("Đồng Hành"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Casework for the households a commune helps out of poverty: "
                                       "visits, annual reviews and the support each one receives, "
                                       "kept on this computer and synced when there is a connection."),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  DhApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  DhPreferencesWindow *preferences = dh_preferences_window_new (self->settings, self->store_path);

  dh_preferences_window_set_context (preferences, self->context);
  gtk_window_set_transient_for (GTK_WINDOW (preferences), window);
  gtk_window_present (GTK_WINDOW (preferences));
}

/**
 * dh_application_sign_in:
 *
 * Opens the dialog that signs in to the province's server, over the
 * active window. Returns: (transfer none) (nullable): the dialog, or NULL
 * while no store is open.
 */
DhSignInDialog *
dh_application_sign_in (DhApplication *self)
{
  GtkWindow *window;
  DhSignInDialog *dialog;

  g_return_val_if_fail (DH_IS_APPLICATION (self), NULL);

  if (self->context == NULL)
    return NULL;

  /* over the window it was asked from: Preferences, or the main window */
  window = NULL;
  {
    GListModel *toplevels = gtk_window_get_toplevels ();

    for (guint i = 0; window == NULL && i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

        if (gtk_window_is_active (toplevel) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
          window = toplevel;
      }
  }
  if (window == NULL)
    window = gtk_application_get_active_window (GTK_APPLICATION (self));
  dialog = dh_sign_in_dialog_new (self->context);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), window);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
sign_in_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  dh_application_sign_in (user_data);
}

static const GActionEntry app_actions[] = {
  { "sign-in", sign_in_action },
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
};

static void
dh_application_init (DhApplication *self)
{
  static const GOptionEntry options[] = {
    { "store", 's', 0, G_OPTION_ARG_FILENAME, NULL,
      N_("The store to open (by default the one in your data folder)"), N_("FILE") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and quit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", (const char *[]) { "<Control>comma", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.sign-in", (const char *[]) { "<Control><Shift>l", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.sync", (const char *[]) { "<Control><Shift>y", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", (const char *[]) { "<Control>w", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.search", (const char *[]) { "<Control>f", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.new-household", (const char *[]) { "<Control>n", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.reload", (const char *[]) { "F5", "<Control>r", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.record-visit", (const char *[]) { "<Control><Shift>v", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.record-support", (const char *[]) { "<Control><Shift>s", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-reports", (const char *[]) { "<Control><Shift>r", NULL });
}

/**
 * dh_application_pick_renderer:
 * @dri_dir: where the system lists its graphics devices (/dev/dri)
 *
 * Without a graphics device to render on (no render node: an old laptop
 * whose card has no driver, a virtual machine, a remote display), GTK's
 * OpenGL renderer runs on llvmpipe, the processor's emulation of OpenGL:
 * on this application's list it paints a frame in 30 ms where cairo takes
 * 2, and keeps half of a two-core processor busy (README, "The
 * application's frames"). Cairo is then the better renderer.
 *
 * Returns: (nullable): "cairo", or NULL to leave GTK's choice
 */
const char *
dh_application_pick_renderer (const char *dri_dir)
{
  g_autoptr(GDir) devices = g_dir_open (dri_dir, 0, NULL);
  const char *name;

  while (devices != NULL && (name = g_dir_read_name (devices)) != NULL)
    {
      if (g_str_has_prefix (name, "renderD"))
        return NULL;
    }

  return "cairo";
}

/**
 * dh_application_choose_renderer:
 *
 * Before GTK starts: cairo where dh_application_pick_renderer() says so,
 * unless the user set GSK_RENDERER.
 */
void
dh_application_choose_renderer (void)
{
  const char *renderer;

  if (g_getenv ("GSK_RENDERER") != NULL)
    return;

  renderer = dh_application_pick_renderer ("/dev/dri");
  if (renderer != NULL)
    g_setenv ("GSK_RENDERER", renderer, FALSE);
}

DhApplication *
dh_application_new (void)
{
  return g_object_new (DH_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/donghanh/DongHanh",
                       NULL);
}
