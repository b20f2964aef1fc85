/* test-window.c – the main window, driven as a caseworker would, on a real display (Xvfb) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "app-test.h"
#include "dh-reports-window.h"
#include "dh-application.h"
#include "dh-autocleanups.h"
#include "dh-context.h"
#include "dh-demo.h"
#include "dh-entity.h"
#include "dh-household-row.h"
#include "dh-i18n.h"
#include "dh-import-dialog.h"
#include "dh-record.h"
#include "dh-text.h"
#include "dh-window.h"

#define N_HOUSEHOLDS 60

typedef AppFixture Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *kind = data;

  app_fixture_make_directory (fixture);
  if (g_strcmp0 (kind, "demo") == 0)
    app_fixture_make_demo_store (fixture, N_HOUSEHOLDS, 7);
  else if (g_strcmp0 (kind, "text") == 0)
    g_assert_true (g_file_set_contents (fixture->store_path, "a shopping list\n", -1, NULL));

  app_fixture_open_window (fixture);
}

static void
test_lists_the_households (Fixture       *fixture,
                           gconstpointer  data)
{
  GListModel *households;
  g_autofree char *expected = g_strdup_printf ("%d households", N_HOUSEHOLDS);

  app_fixture_wait (fixture->window);
  g_assert_cmpstr (dh_window_get_state (fixture->window), ==, "households");

  households = dh_window_get_households (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (households), ==, N_HOUSEHOLDS);
  g_assert_cmpstr (dh_window_get_count_text (fixture->window), ==, expected);

  /* by the given name first, as Vietnamese lists are */
  for (guint i = 1; i < g_list_model_get_n_items (households); i++)
    {
      g_autoptr(DhRecord) before = g_list_model_get_item (households, i - 1);
      g_autoptr(DhRecord) after = g_list_model_get_item (households, i);
      g_autofree char *before_key = NULL;
      g_autofree char *after_key = NULL;

      g_assert_true (dh_record_is_loaded (before));
      g_assert_true (dh_record_is_loaded (after));
      g_assert_cmpstr (dh_record_get_entity (after), ==, "household");
      before_key = dh_text_name_sort_key (dh_record_get_string (before, "head_name"));
      after_key = dh_text_name_sort_key (dh_record_get_string (after, "head_name"));
      g_assert_cmpint (strcmp (before_key, after_key), <=, 0);
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
  gint64 poor = app_fixture_count (fixture, "household", "classification=poor");

  app_fixture_wait (fixture->window);
  g_assert_cmpint (poor, >, 0);
  g_assert_cmpint (poor, <, N_HOUSEHOLDS);

  dh_window_set_filters (fixture->window, NULL, "poor");
  app_fixture_wait (fixture->window);
  households = dh_window_get_households (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (households), ==, poor);
  for (guint i = 0; i < g_list_model_get_n_items (households); i++)
    {
      g_autoptr(DhRecord) record = g_list_model_get_item (households, i);

      g_assert_cmpstr (dh_record_get_string (record, "classification"), ==, "poor");
    }

  first_village = dh_store_list (app_fixture_store (fixture), &villages, NULL);
  g_assert_cmpuint (first_village->len, ==, 1);
  village_id = dh_json_get_string (g_ptr_array_index (first_village, 0), "id");
  village_filter = g_strdup_printf ("village=%s", village_id);

  dh_window_set_filters (fixture->window, village_id, NULL);
  app_fixture_wait (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (dh_window_get_households (fixture->window)), ==,
                    app_fixture_count (fixture, "household", village_filter));

  /* back to all */
  dh_window_set_filters (fixture->window, NULL, NULL);
  app_fixture_wait (fixture->window);
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
  GListModel *list;
  gboolean seen = FALSE;

  app_fixture_wait (fixture->window);
  list = dh_window_get_households (fixture->window);
  some = dh_store_list (app_fixture_store (fixture), &query, NULL);
  head = dh_json_get_string (g_ptr_array_index (some, 0), "head_name");
  /* typed without its marks, as on a keyboard without a Vietnamese layout */
  folded = dh_text_fold (head);

  dh_window_set_search_text (fixture->window, folded);
  app_fixture_wait (fixture->window);
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
  app_fixture_wait (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (dh_window_get_households (fixture->window)), ==, 0);

  /* a household written while a search shows */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(json_object) fields = json_object_new_object ();
    g_autoptr(json_object) created = NULL;

    json_object_object_add (fields, "village", json_object_new_string (dh_json_get_string (g_ptr_array_index (some, 0), "village")));
    json_object_object_add (fields, "head_name", json_object_new_string ("Zơ Râm Thị Ưng"));
    created = dh_store_create (app_fixture_store (fixture), "household", fields, &error);
    g_assert_no_error (error);
    app_fixture_wait (fixture->window);
  }

  /* the search emptied, the list is the one it was (not read again whole
   * on the main thread), with what was written meanwhile */
  dh_window_set_search_text (fixture->window, "");
  app_fixture_wait (fixture->window);
  g_assert_true (dh_window_get_households (fixture->window) == list);
  while (g_list_model_get_n_items (list) != N_HOUSEHOLDS + 1)
    g_main_context_iteration (NULL, TRUE);
}

