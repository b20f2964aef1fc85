/* test-dialogs.c – recording a visit, support and a void through the dialogs, on a real display (Xvfb) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "app-test.h"
#include "dh-application.h"
#include "dh-autocleanups.h"
#include "dh-card-row.h"
#include "dh-field-choice.h"
#include "dh-context.h"
#include "dh-date.h"
#include "dh-demo.h"
#include "dh-entity.h"
#include "dh-i18n.h"
#include "dh-money.h"
#include "dh-record.h"
#include "dh-record-dialog.h"
#include "dh-support-dialog.h"
#include "dh-text.h"
#include "dh-visit-dialog.h"
#include "dh-void-dialog.h"
#include "dh-window.h"

#define N_HOUSEHOLDS 40

/* household_id: the household shown on the card */
typedef AppFixture Fixture;

/* ---- the fixture ---------------------------------------------------------- */

/* A household that has members and a delivered support entry not voided. */
static char *
household_with_support (Fixture *fixture)
{
  const char *filters[] = { "status=delivered", NULL };
  DhQuery query = { .entity = "support", .filters = filters, .limit = 200 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = dh_store_list (app_fixture_store (fixture), &query, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      json_object *entry = g_ptr_array_index (entries, i);
      g_autofree char *filter = g_strdup_printf ("household=%s", dh_json_get_string (entry, "household"));
      const char *member_filters[] = { filter, NULL };
      DhQuery members = { .entity = "member", .filters = member_filters };

      if (dh_json_get_string (entry, "voids") == NULL && dh_json_get_string (entry, "voided_by") == NULL &&
          dh_store_count (app_fixture_store (fixture), &members, NULL) > 0)
        return g_strdup (dh_json_get_string (entry, "household"));
    }

  g_assert_not_reached ();
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  app_fixture_make_directory (fixture);
  app_fixture_make_demo_store (fixture, N_HOUSEHOLDS, 11);
  app_fixture_open_window (fixture);
  app_fixture_wait (fixture->window);
  g_assert_cmpstr (dh_window_get_state (fixture->window), ==, "households");
}

static void
show_household (Fixture *fixture)
{
  fixture->household_id = household_with_support (fixture);
  g_assert_true (dh_window_show_household (fixture->window, fixture->household_id));
  g_assert_cmpstr (dh_window_get_household_id (fixture->window), ==, fixture->household_id);
  app_fixture_spin ();
}

/* ---- driving the dialogs ---------------------------------------------------- */

/* The open window of @type, or NULL. */
static gpointer
find_window (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static gpointer
open_dialog (Fixture    *fixture,
             const char *action,
             GVariant   *parameter,
             GType       type)
{
  gpointer dialog;

  g_assert_null (find_window (type));
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (fixture->window), action, parameter));
  app_fixture_spin ();
  dialog = find_window (type);
  g_assert_nonnull (dialog);

  return dialog;
}

static GtkWidget *
field_of (gpointer    dialog,
          const char *field)
{
  GtkWidget *widget = dh_record_dialog_get_field (DH_RECORD_DIALOG (dialog), field);

  g_assert_nonnull (widget);
  return widget;
}

static void
type_text (GtkWidget  *field,
           const char *text)
{
  g_assert_true (GTK_IS_EDITABLE (field));
  gtk_editable_set_text (GTK_EDITABLE (field), text);
  app_fixture_spin ();
}

static void
choose (GtkWidget  *field,
        const char *code)
{
  g_assert_true (dh_field_choice_set_code (G_OBJECT (field), code));
  app_fixture_spin ();
}

static void
save (gpointer dialog)
{
  gtk_widget_activate_action (GTK_WIDGET (dialog), "edit.save", NULL);
  app_fixture_spin ();
}

static const char *
error_on (gpointer   dialog,
          GtkWidget *field)
{
  return dh_edit_dialog_get_field_error (DH_EDIT_DIALOG (dialog), field);
}

static char *
date_from_today (Fixture *fixture,
                 int      days)
{
  GDate date;

  dh_store_get_today (app_fixture_store (fixture), &date);
  if (days > 0)
    g_date_add_days (&date, (guint) days);
  else
    g_date_subtract_days (&date, (guint) -days);

  return dh_date_format (&date);
}

/* What was refused left the store as it was and the dialog open. */
static void
assert_nothing_written (Fixture    *fixture,
                        gpointer    dialog,
                        const char *entity,
                        gint64      records_before,
                        gint64      pending_before)
{
  g_assert_cmpint (app_fixture_count_household (fixture, entity), ==, records_before);
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, pending_before);
  g_assert_true (find_window (G_OBJECT_TYPE (dialog)) == dialog);
  g_assert_true (dh_edit_dialog_has_errors (DH_EDIT_DIALOG (dialog)));
}

/* ---- the visit ----------------------------------------------------------- */

