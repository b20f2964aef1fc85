/* test-review.c – the review and plan dialogs, driven as a caseworker would, on a real display (Xvfb) */
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
#include "dh-plan-dialog.h"
#include "dh-review-dialog.h"
#include "dh-window.h"

#define N_HOUSEHOLDS 30

/* household_id: the household reviewed */
typedef AppFixture Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) households = NULL;
  DhQuery query = { .entity = "household", .limit = 1 };
  GDate today;

  app_fixture_make_directory (fixture);
  app_fixture_make_demo_store (fixture, N_HOUSEHOLDS, 11);
  app_fixture_open_window (fixture);
  g_assert_nonnull (app_fixture_context (fixture));

  /* the autumn of 2026: the annual review makes the list of 2027 */
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 20, G_DATE_NOVEMBER, 2026);
  dh_store_set_today (app_fixture_store (fixture), &today);

  households = dh_store_list (app_fixture_store (fixture), &query, &error);
  g_assert_no_error (error);
  fixture->household_id = g_strdup (dh_json_get_string (g_ptr_array_index (households, 0), DH_RECORD_ID));
}

static DhReviewDialog *
open_review (Fixture  *fixture,
             gboolean  latest)
{
  g_autoptr(GError) error = NULL;
  DhReviewDialog *dialog = dh_review_dialog_new (app_fixture_context (fixture), fixture->household_id, latest, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dialog);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (fixture->window));
  gtk_window_present (GTK_WINDOW (dialog));

  return g_object_ref (dialog);
}

static void
type_into (DhReviewDialog *dialog,
           const char     *field,
           const char     *text)
{
  gtk_editable_set_text (GTK_EDITABLE (dh_review_dialog_get_field (dialog, field)), text);
}

static void
choose (GtkWidget *combo_row,
        guint      position)
{
  adw_combo_row_set_selected (ADW_COMBO_ROW (combo_row), position);
}

static void
set_deprived (DhReviewDialog *dialog,
              const char     *code,
              gboolean        deprived)
{
  AdwActionRow *row = dh_review_dialog_get_indicator_row (dialog, code);

  g_assert_nonnull (row);
  gtk_switch_set_active (GTK_SWITCH (adw_action_row_get_activatable_widget (row)), deprived);
}

static gboolean
shows_indicator (DhReviewDialog *dialog,
                 const char     *code)
{
  g_autoptr(GPtrArray) codes = dh_review_dialog_list_indicators (dialog);

  for (guint i = 0; i < codes->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (codes, i), code))
        return TRUE;
    }

  return FALSE;
}

/* Saves as Ctrl+Return does; TRUE when the dialog saved and closed. */
static gboolean
save (gpointer dialog)
{
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "edit.save", NULL);
  return !gtk_widget_get_visible (GTK_WIDGET (dialog));
}

/* A rural household reviewed in June 2025 for the list of 2025. */
static DhReviewDialog *
start_2025_review (Fixture *fixture)
{
  DhReviewDialog *dialog = open_review (fixture, FALSE);

  type_into (dialog, "reviewed_on", "10/06/2025");
  choose (dh_review_dialog_get_field (dialog, "review_kind"), 0);   /* annual */
  choose (dh_review_dialog_get_field (dialog, "area"), 0);          /* rural */
  return dialog;
}