/* Whether the rows of the results' view show RESULTS, in order. */
static gboolean
rows_show (GtkListView *view,
           GListModel  *results)
{
  guint position = 0;

  for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (view));
       item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = gtk_widget_get_first_child (item);
      g_autoptr(DhRecord) found = NULL;

      if (row == NULL || !DH_IS_HOUSEHOLD_ROW (row))
        continue;
      found = g_list_model_get_item (results, position++);
      if (found == NULL
          || g_strcmp0 (dh_household_row_get_household_id (DH_HOUSEHOLD_ROW (row)), dh_record_get_id (found)) != 0)
        return FALSE;
    }

  return position == g_list_model_get_n_items (results);
}

static GtkWidget *
first_row (GtkListView *view)
{
  GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (view));

  return item != NULL ? gtk_widget_get_first_child (item) : NULL;
}

/* The rows of a search's results show what each search found, bound again
 * rather than made anew, and open the household they show. */
static void
test_result_rows_follow_each_search (Fixture       *fixture,
                                     gconstpointer  data)
{
  GtkListView *view = dh_window_get_results_view (fixture->window);
  GListModel *found;
  GtkWidget *row;
  g_autoptr(DhRecord) second = NULL;

  app_fixture_wait (fixture->window);
  dh_window_set_search_text (fixture->window, "th");
  app_fixture_wait (fixture->window);
  found = dh_window_get_households (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (found), >, 1);
  while (!rows_show (view, found))
    g_main_context_iteration (NULL, TRUE);
  row = first_row (view);

  /* a letter more */
  dh_window_set_search_text (fixture->window, "thi");
  app_fixture_wait (fixture->window);
  g_assert_true (dh_window_get_households (fixture->window) == found);
  g_assert_cmpuint (g_list_model_get_n_items (found), >, 1);
  while (!rows_show (view, found))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (first_row (view) == row);

  second = g_list_model_get_item (found, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "list.activate-item", "u", 1));
  g_assert_cmpstr (dh_window_get_household_id (fixture->window), ==, dh_record_get_id (second));
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

  app_fixture_wait (fixture->window);
  households = dh_window_get_households (fixture->window);
  record = g_list_model_get_item (households, 3);
  id = dh_record_get_id (record);
  g_assert_true (dh_window_show_household (fixture->window, id));
  g_assert_false (dh_window_show_household (fixture->window, "00000000-0000-7000-8000-000000000000"));
  /* a household that cannot be shown leaves the card as it was */
  g_assert_cmpstr (dh_window_get_household_id (fixture->window), ==, id);

  /* a write elsewhere in the program shows in the list */
  changes = json_tokener_parse ("{\"head_name\": \"Zơ Râm Thị Ưng\"}");
  updated = dh_store_update (app_fixture_store (fixture), "household", id, changes, &error);
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
  app_fixture_wait (fixture->window);
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

  app_fixture_wait (fixture->window);
  context = dh_application_get_context (fixture->app);
  villages = dh_store_list (app_fixture_store (fixture), &query, NULL);
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


static void
on_imported (DhImportDialog *dialog,
             const char     *summary,
             char          **out_summary)
{
  *out_summary = g_strdup (summary);
}

static void
wait_for_preview (DhImportDialog *dialog)
{
  while (g_strcmp0 (dh_import_dialog_get_state (dialog), "preview") != 0)
    g_main_context_iteration (NULL, TRUE);
}

/* The commune's list: every row shown with its problems before anything is
 * written; once it is right, one import writes it all. */