static void
test_visit_refuses_bad_dates (Fixture       *fixture,
                              gconstpointer  data)
{
  DhVisitDialog *dialog;
  GtkWidget *date_field, *next_field;
  gint64 visits, pending;
  g_autofree char *today = NULL, *tomorrow = NULL, *yesterday = NULL;

  show_household (fixture);
  visits = app_fixture_count_household (fixture, "visit");
  pending = app_fixture_count_pending (fixture);
  today = date_from_today (fixture, 0);
  tomorrow = date_from_today (fixture, 1);
  yesterday = date_from_today (fixture, -1);

  dialog = open_dialog (fixture, "win.record-visit", NULL, DH_TYPE_VISIT_DIALOG);
  date_field = field_of (dialog, "visited_on");
  next_field = field_of (dialog, "next_visit_on");

  /* it opens on today, with nothing wrong */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (date_field)), ==, today);
  g_assert_false (dh_edit_dialog_has_errors (DH_EDIT_DIALOG (dialog)));

  /* a day that is not in the calendar: the message says how to write one */
  type_text (date_field, "31/02/2026");
  g_assert_nonnull (strstr (error_on (dialog, date_field), "24/11/2026"));
  save (dialog);
  assert_nothing_written (fixture, dialog, "visit", visits, pending);

  /* a visit in the future */
  type_text (date_field, tomorrow);
  g_assert_nonnull (strstr (error_on (dialog, date_field), "future"));
  save (dialog);
  assert_nothing_written (fixture, dialog, "visit", visits, pending);

  /* the next visit before this one: the error is on the next visit and
   * names the other field by its label, not by its name in the store */
  type_text (date_field, today);
  g_assert_null (error_on (dialog, date_field));
  type_text (next_field, yesterday);
  g_assert_nonnull (error_on (dialog, next_field));
  g_assert_null (strstr (error_on (dialog, next_field), "visited_on"));
  g_assert_nonnull (strstr (error_on (dialog, next_field), "Date of the visit"));
  save (dialog);
  assert_nothing_written (fixture, dialog, "visit", visits, pending);

  /* a date typed as people type it clears the error */
  type_text (next_field, "");
  g_assert_false (dh_edit_dialog_has_errors (DH_EDIT_DIALOG (dialog)));
}

static void
test_visit_saves_one_record (Fixture       *fixture,
                             gconstpointer  data)
{
  DhVisitDialog *dialog;
  json_object *visit;
  gint64 visits, pending;
  g_autofree char *next = NULL;
  GDate today, next_date;
  g_autofree char *today_iso = NULL, *next_iso = NULL;

  show_household (fixture);
  visits = app_fixture_count_household (fixture, "visit");
  pending = app_fixture_count_pending (fixture);
  next = date_from_today (fixture, 30);

  dialog = open_dialog (fixture, "win.record-visit", NULL, DH_TYPE_VISIT_DIALOG);
  g_object_ref (dialog);
  choose (field_of (dialog, "purpose"), "follow_up");
  type_text (field_of (dialog, "notes"), "Hộ đã nhận giống lúa, cần theo dõi vụ tới.");
  type_text (field_of (dialog, "next_visit_on"), next);
  type_text (field_of (dialog, "location"), "Nhà văn hóa thôn");
  save (dialog);

  /* one record, one change to send, the dialog closed */
  g_assert_cmpint (app_fixture_count_household (fixture, "visit"), ==, visits + 1);
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, pending + 1);
  g_assert_null (find_window (DH_TYPE_VISIT_DIALOG));

  visit = dh_record_dialog_get_record (DH_RECORD_DIALOG (dialog));
  g_assert_nonnull (visit);
  dh_store_get_today (app_fixture_store (fixture), &today);
  today_iso = dh_date_to_iso (&today);
  g_assert_true (dh_date_parse (next, &next_date, NULL));
  next_iso = dh_date_to_iso (&next_date);
  g_assert_cmpstr (dh_json_get_string (visit, "household"), ==, fixture->household_id);
  g_assert_cmpstr (dh_json_get_string (visit, "visited_on"), ==, today_iso);
  g_assert_cmpstr (dh_json_get_string (visit, "next_visit_on"), ==, next_iso);
  g_assert_cmpstr (dh_json_get_string (visit, "purpose"), ==, "follow_up");
  g_assert_cmpstr (dh_json_get_string (visit, "notes"), ==, "Hộ đã nhận giống lúa, cần theo dõi vụ tới.");
  g_assert_cmpstr (dh_json_get_string (visit, "location"), ==, "Nhà văn hóa thôn");
  /* what the toast says */
  {
    g_autofree char *today_text = dh_date_format (&today);
    g_autofree char *said = dh_record_dialog_describe_saved (DH_RECORD_DIALOG (dialog));

    g_assert_nonnull (strstr (said, today_text));
  }
  g_object_unref (dialog);
}

static void
test_needs_a_household (Fixture       *fixture,
                        gconstpointer  data)
{
  /* the keys pressed with no household open: nothing opens, nothing is written */
  gint64 pending = app_fixture_count_pending (fixture);

  g_assert_null (dh_window_get_household_id (fixture->window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.record-visit", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.record-support", NULL));
  app_fixture_spin ();
  g_assert_null (find_window (DH_TYPE_VISIT_DIALOG));
  g_assert_null (find_window (DH_TYPE_SUPPORT_DIALOG));
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, pending);
}

