/* test-households.c – households and members made, changed and deleted through their dialogs, and the list's filters */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "app-test.h"
#include "dh-application.h"
#include "dh-autocleanups.h"
#include "dh-card-row.h"
#include "dh-citizen-id.h"
#include "dh-context.h"
#include "dh-demo.h"
#include "dh-edit-dialog.h"
#include "dh-entity.h"
#include "dh-field-choice.h"
#include "dh-household-dialog.h"
#include "dh-i18n.h"
#include "dh-member-dialog.h"
#include "dh-phone.h"
#include "dh-record.h"
#include "dh-window.h"

#define N_HOUSEHOLDS 40

typedef AppFixture Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  app_fixture_make_directory (fixture);
  app_fixture_make_demo_store (fixture, N_HOUSEHOLDS, 11);
  app_fixture_open_window (fixture);
}

/* The newest change waiting to leave the device. */
static json_object *
last_change (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = dh_store_get_pending_changes (app_fixture_store (fixture), 0, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, >, 0);
  return json_object_get (g_ptr_array_index (changes, changes->len - 1));
}

/* The dialog of @type the window opened, once it is there. */
static gpointer
find_window (GType type)
{
  for (guint spins = 0; spins < 100; spins++)
    {
      GList *windows = gtk_window_list_toplevels ();
      gpointer found = NULL;

      for (GList *l = windows; l != NULL && found == NULL; l = l->next)
        if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
          found = l->data;
      g_list_free (windows);
      if (found != NULL)
        return found;
      g_main_context_iteration (NULL, FALSE);
    }

  return NULL;
}

static gboolean
keep_waking (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* The dialog of @type, waiting for it up to a few seconds: a button
 * activated from the keyboard, or by its row, shows itself pressed for a
 * moment (a quarter of a second in GTK 4.8) before it acts. */
static gpointer
wait_for_window (GType type)
{
  guint waker = g_timeout_add (20, keep_waking, NULL);
  gpointer found = NULL;

  for (guint i = 0; i < 250 && (found = find_window (type)) == NULL; i++)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (waker);

  return found;
}

static gboolean
window_is_open (GType type)
{
  GList *windows;
  gboolean open = FALSE;

  app_fixture_spin ();
  windows = gtk_window_list_toplevels ();
  for (GList *l = windows; l != NULL; l = l->next)
    open = open || G_TYPE_CHECK_INSTANCE_TYPE (l->data, type);
  g_list_free (windows);

  return open;
}

static void
type_into (GtkWidget  *field,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (field), text);
  app_fixture_spin ();
}

static const char *
some_household (Fixture *fixture,
                guint    position)
{
  GListModel *households = dh_window_get_households (fixture->window);
  g_autoptr(DhRecord) record = g_list_model_get_item (households, position);

  g_assert_nonnull (record);
  g_assert_true (dh_record_is_loaded (record));
  return g_intern_string (dh_record_get_id (record));
}

/* A household that has members, shown on the card. */
static const char *
show_household_with_members (Fixture *fixture)
{
  for (guint i = 0; i < N_HOUSEHOLDS; i++)
    {
      const char *id = some_household (fixture, i);
      g_autofree char *filter = g_strdup_printf ("household=%s", id);

      if (app_fixture_count (fixture, "member", filter) >= 2)
        {
          g_assert_true (dh_window_show_household (fixture->window, id));
          return id;
        }
    }
  g_assert_not_reached ();
}

static const char *
error_of (gpointer    dialog,
          GtkWidget  *field)
{
  return dh_edit_dialog_get_field_error (DH_EDIT_DIALOG (dialog), field);
}