static void
test_import_previews_every_row (Fixture       *fixture,
                                gconstpointer  data)
{
  DhQuery query = { .entity = "household", .limit = 1 };
  g_autoptr(GPtrArray) first = NULL;
  json_object *known;
  g_autofree char *village = NULL;
  g_autofree char *csv = g_build_filename (fixture->directory, "danh-sach.csv", NULL);
  g_autofree char *bad = NULL, *good = NULL, *summary = NULL;
  DhImportDialog *dialog;
  g_autoptr(GError) error = NULL;
  GListModel *rows;
  guint problems = 0, news = 0, updates = 0;
  gint64 before = app_fixture_count (fixture, "household", NULL);
  gint64 pending_before;

  app_fixture_wait (fixture->window);
  first = dh_store_list (app_fixture_store (fixture), &query, &error);
  g_assert_no_error (error);
  known = g_ptr_array_index (first, 0);
  village = g_strdup (dh_context_get_place_name (dh_application_get_context (fixture->app),
                                                 dh_json_get_string (known, "village")));

  /* a known household with a new phone, a new one, and one with no head */
  bad = g_strdup_printf ("STT,Village,Household code,Head of household,Phone\n"
                         "1,%s,%s,%s,0912345678\n"
                         "2,%s,MOI-01,Lò Văn Pả,\n"
                         "3,%s,MOI-02,,\n",
                         village, dh_json_get_string (known, "code"), dh_json_get_string (known, "head_name"),
                         village, village);
  g_assert_true (g_file_set_contents (csv, bad, -1, NULL));
  pending_before = dh_store_count_pending_changes (app_fixture_store (fixture), NULL);

  dialog = dh_import_dialog_new (dh_application_get_context (fixture->app));
  g_signal_connect (dialog, "imported", G_CALLBACK (on_imported), &summary);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (fixture->window));
  gtk_window_present (GTK_WINDOW (dialog));
  dh_import_dialog_check_file (dialog, csv, FALSE);
  wait_for_preview (dialog);

  rows = dh_import_dialog_get_rows (dialog);
  g_assert_cmpuint (dh_import_dialog_get_report (dialog)->bad, ==, 1);
  g_assert_cmpuint (dh_import_dialog_get_report (dialog)->created, ==, 1);
  g_assert_cmpuint (dh_import_dialog_get_report (dialog)->updated, ==, 1);
  for (guint i = 0; i < dh_import_dialog_get_report (dialog)->rows->len; i++)
    {
      DhImportProblem *row = g_ptr_array_index (dh_import_dialog_get_report (dialog)->rows, i);

      news += row->kind == DH_IMPORT_ROW_NEW;
      updates += row->kind == DH_IMPORT_ROW_UPDATE;
    }
  problems = dh_import_dialog_get_report (dialog)->problems->len;
  g_assert_cmpuint (news, ==, 1);
  g_assert_cmpuint (updates, ==, 1);
  g_assert_cmpuint (problems, >=, 1);
  /* every row is in the preview: two good ones and the bad one's problems */
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 2 + problems);
  g_assert_nonnull (strstr (dh_import_dialog_get_summary (dialog), "STT"));
  /* with a bad row, Import is not there to press */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "import.run", NULL);
  g_assert_cmpstr (dh_import_dialog_get_state (dialog), ==, "preview");
  g_assert_cmpint (app_fixture_count (fixture, "household", NULL), ==, before);
  g_assert_cmpint (dh_store_count_pending_changes (app_fixture_store (fixture), NULL), ==, pending_before);

  /* corrected and checked again, it imports, all of it */
  good = g_strdup_printf ("Village,Household code,Head of household,Phone\n"
                          "%s,%s,%s,0912345678\n"
                          "%s,MOI-01,Lò Văn Pả,\n",
                          village, dh_json_get_string (known, "code"), dh_json_get_string (known, "head_name"),
                          village);
  g_assert_true (g_file_set_contents (csv, good, -1, NULL));
  dh_import_dialog_check_file (dialog, csv, FALSE);
  wait_for_preview (dialog);
  g_assert_cmpuint (dh_import_dialog_get_report (dialog)->bad, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 2);

  g_object_ref (dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "import.run", NULL));
  while (summary == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_object_unref (dialog);
  g_assert_nonnull (strstr (summary, "1 new, 1 updated"));
  g_assert_cmpint (app_fixture_count (fixture, "household", NULL), ==, before + 1);
  /* the new household's change; the update joins the known one's unsent creation */
  g_assert_cmpint (dh_store_count_pending_changes (app_fixture_store (fixture), NULL), ==, pending_before + 1);
  {
    g_autoptr(json_object) updated = dh_store_get (app_fixture_store (fixture), "household", dh_json_get_string (known, "id"), &error);

    g_assert_no_error (error);
    g_assert_cmpstr (dh_json_get_string (updated, "phone"), ==, "0912345678");
  }
}

