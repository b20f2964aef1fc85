/* test-window.c – the main window, driven as a caseworker would, on a real display (Xvfb) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gstdio.h>

#include "app-test.h"
#include "dh-application.h"
#include "dh-autocleanups.h"
#include "dh-context.h"
#include "dh-demo.h"
#include "dh-entity.h"
#include "dh-i18n.h"
#include "dh-record.h"
#include "dh-text.h"
#include "dh-window.h"

#define N_HOUSEHOLDS 60

typedef struct
{
  char          *directory;
  char          *store_path;
  DhApplication *app;
  DhWindow      *window;
} Fixture;

static void
open_window (Fixture *fixture)
{
  fixture->window = app_test_open_window (fixture->store_path, &fixture->app);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *kind = data;

  fixture->directory = g_dir_make_tmp ("donghanh-app-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->store_path = g_build_filename (fixture->directory, "store.db", NULL);

  if (g_strcmp0 (kind, "demo") == 0)
    app_test_make_demo_store (fixture->store_path, N_HOUSEHOLDS, 7);
  else if (g_strcmp0 (kind, "text") == 0)
    g_assert_true (g_file_set_contents (fixture->store_path, "a shopping list\n", -1, NULL));

  open_window (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  g_clear_object (&fixture->app);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_remove (fixture->store_path);
  g_rmdir (fixture->directory);
  g_free (fixture->store_path);
  g_free (fixture->directory);
}

static void
wait_for_window (DhWindow *window)
{
  app_test_wait_for_window (window);
}

static DhStore *
store_of (Fixture *fixture)
{
  return dh_context_get_store (dh_application_get_context (fixture->app));
}

static gint64
count_households (Fixture    *fixture,
                  const char *filter)
{
  const char *filters[] = { filter, NULL };
  DhQuery query = { .entity = "household", .filters = filter != NULL ? filters : NULL };
  g_autoptr(GError) error = NULL;
  gint64 n = dh_store_count (store_of (fixture), &query, &error);

  g_assert_no_error (error);
  return n;
}

static void
test_lists_the_households (Fixture       *fixture,
                           gconstpointer  data)
{
  GListModel *households;
  g_autofree char *expected = g_strdup_printf ("%d households", N_HOUSEHOLDS);

  wait_for_window (fixture->window);
  g_assert_cmpstr (dh_window_get_state (fixture->window), ==, "households");

  households = dh_window_get_households (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (households), ==, N_HOUSEHOLDS);
  g_assert_cmpstr (dh_window_get_count_text (fixture->window), ==, expected);

  /* by the given name first, as Vietnamese lists are */
  for (guint i = 1; i < g_list_model_get_n_items (households); i++)
    {
      g_autoptr(DhRecord) before = g_list_model_get_item (households, i - 1);
      g_autoptr(DhRecord) after = g_list_model_get_item (households, i);

      g_assert_true (dh_record_is_loaded (before));
      g_assert_true (dh_record_is_loaded (after));
      g_assert_cmpstr (dh_record_get_entity (after), ==, "household");
    }
}

static void
test_filters_by_class_and_village (Fixture       *fixture,
                                   gconstpointer  data)
{
  DhQuery villages = { .entity = "village", .limit = 1 };
  g_autoptr(GPtrArray) first_village = NULL;
  const char *village_id;
  g_autofree char *village_filter = NULL;
  GListModel *households;
  gint64 poor = count_households (fixture, "classification=poor");

  wait_for_window (fixture->window);
  g_assert_cmpint (poor, >, 0);
  g_assert_cmpint (poor, <, N_HOUSEHOLDS);

  dh_window_set_filters (fixture->window, NULL, "poor");
  wait_for_window (fixture->window);
  households = dh_window_get_households (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (households), ==, poor);
  for (guint i = 0; i < g_list_model_get_n_items (households); i++)
    {
      g_autoptr(DhRecord) record = g_list_model_get_item (households, i);

      g_assert_cmpstr (dh_record_get_string (record, "classification"), ==, "poor");
    }

  first_village = dh_store_list (store_of (fixture), &villages, NULL);
  g_assert_cmpuint (first_village->len, ==, 1);
  village_id = dh_json_get_string (g_ptr_array_index (first_village, 0), "id");
  village_filter = g_strdup_printf ("village=%s", village_id);

  dh_window_set_filters (fixture->window, village_id, NULL);
  wait_for_window (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (dh_window_get_households (fixture->window)), ==,
                    count_households (fixture, village_filter));

  /* back to all */
  dh_window_set_filters (fixture->window, NULL, NULL);
  wait_for_window (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (dh_window_get_households (fixture->window)), ==, N_HOUSEHOLDS);
}