static void
test_create_writes_one_household (Fixture       *fixture,
                                  gconstpointer  data)
{
  DhHouseholdDialog *dialog;
  gint64 households, changes;
  g_autoptr(json_object) record = NULL;
  g_autoptr(json_object) change = NULL;
  const char *village;
  const char *id;

  app_fixture_wait (fixture->window);
  households = app_fixture_count (fixture, "household", NULL);
  changes = app_fixture_count_pending (fixture);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-household", NULL));
  dialog = find_window (DH_TYPE_HOUSEHOLD_DIALOG);
  g_assert_nonnull (dialog);

  type_into (dh_household_dialog_get_field (dialog, "head_name"), "  Nguyễn Văn Đặng ");
  type_into (dh_household_dialog_get_field (dialog, "phone"), "0912 345 678");
  type_into (dh_household_dialog_get_field (dialog, "classification_year"), "2026");
  type_into (dh_household_dialog_get_field (dialog, "recognized_on"), "15/01/2026");
  g_object_set (dh_household_dialog_get_field (dialog, "village"), "selected", 1, NULL);
  village = g_intern_string (dh_field_choice_get_code (G_OBJECT (dh_household_dialog_get_field (dialog, "village"))));
  g_assert_true (dh_field_choice_set_code (G_OBJECT (dh_household_dialog_get_field (dialog, "ethnicity")), "tay"));
  g_assert_true (dh_field_choice_set_code (G_OBJECT (dh_household_dialog_get_field (dialog, "classification")), "poor"));
  g_assert_true (dh_edit_dialog_get_modified (DH_EDIT_DIALOG (dialog)));
  g_assert_false (dh_edit_dialog_has_errors (DH_EDIT_DIALOG (dialog)));

  g_object_ref (dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "edit.save", NULL));
  id = g_intern_string (dh_household_dialog_get_saved_id (dialog));
  g_object_unref (dialog);
  g_assert_nonnull (id);
  g_assert_false (window_is_open (DH_TYPE_HOUSEHOLD_DIALOG));

  /* one household, one change waiting to be sent */
  g_assert_cmpint (app_fixture_count (fixture, "household", NULL), ==, households + 1);
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, changes + 1);
  record = dh_store_get (app_fixture_store (fixture), "household", id, NULL);
  g_assert_cmpstr (dh_json_get_string (record, "head_name"), ==, "Nguyễn Văn Đặng");
  g_assert_cmpstr (dh_json_get_string (record, "phone"), ==, "0912345678");
  g_assert_cmpstr (dh_json_get_string (record, "village"), ==, village);
  g_assert_cmpstr (dh_json_get_string (record, "ethnicity"), ==, "tay");
  g_assert_cmpstr (dh_json_get_string (record, "classification"), ==, "poor");
  g_assert_cmpstr (dh_json_get_string (record, "recognized_on"), ==, "2026-01-15");
  g_assert_cmpint (dh_json_get_int (record, "classification_year", 0), ==, 2026);
  change = last_change (fixture);
  g_assert_cmpstr (dh_json_get_string (change, "r"), ==, id);

  /* and the card shows it */
  g_assert_cmpstr (dh_window_get_household_id (fixture->window), ==, id);

  /* with a village chosen in the list, a new household starts in it */
  dh_window_set_filters (fixture->window, village, NULL);
  app_fixture_wait (fixture->window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-household", NULL));
  dialog = find_window (DH_TYPE_HOUSEHOLD_DIALOG);
  g_assert_cmpstr (dh_field_choice_get_code (G_OBJECT (dh_household_dialog_get_field (dialog, "village"))), ==, village);
  g_assert_false (dh_edit_dialog_get_modified (DH_EDIT_DIALOG (dialog)));
}

static void
test_bad_input_writes_nothing (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) phone_error = NULL;
  g_autofree char *phone_message = NULL;
  DhHouseholdDialog *dialog;
  GtkWidget *head, *phone;
  gint64 households, changes;

  app_fixture_wait (fixture->window);
  households = app_fixture_count (fixture, "household", NULL);
  changes = app_fixture_count_pending (fixture);
  g_assert_null (dh_phone_normalize ("0912 345", &phone_error));
  phone_message = g_strdup (phone_error->message);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-household", NULL));
  dialog = find_window (DH_TYPE_HOUSEHOLD_DIALOG);
  head = dh_household_dialog_get_field (dialog, "head_name");
  phone = dh_household_dialog_get_field (dialog, "phone");

  /* a phone too short: the rule's own words, as it is typed */
  type_into (head, "Lò Văn Sính");
  type_into (phone, "0912 345");
  g_assert_cmpstr (error_of (dialog, phone), ==, phone_message);
  g_assert_true (gtk_widget_has_css_class (phone, "error"));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "edit.save", NULL);
  g_assert_true (window_is_open (DH_TYPE_HOUSEHOLD_DIALOG));
  g_assert_cmpint (app_fixture_count (fixture, "household", NULL), ==, households);
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, changes);

  /* the phone put right, the name taken away */
  type_into (phone, "0912 345 678");
  g_assert_null (error_of (dialog, phone));
  type_into (head, "   ");
  g_assert_nonnull (error_of (dialog, head));
  g_assert_false (dh_edit_dialog_save (DH_EDIT_DIALOG (dialog)));
  g_assert_cmpint (app_fixture_count (fixture, "household", NULL), ==, households);
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, changes);

  /* a new dialog left empty is refused at saving, with the name marked */
  type_into (head, "");
  g_assert_false (dh_edit_dialog_save (DH_EDIT_DIALOG (dialog)));
  g_assert_nonnull (error_of (dialog, head));
  g_assert_cmpint (app_fixture_count (fixture, "household", NULL), ==, households);

  /* a code another household of the commune has: the store refuses it,
   * and its words go on the code */
  {
    g_autoptr(json_object) other = dh_store_get (app_fixture_store (fixture), "household", some_household (fixture, 0), NULL);
    GtkWidget *code = dh_household_dialog_get_field (dialog, "code");

    type_into (head, "Lò Văn Sính");
    type_into (code, dh_json_get_string (other, "code"));
    g_assert_true (dh_field_choice_set_code (G_OBJECT (dh_household_dialog_get_field (dialog, "village")),
                                             dh_json_get_string (other, "village")));
    g_assert_null (error_of (dialog, code));
    g_assert_false (dh_edit_dialog_save (DH_EDIT_DIALOG (dialog)));
    g_assert_nonnull (strstr (error_of (dialog, code), dh_json_get_string (other, "code")));
    g_assert_false (g_str_has_prefix (error_of (dialog, code), "code:"));
    /* shown on the field, the refusal needs no message of its own on top */
    g_assert_null (find_window (ADW_TYPE_MESSAGE_DIALOG));
    g_assert_cmpint (app_fixture_count (fixture, "household", NULL), ==, households);
    g_assert_cmpint (app_fixture_count_pending (fixture), ==, changes);
  }
}