/* The list exported in a worker thread, with a toast that says how far it
 * is and a Cancel button (the cancellation itself: test-async). */
static void
test_export_runs_aside (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->directory, "ho.csv", NULL);
  g_autofree char *contents = NULL;
  guint lines = 0;

  app_fixture_wait (fixture->window);

  dh_window_export_households (fixture->window, path);
  g_assert_true (dh_window_is_loading (fixture->window));
  app_fixture_wait (fixture->window);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  for (const char *p = contents; *p != '\0'; p++)
    lines += *p == '\n';
  /* the headings and one line a household */
  g_assert_cmpuint (lines, ==, N_HOUSEHOLDS + 1);
  g_remove (path);
}

static void
count_reads (gpointer data)
{
  (*(guint *) data)++;
}

/* The label of a row that says the last visit, or NULL. */
static GtkLabel *
last_visit_label (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found;

      if (GTK_IS_LABEL (child)
          && (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (child)), "Last visit ")
              || g_str_equal (gtk_label_get_label (GTK_LABEL (child)), "Never visited")))
        return GTK_LABEL (child);
      if ((found = last_visit_label (child)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
label_says_last_visit (GtkWidget *widget)
{
  return last_visit_label (widget) != NULL;
}

/* A row shows a household's last visit without reading the store while
 * it is bound: the visits the rows ask for are read together off the main
 * thread, then shown, and the same as read directly. */
static void
test_rows_read_last_visits_aside (Fixture       *fixture,
                                  gconstpointer  data)
{
  DhContext *context;
  GListModel *households;
  g_autoptr(DhRecord) first = NULL;
  guint reads = 0;
  GDate peeked, direct;

  app_fixture_wait (fixture->window);
  context = app_fixture_context (fixture);
  households = dh_window_get_households (fixture->window);
  first = g_list_model_get_item (households, 0);
  g_signal_connect_swapped (context, "last-visits-read", G_CALLBACK (count_reads), &reads);

  /* the rows shown got theirs, and say it in words */
  for (guint i = 0; i < 2000 && !label_says_last_visit (GTK_WIDGET (fixture->window)); i++)
    app_fixture_spin ();
  g_assert_true (label_says_last_visit (GTK_WIDGET (fixture->window)));

  /* a household further down, whose row asked for it, is known once it has
   * been read (the rows far from view ask nothing until they come near) */
  {
    g_autoptr(DhRecord) last = g_list_model_get_item (households, 5);
    GDate unknown;

    if (!dh_context_peek_last_visit (context, dh_record_get_id (last), &unknown))
      {
        for (guint i = 0; i < 2000 && reads == 0; i++)
          app_fixture_spin ();
        g_assert_cmpuint (reads, >, 0);
        g_assert_true (dh_context_peek_last_visit (context, dh_record_get_id (last), &unknown));
      }
  }

  /* what was read aside is what a direct read gives */
  for (guint i = 0; i < 2000 && !dh_context_peek_last_visit (context, dh_record_get_id (first), &peeked); i++)
    app_fixture_spin ();
  g_assert_true (dh_context_peek_last_visit (context, dh_record_get_id (first), &peeked));
  {
    g_autoptr(DhContext) fresh = dh_context_new (app_fixture_store (fixture), dh_context_get_settings (context));

    dh_context_get_last_visit (fresh, dh_record_get_id (first), &direct);
  }
  g_assert_cmpint (g_date_valid (&peeked), ==, g_date_valid (&direct));
  if (g_date_valid (&direct))
    g_assert_cmpint (g_date_compare (&peeked, &direct), ==, 0);
}

static void
note_emptied (GtkLabel   *label,
              GParamSpec *pspec,
              gpointer    user_data)
{
  if (gtk_label_get_label (label)[0] == '\0')
    (*(guint *) user_data)++;
}

/* A write forgets the last visits the window knew, and a household added
 * at the top moves every row down, which GTK 4.8 binds again: the rows
 * keep saying the last visit of the household they show while it is read
 * again, rather than each label emptied and filled in again (every one of
 * them shaped twice, in a frame). */
static void
test_rows_keep_last_visit_while_read_again (Fixture       *fixture,
                                            gconstpointer  data)
{
  GtkListView *view = dh_window_get_list_view (fixture->window);
  GListModel *households;
  GtkLabel *label = NULL;
  DhHouseholdRow *row = NULL;
  g_autofree char *said = NULL;
  g_autofree char *household_id = NULL;
  guint emptied = 0;

  app_fixture_wait (fixture->window);
  households = dh_window_get_households (fixture->window);
  for (guint i = 0; i < 2000 && label == NULL; i++)
    {
      app_fixture_spin ();
      for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (view));
           item != NULL && label == NULL;
           item = gtk_widget_get_next_sibling (item))
        {
          GtkWidget *child = gtk_widget_get_first_child (item);

          if (child != NULL && DH_IS_HOUSEHOLD_ROW (child) && (label = last_visit_label (child)) != NULL)
            row = DH_HOUSEHOLD_ROW (child);
        }
    }
  g_assert_nonnull (label);
  said = g_strdup (gtk_label_get_label (label));
  household_id = g_strdup (dh_household_row_get_household_id (row));
  g_signal_connect (label, "notify::label", G_CALLBACK (note_emptied), &emptied);

  /* "A" sorts before every given name of the demo */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(DhRecord) any = g_list_model_get_item (households, 0);
    g_autoptr(json_object) fields = json_object_new_object ();
    g_autoptr(json_object) created = NULL;

    json_object_object_add (fields, "village", json_object_new_string (dh_record_get_string (any, "village")));
    json_object_object_add (fields, "head_name", json_object_new_string ("Lò Văn A"));
    created = dh_store_create (app_fixture_store (fixture), "household", fields, &error);
    g_assert_no_error (error);
  }
  while (g_list_model_get_n_items (households) != N_HOUSEHOLDS + 1)
    g_main_context_iteration (NULL, TRUE);
  app_fixture_wait (fixture->window);
  for (guint i = 0; i < 200; i++)
    app_fixture_spin ();

  g_assert_cmpstr (dh_household_row_get_household_id (row), ==, household_id);
  g_assert_cmpuint (emptied, ==, 0);
  g_assert_cmpstr (gtk_label_get_label (label), ==, said);
}