static void
test_search_as_you_type (Fixture       *fixture,
                         gconstpointer  data)
{
  DhQuery query = { .entity = "household", .limit = 1 };
  g_autoptr(GPtrArray) some = NULL;
  const char *head;
  g_autofree char *folded = NULL;
  GListModel *found;
  gboolean seen = FALSE;

  wait_for_window (fixture->window);
  some = dh_store_list (store_of (fixture), &query, NULL);
  head = dh_json_get_string (g_ptr_array_index (some, 0), "head_name");
  /* typed without its marks, as on a keyboard without a Vietnamese layout */
  folded = dh_text_fold (head);

  dh_window_set_search_text (fixture->window, folded);
  wait_for_window (fixture->window);
  found = dh_window_get_households (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (found), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (found), <, N_HOUSEHOLDS);
  for (guint i = 0; i < g_list_model_get_n_items (found); i++)
    {
      g_autoptr(DhRecord) record = g_list_model_get_item (found, i);

      if (g_strcmp0 (dh_record_get_string (record, "head_name"), head) == 0)
        seen = TRUE;
    }
  g_assert_true (seen);
  g_assert_true (g_str_has_suffix (dh_window_get_count_text (fixture->window), "found"));

  dh_window_set_search_text (fixture->window, "khong co ai ten nay xyz");
  wait_for_window (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (dh_window_get_households (fixture->window)), ==, 0);

  dh_window_set_search_text (fixture->window, "");
  wait_for_window (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (dh_window_get_households (fixture->window)), ==, N_HOUSEHOLDS);
}

static void
test_shows_a_household_and_follows_changes (Fixture       *fixture,
                                            gconstpointer  data)
{
  GListModel *households;
  g_autoptr(DhRecord) record = NULL;
  g_autoptr(json_object) changes = NULL;
  g_autoptr(json_object) updated = NULL;
  g_autoptr(GError) error = NULL;
  const char *id;

  wait_for_window (fixture->window);
  households = dh_window_get_households (fixture->window);
  record = g_list_model_get_item (households, 3);
  id = dh_record_get_id (record);
  g_assert_true (dh_window_show_household (fixture->window, id));
  g_assert_false (dh_window_show_household (fixture->window, "00000000-0000-7000-8000-000000000000"));

  /* a write elsewhere in the program shows in the list */
  changes = json_tokener_parse ("{\"head_name\": \"Zơ Râm Thị Ưng\"}");
  updated = dh_store_update (store_of (fixture), "household", id, changes, &error);
  g_assert_no_error (error);
  for (guint spins = 0; spins < 1000; spins++)
    {
      gboolean renamed = FALSE;

      g_main_context_iteration (NULL, TRUE);
      for (guint i = 0; i < g_list_model_get_n_items (households) && !renamed; i++)
        {
          g_autoptr(DhRecord) row = g_list_model_get_item (households, i);

          renamed = g_strcmp0 (dh_record_get_string (row, "head_name"), "Zơ Râm Thị Ưng") == 0;
        }
      if (renamed)
        return;
    }
  g_assert_not_reached ();
}