/* ---- closing --------------------------------------------------------------- */

static void
test_closing_asks_only_after_typing (Fixture       *fixture,
                                     gconstpointer  data)
{
  DhVisitDialog *dialog;
  DhSupportDialog *support;

  show_household (fixture);

  /* nothing typed: it closes at once */
  dialog = open_dialog (fixture, "win.record-visit", NULL, DH_TYPE_VISIT_DIALOG);
  gtk_window_close (GTK_WINDOW (dialog));
  app_fixture_spin ();
  g_assert_null (find_window (DH_TYPE_VISIT_DIALOG));
  g_assert_null (find_window (ADW_TYPE_MESSAGE_DIALOG));

  /* something typed: it asks, and stays */
  dialog = open_dialog (fixture, "win.record-visit", NULL, DH_TYPE_VISIT_DIALOG);
  type_text (field_of (dialog, "notes"), "Gặp chủ hộ");
  gtk_window_close (GTK_WINDOW (dialog));
  app_fixture_spin ();
  g_assert_true (find_window (DH_TYPE_VISIT_DIALOG) == dialog);
  g_assert_nonnull (find_window (ADW_TYPE_MESSAGE_DIALOG));
  gtk_window_destroy (GTK_WINDOW (find_window (ADW_TYPE_MESSAGE_DIALOG)));
  gtk_window_destroy (GTK_WINDOW (dialog));
  app_fixture_spin ();

  /* a choice made counts as a change too (Escape is edit.cancel) */
  support = open_dialog (fixture, "win.record-support", NULL, DH_TYPE_SUPPORT_DIALOG);
  choose (field_of (support, "support_type"), "livestock");
  gtk_widget_activate_action (GTK_WIDGET (support), "edit.cancel", NULL);
  app_fixture_spin ();
  g_assert_true (find_window (DH_TYPE_SUPPORT_DIALOG) == support);
  g_assert_nonnull (find_window (ADW_TYPE_MESSAGE_DIALOG));
}

/* ---- support --------------------------------------------------------------- */

static void
test_support_refuses_bad_amounts (Fixture       *fixture,
                                  gconstpointer  data)
{
  DhSupportDialog *dialog;
  GtkWidget *amount, *state, *own;
  gint64 entries, pending;

  show_household (fixture);
  entries = app_fixture_count_household (fixture, "support");
  pending = app_fixture_count_pending (fixture);

  dialog = open_dialog (fixture, "win.record-support", NULL, DH_TYPE_SUPPORT_DIALOG);
  amount = field_of (dialog, "amount_vnd");
  state = field_of (dialog, "state_share_vnd");
  own = field_of (dialog, "household_share_vnd");
  choose (field_of (dialog, "support_type"), "livestock");

  /* "1,5 triệu" is how money is said, not written: the message shows how */
  type_text (amount, "1,5 triệu");
  g_assert_nonnull (strstr (error_on (dialog, amount), "1.500.000"));
  save (dialog);
  assert_nothing_written (fixture, dialog, "support", entries, pending);

  /* as people write amounts */
  type_text (amount, "1.500.000");
  g_assert_null (error_on (dialog, amount));
  type_text (amount, "1500000");
  g_assert_null (error_on (dialog, amount));
  /* and shown back as people read amounts once the caseworker moves on */
  gtk_widget_grab_focus (amount);
  gtk_widget_grab_focus (state);
  app_fixture_spin ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (amount)), ==, "1.500.000");

  /* shares that come to more than the amount: the store's own message */
  type_text (amount, "1.000.000");
  type_text (state, "900.000");
  type_text (own, "200.000");
  g_assert_nonnull (strstr (error_on (dialog, amount), "1.100.000"));
  g_assert_null (strstr (error_on (dialog, amount), "amount_vnd"));
  save (dialog);
  assert_nothing_written (fixture, dialog, "support", entries, pending);

  type_text (own, "100.000");
  g_assert_false (dh_edit_dialog_has_errors (DH_EDIT_DIALOG (dialog)));
}

static void
test_support_needs_a_kind (Fixture       *fixture,
                           gconstpointer  data)
{
  DhSupportDialog *dialog;
  gint64 entries, pending;

  show_household (fixture);
  entries = app_fixture_count_household (fixture, "support");
  pending = app_fixture_count_pending (fixture);

  dialog = open_dialog (fixture, "win.record-support", NULL, DH_TYPE_SUPPORT_DIALOG);
  type_text (field_of (dialog, "amount_vnd"), "500.000");
  /* not said before saving: nothing was done wrong yet */
  g_assert_false (dh_edit_dialog_has_errors (DH_EDIT_DIALOG (dialog)));
  save (dialog);
  g_assert_nonnull (error_on (dialog, field_of (dialog, "support_type")));
  assert_nothing_written (fixture, dialog, "support", entries, pending);
  g_assert_null (find_window (ADW_TYPE_MESSAGE_DIALOG));
}