/* A search's results go when its text is emptied: the next search shows
 * its own rows into an empty view, a few a frame, never a view of the old
 * results shown again and replaced all at once. */
static void
test_search_emptied_lets_its_results_go (Fixture       *fixture,
                                         gconstpointer  data)
{
  GtkListView *view = dh_window_get_results_view (fixture->window);
  GListModel *rows = G_LIST_MODEL (gtk_list_view_get_model (view));
  GListModel *found;

  app_fixture_wait (fixture->window);
  dh_window_set_search_text (fixture->window, "thi");
  app_fixture_wait (fixture->window);
  found = dh_window_get_households (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (found), >, 1);
  while (!rows_show (view, found))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, g_list_model_get_n_items (found));

  dh_window_set_search_text (fixture->window, "");
  app_fixture_wait (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (found), ==, 0);
  for (guint i = 0; i < 2000 && g_list_model_get_n_items (rows) > 0; i++)
    app_fixture_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (dh_window_get_households (fixture->window)), ==, N_HOUSEHOLDS);

  /* the next search: its own rows, and only those */
  dh_window_set_search_text (fixture->window, "van");
  app_fixture_wait (fixture->window);
  g_assert_true (dh_window_get_households (fixture->window) == found);
  g_assert_cmpuint (g_list_model_get_n_items (found), >, 1);
  while (!rows_show (view, found))
    g_main_context_iteration (NULL, TRUE);
}

/* The row of the households list that is for @household_id, or NULL. */
static DhHouseholdRow *
row_of (GtkListView *view,
        const char  *household_id)
{
  for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (view));
       item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = gtk_widget_get_first_child (item);

      if (row != NULL && DH_IS_HOUSEHOLD_ROW (row)
          && g_strcmp0 (dh_household_row_get_household_id (DH_HOUSEHOLD_ROW (row)), household_id) == 0)
        return DH_HOUSEHOLD_ROW (row);
    }
  return NULL;
}

/* The words of a row's first label: the head's name. */
static const char *
name_shown (DhHouseholdRow *row)
{
  GtkWidget *label = gtk_widget_get_first_child (gtk_widget_get_first_child (GTK_WIDGET (row)));

  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_label (GTK_LABEL (label));
}