static void
test_edit_changes_only_what_changed (Fixture       *fixture,
                                     gconstpointer  data)
{
  DhHouseholdDialog *dialog;
  g_autoptr(json_object) before = NULL;
  g_autoptr(json_object) after = NULL;
  g_autoptr(json_object) change = NULL;
  json_object *fields;
  const char *id;
  gint64 changes;

  app_fixture_wait (fixture->window);
  id = some_household (fixture, 5);
  g_assert_true (dh_window_show_household (fixture->window, id));
  app_fixture_acknowledge (fixture, id);
  before = dh_store_get (app_fixture_store (fixture), "household", id, NULL);
  changes = app_fixture_count_pending (fixture);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.edit-household", NULL));
  dialog = find_window (DH_TYPE_HOUSEHOLD_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_false (dh_edit_dialog_get_modified (DH_EDIT_DIALOG (dialog)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dh_household_dialog_get_field (dialog, "head_name"))), ==,
                   dh_json_get_string (before, "head_name"));

  /* saved untouched: nothing is written */
  g_assert_true (dh_edit_dialog_save (DH_EDIT_DIALOG (dialog)));
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, changes);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.edit-household", NULL));
  dialog = find_window (DH_TYPE_HOUSEHOLD_DIALOG);
  type_into (dh_household_dialog_get_field (dialog, "phone"), "+84 987 654 321");
  g_assert_true (dh_edit_dialog_save (DH_EDIT_DIALOG (dialog)));

  g_assert_cmpint (app_fixture_count_pending (fixture), ==, changes + 1);
  change = last_change (fixture);
  g_assert_cmpstr (dh_json_get_string (change, "r"), ==, id);
  g_assert_true (json_object_object_get_ex (change, "f", &fields));
  g_assert_cmpint (json_object_object_length (fields), ==, 1);
  g_assert_true (json_object_object_get_ex (fields, "phone", NULL));

  after = dh_store_get (app_fixture_store (fixture), "household", id, NULL);
  g_assert_cmpstr (dh_json_get_string (after, "phone"), ==, "0987654321");
  json_object_object_del (before, "phone");
  json_object_object_del (after, "phone");
  json_object_object_del (before, DH_RECORD_UPDATED_AT);
  json_object_object_del (after, DH_RECORD_UPDATED_AT);
  json_object_object_del (before, DH_RECORD_UPDATED_BY);
  json_object_object_del (after, DH_RECORD_UPDATED_BY);
  json_object_object_del (before, DH_RECORD_SYNC_STATE);
  json_object_object_del (after, DH_RECORD_SYNC_STATE);
  g_assert_true (dh_json_equal (before, after));
}

static void
test_delete_then_undo (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *id;
  g_autofree char *members_filter = NULL;
  gint64 households, members;
  AdwToast *undo;
  GVariant *target;

  app_fixture_wait (fixture->window);
  id = show_household_with_members (fixture);
  members_filter = g_strdup_printf ("household=%s", id);
  households = app_fixture_count (fixture, "household", NULL);
  members = app_fixture_count (fixture, "member", members_filter);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.delete-household", NULL));
  app_fixture_wait (fixture->window);

  /* gone, with its members; the card is empty and the list one shorter */
  g_assert_null (dh_window_get_household_id (fixture->window));
  g_assert_cmpint (app_fixture_count (fixture, "household", NULL), ==, households - 1);
  g_assert_cmpint (app_fixture_count (fixture, "member", members_filter), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (dh_window_get_households (fixture->window)), ==, households - 1);

  /* the toast's Undo button */
  undo = dh_window_get_undo_toast (fixture->window);
  g_assert_nonnull (undo);
  g_assert_true (g_str_has_prefix (adw_toast_get_title (undo), "Household of "));
  g_assert_cmpstr (adw_toast_get_button_label (undo), ==, "_Undo");
  target = adw_toast_get_action_target_value (undo);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (fixture->window), adw_toast_get_action_name (undo), target));
  app_fixture_wait (fixture->window);

  g_assert_cmpint (app_fixture_count (fixture, "household", NULL), ==, households);
  g_assert_cmpint (app_fixture_count (fixture, "member", members_filter), ==, members);
  g_assert_cmpstr (dh_window_get_household_id (fixture->window), ==, id);
  g_assert_cmpuint (g_list_model_get_n_items (dh_window_get_households (fixture->window)), ==, households);
}