static void
test_support_projects_follow_the_programme (Fixture       *fixture,
                                            gconstpointer  data)
{
  DhSupportDialog *dialog;
  GtkWidget *programme, *project;
  DhCatalogues *catalogues;
  GListModel *offered;

  show_household (fixture);
  catalogues = dh_context_get_catalogues (app_fixture_context (fixture));
  dialog = open_dialog (fixture, "win.record-support", NULL, DH_TYPE_SUPPORT_DIALOG);
  programme = field_of (dialog, "programme");
  project = field_of (dialog, "project");

  choose (programme, "NTP-GNBV-2021-2025");
  offered = adw_combo_row_get_model (ADW_COMBO_ROW (project));
  g_assert_cmpuint (g_list_model_get_n_items (offered), >, 1);
  g_assert_true (gtk_widget_get_sensitive (project));
  choose (project, "3.1");
  g_assert_cmpstr (dh_catalogues_get_project_programme (catalogues, "3.1"), ==, "NTP-GNBV-2021-2025");
  /* the projects are offered by their names */
  {
    g_autoptr(GtkStringObject) name = g_list_model_get_item (adw_combo_row_get_model (ADW_COMBO_ROW (project)),
                                                             adw_combo_row_get_selected (ADW_COMBO_ROW (project)));

    g_assert_cmpstr (gtk_string_object_get_string (name), ==, dh_catalogues_get_label (catalogues, "project", "3.1"));
  }

  /* another programme: none of the first one's projects */
  choose (programme, "OTHER");
  g_assert_null (dh_field_choice_get_code (G_OBJECT (project)));
  g_assert_false (dh_field_choice_set_code (G_OBJECT (project), "3.1"));
  g_assert_false (gtk_widget_get_sensitive (project));
}

static void
test_support_saves_one_entry (Fixture       *fixture,
                              gconstpointer  data)
{
  DhSupportDialog *dialog;
  json_object *entry;
  gint64 entries, pending;
  g_autofree char *filter = NULL;
  const char *filters[2] = { NULL, NULL };
  DhQuery members = { .entity = "member", .limit = 1 };
  g_autoptr(GPtrArray) first_member = NULL;
  const char *member_id;

  show_household (fixture);
  entries = app_fixture_count_household (fixture, "support");
  pending = app_fixture_count_pending (fixture);
  filter = g_strdup_printf ("household=%s", fixture->household_id);
  filters[0] = filter;
  members.filters = filters;
  first_member = dh_store_list (app_fixture_store (fixture), &members, NULL);
  member_id = dh_json_get_string (g_ptr_array_index (first_member, 0), "id");

  dialog = g_object_ref (open_dialog (fixture, "win.record-support", NULL, DH_TYPE_SUPPORT_DIALOG));
  choose (field_of (dialog, "support_type"), "livestock");
  type_text (field_of (dialog, "description"), "Bò cái giống");
  type_text (field_of (dialog, "quantity"), "1");
  type_text (field_of (dialog, "unit"), "con");
  type_text (field_of (dialog, "amount_vnd"), "15.000.000");
  type_text (field_of (dialog, "state_share_vnd"), "13500000");
  type_text (field_of (dialog, "household_share_vnd"), "1.500.000 đ");
  choose (field_of (dialog, "funding_source"), "central_budget");
  choose (field_of (dialog, "programme"), "NTP-GNBV-2021-2025");
  choose (field_of (dialog, "project"), "3.1");
  choose (field_of (dialog, "member"), member_id);
  save (dialog);

  g_assert_cmpint (app_fixture_count_household (fixture, "support"), ==, entries + 1);
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, pending + 1);
  g_assert_null (find_window (DH_TYPE_SUPPORT_DIALOG));

  entry = dh_record_dialog_get_record (DH_RECORD_DIALOG (dialog));
  g_assert_nonnull (entry);
  g_assert_cmpstr (dh_json_get_string (entry, "household"), ==, fixture->household_id);
  g_assert_cmpstr (dh_json_get_string (entry, "member"), ==, member_id);
  g_assert_cmpstr (dh_json_get_string (entry, "support_type"), ==, "livestock");
  g_assert_cmpstr (dh_json_get_string (entry, "programme"), ==, "NTP-GNBV-2021-2025");
  g_assert_cmpstr (dh_json_get_string (entry, "project"), ==, "3.1");
  g_assert_cmpstr (dh_json_get_string (entry, "funding_source"), ==, "central_budget");
  g_assert_cmpstr (dh_json_get_string (entry, "status"), ==, "delivered");
  g_assert_cmpstr (dh_json_get_string (entry, "unit"), ==, "con");
  g_assert_cmpint (dh_json_get_int (entry, "quantity", -1), ==, 1);
  g_assert_cmpint (dh_json_get_int (entry, "amount_vnd", -1), ==, 15000000);
  g_assert_cmpint (dh_json_get_int (entry, "state_share_vnd", -1), ==, 13500000);
  g_assert_cmpint (dh_json_get_int (entry, "household_share_vnd", -1), ==, 1500000);
  g_assert_nonnull (dh_json_get_string (entry, "delivered_on"));
  {
    g_autofree char *said = dh_record_dialog_describe_saved (DH_RECORD_DIALOG (dialog));

    g_assert_cmpstr (said, ==, "Support recorded: Livestock, 15.000.000 ₫");
  }
  g_object_unref (dialog);
}