/* The rows GTK keeps far from view wait to show their households until
 * they come near it, and then show them. */
static void
test_rows_far_from_view_wait_to_show (Fixture       *fixture,
                                      gconstpointer  data)
{
  GtkListView *view = dh_window_get_list_view (fixture->window);
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  GListModel *households;
  g_autoptr(DhRecord) first = NULL;
  g_autoptr(DhRecord) last = NULL;
  DhHouseholdRow *row;

  app_fixture_wait (fixture->window);
  app_fixture_wait_until_drawn (GTK_WIDGET (view));
  households = dh_window_get_households (fixture->window);
  first = g_list_model_get_item (households, 0);
  last = g_list_model_get_item (households, N_HOUSEHOLDS - 1);

  /* at the top: the first shows, the last waits */
  row = row_of (view, dh_record_get_id (first));
  g_assert_nonnull (row);
  g_assert_false (dh_household_row_is_deferred (row));
  g_assert_cmpstr (name_shown (row), ==, dh_record_get_string (first, "head_name"));
  row = row_of (view, dh_record_get_id (last));
  g_assert_nonnull (row);
  g_assert_true (dh_household_row_is_deferred (row));
  g_assert_cmpstr (name_shown (row), ==, "");

  /* at the end, the other way round */
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
  app_fixture_wait_until_drawn (GTK_WIDGET (view));
  row = row_of (view, dh_record_get_id (last));
  g_assert_nonnull (row);
  g_assert_false (dh_household_row_is_deferred (row));
  g_assert_cmpstr (name_shown (row), ==, dh_record_get_string (last, "head_name"));
}

/* ---- the commune's reports ------------------------------------------------------ */

static DhReportsWindow *
find_reports (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (DH_IS_REPORTS_WINDOW (window))
        return DH_REPORTS_WINDOW (window);
    }
  return NULL;
}