static void
test_indicators_follow_the_list_year (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(DhReviewDialog) dialog = open_review (fixture, FALSE);
  g_autoptr(GPtrArray) codes = NULL;
  const DhStandard *standard;

  /* a new review is dated today and annual: autumn 2026, the list of 2027 */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dh_review_dialog_get_field (dialog, "reviewed_on"))), ==, "20/11/2026");
  g_assert_cmpint (dh_review_dialog_get_list_year (dialog), ==, 2027);
  standard = dh_review_dialog_get_standard (dialog);
  g_assert_nonnull (standard);
  g_assert_cmpstr (standard->id, ==, "VN-2027");
  g_assert_true (shows_indicator (dialog, "WST"));
  g_assert_false (shows_indicator (dialog, "INF"));
  codes = dh_review_dialog_list_indicators (dialog);
  g_assert_cmpuint (codes->len, ==, standard->n_indicators);
  /* the 2027 set is provisional, and the dialog says so */
  g_assert_nonnull (dh_review_dialog_get_provisional_note (dialog));
  g_assert_true (strstr (dh_review_dialog_get_provisional_note (dialog), "until the province's catalogue update confirms it") != NULL);
  /* each indicator is shown with its definition */
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (dh_review_dialog_get_indicator_row (dialog, "WST"))),
                   ==, "Household waste treatment");
  g_assert_cmpstr (adw_action_row_get_subtitle (dh_review_dialog_get_indicator_row (dialog, "WST")),
                   ==, "The household's waste is not collected or treated hygienically");

  /* a review of 2025 falls under the 2022 standard and its twelve indicators */
  type_into (dialog, "reviewed_on", "10/06/2025");
  g_assert_cmpint (dh_review_dialog_get_list_year (dialog), ==, 2025);
  g_assert_cmpstr (dh_review_dialog_get_standard (dialog)->id, ==, "VN-2022");
  g_assert_true (shows_indicator (dialog, "INF"));
  g_assert_false (shows_indicator (dialog, "WST"));
  g_clear_pointer (&codes, g_ptr_array_unref);
  codes = dh_review_dialog_list_indicators (dialog);
  g_assert_cmpuint (codes->len, ==, 12);
  g_assert_null (dh_review_dialog_get_provisional_note (dialog));

  /* an ad-hoc review of autumn 2026 is for the list of 2026: the 2022 standard */
  type_into (dialog, "reviewed_on", "15/10/2026");
  g_assert_cmpstr (dh_review_dialog_get_standard (dialog)->id, ==, "VN-2027");
  choose (dh_review_dialog_get_field (dialog, "review_kind"), 1);
  g_assert_cmpint (dh_review_dialog_get_list_year (dialog), ==, 2026);
  g_assert_cmpstr (dh_review_dialog_get_standard (dialog)->id, ==, "VN-2022");

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_proposal_follows_input_and_is_stored (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autoptr(DhReviewDialog) dialog = start_2025_review (fixture);
  g_autoptr(json_object) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *shown = NULL;
  gint64 reviews = app_fixture_count_household (fixture, "assessment");
  gint64 changes = app_fixture_count_pending (fixture);
  json_object *deprived;

  type_into (dialog, "income_per_capita", "1.200.000");
  g_assert_cmpstr (dh_review_dialog_get_proposed_class (dialog), ==, "near_poor");
  g_assert_cmpstr (dh_review_dialog_get_proposal_title (dialog), ==, "Near-poor household");

  set_deprived (dialog, "HI", TRUE);
  set_deprived (dialog, "WAT", TRUE);
  g_assert_cmpstr (dh_review_dialog_get_proposed_class (dialog), ==, "near_poor");
  set_deprived (dialog, "TOI", TRUE);
  g_assert_cmpstr (dh_review_dialog_get_proposed_class (dialog), ==, "poor");
  g_assert_true (strstr (dh_review_dialog_get_reasons (dialog), "at or below the rural threshold 1.500.000 ₫ of VN-2022") != NULL);
  /* the indicators by their names, not their codes */
  g_assert_true (strstr (dh_review_dialog_get_reasons (dialog),
                         "3 deprivations (Health insurance, Water for household use, Hygienic latrine)") != NULL);

  /* above the threshold, in the average band */
  type_into (dialog, "income_per_capita", "1800000");
  g_assert_cmpstr (dh_review_dialog_get_proposed_class (dialog), ==, "average");
  type_into (dialog, "income_per_capita", "1 400 000");
  g_assert_cmpstr (dh_review_dialog_get_proposed_class (dialog), ==, "poor");
  g_assert_null (dh_review_dialog_get_proposal_message (dialog));
  shown = g_strdup (dh_review_dialog_get_proposed_class (dialog));

  g_assert_true (save (dialog));
  g_assert_nonnull (dh_review_dialog_get_review_id (dialog));
  g_assert_cmpint (app_fixture_count_household (fixture, "assessment"), ==, reviews + 1);
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, changes + 1);

  stored = dh_store_get (app_fixture_store (fixture), "assessment", dh_review_dialog_get_review_id (dialog), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (stored, "proposed_class"), ==, shown);
  g_assert_cmpstr (dh_json_get_string (stored, "standard"), ==, "VN-2022");
  g_assert_cmpstr (dh_json_get_string (stored, "reviewed_on"), ==, "2025-06-10");
  g_assert_cmpstr (dh_json_get_string (stored, "area"), ==, "rural");
  g_assert_cmpint (dh_json_get_int (stored, "income_per_capita", 0), ==, 1400000);
  g_assert_true (json_object_object_get_ex (stored, "deprived", &deprived));
  g_assert_cmpuint (json_object_array_length (deprived), ==, 3);
  g_assert_null (dh_json_get_string (stored, "official_class"));
}

