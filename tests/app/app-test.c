/* app-test.c – what the application's tests share: a demo store, the application and its window over it, each case in a process of its own */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gstdio.h>

#include "app-test.h"
#include "dh-demo.h"
#include "dh-i18n.h"
#include "../test-tree.h"

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

/* How many records of @entity the store has, of those that pass @filter
 * ("village=…"; NULL: all). */
gint64
app_fixture_count (AppFixture *fixture,
                   const char *entity,
                   const char *filter)
{
  const char *filters[] = { filter, NULL };
  DhQuery query = { .entity = entity, .filters = filter != NULL ? filters : NULL };
  g_autoptr(GError) error = NULL;
  gint64 n = dh_store_count (app_fixture_store (fixture), &query, &error);

  g_assert_no_error (error);
  return n;
}

/* How many records of @entity the case's household has. */
gint64
app_fixture_count_household (AppFixture *fixture,
                             const char *entity)
{
  g_autofree char *filter = g_strdup_printf ("household=%s", fixture->household_id);

  return app_fixture_count (fixture, entity, filter);
}

/* How many changes wait to leave the device. */
gint64
app_fixture_count_pending (AppFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  gint64 n = dh_store_count_pending_changes (app_fixture_store (fixture), &error);

  g_assert_no_error (error);
  return n;
}

/* As after a sync: the server took the changes of @record_id (NULL: of
 * every record); a later edit makes a change of its own instead of
 * joining one still waiting. */
void
app_fixture_acknowledge (AppFixture *fixture,
                         const char *record_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = dh_store_get_pending_changes (app_fixture_store (fixture), DH_STORE_MAX_LIMIT, &error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  for (guint i = 0; i < changes->len; i++)
    {
      json_object *change = g_ptr_array_index (changes, i);
      const char *changed = dh_json_get_string (change, "r");

      if (record_id == NULL || g_strcmp0 (changed, record_id) == 0)
        g_ptr_array_add (ids, g_strdup_printf ("%s@%s", changed, dh_json_get_string (change, "k")));
    }
  if (record_id != NULL)
    g_assert_cmpuint (ids->len, >, 0);
  g_ptr_array_add (ids, NULL);
  g_assert_true (dh_store_acknowledge_changes (app_fixture_store (fixture), (const char * const *) ids->pdata, &error));
  g_assert_no_error (error);
}

/* Runs what is ready to run, without waiting. */
void
app_fixture_spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Lets the main loop run until the window's reads are done. */
void
app_fixture_wait (DhWindow *window)
{
  /* a blocking iteration returns even when nothing else is to come */
  guint waker = g_timeout_add (20, wake_up, NULL);

  /* what the spin dispatches (the store's "changed", told on this thread
   * a moment after its commit) may start more reads: wait for those too */
  do
    {
      do
        g_main_context_iteration (NULL, TRUE);
      while (dh_window_is_loading (window));
      app_fixture_spin ();
    }
  while (dh_window_is_loading (window));
  g_source_remove (waker);
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

  test_remove_tree (fixture->directory);
  g_clear_pointer (&fixture->store_path, g_free);
  g_clear_pointer (&fixture->directory, g_free);
  g_clear_pointer (&fixture->household_id, g_free);
}

static void
on_after_paint (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

/* Lets @widget be mapped, laid out and painted once more. */
void
app_fixture_wait_until_drawn (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong handler;

  while (!gtk_widget_get_mapped (widget))
    g_main_context_iteration (NULL, TRUE);

  clock = gtk_widget_get_frame_clock (widget);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &painted);
  gtk_widget_queue_draw (widget);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  app_fixture_spin ();
}

/* Draws what @widget shows, once it is drawn, into NAME (a PNG file) in
 * $DH_SCREENSHOT_DIR, for people to look at. */
void
app_fixture_save_picture (GtkWidget  *widget,
                          const char *name)
{
  const char *directory = g_getenv ("DH_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width, height;

  app_fixture_wait_until_drawn (widget);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  if (directory == NULL)
    return;

  paintable = gtk_widget_paintable_new (widget);
  /* a widget just mapped may have drawn nothing yet: wait for its first frame */
  for (guint spins = 0; spins < 1000 && node == NULL; spins++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node == NULL)
        g_main_context_iteration (NULL, TRUE);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (directory, 0755);
  path = g_build_filename (directory, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("picture: %s", path);
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