/* ---- void ------------------------------------------------------------------- */

/* The widget under @root that @match accepts, depth first. */
static GtkWidget *
find_widget (GtkWidget *root,
             gboolean (*match) (GtkWidget *widget, gconstpointer data),
             gconstpointer data)
{
  if (match (root, data))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
is_void_button_of (GtkWidget     *widget,
                   gconstpointer  data)
{
  GVariant *target;

  if (!GTK_IS_BUTTON (widget) || g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "win.void-support") != 0)
    return FALSE;
  target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget));

  return target != NULL && g_strcmp0 (g_variant_get_string (target, NULL), data) == 0;
}

static gboolean
is_text (GtkWidget     *widget,
         gconstpointer  data)
{
  return GTK_IS_TEXT (widget);
}

static gboolean
is_card_row (GtkWidget     *widget,
             gconstpointer  data)
{
  return DH_IS_CARD_ROW (widget);
}

/* A section of the card, by its title (DATA). */
static gboolean
is_group_titled (GtkWidget     *widget,
                 gconstpointer  data)
{
  return ADW_IS_PREFERENCES_GROUP (widget) &&
         g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)), data) == 0;
}

/* The household's total as the card shows it, in đồng. */
static gint64
card_total (Fixture *fixture)
{
  GtkWidget *group = find_widget (GTK_WIDGET (fixture->window), is_group_titled, _("Support Received"));
  const char *description;
  const char *last_line;
  g_autofree char *amount = NULL;
  gint64 total = -1;

  g_assert_nonnull (group);
  description = adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (group));
  g_assert_nonnull (description);
  last_line = strrchr (description, '\n');
  last_line = last_line != NULL ? last_line + 1 : description;
  /* "In all: 1.500.000 ₫" */
  amount = g_strdup (strchr (last_line, ':') + 1);
  g_assert_true (dh_money_parse (amount, &total, NULL));

  return total;
}

static json_object *
delivered_entry_of (Fixture *fixture)
{
  g_autofree char *filter = g_strdup_printf ("household=%s", fixture->household_id);
  const char *filters[] = { filter, "status=delivered", NULL };
  DhQuery query = { .entity = "support", .filters = filters, .limit = 100 };
  g_autoptr(GPtrArray) entries = dh_store_list (app_fixture_store (fixture), &query, NULL);

  for (guint i = 0; i < entries->len; i++)
    {
      json_object *entry = g_ptr_array_index (entries, i);

      if (dh_json_get_string (entry, "voids") == NULL && dh_json_get_string (entry, "voided_by") == NULL &&
          dh_json_get_int (entry, "amount_vnd", 0) > 0)
        return json_object_get (entry);
    }

  g_assert_not_reached ();
}

static void
test_void_needs_a_reason_and_drops_the_total (Fixture       *fixture,
                                              gconstpointer  data)
{
  g_autoptr(json_object) entry = NULL;
  g_autoptr(json_object) after = NULL;
  DhVoidDialog *dialog;
  GtkWidget *button, *reason;
  const char *id;
  gint64 entries, pending, total;

  show_household (fixture);
  entry = delivered_entry_of (fixture);
  id = dh_json_get_string (entry, "id");
  entries = app_fixture_count_household (fixture, "support");
  pending = app_fixture_count_pending (fixture);
  total = card_total (fixture);

  /* the card offers to void the entry */
  button = find_widget (GTK_WIDGET (fixture->window), is_void_button_of, id);
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  app_fixture_spin ();
  dialog = find_window (DH_TYPE_VOID_DIALOG);
  g_assert_nonnull (dialog);
  reason = dh_void_dialog_get_reason_row (dialog);

  /* no reason: refused, with the store's words on the field */
  save (dialog);
  g_assert_nonnull (error_on (dialog, reason));
  g_assert_null (strstr (error_on (dialog, reason), "void_reason"));
  assert_nothing_written (fixture, dialog, "support", entries, pending);
  type_text (reason, "   ");
  save (dialog);
  assert_nothing_written (fixture, dialog, "support", entries, pending);

  type_text (reason, "Nhập trùng");
  g_assert_false (dh_edit_dialog_has_errors (DH_EDIT_DIALOG (dialog)));
  save (dialog);
  g_assert_null (find_window (DH_TYPE_VOID_DIALOG));

  /* a voiding entry, the original kept and marked, the total lower */
  g_assert_cmpint (app_fixture_count_household (fixture, "support"), ==, entries + 1);
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, pending + 1);
  after = dh_store_get (app_fixture_store (fixture), "support", id, NULL);
  g_assert_nonnull (dh_json_get_string (after, "voided_by"));
  app_fixture_spin ();
  g_assert_cmpint (card_total (fixture), ==, total - dh_json_get_int (entry, "amount_vnd", 0));
  /* and nothing more to void on it */
  g_assert_null (find_widget (GTK_WIDGET (fixture->window), is_void_button_of, id));

  /* the programme or project of each entry is named, never given as its code */
  {
    GtkWidget *group = find_widget (GTK_WIDGET (fixture->window), is_group_titled, _("Support Received"));
    const char *code = dh_json_get_string (entry, "project") != NULL ? dh_json_get_string (entry, "project")
                                                                      : dh_json_get_string (entry, "programme");
    g_autofree char *as_code = g_strdup_printf (" · %s", code);
    guint rows = 0;

    g_assert_nonnull (code);
    for (GtkWidget *row = find_widget (group, is_card_row, NULL); row != NULL; row = gtk_widget_get_next_sibling (row))
      {
        if (!DH_IS_CARD_ROW (row))
          continue;
        g_assert_null (strstr (dh_card_row_get_subtitle (DH_CARD_ROW (row)), as_code));
        rows++;
      }
    g_assert_cmpuint (rows, >, 1);
  }
}