static void
test_score_without_limits_is_refused (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(DhReviewDialog) dialog = open_review (fixture, FALSE);
  g_autoptr(json_object) fields = NULL;
  g_autoptr(json_object) created = NULL;
  g_autoptr(GError) error = NULL;
  gint64 reviews = app_fixture_count_household (fixture, "assessment");
  gint64 changes = app_fixture_count_pending (fixture);

  /* the annual review of autumn 2026 is under VN-2027, which has no score-A limits yet */
  type_into (dialog, "reviewed_on", "15/10/2026");
  choose (dh_review_dialog_get_field (dialog, "area"), 0);
  type_into (dialog, "score_a", "120");
  set_deprived (dialog, "WST", TRUE);
  g_assert_cmpstr (dh_review_dialog_get_standard (dialog)->id, ==, "VN-2027");
  g_assert_null (dh_review_dialog_get_proposed_class (dialog));
  g_assert_nonnull (dh_review_dialog_get_proposal_message (dialog));
  g_assert_true (dh_edit_dialog_has_errors (DH_EDIT_DIALOG (dialog)));

  /* the store refuses the same review in the same words */
  fields = json_object_new_object ();
  json_object_object_add (fields, "household", json_object_new_string (fixture->household_id));
  json_object_object_add (fields, "reviewed_on", json_object_new_string ("2026-10-15"));
  json_object_object_add (fields, "area", json_object_new_string ("rural"));
  json_object_object_add (fields, "score_a", json_object_new_int (120));
  created = dh_store_create (app_fixture_store (fixture), "assessment", fields, &error);
  g_assert_null (created);
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, ==, dh_review_dialog_get_proposal_message (dialog));

  g_assert_false (save (dialog));
  g_assert_cmpint (app_fixture_count_household (fixture, "assessment"), ==, reviews);
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, changes);

  /* with the income per person, the income decides */
  type_into (dialog, "income_per_capita", "2.000.000");
  g_assert_cmpstr (dh_review_dialog_get_proposed_class (dialog), ==, "near_poor");
  g_assert_false (dh_edit_dialog_has_errors (DH_EDIT_DIALOG (dialog)));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_bad_input_writes_nothing (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(DhReviewDialog) dialog = start_2025_review (fixture);
  g_autoptr(json_object) fields = NULL;
  g_autoptr(json_object) created = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *income = dh_review_dialog_get_field (dialog, "income_per_capita");
  GtkWidget *date = dh_review_dialog_get_field (dialog, "reviewed_on");
  gint64 reviews = app_fixture_count_household (fixture, "assessment");
  gint64 changes = app_fixture_count_pending (fixture);
  const char *message;

  type_into (dialog, "income_per_capita", "1,5 triệu");
  message = dh_edit_dialog_get_field_error (DH_EDIT_DIALOG (dialog), income);
  g_assert_nonnull (message);
  /* the store's words, without the name of the field it is shown on */
  fields = json_object_new_object ();
  json_object_object_add (fields, "household", json_object_new_string (fixture->household_id));
  json_object_object_add (fields, "reviewed_on", json_object_new_string ("2025-06-10"));
  json_object_object_add (fields, "income_per_capita", json_object_new_string ("1,5 triệu"));
  created = dh_store_create (app_fixture_store (fixture), "assessment", fields, &error);
  g_assert_null (created);
  g_assert_true (g_str_has_prefix (error->message, "income_per_capita: "));
  g_assert_cmpstr (message + 1, ==, error->message + strlen ("income_per_capita: ") + 1);
  g_assert_true (dh_edit_dialog_has_errors (DH_EDIT_DIALOG (dialog)));
  g_assert_false (save (dialog));
  g_assert_cmpint (app_fixture_count_household (fixture, "assessment"), ==, reviews);
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, changes);

  /* a review cannot be dated after today */
  type_into (dialog, "income_per_capita", "1.200.000");
  g_assert_null (dh_edit_dialog_get_field_error (DH_EDIT_DIALOG (dialog), income));
  type_into (dialog, "reviewed_on", "01/12/2026");
  g_assert_nonnull (dh_edit_dialog_get_field_error (DH_EDIT_DIALOG (dialog), date));
  g_assert_true (strstr (dh_edit_dialog_get_field_error (DH_EDIT_DIALOG (dialog), date), "is in the future") != NULL);
  g_assert_false (save (dialog));

  /* a recognition without its date */
  type_into (dialog, "reviewed_on", "10/06/2025");
  g_assert_false (dh_edit_dialog_has_errors (DH_EDIT_DIALOG (dialog)));
  choose (dh_review_dialog_get_field (dialog, "official_class"), 1);
  message = dh_edit_dialog_get_field_error (DH_EDIT_DIALOG (dialog), dh_review_dialog_get_field (dialog, "decided_on"));
  g_assert_nonnull (message);
  g_assert_true (strstr (message, "needs both the class it recognised and the date it decided") != NULL);
  g_assert_false (save (dialog));

  /* nor one decided before the review */
  type_into (dialog, "decided_on", "01/06/2025");
  message = dh_edit_dialog_get_field_error (DH_EDIT_DIALOG (dialog), dh_review_dialog_get_field (dialog, "decided_on"));
  g_assert_nonnull (message);
  g_assert_true (g_str_has_prefix (message, "The decision is dated before the review"));
  g_assert_false (save (dialog));

  g_assert_cmpint (app_fixture_count_household (fixture, "assessment"), ==, reviews);
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, changes);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_recognition_added_later (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(DhReviewDialog) dialog = open_review (fixture, FALSE);
  g_autoptr(DhReviewDialog) again = NULL;
  g_autoptr(json_object) household = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(json_object) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *review_id = NULL;
  gint64 reviews;
  guint of_review = 0;

  /* today's annual review, newer than the demo's of last October */
  choose (dh_review_dialog_get_field (dialog, "area"), 0);
  type_into (dialog, "income_per_capita", "1.000.000");
  set_deprived (dialog, "HQ", TRUE);
  set_deprived (dialog, "HA", TRUE);
  set_deprived (dialog, "TEL", TRUE);
  g_assert_true (save (dialog));
  review_id = g_strdup (dh_review_dialog_get_review_id (dialog));
  reviews = app_fixture_count_household (fixture, "assessment");
  /* as after a sync: nothing waits to leave the device */
  app_fixture_acknowledge (fixture, NULL);
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, 0);

  /* weeks later, the commune decides: the latest review is opened again */
  again = open_review (fixture, TRUE);
  g_assert_cmpstr (dh_review_dialog_get_review_id (again), ==, review_id);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dh_review_dialog_get_field (again, "reviewed_on"))), ==, "20/11/2026");
  g_assert_cmpstr (dh_review_dialog_get_proposed_class (again), ==, "poor");
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (adw_action_row_get_activatable_widget (dh_review_dialog_get_indicator_row (again, "HA")))));
  g_assert_false (dh_edit_dialog_get_modified (DH_EDIT_DIALOG (again)));

  choose (dh_review_dialog_get_field (again, "official_class"), 1);   /* poor */
  type_into (again, "decided_on", "20/11/2026");
  g_assert_false (dh_edit_dialog_has_errors (DH_EDIT_DIALOG (again)));
  g_assert_true (save (again));

  g_assert_cmpint (app_fixture_count_household (fixture, "assessment"), ==, reviews);
  stored = dh_store_get (app_fixture_store (fixture), "assessment", review_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (stored, "official_class"), ==, "poor");
  g_assert_cmpstr (dh_json_get_string (stored, "decided_on"), ==, "2026-11-20");
  g_assert_cmpint (dh_json_get_int (stored, "income_per_capita", 0), ==, 1000000);

  /* one change of the review waits to leave, and one of the household,
   * whose class follows the recognition */
  changes = dh_store_get_pending_changes (app_fixture_store (fixture), DH_STORE_MAX_LIMIT, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < changes->len; i++)
    {
      json_object *wire = g_ptr_array_index (changes, i);

      if (g_strcmp0 (dh_json_get_string (wire, "r"), review_id) == 0)
        of_review++;
      else
        g_assert_cmpstr (dh_json_get_string (wire, "r"), ==, fixture->household_id);
    }
  g_assert_cmpuint (of_review, ==, 1);
  g_assert_cmpuint (changes->len, ==, 2);
  household = dh_store_get (app_fixture_store (fixture), "household", fixture->household_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dh_json_get_string (household, "classification"), ==, "poor");
  g_assert_cmpstr (dh_json_get_string (household, "recognized_on"), ==, "2026-11-20");
}