/* A member's citizen ID is checked as it is typed against the member's
 * sex and year of birth, with the words of the citizen ID rule. */
static void
test_member_citizen_id_checked_against_sex_and_birth (Fixture       *fixture,
                                                      gconstpointer  data)
{
  g_autoptr(GError) sex_error = NULL;
  g_autoptr(GError) year_error = NULL;
  g_autoptr(json_object) member = NULL;
  g_autofree char *filter = NULL;
  DhMemberDialog *dialog;
  GtkWidget *citizen_id, *birth;
  GObject *sex;
  const char *household, *id;
  gint64 members, changes;

  app_fixture_wait (fixture->window);
  household = show_household_with_members (fixture);
  filter = g_strdup_printf ("household=%s", household);
  members = app_fixture_count (fixture, "member", filter);
  changes = app_fixture_count_pending (fixture);
  /* 4th digit 0: a man born 1900–1999; 5th and 6th: 85 */
  g_assert_false (dh_citizen_id_check (NULL, NULL, "001085012345", DH_SEX_FEMALE, 1985, &sex_error));
  g_assert_false (dh_citizen_id_check (NULL, NULL, "001085012345", DH_SEX_MALE, 1990, &year_error));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-member", NULL));
  dialog = find_window (DH_TYPE_MEMBER_DIALOG);
  g_assert_nonnull (dialog);
  citizen_id = dh_member_dialog_get_field (dialog, "citizen_id");
  birth = dh_member_dialog_get_field (dialog, "birth_date");
  sex = G_OBJECT (dh_member_dialog_get_field (dialog, "sex"));

  type_into (dh_member_dialog_get_field (dialog, "full_name"), "Lò Thị Mỷ");
  g_assert_true (dh_field_choice_set_code (sex, "female"));
  type_into (birth, "1985");
  type_into (citizen_id, "001085012345");
  g_assert_cmpstr (error_of (dialog, citizen_id), ==, sex_error->message);
  g_assert_false (dh_edit_dialog_save (DH_EDIT_DIALOG (dialog)));

  /* the sex put right, the year wrong */
  g_assert_true (dh_field_choice_set_code (sex, "male"));
  app_fixture_spin ();
  g_assert_null (error_of (dialog, citizen_id));
  type_into (birth, "1990");
  g_assert_cmpstr (error_of (dialog, citizen_id), ==, year_error->message);
  g_assert_false (dh_edit_dialog_save (DH_EDIT_DIALOG (dialog)));
  g_assert_cmpint (app_fixture_count (fixture, "member", filter), ==, members);
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, changes);

  /* a birth date, whole, that agrees */
  type_into (birth, "07/03/1985");
  g_assert_null (error_of (dialog, citizen_id));
  g_assert_null (error_of (dialog, birth));
  g_object_ref (dialog);
  g_assert_true (dh_edit_dialog_save (DH_EDIT_DIALOG (dialog)));
  id = g_intern_string (dh_member_dialog_get_saved_id (dialog));
  g_object_unref (dialog);

  g_assert_cmpint (app_fixture_count (fixture, "member", filter), ==, members + 1);
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, changes + 1);
  member = dh_store_get (app_fixture_store (fixture), "member", id, NULL);
  g_assert_cmpstr (dh_json_get_string (member, "household"), ==, household);
  g_assert_cmpstr (dh_json_get_string (member, "citizen_id"), ==, "001085012345");
  g_assert_cmpstr (dh_json_get_string (member, "birth_date"), ==, "1985-03-07");
  g_assert_cmpstr (dh_json_get_string (member, "sex"), ==, "male");
}

