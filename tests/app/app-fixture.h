/* app-fixture.h – an application on a temporary store, its window, and waiting for the window's reads */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib/gstdio.h>

#include "dh-application.h"
#include "dh-demo.h"
#include "dh-window.h"

typedef struct
{
  char          *directory;
  char          *store_path;
  DhApplication *app;
  DhWindow      *window;
} AppFixture;

/* A temporary folder for a store that is not there yet. */
static inline void
app_fixture_make_directory (AppFixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->directory = g_dir_make_tmp ("donghanh-app-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->store_path = g_build_filename (fixture->directory, "store.db", NULL);
}

static inline void
app_fixture_make_demo_store (AppFixture *fixture,
                             guint       households,
                             guint       seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = dh_store_open_full (fixture->store_path, DH_STORE_OPEN_CREATE, &error);
  DhDemoOptions options;

  g_assert_no_error (error);
  dh_demo_options_init (&options);
  options.households = households;
  options.seed = seed;
  g_assert_true (dh_demo_populate (store, &options, NULL, NULL, &error));
  g_assert_no_error (error);
}

static inline void
app_fixture_open_window (AppFixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->app = dh_application_new ();
  g_application_set_flags (G_APPLICATION (fixture->app), G_APPLICATION_NON_UNIQUE);
  dh_application_set_store_path (fixture->app, fixture->store_path);
  g_application_register (G_APPLICATION (fixture->app), NULL, &error);
  g_assert_no_error (error);

  fixture->window = g_object_ref_sink (dh_window_new (fixture->app));
  gtk_window_present (GTK_WINDOW (fixture->window));
}

/* Runs what is ready to run, without waiting. */
static inline void
app_fixture_spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Lets the main loop run until the window's reads are done. */
static inline void
app_fixture_wait (DhWindow *window)
{
  do
    g_main_context_iteration (NULL, TRUE);
  while (dh_window_is_loading (window));
  app_fixture_spin ();
}

static inline DhStore *
app_fixture_store (AppFixture *fixture)
{
  return dh_context_get_store (dh_application_get_context (fixture->app));
}

/* Closes the window and any dialog it left open, and removes the store. */
static inline void
app_fixture_tear_down (AppFixture *fixture)
{
  GList *windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    if (l->data != (gpointer) fixture->window)
      gtk_window_destroy (l->data);
  g_list_free (windows);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  g_clear_object (&fixture->app);
  app_fixture_spin ();

  g_remove (fixture->store_path);
  g_rmdir (fixture->directory);
  g_free (fixture->store_path);
  g_free (fixture->directory);
}