static void
type_plan (DhPlanDialog *dialog,
           const char   *field,
           const char   *text)
{
  gtk_editable_set_text (GTK_EDITABLE (dh_plan_dialog_get_field (dialog, field)), text);
}

static void
test_plan_dialog_saves_one_record (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhPlanDialog) dialog = NULL;
  g_autoptr(DhPlanDialog) again = NULL;
  g_autoptr(json_object) stored = NULL;
  g_autofree char *plan_id = NULL;
  gint64 plans;
  gint64 changes;

  /* the household's plans are removed first: a new one is registered */
  while (app_fixture_count_household (fixture, "exit_plan") > 0)
    {
      g_autofree char *filter = g_strdup_printf ("household=%s", fixture->household_id);
      const char *filters[] = { filter, NULL };
      DhQuery query = { .entity = "exit_plan", .filters = filters, .limit = 1 };
      g_autoptr(GPtrArray) found = dh_store_list (app_fixture_store (fixture), &query, &error);

      g_assert_true (dh_store_delete (app_fixture_store (fixture), "exit_plan",
                                      dh_json_get_string (g_ptr_array_index (found, 0), DH_RECORD_ID), &error));
      g_assert_no_error (error);
    }
  plans = 0;
  changes = app_fixture_count_pending (fixture);

  dialog = g_object_ref (dh_plan_dialog_new (app_fixture_context (fixture), fixture->household_id, &error));
  g_assert_no_error (error);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_null (dh_plan_dialog_get_plan_id (dialog));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dh_plan_dialog_get_field (dialog, "registered_on"))), ==, "20/11/2026");

  /* a target before the registration is refused in the store's words */
  type_plan (dialog, "target_year", "2025");
  g_assert_nonnull (dh_edit_dialog_get_field_error (DH_EDIT_DIALOG (dialog), dh_plan_dialog_get_field (dialog, "target_year")));
  g_assert_true (strstr (dh_edit_dialog_get_field_error (DH_EDIT_DIALOG (dialog), dh_plan_dialog_get_field (dialog, "target_year")),
                         "before the year of registration 2026") != NULL);
  g_assert_false (save (dialog));
  g_assert_cmpint (app_fixture_count_household (fixture, "exit_plan"), ==, plans);

  type_plan (dialog, "target_year", "2027");
  type_plan (dialog, "commitments", "Nuôi 2 con bò, trồng 1 ha keo");
  type_plan (dialog, "support_needed", "Vay vốn ngân hàng chính sách");
  g_assert_false (dh_edit_dialog_has_errors (DH_EDIT_DIALOG (dialog)));
  g_assert_true (save (dialog));
  g_assert_cmpint (app_fixture_count_household (fixture, "exit_plan"), ==, plans + 1);
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, changes + 1);
  plan_id = g_strdup (dh_plan_dialog_get_plan_id (dialog));
  stored = dh_store_get (app_fixture_store (fixture), "exit_plan", plan_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dh_json_get_int (stored, "target_year", 0), ==, 2027);
  g_assert_cmpstr (dh_json_get_string (stored, "status"), ==, "registered");
  g_assert_cmpstr (dh_json_get_string (stored, "registered_on"), ==, "2026-11-20");
  g_assert_cmpstr (dh_json_get_string (stored, "commitments"), ==, "Nuôi 2 con bò, trồng 1 ha keo");

  /* opened again, the same plan is brought up to date */
  again = g_object_ref (dh_plan_dialog_new (app_fixture_context (fixture), fixture->household_id, &error));
  g_assert_no_error (error);
  gtk_window_present (GTK_WINDOW (again));
  g_assert_cmpstr (dh_plan_dialog_get_plan_id (again), ==, plan_id);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dh_plan_dialog_get_field (again, "target_year"))), ==, "2027");
  adw_combo_row_set_selected (ADW_COMBO_ROW (dh_plan_dialog_get_field (again, "status")), 1);   /* on track */
  g_assert_true (save (again));
  g_assert_cmpint (app_fixture_count_household (fixture, "exit_plan"), ==, plans + 1);
  g_clear_pointer (&stored, json_object_put);
  stored = dh_store_get (app_fixture_store (fixture), "exit_plan", plan_id, &error);
  g_assert_cmpstr (dh_json_get_string (stored, "status"), ==, "on_track");
}