static void
test_remove_member_asks_then_undo (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autofree char *filter = NULL;
  g_autoptr(GPtrArray) members = NULL;
  const char *household, *member_id;
  const char *filters[2] = { NULL, NULL };
  DhQuery query = { .entity = "member", .limit = 1 };
  AdwMessageDialog *ask;
  AdwToast *undo;
  gint64 n;

  app_fixture_wait (fixture->window);
  household = show_household_with_members (fixture);
  filter = g_strdup_printf ("household=%s", household);
  filters[0] = filter;
  query.filters = filters;
  members = dh_store_list (app_fixture_store (fixture), &query, NULL);
  member_id = dh_json_get_string (g_ptr_array_index (members, 0), DH_RECORD_ID);
  n = app_fixture_count (fixture, "member", filter);

  /* cancelled: nothing goes */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.remove-member", "s", member_id));
  ask = find_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (ask);
  adw_message_dialog_response (ask, "cancel");
  gtk_window_destroy (GTK_WINDOW (ask));
  app_fixture_spin ();
  g_assert_cmpint (app_fixture_count (fixture, "member", filter), ==, n);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.remove-member", "s", member_id));
  ask = find_window (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (ask, "remove");
  gtk_window_destroy (GTK_WINDOW (ask));
  app_fixture_wait (fixture->window);
  g_assert_cmpint (app_fixture_count (fixture, "member", filter), ==, n - 1);
  g_assert_null (dh_store_get (app_fixture_store (fixture), "member", member_id, NULL));

  undo = dh_window_get_undo_toast (fixture->window);
  g_assert_nonnull (undo);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (fixture->window), adw_toast_get_action_name (undo),
                                                     adw_toast_get_action_target_value (undo)));
  g_assert_cmpint (app_fixture_count (fixture, "member", filter), ==, n);
}

/* A member's row opens the member as recorded; saved, only what changed is written. */
/* The first row of a card with @title and @subtitle, each NULL for any. */
static DhCardRow *
find_card_row (GtkWidget  *widget,
               const char *title,
               const char *subtitle)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      DhCardRow *found;

      if (DH_IS_CARD_ROW (child)
          && (title == NULL || g_strcmp0 (dh_card_row_get_title (DH_CARD_ROW (child)), title) == 0)
          && (subtitle == NULL || g_strcmp0 (dh_card_row_get_subtitle (DH_CARD_ROW (child)), subtitle) == 0))
        return DH_CARD_ROW (child);
      if ((found = find_card_row (child, title, subtitle)) != NULL)
        return found;
    }
  return NULL;
}

/* The parts of a card row, as laid out: its words and its buttons. */
static void
card_row_parts (DhCardRow *row,
                GtkWidget **text,
                GtkWidget **buttons)
{
  GtkWidget *content = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));

  *text = NULL;
  *buttons = NULL;
  for (GtkWidget *part = gtk_widget_get_first_child (content); part != NULL; part = gtk_widget_get_next_sibling (part))
    if (GTK_IS_BOX (part) && gtk_orientable_get_orientation (GTK_ORIENTABLE (part)) == GTK_ORIENTATION_VERTICAL)
      *text = part;
    else if (GTK_IS_BOX (part))
      *buttons = part;
}

/* A card row's words wrap in the width its buttons leave them, and grow
 * taller as it narrows; the buttons keep their width at its end. */