static DhReportsWindow *
open_reports (Fixture *fixture)
{
  DhReportsWindow *reports;

  app_fixture_wait (fixture->window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-reports", NULL));
  app_fixture_spin ();
  reports = find_reports ();
  g_assert_nonnull (reports);
  while (dh_reports_window_is_loading (reports))
    g_main_context_iteration (NULL, TRUE);
  app_fixture_spin ();
  return reports;
}

/* Closed while its reports are still being read, the window goes, and
 * the reads that end later touch nothing of it. */
static void
test_reports_closed_while_reading (Fixture       *fixture,
                                   gconstpointer  data)
{
  DhReportsWindow *reports;
  gint64 until;

  app_fixture_wait (fixture->window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-reports", NULL));
  reports = find_reports ();
  g_assert_nonnull (reports);
  g_assert_true (dh_reports_window_is_loading (reports));
  g_object_add_weak_pointer (G_OBJECT (reports), (gpointer *) &reports);
  gtk_window_destroy (GTK_WINDOW (reports));
  /* the bound only keeps a window that is never let go from hanging the test */
  until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (reports != NULL && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (reports);
  app_fixture_spin ();
  g_assert_cmpstr (dh_window_get_state (fixture->window), ==, "households");
}

static void
collect_of_type (GtkWidget *root,
                 GType      type,
                 GPtrArray *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        g_ptr_array_add (found, child);
      collect_of_type (child, type, found);
    }
}

/* The NTH widget of TYPE under ROOT, depth first, or NULL. */
static GtkWidget *
child_named (GtkWidget  *root,
             GType       type,
             guint       nth)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  collect_of_type (root, type, found);
  return nth < found->len ? g_ptr_array_index (found, nth) : NULL;
}

/* The text of the grid's cell, or NULL. */
static const char *
cell_text (GtkGrid *grid,
           int      column,
           int      row)
{
  GtkWidget *cell = gtk_grid_get_child_at (grid, column, row);

  return cell != NULL ? gtk_label_get_text (GTK_LABEL (cell)) : NULL;
}

static int
grid_rows (GtkGrid *grid)
{
  int rows = 0;

  while (gtk_grid_get_child_at (grid, 0, rows) != NULL)
    rows++;
  return rows;
}

/* Whether TEXT, or a part of it between " · ", is an id or a code of
 * the catalogues rather than words. */
static gboolean
looks_like_an_id_or_code (const char *text)
{
  g_autoptr(GRegex) code = g_regex_new ("[0-9a-f]{8}-[0-9a-f]{4}-|^(poor|near_poor|average|livestock|seed_plant|vbsp_loan|"
                                        "never_visited|not_visited_recently|next_visit_passed)$", 0, 0, NULL);
  g_auto(GStrv) parts = g_strsplit (text, " · ", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (g_regex_match (code, parts[i], 0, NULL))
        return TRUE;
    }
  return FALSE;
}

/* A commune official's reports: the households of each village by
 * class, adding up to the commune's; the support of the year; the
 * households due a visit, each opening its card. Names, never ids. */
static void
test_reports_of_the_commune (Fixture       *fixture,
                             gconstpointer  data)
{
  DhReportsWindow *reports = open_reports (fixture);
  DhStore *store = app_fixture_store (fixture);
  GtkGrid *villages = GTK_GRID (child_named (GTK_WIDGET (reports), GTK_TYPE_GRID, 0));
  GtkGrid *support = GTK_GRID (child_named (GTK_WIDGET (reports), GTK_TYPE_GRID, 1));
  GtkLabel *title = GTK_LABEL (gtk_widget_get_prev_sibling (GTK_WIDGET (villages)));
  GtkListBox *overdue = GTK_LIST_BOX (child_named (GTK_WIDGET (reports), GTK_TYPE_LIST_BOX, 0));
  g_autofree char *commune_name = NULL;
  g_autofree char *commune = NULL;
  g_autofree char *filter = NULL;
  const char *filters[2] = { NULL, NULL };
  DhQuery query = { .entity = "household" };
  GtkListBoxRow *first;
  const char *household;
  int rows;

  /* the commune named in the title, whose households the villages add up to */
  commune_name = g_strndup (gtk_label_get_text (title), strstr (gtk_label_get_text (title), ":") - gtk_label_get_text (title));
  commune = dh_store_resolve_place (store, "commune", commune_name, NULL, NULL);
  g_assert_nonnull (commune);
  filter = g_strdup_printf ("commune=%s", commune);
  filters[0] = filter;
  query.filters = filters;
  rows = grid_rows (villages);
  g_assert_cmpint (rows, >, 2);
  g_assert_cmpstr (cell_text (villages, 0, rows - 1), ==, "In all");
  g_assert_cmpint (g_ascii_strtoll (cell_text (villages, 1, rows - 1), NULL, 10), ==, dh_store_count (store, &query, NULL));
  for (int r = 0; r < rows; r++)
    for (int c = 0; cell_text (villages, c, r) != NULL; c++)
      g_assert_false (looks_like_an_id_or_code (cell_text (villages, c, r)));

  /* a household written while the window is open counts once the reports are read again */
  {
    gint64 before = g_ascii_strtoll (cell_text (villages, 1, rows - 1), NULL, 10);
    gint64 until;
    DhQuery village_query = { .entity = "village", .filters = filters, .limit = 1 };
    g_autoptr(GPtrArray) village = NULL;
    g_autoptr(json_object) fields = json_object_new_object ();
    g_autoptr(json_object) made = NULL;
    g_autofree char *in_commune = g_strdup_printf ("parent=%s", commune);
    const char *village_filters[] = { in_commune, NULL };

    village_query.filters = village_filters;
    village = dh_store_list (store, &village_query, NULL);
    g_assert_nonnull (village);
    g_assert_cmpuint (village->len, ==, 1);
    json_object_object_add (fields, "village", json_object_new_string (dh_json_get_string (g_ptr_array_index (village, 0), "id")));
    json_object_object_add (fields, "head_name", json_object_new_string ("Lò Văn Mới"));
    made = dh_store_create (store, "household", fields, NULL);
    g_assert_nonnull (made);
    /* the bound only keeps a window that never reads again from hanging the test */
    until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    do
      {
        app_fixture_spin ();
        while (dh_reports_window_is_loading (reports))
          g_main_context_iteration (NULL, TRUE);
        rows = grid_rows (villages);
      }
    while (g_ascii_strtoll (cell_text (villages, 1, rows - 1), NULL, 10) == before && g_get_monotonic_time () < until);
    g_assert_cmpint (g_ascii_strtoll (cell_text (villages, 1, rows - 1), NULL, 10), ==, before + 1);
  }

  /* this year's support: a kind a row, its amounts in đồng, and in all */
  rows = grid_rows (support);
  g_assert_cmpint (rows, >, 2);
  g_assert_cmpstr (cell_text (support, 0, rows - 1), ==, "In all");
  g_assert_nonnull (strstr (cell_text (support, 3, rows - 1), "₫"));
  for (int r = 0; r < rows; r++)
    for (int c = 0; cell_text (support, c, r) != NULL; c++)
      g_assert_false (looks_like_an_id_or_code (cell_text (support, c, r)));

  /* a household due a visit opens its card in the main window */
  first = gtk_list_box_get_row_at_index (overdue, 0);
  g_assert_nonnull (first);
  g_assert_false (looks_like_an_id_or_code (adw_action_row_get_subtitle (ADW_ACTION_ROW (first))));
  household = g_object_get_data (G_OBJECT (first), "household");
  g_assert_nonnull (household);
  g_signal_emit_by_name (overdue, "row-activated", first);
  app_fixture_spin ();
  g_assert_cmpstr (dh_window_get_household_id (fixture->window), ==, household);

  gtk_window_destroy (GTK_WINDOW (reports));
  app_fixture_spin ();
}

/* The same in Vietnamese, in pictures to look at. */
static void
test_reports_in_vietnamese (Fixture       *fixture,
                            gconstpointer  data)
{
  DhReportsWindow *reports = open_reports (fixture);
  AdwStyleManager *style = adw_style_manager_get_default ();
  AdwViewStack *stack = ADW_VIEW_STACK (child_named (GTK_WIDGET (reports), ADW_TYPE_VIEW_STACK, 0));
  GtkGrid *villages = GTK_GRID (child_named (GTK_WIDGET (reports), GTK_TYPE_GRID, 0));
  static const char * const pages[] = { "villages", "support", "overdue" };

  g_assert_cmpstr (cell_text (villages, 0, grid_rows (villages) - 1), ==, "Tổng cộng");
  g_assert_cmpstr (cell_text (villages, 0, 0), ==, "Thôn");
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *light = g_strdup_printf ("reports-%s-light-vi.png", pages[i]);
      g_autofree char *dark = g_strdup_printf ("reports-%s-dark-vi.png", pages[i]);

      adw_view_stack_set_visible_child_name (stack, pages[i]);
      adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
      app_fixture_save_picture (GTK_WIDGET (reports), light);
      adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
      app_fixture_save_picture (GTK_WIDGET (reports), dark);
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (GTK_WINDOW (reports));
  app_fixture_spin ();
}

int
main (int   argc,
      char *argv[])
{
  /* the data of each case: the store the window opens, "demo", "none" or "text" */
  static const AppTestCase cases[] = {
    { "/app/window/lists-the-households", test_lists_the_households, "demo", FALSE },
    { "/app/window/rows-read-last-visits-aside", test_rows_read_last_visits_aside, "demo", FALSE },
    { "/app/window/filters-by-class-and-village", test_filters_by_class_and_village, "demo", FALSE },
    { "/app/window/search-as-you-type", test_search_as_you_type, "demo", FALSE },
    { "/app/window/result-rows-follow-each-search", test_result_rows_follow_each_search, "demo", FALSE },
    { "/app/window/search-emptied-lets-its-results-go", test_search_emptied_lets_its_results_go, "demo", FALSE },
    { "/app/window/rows-far-from-view-wait-to-show", test_rows_far_from_view_wait_to_show, "demo", FALSE },
    { "/app/window/rows-keep-last-visit-while-read-again", test_rows_keep_last_visit_while_read_again, "demo", FALSE },
    { "/app/window/shows-a-household-and-follows-changes", test_shows_a_household_and_follows_changes, "demo", FALSE },
    { "/app/window/welcome-makes-a-store", test_welcome_makes_a_store, "none", FALSE },
    { "/app/window/other-file-is-refused-untouched", test_other_file_is_refused_untouched, "text", FALSE },
    { "/app/window/import-previews-every-row", test_import_previews_every_row, "demo", FALSE },
    { "/app/window/export-runs-aside", test_export_runs_aside, "demo", FALSE },
    { "/app/window/reports-of-the-commune", test_reports_of_the_commune, "demo", FALSE },
    { "/app/window/reports-closed-while-reading", test_reports_closed_while_reading, "demo", FALSE },
    { "/app/window/reports-in-vietnamese", test_reports_in_vietnamese, "demo", TRUE },
    /* every label, place, sum and date as a Vietnamese caseworker reads it */
    { "/app/window/speaks-vietnamese", test_speaks_vietnamese, "demo", TRUE },
  };

  return app_test_run (argc, argv, fixture_set_up, cases, G_N_ELEMENTS (cases));
}
