/* app-test.c – what the application's tests share: a demo store, the application over it, a main loop run to rest */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "app-test.h"
#include "dh-demo.h"

/* A new store at @path with the demo province and @households made up
 * from @seed, the same each time. */
void
app_test_make_demo_store (const char *path,
                          guint       households,
                          guint       seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = dh_store_open_full (path, DH_STORE_OPEN_CREATE, &error);
  DhDemoOptions options;

  g_assert_no_error (error);
  dh_demo_options_init (&options);
  options.households = households;
  options.seed = seed;
  g_assert_true (dh_demo_populate (store, &options, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* The application on the store at @store_path, and its window, shown. */
DhWindow *
app_test_open_window (const char     *store_path,
                      DhApplication **out_app)
{
  g_autoptr(GError) error = NULL;
  DhApplication *app = dh_application_new ();
  DhWindow *window;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  dh_application_set_store_path (app, store_path);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  window = g_object_ref_sink (dh_window_new (app));
  gtk_window_present (GTK_WINDOW (window));
  *out_app = app;

  return window;
}

/* Runs what is pending on the main loop, and returns when nothing is. */
void
app_test_spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Lets the main loop run until the window's reads are done. */
void
app_test_wait_for_window (DhWindow *window)
{
  do
    g_main_context_iteration (NULL, TRUE);
  while (dh_window_is_loading (window));
  app_test_spin ();
}
