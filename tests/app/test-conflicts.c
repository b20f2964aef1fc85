/* test-conflicts.c – the conflicts an official settles, in a real window on a real display (Xvfb) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "app-test.h"
#include "dh-autocleanups.h"
#include "dh-change.h"
#include "dh-conflicts-window.h"
#include "dh-context.h"
#include "dh-entity.h"
#include "dh-window.h"

#define LOCAL_PHONE  "0911111111"
#define REMOTE_PHONE "0922222222"

/* household_id: the household whose phone two devices changed at once */
typedef AppFixture Fixture;

static json_object *
pending_change (DhStore    *store,
                const char *record_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = dh_store_get_pending_changes (store, 0, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < pending->len; i++)
    if (g_strcmp0 (dh_json_get_string (g_ptr_array_index (pending, i), "r"), record_id) == 0)
      return json_object_get (g_ptr_array_index (pending, i));
  g_assert_not_reached ();
}

/* A change of the household made on another device (tuan.pham's)
 * SECONDS after the change LOCAL of this one: FIELD set to VALUE over
 * BASE, the value it had seen ("" for none). */
static json_object *
remote_change (Fixture     *fixture,
               json_object *local,
               guint        seconds,
               const char  *field,
               const char  *value,
               const char  *base)
{
  json_object *remote = json_object_new_object ();
  json_object *fields = json_object_new_object ();
  json_object *write = json_object_new_array ();
  const char *made = dh_json_get_string (local, "k");
  guint64 packed = g_ascii_strtoull (made, NULL, 16) + ((guint64) seconds * 1000 << 16);
  char clock[64];

  g_snprintf (clock, sizeof clock, "%016" G_GINT64_MODIFIER "x-00000000000000aa", packed);
  json_object_object_add (remote, "e", json_object_new_string ("household"));
  json_object_object_add (remote, "r", json_object_new_string (fixture->household_id));
  json_object_object_add (remote, "c", json_object_get (json_object_object_get (local, "c")));
  json_object_object_add (remote, "u", json_object_new_string ("tuan.pham"));
  json_object_object_add (remote, "k", json_object_new_string (clock));
  json_object_array_add (write, json_object_new_string (value));
  if (base != NULL)
    json_object_array_add (write, json_object_new_string (base));
  json_object_object_add (fields, field, write);
  json_object_object_add (remote, "f", fields);
  return remote;
}

/* The phone changed here, and on another device which had not seen that
 * change: the other device's write is a second later, so it holds the
 * field and this device's value is the one a conflict keeps. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) households = NULL;
  g_autoptr(json_object) fields = json_tokener_parse ("{\"phone\": \"" LOCAL_PHONE "\"}");
  g_autoptr(json_object) updated = NULL;
  g_autoptr(json_object) local = NULL;
  g_autoptr(json_object) remote = NULL;
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  DhQuery query = { .entity = "household", .limit = 1 };
  DhApplyReport report;
  DhWrite local_phone;
  const char *base = "";

  app_fixture_make_directory (fixture);
  app_fixture_make_demo_store (fixture, 20, 5);
  app_fixture_open_window (fixture);

  households = dh_store_list (app_fixture_store (fixture), &query, &error);
  g_assert_no_error (error);
  fixture->household_id = g_strdup (dh_json_get_string (g_ptr_array_index (households, 0), DH_RECORD_ID));
  updated = dh_store_update (app_fixture_store (fixture), "household", fixture->household_id, fields, &error);
  g_assert_no_error (error);

  local = pending_change (app_fixture_store (fixture), fixture->household_id);
  g_assert_true (dh_change_wire_get_write (local, "phone", &local_phone));
  if (local_phone.base[0] != '\0')
    base = local_phone.base;
  remote = remote_change (fixture, local, 1, "phone", REMOTE_PHONE, base);
  g_ptr_array_add (page, g_steal_pointer (&remote));

  g_assert_true (dh_store_apply_changes (app_fixture_store (fixture), page, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.conflicts, ==, 1);
}

static DhConflictsWindow *
open_conflicts (Fixture *fixture)
{
  GListModel *toplevels;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-conflicts", NULL));
  app_fixture_spin ();
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (DH_IS_CONFLICTS_WINDOW (window))
        {
          app_fixture_wait_until_drawn (GTK_WIDGET (window));
          return DH_CONFLICTS_WINDOW (window);
        }
    }
  g_assert_not_reached ();
}

/* The first widget below ROOT of TYPE whose label (a button's or a row's
 * title) contains TEXT, or any of TYPE when TEXT is NULL. */
static GtkWidget *
find_widget (GtkWidget  *root,
             GType       type,
             const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        {
          const char *label = NULL;

          if (GTK_IS_BUTTON (child))
            label = gtk_button_get_label (GTK_BUTTON (child));
          else if (ADW_IS_PREFERENCES_ROW (child))
            label = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child));
          if (text == NULL || (label != NULL && strstr (label, text) != NULL))
            return child;
        }
      found = find_widget (child, type, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static char *
stored_phone (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) household = dh_store_get (app_fixture_store (fixture), "household", fixture->household_id, &error);

  g_assert_no_error (error);
  return g_strdup (dh_json_get_string (household, "phone"));
}

static guint
open_conflicts_in_store (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conflicts = dh_store_list_conflicts (app_fixture_store (fixture), FALSE, &error);

  g_assert_no_error (error);
  return conflicts->len;
}