/* A household with more support entries and visits than a card lists:
 * the card says so, and its totals count every entry, not the listed. */
static void
test_card_totals_count_every_entry (Fixture       *fixture,
                                    gconstpointer  data)
{
  DhStore *store = app_fixture_store (fixture);
  g_autoptr(GError) error = NULL;
  GtkWidget *group;
  gint64 total;
  guint added = 205;

  show_household (fixture);
  total = card_total (fixture);
  g_assert_true (dh_store_begin (store, &error));
  for (guint i = 0; i < added; i++)
    {
      g_autofree char *fields = g_strdup_printf ("{\"household\": \"%s\", \"support_type\": \"livestock\", "
                                                 "\"delivered_on\": \"2019-%02u-%02u\", \"amount_vnd\": 10000}",
                                                 fixture->household_id, 1 + i % 12, 1 + i % 28);
      g_autofree char *visit = g_strdup_printf ("{\"household\": \"%s\", \"visited_on\": \"2019-%02u-%02u\", \"purpose\": \"routine\"}",
                                                fixture->household_id, 1 + i % 12, 1 + i % 28);
      g_autoptr(json_object) entry = json_tokener_parse (fields);
      g_autoptr(json_object) visited = json_tokener_parse (visit);
      g_autoptr(json_object) made = dh_store_create (store, "support", entry, &error);
      g_autoptr(json_object) made_visit = NULL;

      g_assert_no_error (error);
      made_visit = dh_store_create (store, "visit", visited, &error);
      g_assert_no_error (error);
    }
  g_assert_true (dh_store_commit (store, &error));
  app_fixture_spin ();

  /* older than every entry the card had: the latest it lists are the same, its total is not */
  g_assert_cmpint (card_total (fixture), ==, total + (gint64) added * 10000);
  group = find_widget (GTK_WIDGET (fixture->window), is_group_titled, _("Support Received"));
  {
    gint64 entries = app_fixture_count_household (fixture, "support");
    g_autofree char *count = dh_grouped_format (entries);
    g_autofree char *note = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The latest %u of %s entry are listed; the totals count them all.",
                                                          "The latest %u of %s entries are listed; the totals count them all.", (gulong) entries),
                                             200, count);

    g_assert_nonnull (strstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (group)), note));
  }
  app_fixture_save_picture (group, "card-support-more-than-listed.png");
  group = find_widget (GTK_WIDGET (fixture->window), is_group_titled, _("Visits"));
  g_assert_nonnull (group);
  {
    gint64 visits = app_fixture_count_household (fixture, "visit");
    g_autofree char *count = dh_grouped_format (visits);
    g_autofree char *note = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The latest %u of %s visit are listed.",
                                                          "The latest %u of %s visits are listed.", (gulong) visits),
                                             200, count);

    g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (group)), ==, note);
  }
}

/* ---- end to end -------------------------------------------------------------- */

static GHashTable *
ids_of_household (Fixture            *fixture,
                  const char * const *filters)
{
  static const char * const entities[] = { "visit", "support" };
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint e = 0; e < G_N_ELEMENTS (entities); e++)
    {
      DhQuery query = { .entity = entities[e], .filters = filters, .limit = DH_STORE_MAX_LIMIT };
      g_autoptr(GPtrArray) records = dh_store_list (app_fixture_store (fixture), &query, NULL);

      for (guint i = 0; i < records->len; i++)
        g_hash_table_add (ids, g_strdup (dh_json_get_string (g_ptr_array_index (records, i), "id")));
    }

  return ids;
}

/* The one record of @entity that was not there @before. */
static json_object *
new_record (Fixture            *fixture,
            const char         *entity,
            const char * const *filters,
            GHashTable         *before)
{
  DhQuery query = { .entity = entity, .filters = filters, .limit = DH_STORE_MAX_LIMIT };
  g_autoptr(GPtrArray) records = dh_store_list (app_fixture_store (fixture), &query, NULL);
  json_object *found = NULL;

  for (guint i = 0; i < records->len; i++)
    {
      json_object *record = g_ptr_array_index (records, i);

      if (!g_hash_table_contains (before, dh_json_get_string (record, "id")))
        {
          g_assert_null (found);
          found = json_object_get (record);
        }
    }
  g_assert_nonnull (found);

  return found;
}