static void
test_welcome_makes_a_store (Fixture       *fixture,
                            gconstpointer  data)
{
  g_assert_cmpstr (dh_window_get_state (fixture->window), ==, "welcome");
  g_assert_false (g_file_test (fixture->store_path, G_FILE_TEST_EXISTS));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.create-store", "b", FALSE));
  wait_for_window (fixture->window);
  g_assert_cmpstr (dh_window_get_state (fixture->window), ==, "households");
  g_assert_true (g_file_test (fixture->store_path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (g_list_model_get_n_items (dh_window_get_households (fixture->window)), ==, 0);
}

static void
test_other_file_is_refused_untouched (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autofree char *contents = NULL;

  g_assert_cmpstr (dh_window_get_state (fixture->window), ==, "error");
  g_assert_true (g_file_get_contents (fixture->store_path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "a shopping list\n");
}

/* In Vietnamese, everything the caseworker reads: labels, places, money, dates. */
static void
test_speaks_vietnamese (Fixture       *fixture,
                        gconstpointer  data)
{
  DhContext *context;
  DhQuery query = { .entity = "village", .limit = 1 };
  g_autoptr(GPtrArray) villages = NULL;
  g_autoptr(json_object) record = NULL;
  g_autofree char *klass = NULL, *relation = NULL, *money = NULL, *date = NULL, *place = NULL, *ethnicity = NULL;
  g_autofree char *expected_count = g_strdup_printf ("%d hộ", N_HOUSEHOLDS);

  wait_for_window (fixture->window);
  context = dh_application_get_context (fixture->app);
  villages = dh_store_list (store_of (fixture), &query, NULL);
  record = json_object_new_object ();
  json_object_object_add (record, "classification", json_object_new_string ("poor"));
  json_object_object_add (record, "relation", json_object_new_string ("child"));
  json_object_object_add (record, "amount_vnd", json_object_new_int64 (1500000));
  json_object_object_add (record, "visited_on", json_object_new_string ("2026-11-24"));
  json_object_object_add (record, "village", json_object_new_string (dh_json_get_string (g_ptr_array_index (villages, 0), "id")));
  json_object_object_add (record, "ethnicity", json_object_new_string ("tay"));

  klass = dh_context_describe_value (context, "household", "classification", record);
  relation = dh_context_describe_value (context, "member", "relation", record);
  money = dh_context_describe_value (context, "support", "amount_vnd", record);
  date = dh_context_describe_value (context, "visit", "visited_on", record);
  place = dh_context_describe_value (context, "household", "village", record);
  ethnicity = dh_context_describe_value (context, "household", "ethnicity", record);

  g_assert_cmpstr (klass, ==, "Hộ nghèo");
  g_assert_cmpstr (relation, ==, "Con");
  g_assert_cmpstr (money, ==, "1.500.000 ₫");
  g_assert_cmpstr (date, ==, "24/11/2026");
  g_assert_cmpstr (place, ==, dh_json_get_string (g_ptr_array_index (villages, 0), "name"));
  g_assert_cmpstr (ethnicity, ==, "Tày");
  g_assert_cmpstr (dh_window_get_count_text (fixture->window), ==, expected_count);
}

typedef struct
{
  const char *kind;   /* the store the window opens: "demo", "none" or "text" */
  void      (*test) (Fixture *fixture, gconstpointer data);
} Case;

/* Each case runs in a process of its own, as the application does: one
 * application, one display connection, nothing left over from another. */
static void
run_case (gconstpointer data)
{
  const Case *test_case = data;
  Fixture fixture = { 0 };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  fixture_set_up (&fixture, test_case->kind);
  test_case->test (&fixture, test_case->kind);
  fixture_tear_down (&fixture, test_case->kind);
}

int
main (int   argc,
      char *argv[])
{
  static const Case lists = { "demo", test_lists_the_households };
  static const Case filters = { "demo", test_filters_by_class_and_village };
  static const Case search = { "demo", test_search_as_you_type };
  static const Case household = { "demo", test_shows_a_household_and_follows_changes };
  static const Case welcome = { "none", test_welcome_makes_a_store };
  static const Case other_file = { "text", test_other_file_is_refused_untouched };
  static const Case vietnamese = { "demo", test_speaks_vietnamese };

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  dh_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* Meson runs this program twice: in English, where the cases check the
   * words of the window, and with LANGUAGE=vi, where one checks that every
   * label, place, sum and date reads as a Vietnamese caseworker reads it */
  if (g_str_has_prefix (g_getenv ("LANGUAGE") != NULL ? g_getenv ("LANGUAGE") : "", "vi"))
    {
      g_test_add_data_func ("/app/window/speaks-vietnamese", &vietnamese, run_case);
      return g_test_run ();
    }

  g_test_add_data_func ("/app/window/lists-the-households", &lists, run_case);
  g_test_add_data_func ("/app/window/filters-by-class-and-village", &filters, run_case);
  g_test_add_data_func ("/app/window/search-as-you-type", &search, run_case);
  g_test_add_data_func ("/app/window/shows-a-household-and-follows-changes", &household, run_case);
  g_test_add_data_func ("/app/window/welcome-makes-a-store", &welcome, run_case);
  g_test_add_data_func ("/app/window/other-file-is-refused-untouched", &other_file, run_case);

  return g_test_run ();
}