/* The row names the household by its head and the field in words, and
 * shows both values as people write them, with who wrote each. */
static AdwActionRow *
the_row (Fixture           *fixture,
         DhConflictsWindow *window,
         const char        *field_label)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) household = dh_store_get (app_fixture_store (fixture), "household", fixture->household_id, &error);
  GtkWidget *row;
  const char *subtitle;

  g_assert_no_error (error);
  g_assert_cmpuint (dh_conflicts_window_get_count (window), ==, 1);
  row = find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, dh_json_get_string (household, "head_name"));
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), field_label));
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
  g_assert_nonnull (strstr (subtitle, "tuan.pham"));
  g_assert_nonnull (strstr (subtitle, "222"));
  g_assert_nonnull (strstr (subtitle, "111"));
  /* no id, no English code */
  g_assert_null (strstr (subtitle, fixture->household_id));
  g_assert_null (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), "phone"));
  return ADW_ACTION_ROW (row);
}

static void
test_use_the_other_value (Fixture       *fixture,
                          gconstpointer  data)
{
  DhConflictsWindow *window = open_conflicts (fixture);
  g_autofree char *before = stored_phone (fixture);
  g_autofree char *after = NULL;
  AdwActionRow *row = the_row (fixture, window, "Phone");
  GtkWidget *button = find_widget (GTK_WIDGET (row), GTK_TYPE_BUTTON, "Use the Other");
  gint64 pending = app_fixture_count_pending (fixture);

  g_assert_cmpstr (before, ==, REMOTE_PHONE);
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  app_fixture_spin ();

  after = stored_phone (fixture);
  g_assert_cmpstr (after, ==, LOCAL_PHONE);
  g_assert_cmpuint (open_conflicts_in_store (fixture), ==, 0);
  g_assert_cmpuint (dh_conflicts_window_get_count (window), ==, 0);
  /* the value and the settling travel like any change (joining the
   * changes not yet sent of the same records) */
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, pending);
  {
    g_autoptr(json_object) change = pending_change (app_fixture_store (fixture), fixture->household_id);
    DhWrite phone;

    g_assert_true (dh_change_wire_get_write (change, "phone", &phone));
    g_assert_cmpstr (json_object_get_string (phone.value), ==, LOCAL_PHONE);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_keep_what_it_holds (Fixture       *fixture,
                         gconstpointer  data)
{
  DhConflictsWindow *window = open_conflicts (fixture);
  g_autofree char *after = NULL;
  AdwActionRow *row = the_row (fixture, window, "Phone");
  GtkWidget *button = find_widget (GTK_WIDGET (row), GTK_TYPE_BUTTON, "_Keep");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  app_fixture_spin ();

  after = stored_phone (fixture);
  g_assert_cmpstr (after, ==, REMOTE_PHONE);
  g_assert_cmpuint (open_conflicts_in_store (fixture), ==, 0);
  all = dh_store_list_conflicts (app_fixture_store (fixture), TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 1);
  g_assert_nonnull (dh_json_get_string (g_ptr_array_index (all, 0), "settled_on"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_speaks_vietnamese (Fixture       *fixture,
                        gconstpointer  data)
{
  DhConflictsWindow *window = open_conflicts (fixture);

  the_row (fixture, window, "Điện thoại");
  g_assert_nonnull (find_widget (GTK_WIDGET (window), GTK_TYPE_BUTTON, "Dùng"));
  app_fixture_save_picture (GTK_WIDGET (window), "conflicts-vi-light.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A household deleted here while another device still wrote to it: it is
 * listed, and restoring it brings it back with what was written. */
static void
test_restore_a_deleted_household (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(json_object) deletion = NULL;
  g_autoptr(json_object) household = NULL;
  json_object *remote;
  DhConflictsWindow *window;
  GtkWidget *row;
  GtkWidget *button;

  g_assert_true (dh_store_delete (app_fixture_store (fixture), "household", fixture->household_id, &error));
  g_assert_no_error (error);
  deletion = pending_change (app_fixture_store (fixture), fixture->household_id);
  /* notes written elsewhere, by someone who had not seen the deletion */
  remote = remote_change (fixture, deletion, 2, "notes", "Đã thăm lại, hộ vẫn ở đây", NULL);
  g_ptr_array_add (page, remote);
  g_assert_true (dh_store_apply_changes (app_fixture_store (fixture), page, NULL, NULL, &error));
  g_assert_no_error (error);

  window = open_conflicts (fixture);
  row = find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, "deleted");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "tuan.pham"));
  button = find_widget (row, GTK_TYPE_BUTTON, "_Restore");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  app_fixture_spin ();

  household = dh_store_get (app_fixture_store (fixture), "household", fixture->household_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (household);
  g_assert_cmpstr (dh_json_get_string (household, "notes"), ==, "Đã thăm lại, hộ vẫn ở đây");
  g_assert_null (find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, "deleted"));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  static const AppTestCase cases[] = {
    { "/app/conflicts/use-the-other-value", test_use_the_other_value, NULL, FALSE },
    { "/app/conflicts/keep-what-it-holds", test_keep_what_it_holds, NULL, FALSE },
    { "/app/conflicts/restore-a-deleted-household", test_restore_a_deleted_household, NULL, FALSE },
    { "/app/conflicts/speaks-vietnamese", test_speaks_vietnamese, NULL, TRUE },
  };

  return app_test_run (argc, argv, fixture_set_up, cases, G_N_ELEMENTS (cases));
}