/* Issue 7, item 10: open the application on a demo store, search without
 * marks, open a household, record a visit and support, check the store. */
static void
test_end_to_end (Fixture       *fixture,
                 gconstpointer  data)
{
  DhQuery query = { .entity = "household", .offset = 7, .limit = 1 };
  g_autoptr(GPtrArray) some = dh_store_list (app_fixture_store (fixture), &query, NULL);
  const char *head = dh_json_get_string (g_ptr_array_index (some, 0), "head_name");
  const char *wanted = dh_json_get_string (g_ptr_array_index (some, 0), "id");
  g_autofree char *folded = dh_text_fold (head);
  GListModel *found;
  DhVisitDialog *visit;
  DhSupportDialog *support;
  gint64 pending;
  g_autofree char *filter = g_strdup_printf ("household=%s", wanted);
  const char *filters[] = { filter, NULL };
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(json_object) new_visit = NULL;
  g_autoptr(json_object) new_entry = NULL;
  gint64 n_visits, n_entries;

  g_assert_cmpstr (folded, !=, head);
  /* both have a key, shown in the shortcuts window */
  {
    g_auto(GStrv) visit_keys = gtk_application_get_accels_for_action (GTK_APPLICATION (fixture->app), "win.record-visit");
    g_auto(GStrv) support_keys = gtk_application_get_accels_for_action (GTK_APPLICATION (fixture->app), "win.record-support");

    g_assert_cmpuint (g_strv_length (visit_keys), ==, 1);
    g_assert_cmpuint (g_strv_length (support_keys), ==, 1);
  }
  dh_window_set_search_text (fixture->window, folded);
  app_fixture_wait (fixture->window);
  found = dh_window_get_households (fixture->window);
  fixture->household_id = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (found); i++)
    {
      g_autoptr(DhRecord) record = g_list_model_get_item (found, i);

      if (g_strcmp0 (dh_record_get_id (record), wanted) == 0)
        fixture->household_id = g_strdup (wanted);
    }
  g_assert_nonnull (fixture->household_id);
  g_assert_true (dh_window_show_household (fixture->window, fixture->household_id));
  app_fixture_spin ();

  n_visits = app_fixture_count_household (fixture, "visit");
  n_entries = app_fixture_count_household (fixture, "support");
  pending = app_fixture_count_pending (fixture);
  before = ids_of_household (fixture, filters);

  /* a visit: today is already there; a purpose, a note */
  visit = open_dialog (fixture, "win.record-visit", NULL, DH_TYPE_VISIT_DIALOG);
  choose (field_of (visit, "purpose"), "support_delivery");
  type_text (field_of (visit, "notes"), "Trao bò giống cho hộ.");
  /* Enter in a field saves, as a practised hand expects */
  g_signal_emit_by_name (find_widget (field_of (visit, "notes"), is_text, NULL), "activate");
  /* the default button is pressed, and clicks a moment later */
  while (find_window (DH_TYPE_VISIT_DIALOG) != NULL)
    g_main_context_iteration (NULL, TRUE);

  /* support delivered on that visit */
  support = open_dialog (fixture, "win.record-support", NULL, DH_TYPE_SUPPORT_DIALOG);
  choose (field_of (support, "support_type"), "livestock");
  type_text (field_of (support, "amount_vnd"), "12.000.000");
  type_text (field_of (support, "state_share_vnd"), "12.000.000");
  save (support);
  g_assert_null (find_window (DH_TYPE_SUPPORT_DIALOG));

  g_assert_cmpint (app_fixture_count_household (fixture, "visit"), ==, n_visits + 1);
  g_assert_cmpint (app_fixture_count_household (fixture, "support"), ==, n_entries + 1);
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, pending + 2);
  new_visit = new_record (fixture, "visit", filters, before);
  new_entry = new_record (fixture, "support", filters, before);
  g_assert_cmpstr (dh_json_get_string (new_visit, "notes"), ==, "Trao bò giống cho hộ.");
  g_assert_cmpstr (dh_json_get_string (new_visit, "purpose"), ==, "support_delivery");
  g_assert_cmpint (dh_json_get_int (new_entry, "amount_vnd", 0), ==, 12000000);
  g_assert_cmpint (dh_json_get_int (new_entry, "state_share_vnd", 0), ==, 12000000);
  g_assert_cmpstr (dh_json_get_string (new_entry, "support_type"), ==, "livestock");

  /* the card still shows the household */
  g_assert_true (g_strcmp0 (dh_window_get_household_id (fixture->window), fixture->household_id) == 0);
}

/* ---- Vietnamese, and pictures to look at ------------------------------------- */