/* The card's buttons open the dialogs on the household shown. */
static void
test_card_opens_the_dialogs (Fixture       *fixture,
                             gconstpointer  data)
{
  const char * const actions[] = { "win.new-review", "win.edit-review", "win.edit-plan" };

  g_assert_true (dh_window_show_household (fixture->window, fixture->household_id));
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      GListModel *toplevels = gtk_window_get_toplevels ();
      GtkWindow *opened = NULL;

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), actions[i], NULL));
      for (guint j = 0; j < g_list_model_get_n_items (toplevels); j++)
        {
          g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, j);

          if (DH_IS_REVIEW_DIALOG (window) || DH_IS_PLAN_DIALOG (window))
            opened = window;
        }
      g_assert_nonnull (opened);
      g_assert_true (gtk_window_get_transient_for (opened) == GTK_WINDOW (fixture->window));
      if (g_str_equal (actions[i], "win.edit-plan"))
        g_assert_true (DH_IS_PLAN_DIALOG (opened));
      else
        g_assert_true (DH_IS_REVIEW_DIALOG (opened));
      /* the demo household was reviewed last October: its review is opened */
      if (g_str_equal (actions[i], "win.edit-review"))
        g_assert_nonnull (dh_review_dialog_get_review_id (DH_REVIEW_DIALOG (opened)));
      if (g_str_equal (actions[i], "win.new-review"))
        g_assert_null (dh_review_dialog_get_review_id (DH_REVIEW_DIALOG (opened)));
      gtk_window_destroy (opened);
    }
}

