/* app-test.c – what the application's tests share: a demo store, the application and its window over it, each case in a process of its own */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gstdio.h>

#include "app-test.h"
#include "dh-demo.h"
#include "dh-i18n.h"

/* A temporary folder for a store that is not there yet. */
void
app_fixture_make_directory (AppFixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->directory = g_dir_make_tmp ("donghanh-app-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->store_path = g_build_filename (fixture->directory, "store.db", NULL);
}

/* A new store with the demo province and @households made up from @seed,
 * the same each time. */
void
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

/* The application on the fixture's store, and its window, shown. */
void
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

DhContext *
app_fixture_context (AppFixture *fixture)
{
  return dh_application_get_context (fixture->app);
}

DhStore *
app_fixture_store (AppFixture *fixture)
{
  return dh_context_get_store (app_fixture_context (fixture));
}

/* Runs what is ready to run, without waiting. */
void
app_fixture_spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Lets the main loop run until the window's reads are done. */
void
app_fixture_wait (DhWindow *window)
{
  do
    g_main_context_iteration (NULL, TRUE);
  while (dh_window_is_loading (window));
  app_fixture_spin ();
}

/* Closes the window and any dialog left open (without asking), and
 * removes the store. */
void
app_fixture_tear_down (AppFixture *fixture)
{
  g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

  for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i - 1);

      if (window != GTK_WINDOW (fixture->window))
        gtk_window_destroy (window);
    }
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  g_clear_object (&fixture->app);
  app_fixture_spin ();

  g_remove (fixture->store_path);
  g_rmdir (fixture->directory);
  g_clear_pointer (&fixture->store_path, g_free);
  g_clear_pointer (&fixture->directory, g_free);
  g_clear_pointer (&fixture->household_id, g_free);
}

static AppTestFunc fixture_set_up;

/* Each case runs in a process of its own, as the application does: one
 * application, one display connection, nothing left over from another. */
static void
run_case (gconstpointer data)
{
  const AppTestCase *test_case = data;
  AppFixture fixture = { 0 };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  fixture_set_up (&fixture, test_case->data);
  test_case->test (&fixture, test_case->data);
  app_fixture_tear_down (&fixture);
}

/**
 * app_test_run:
 * @set_up: makes the fixture of each case
 *
 * Runs @cases, each in a process of its own. Meson runs each program
 * twice: in English, where the cases check the words and the behaviour of
 * the application, and with LANGUAGE=vi, where only the cases marked
 * @vietnamese run, which read it as a Vietnamese caseworker does.
 */
int
app_test_run (int                argc,
              char             **argv,
              AppTestFunc        set_up,
              const AppTestCase *cases,
              gsize              n_cases)
{
  const char *language;
  gboolean vietnamese;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  dh_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  language = g_getenv ("LANGUAGE");
  vietnamese = g_str_has_prefix (language != NULL ? language : "", "vi");
  fixture_set_up = set_up;
  for (gsize i = 0; i < n_cases; i++)
    {
      if (cases[i].vietnamese == vietnamese)
        g_test_add_data_func (cases[i].path, &cases[i], run_case);
    }

  return g_test_run ();
}