static void
test_speaks_vietnamese_and_pictures (Fixture       *fixture,
                                     gconstpointer  data)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  DhVisitDialog *visit;
  DhSupportDialog *support;
  GtkWidget *amount;
  const char *message;

  show_household (fixture);

  visit = open_dialog (fixture, "win.record-visit", NULL, DH_TYPE_VISIT_DIALOG);
  type_text (field_of (visit, "notes"), "Thăm hộ, trao đổi về sinh kế và nước sạch.");
  type_text (field_of (visit, "next_visit_on"), "01/01/2020");
  message = error_on (visit, field_of (visit, "next_visit_on"));
  g_assert_nonnull (message);
  /* in Vietnamese, naming the other field as the dialog does */
  g_assert_nonnull (strstr (message, "Ngày thăm"));
  g_assert_null (strstr (message, "visited_on"));
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  app_fixture_save_picture (GTK_WIDGET (visit), "dialog-visit-light-vi.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  app_fixture_save_picture (GTK_WIDGET (visit), "dialog-visit-dark-vi.png");
  gtk_window_destroy (GTK_WINDOW (visit));
  app_fixture_spin ();

  support = open_dialog (fixture, "win.record-support", NULL, DH_TYPE_SUPPORT_DIALOG);
  amount = field_of (support, "amount_vnd");
  choose (field_of (support, "support_type"), "livestock");
  choose (field_of (support, "programme"), "NTP-GNBV-2021-2025");
  choose (field_of (support, "project"), "3.1");
  type_text (amount, "1,5 triệu");
  message = error_on (support, amount);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "1.500.000"));
  g_assert_nonnull (strstr (message, "dấu phẩy"));
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  app_fixture_save_picture (GTK_WIDGET (support), "dialog-support-light-vi.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  app_fixture_save_picture (GTK_WIDGET (support), "dialog-support-dark-vi.png");
  /* the programme and project by their whole names */
  gtk_widget_grab_focus (field_of (support, "project"));
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  app_fixture_save_picture (GTK_WIDGET (support), "dialog-support-programme-light-vi.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  /* in a narrow window, on a small screen */
  gtk_window_set_default_size (GTK_WINDOW (support), 360, 600);
  app_fixture_save_picture (GTK_WIDGET (support), "dialog-support-narrow-dark-vi.png");
  gtk_window_destroy (GTK_WINDOW (support));
  app_fixture_spin ();

  {
    g_autoptr(json_object) entry = delivered_entry_of (fixture);
    DhVoidDialog *dialog = open_dialog (fixture, "win.void-support",
                                        g_variant_new_string (dh_json_get_string (entry, "id")),
                                        DH_TYPE_VOID_DIALOG);

    save (dialog);
    g_assert_nonnull (strstr (error_on (dialog, dh_void_dialog_get_reason_row (dialog)), "nhập trùng"));
    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
    app_fixture_save_picture (GTK_WIDGET (dialog), "dialog-void-light-vi.png");
    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
    app_fixture_save_picture (GTK_WIDGET (dialog), "dialog-void-dark-vi.png");
    gtk_window_destroy (GTK_WINDOW (dialog));
    app_fixture_spin ();
  }

  /* the card's support, with the button that voids an entry */
  {
    g_autoptr(json_object) entry = delivered_entry_of (fixture);
    GtkWidget *button = find_widget (GTK_WIDGET (fixture->window), is_void_button_of,
                                     dh_json_get_string (entry, "id"));

    g_assert_nonnull (button);
    gtk_widget_grab_focus (button);
    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
    app_fixture_save_picture (GTK_WIDGET (fixture->window), "window-support-light-vi.png");
    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
    app_fixture_save_picture (GTK_WIDGET (fixture->window), "window-support-dark-vi.png");
  }
}

int
main (int   argc,
      char *argv[])
{
  static const AppTestCase cases[] = {
    { "/app/dialogs/visit/refuses-bad-dates", test_visit_refuses_bad_dates, NULL, FALSE },
    { "/app/dialogs/visit/saves-one-record", test_visit_saves_one_record, NULL, FALSE },
    { "/app/dialogs/needs-a-household", test_needs_a_household, NULL, FALSE },
    { "/app/dialogs/closing-asks-only-after-typing", test_closing_asks_only_after_typing, NULL, FALSE },
    { "/app/dialogs/support/refuses-bad-amounts", test_support_refuses_bad_amounts, NULL, FALSE },
    { "/app/dialogs/support/needs-a-kind", test_support_needs_a_kind, NULL, FALSE },
    { "/app/dialogs/support/projects-follow-the-programme", test_support_projects_follow_the_programme, NULL, FALSE },
    { "/app/dialogs/support/saves-one-entry", test_support_saves_one_entry, NULL, FALSE },
    { "/app/dialogs/void/needs-a-reason-and-drops-the-total", test_void_needs_a_reason_and_drops_the_total, NULL, FALSE },
    { "/app/dialogs/card-totals-count-every-entry", test_card_totals_count_every_entry, NULL, TRUE },
    { "/app/dialogs/end-to-end", test_end_to_end, NULL, FALSE },
    { "/app/dialogs/speaks-vietnamese-and-pictures", test_speaks_vietnamese_and_pictures, NULL, TRUE },
  };

  return app_test_run (argc, argv, fixture_set_up, cases, G_N_ELEMENTS (cases));
}