/* ---- screenshots ----------------------------------------------------------- */

static void
scroll_to_end (DhReviewDialog *dialog)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (dh_review_dialog_get_field (dialog, "notes"), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

  app_fixture_wait_until_drawn (GTK_WIDGET (dialog));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
}

/* In Vietnamese: the indicators, their definitions, the kinds and the class as a caseworker reads them. */
static void
test_speaks_vietnamese (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(DhReviewDialog) dialog = start_2025_review (fixture);
  AdwActionRow *insurance;
  GListModel *kinds;
  g_autoptr(GtkStringObject) annual = NULL;

  insurance = dh_review_dialog_get_indicator_row (dialog, "HI");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (insurance)), ==, "Bảo hiểm y tế");
  g_assert_cmpstr (adw_action_row_get_subtitle (insurance), ==,
                   "Hộ có ít nhất một người từ 6 tuổi trở lên không có bảo hiểm y tế");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (dh_review_dialog_get_indicator_row (dialog, "INF"))),
                   ==, "Phương tiện phục vụ tiếp cận thông tin");
  kinds = adw_combo_row_get_model (ADW_COMBO_ROW (dh_review_dialog_get_field (dialog, "review_kind")));
  annual = g_list_model_get_item (kinds, 0);
  g_assert_cmpstr (gtk_string_object_get_string (annual), ==, "Rà soát định kỳ hằng năm");

  type_into (dialog, "income_per_capita", "1.200.000");
  set_deprived (dialog, "HI", TRUE);
  set_deprived (dialog, "WAT", TRUE);
  set_deprived (dialog, "TOI", TRUE);
  g_assert_cmpstr (dh_review_dialog_get_proposal_title (dialog), ==, "Hộ nghèo");
  g_assert_true (strstr (dh_review_dialog_get_reasons (dialog), "1.200.000 ₫") != NULL);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 640, 740);
  app_fixture_save_picture (GTK_WIDGET (dialog), "review-dialog-vi-light.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  app_fixture_save_picture (GTK_WIDGET (dialog), "review-dialog-vi-dark.png");
  /* further down: the proposed class, its reasons and the recognition */
  scroll_to_end (dialog);
  app_fixture_save_picture (GTK_WIDGET (dialog), "review-dialog-vi-dark-proposal.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  app_fixture_save_picture (GTK_WIDGET (dialog), "review-dialog-vi-light-proposal.png");

  /* the 2027 set says in Vietnamese that it is provisional */
  type_into (dialog, "reviewed_on", "15/10/2026");
  g_assert_true (g_str_has_prefix (dh_review_dialog_get_provisional_note (dialog), "Theo Nghị định 351/2025/NĐ-CP"));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (dh_review_dialog_get_indicator_row (dialog, "WST"))),
                   ==, "Xử lý rác thải sinh hoạt");
  app_fixture_save_picture (GTK_WIDGET (dialog), "review-dialog-vi-2027.png");

  /* score A alone under a standard without its limits: the classifier's refusal, in Vietnamese */
  type_into (dialog, "income_per_capita", "");
  type_into (dialog, "score_a", "120");
  g_assert_null (dh_review_dialog_get_proposed_class (dialog));
  g_assert_true (g_str_has_prefix (dh_review_dialog_get_proposal_message (dialog), "VN-2027 chưa quy định ngưỡng điểm A"));
  scroll_to_end (dialog);
  app_fixture_save_picture (GTK_WIDGET (dialog), "review-dialog-vi-score-refused.png");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int   argc,
      char *argv[])
{
  static const AppTestCase cases[] = {
    { "/app/review/indicators-follow-the-list-year", test_indicators_follow_the_list_year, NULL, FALSE },
    { "/app/review/proposal-follows-input-and-is-stored", test_proposal_follows_input_and_is_stored, NULL, FALSE },
    { "/app/review/score-without-limits-is-refused", test_score_without_limits_is_refused, NULL, FALSE },
    { "/app/review/bad-input-writes-nothing", test_bad_input_writes_nothing, NULL, FALSE },
    { "/app/review/recognition-added-later", test_recognition_added_later, NULL, FALSE },
    { "/app/review/plan-dialog-saves-one-record", test_plan_dialog_saves_one_record, NULL, FALSE },
    { "/app/review/card-opens-the-dialogs", test_card_opens_the_dialogs, NULL, FALSE },
    /* the dialog as a Vietnamese caseworker reads it */
    { "/app/review/speaks-vietnamese", test_speaks_vietnamese, NULL, TRUE },
  };

  return app_test_run (argc, argv, fixture_set_up, cases, G_N_ELEMENTS (cases));
}