static void
test_card_row_words_wrap_beside_its_buttons (Fixture       *fixture,
                                             gconstpointer  data)
{
  GtkWidget *row = dh_card_row_new ("15/10/2026 · Thăm định kỳ, tư vấn sinh kế và nhận giống",
                                    "Gia đình đã nhận hai con bò giống, chuồng trại đã làm xong, "
                                    "cần hướng dẫn thêm về tiêm phòng và trồng cỏ cho mùa khô năm sau.");
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *text, *buttons;
  graphene_rect_t text_bounds, buttons_bounds;
  int wide, narrow;

  dh_card_row_add_suffix (DH_CARD_ROW (row), gtk_button_new_from_icon_name ("document-edit-symbolic"));
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  gtk_window_set_child (GTK_WINDOW (window), list);
  gtk_window_present (GTK_WINDOW (window));
  app_fixture_wait_until_drawn (row);

  gtk_widget_measure (row, GTK_ORIENTATION_VERTICAL, 1000, NULL, &wide, NULL, NULL);
  gtk_widget_measure (row, GTK_ORIENTATION_VERTICAL, 300, NULL, &narrow, NULL, NULL);
  g_assert_cmpint (narrow, >, wide);

  gtk_widget_set_size_request (window, 300, -1);
  gtk_window_set_default_size (GTK_WINDOW (window), 300, 1);
  app_fixture_wait_until_drawn (row);
  card_row_parts (DH_CARD_ROW (row), &text, &buttons);
  g_assert_nonnull (text);
  g_assert_nonnull (buttons);
  g_assert_true (gtk_widget_compute_bounds (text, row, &text_bounds));
  g_assert_true (gtk_widget_compute_bounds (buttons, row, &buttons_bounds));
  /* side by side, the buttons last, within the row */
  g_assert_cmpfloat (text_bounds.origin.x + text_bounds.size.width, <=, buttons_bounds.origin.x);
  g_assert_cmpfloat (buttons_bounds.origin.x + buttons_bounds.size.width, <=, gtk_widget_get_width (row));
  g_assert_cmpfloat (text_bounds.size.height, <=, gtk_widget_get_height (row));
  /* the words get the height they need at the width they have */
  {
    int needed;

    gtk_widget_measure (text, GTK_ORIENTATION_VERTICAL, (int) text_bounds.size.width, NULL, &needed, NULL, NULL);
    g_assert_cmpfloat (text_bounds.size.height, >=, needed);
  }
  /* none of its words cut short, the title's nor the subtitle's */
  for (GtkWidget *label = gtk_widget_get_first_child (text); label != NULL; label = gtk_widget_get_next_sibling (label))
    g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_edit_member_from_its_row (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *filter = NULL;
  g_autoptr(GPtrArray) members = NULL;
  g_autoptr(json_object) after = NULL;
  g_autoptr(json_object) change = NULL;
  const char *filters[2] = { NULL, NULL };
  DhQuery query = { .entity = "member", .limit = 1 };
  DhMemberDialog *dialog;
  json_object *member, *fields;
  const char *member_id;
  GtkSwitch *disability;
  gboolean was_disabled;

  app_fixture_wait (fixture->window);
  filter = g_strdup_printf ("household=%s", show_household_with_members (fixture));
  filters[0] = filter;
  query.filters = filters;
  members = dh_store_list (app_fixture_store (fixture), &query, NULL);
  member = g_ptr_array_index (members, 0);
  member_id = dh_json_get_string (member, DH_RECORD_ID);
  app_fixture_acknowledge (fixture, member_id);

  /* the member's row on the card, activated as a click or Enter does */
  {
    GtkWidget *page = GTK_WIDGET (dh_window_get_household_page (fixture->window));
    DhCardRow *row = find_card_row (page, dh_json_get_string (member, "full_name"), NULL);

    g_assert_nonnull (row);
    g_assert_true (gtk_widget_activate (GTK_WIDGET (row)));
  }
  dialog = wait_for_window (DH_TYPE_MEMBER_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dh_member_dialog_get_field (dialog, "full_name"))), ==,
                   dh_json_get_string (member, "full_name"));
  g_assert_cmpstr (dh_field_choice_get_code (G_OBJECT (dh_member_dialog_get_field (dialog, "relation"))), ==,
                   dh_json_get_string (member, "relation"));
  g_assert_false (dh_edit_dialog_get_modified (DH_EDIT_DIALOG (dialog)));

  disability = GTK_SWITCH (dh_member_dialog_get_field (dialog, "disability"));
  was_disabled = json_object_get_boolean (json_object_object_get (member, "disability"));
  g_assert_cmpint (gtk_switch_get_active (disability), ==, was_disabled);
  gtk_switch_set_active (disability, !was_disabled);
  g_assert_true (dh_edit_dialog_get_modified (DH_EDIT_DIALOG (dialog)));
  g_assert_true (dh_edit_dialog_save (DH_EDIT_DIALOG (dialog)));

  after = dh_store_get (app_fixture_store (fixture), "member", member_id, NULL);
  g_assert_cmpint (json_object_get_boolean (json_object_object_get (after, "disability")), ==, !was_disabled);
  change = last_change (fixture);
  g_assert_cmpstr (dh_json_get_string (change, "r"), ==, member_id);
  g_assert_true (json_object_object_get_ex (change, "f", &fields));
  g_assert_cmpint (json_object_object_length (fields), ==, 1);
  g_assert_true (json_object_object_get_ex (fields, "disability", NULL));
}

/* Waits until the list shows a household named @name. */
static void
wait_for_listed_name (Fixture    *fixture,
                      const char *name)
{
  GListModel *households = dh_window_get_households (fixture->window);

  for (guint spins = 0; spins < 2000; spins++)
    {
      app_fixture_spin ();
      for (guint i = 0; i < g_list_model_get_n_items (households); i++)
        {
          g_autoptr(DhRecord) row = g_list_model_get_item (households, i);

          if (g_strcmp0 (dh_record_get_string (row, "head_name"), name) == 0)
            return;
        }
    }
  g_assert_not_reached ();
}

/* The card follows the store, here and from a sync, but is made again only
 * when what it shows changed: a write about another household leaves its
 * rows as they are; one about this household shows at once. */
static void
test_card_made_again_only_when_it_changed (Fixture       *fixture,
                                           gconstpointer  data)
{
  GtkWidget *page;
  DhCardRow *row;
  const char *shown;
  const char *other;
  g_autoptr(GError) error = NULL;

  app_fixture_wait (fixture->window);
  shown = show_household_with_members (fixture);
  other = g_strcmp0 (some_household (fixture, 0), shown) != 0 ? some_household (fixture, 0) : some_household (fixture, 1);
  page = GTK_WIDGET (dh_window_get_household_page (fixture->window));
  row = find_card_row (page, NULL, NULL);
  g_assert_nonnull (row);
  g_object_add_weak_pointer (G_OBJECT (row), (gpointer *) &row);

  /* another household renamed: the list shows it, the card stays as made */
  {
    g_autoptr(json_object) changes = json_tokener_parse ("{\"head_name\": \"Zơ Râm Thị Ưng\"}");
    g_autoptr(json_object) updated = dh_store_update (app_fixture_store (fixture), "household", other, changes, &error);

    g_assert_no_error (error);
  }
  wait_for_listed_name (fixture, "Zơ Râm Thị Ưng");
  app_fixture_wait (fixture->window);
  g_assert_nonnull (row);
  g_assert_cmpstr (dh_window_get_household_id (fixture->window), ==, shown);

  /* this household's phone: the card is made again, with it */
  {
    g_autoptr(json_object) changes = json_tokener_parse ("{\"phone\": \"0912345678\", \"head_name\": \"Zơ Râm Văn Út\"}");
    g_autoptr(json_object) updated = dh_store_update (app_fixture_store (fixture), "household", shown, changes, &error);

    g_assert_no_error (error);
  }
  wait_for_listed_name (fixture, "Zơ Râm Văn Út");
  app_fixture_wait (fixture->window);
  g_assert_null (row);
  g_assert_nonnull (find_card_row (page, NULL, "0912345678"));
  g_assert_cmpstr (dh_household_page_get_title (dh_window_get_household_page (fixture->window)), ==, "Zơ Râm Văn Út");
}

static void
assert_list_is (Fixture    *fixture,
                const char *filter_a,
                const char *filter_b)
{
  const char *filters[] = { filter_a, filter_b, NULL };
  DhQuery query = { .entity = "household", .filters = filters, .limit = DH_STORE_MAX_LIMIT };
  g_autoptr(GPtrArray) expected = dh_store_list (app_fixture_store (fixture), &query, NULL);
  GListModel *listed = dh_window_get_households (fixture->window);

  g_assert_nonnull (expected);
  g_assert_cmpuint (g_list_model_get_n_items (listed), ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      g_autoptr(DhRecord) record = g_list_model_get_item (listed, i);

      g_assert_cmpstr (dh_record_get_id (record), ==, dh_json_get_string (g_ptr_array_index (expected, i), DH_RECORD_ID));
    }
}

static void
test_filters_by_caseworker_and_visits (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *overdue = g_strdup_printf ("%s=%d", DH_FILTER_NOT_VISITED_FOR, 30);
  gint64 waiting;

  app_fixture_wait (fixture->window);
  /* two caseworkers share out some households */
  for (guint i = 0; i < 12; i++)
    {
      g_autoptr(json_object) changes = json_object_new_object ();
      g_autoptr(json_object) updated = NULL;

      json_object_object_add (changes, "assigned_to", json_object_new_string (i % 3 == 0 ? "Đinh Thị Hoa" : "Bùi Văn Dũng"));
      updated = dh_store_update (app_fixture_store (fixture), "household", some_household (fixture, i), changes, &error);
      g_assert_no_error (error);
    }
  app_fixture_wait (fixture->window);

  dh_window_set_more_filters (fixture->window, "Đinh Thị Hoa", 0);
  app_fixture_wait (fixture->window);
  g_assert_cmpint (app_fixture_count (fixture, "household", "assigned_to=Đinh Thị Hoa"), ==, 4);
  assert_list_is (fixture, "assigned_to=Đinh Thị Hoa", NULL);

  dh_window_set_more_filters (fixture->window, NULL, 30);
  app_fixture_wait (fixture->window);
  waiting = app_fixture_count (fixture, "household", overdue);
  g_assert_cmpint (waiting, >, 0);
  g_assert_cmpint (waiting, <, N_HOUSEHOLDS);
  assert_list_is (fixture, overdue, NULL);

  dh_window_set_more_filters (fixture->window, "Bùi Văn Dũng", 30);
  app_fixture_wait (fixture->window);
  assert_list_is (fixture, overdue, "assigned_to=Bùi Văn Dũng");

  dh_window_set_more_filters (fixture->window, NULL, 0);
  app_fixture_wait (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (dh_window_get_households (fixture->window)), ==, N_HOUSEHOLDS);
}

/* ---- screenshots (Vietnamese, light and dark) ---------------------------- */

/* The window's one menu button with words: "More Filters". */
static GtkMenuButton *
find_menu_button (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)) != NULL)
    return GTK_MENU_BUTTON (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkMenuButton *found = find_menu_button (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
screenshots (Fixture    *fixture,
             const char *scheme)
{
  DhHouseholdDialog *household_dialog;
  DhMemberDialog *member_dialog;
  g_autofree char *household_name = g_strdup_printf ("household-dialog-vi-%s.png", scheme);
  g_autofree char *member_name = g_strdup_printf ("member-dialog-vi-%s.png", scheme);
  g_autofree char *card_name = g_strdup_printf ("household-card-vi-%s.png", scheme);
  g_autofree char *filters_name = g_strdup_printf ("filters-vi-%s.png", scheme);
  g_autofree char *narrow_name = g_strdup_printf ("list-narrow-vi-%s.png", scheme);
  GtkMenuButton *filters;

  app_fixture_wait (fixture->window);
  show_household_with_members (fixture);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1366, 768);
  app_fixture_save_picture (GTK_WIDGET (fixture->window), card_name);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.edit-household", NULL);
  household_dialog = find_window (DH_TYPE_HOUSEHOLD_DIALOG);
  g_assert_nonnull (household_dialog);
  /* a phone typed wrong shows its message */
  type_into (dh_household_dialog_get_field (household_dialog, "phone"), "0912 345");
  app_fixture_save_picture (GTK_WIDGET (household_dialog), household_name);
  dh_edit_dialog_set_modified (DH_EDIT_DIALOG (household_dialog), FALSE);
  gtk_window_destroy (GTK_WINDOW (household_dialog));

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-member", NULL);
  member_dialog = find_window (DH_TYPE_MEMBER_DIALOG);
  type_into (dh_member_dialog_get_field (member_dialog, "full_name"), "Lò Thị Mỷ");
  dh_field_choice_set_code (G_OBJECT (dh_member_dialog_get_field (member_dialog, "sex")), "female");
  type_into (dh_member_dialog_get_field (member_dialog, "birth_date"), "1985");
  type_into (dh_member_dialog_get_field (member_dialog, "citizen_id"), "001085012345");
  g_assert_nonnull (error_of (member_dialog, dh_member_dialog_get_field (member_dialog, "citizen_id")));
  app_fixture_save_picture (GTK_WIDGET (member_dialog), member_name);
  dh_edit_dialog_set_modified (DH_EDIT_DIALOG (member_dialog), FALSE);
  gtk_window_destroy (GTK_WINDOW (member_dialog));

  /* the filters' popover, and the list in a narrow window */
  filters = find_menu_button (GTK_WIDGET (fixture->window));
  g_assert_nonnull (filters);
  dh_window_set_more_filters (fixture->window, NULL, 90);
  gtk_menu_button_popup (filters);
  app_fixture_save_picture (GTK_WIDGET (gtk_menu_button_get_popover (filters)), filters_name);
  gtk_menu_button_popdown (filters);

  gtk_widget_hide (GTK_WIDGET (fixture->window));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 400, 700);
  gtk_window_present (GTK_WINDOW (fixture->window));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.back", NULL);
  app_fixture_save_picture (GTK_WIDGET (fixture->window), narrow_name);
}

static void
test_screenshots_light (Fixture       *fixture,
                        gconstpointer  data)
{
  /* a screenshot shows where a field ends up, not halfway there */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  screenshots (fixture, "light");
}

static void
test_screenshots_dark (Fixture       *fixture,
                       gconstpointer  data)
{
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  screenshots (fixture, "dark");
}

int
main (int   argc,
      char *argv[])
{
  static const AppTestCase cases[] = {
    { "/app/households/create-writes-one-household", test_create_writes_one_household, NULL, FALSE },
    { "/app/households/bad-input-writes-nothing", test_bad_input_writes_nothing, NULL, FALSE },
    { "/app/households/edit-changes-only-what-changed", test_edit_changes_only_what_changed, NULL, FALSE },
    { "/app/households/delete-then-undo", test_delete_then_undo, NULL, FALSE },
    { "/app/members/citizen-id-checked-against-sex-and-birth",
      test_member_citizen_id_checked_against_sex_and_birth, NULL, FALSE },
    { "/app/members/edit-from-its-row", test_edit_member_from_its_row, NULL, FALSE },
    { "/app/members/remove-asks-then-undo", test_remove_member_asks_then_undo, NULL, FALSE },
    { "/app/households/filters-by-caseworker-and-visits", test_filters_by_caseworker_and_visits, NULL, FALSE },
    { "/app/households/card-row-words-wrap-beside-its-buttons", test_card_row_words_wrap_beside_its_buttons, NULL, FALSE },
    { "/app/households/card-made-again-only-when-it-changed", test_card_made_again_only_when_it_changed, NULL, FALSE },
    /* the dialogs as a Vietnamese caseworker sees them */
    { "/app/households/screenshots-light", test_screenshots_light, NULL, TRUE },
    { "/app/households/screenshots-dark", test_screenshots_dark, NULL, TRUE },
  };

  return app_test_run (argc, argv, fixture_set_up, cases, G_N_ELEMENTS (cases));
}
