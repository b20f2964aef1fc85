/* test-sync.c – the application's sync against the real donghanh-server: sign-in, the sync button, badges, refused changes, the clock */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "app-test.h"
#include "../sync/fake-monitor.h"
#include "dh-autocleanups.h"
#include "dh-household-row.h"
#include "dh-preferences-window.h"
#include "dh-rejected-dialog.h"
#include "dh-sign-in-dialog.h"
#include "dh-sync-button.h"
#include "../server/server-fixture.h"

#define PASSWORD "mật khẩu của Lan 2026"
#define USERNAME "lan.hoang"
#define COMMUNE  "Xã Minh Tiến (demo)"
#define N_VILLAGES 5   /* of DEMO-01 in data/catalogues/demo-province.json */

typedef AppFixture Fixture;

/* The server is started once, by the first process; each case's process
 * finds it through these. */
#define SERVER_URL_VAR "DH_TEST_SERVER_URL"
#define CA_FILE_VAR    "DH_TEST_CA_FILE"
#define CONNINFO_VAR   "DH_TEST_CONNINFO"

/* ---- helpers -------------------------------------------------------------- */

static FakeMonitor *monitor;

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until @done says so, for at most a minute. */
static void
wait_until (gboolean (*done) (gpointer data),
            gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint waker = g_timeout_add (20, wake_cb, NULL);

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("waited a minute in vain");
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (waker);
  app_fixture_spin ();
}

static DhSyncEngine *
engine_of (Fixture *fixture)
{
  return dh_context_get_sync_engine (app_fixture_context (fixture));
}

static gboolean
sync_has_ended (gpointer data)
{
  DhSyncState state = dh_sync_engine_get_state (engine_of (data));

  return state != DH_SYNC_STATE_SYNCING;
}

static gboolean
is_up_to_date (gpointer data)
{
  return dh_sync_engine_get_state (engine_of (data)) == DH_SYNC_STATE_UP_TO_DATE;
}

static gboolean
dialog_is_idle (gpointer data)
{
  return !dh_sign_in_dialog_is_busy (data);
}

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

static gboolean
contains (const char *text,
          const char *part)
{
  return text != NULL && strstr (text, part) != NULL;
}

#define assert_contains(text, part) \
  G_STMT_START { \
    const char *_text = (text); \
    if (!contains (_text, (part))) \
      g_error ("“%s” does not say “%s”", _text != NULL ? _text : "(null)", (part)); \
  } G_STMT_END

/* Signs in from the dialog the sync button opens, and waits for the
 * first sync. */
static DhSignInDialog *
sign_in_from_button (Fixture    *fixture,
                     const char *password)
{
  DhSyncButton *button = dh_window_get_sync_button (fixture->window);
  DhSignInDialog *dialog;

  dh_sync_button_activate (button);
  app_fixture_spin ();
  dialog = find_window (DH_TYPE_SIGN_IN_DIALOG);
  g_assert_nonnull (dialog);
  dh_sign_in_dialog_fill (dialog, g_getenv (SERVER_URL_VAR), g_getenv (CA_FILE_VAR), USERNAME, password);
  dh_sign_in_dialog_sign_in (dialog);
  g_assert_true (dh_sign_in_dialog_is_busy (dialog));
  wait_until (dialog_is_idle, dialog);
  return dialog;
}

/* Signed in already, as on a laptop used before: the window syncs as it opens. */
static void
sign_in_on_store (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = dh_store_open_full (fixture->store_path, DH_STORE_OPEN_DEFAULT, &error);
  g_autoptr(json_object) me = NULL;

  g_assert_no_error (error);
  me = dh_sync_sign_in (store, g_getenv (SERVER_URL_VAR), g_getenv (CA_FILE_VAR), NULL,
                        USERNAME, PASSWORD, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (me);
}

static char *
add_household (Fixture    *fixture,
               const char *head_name)
{
  DhQuery query = { .entity = "village", .sort = DH_SORT_FULL_NAME, .limit = 1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) villages = dh_store_list (app_fixture_store (fixture), &query, &error);
  g_autoptr(json_object) fields = json_object_new_object ();
  g_autoptr(json_object) record = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (villages->len, ==, 1);
  json_object_object_add (fields, "village",
                          json_object_new_string (dh_json_get_string (g_ptr_array_index (villages, 0), "id")));
  json_object_object_add (fields, "head_name", json_object_new_string (head_name));
  record = dh_store_create (app_fixture_store (fixture), "household", fields, &error);
  g_assert_no_error (error);
  return g_strdup (dh_json_get_string (record, "id"));
}

static DhRecordSync
record_sync (Fixture    *fixture,
             const char *household_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) household = dh_store_get (app_fixture_store (fixture), "household", household_id, &error);

  g_assert_no_error (error);
  return dh_context_get_record_sync (app_fixture_context (fixture), household);
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* The badge of @household_id's row in the list, as drawn. */
static const char *
row_badge (Fixture    *fixture,
           const char *household_id)
{
  GtkWidget *view = GTK_WIDGET (dh_window_get_list_view (fixture->window));

  /* a list hidden behind the card fails here rather than waiting forever */
  wait_until (is_mapped, view);
  app_fixture_wait_until_drawn (view);
  for (GtkWidget *child = gtk_widget_get_first_child (view); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);

      if (DH_IS_HOUSEHOLD_ROW (row) && g_strcmp0 (dh_household_row_get_household_id (DH_HOUSEHOLD_ROW (row)), household_id) == 0)
        return dh_household_row_get_sync_words (DH_HOUSEHOLD_ROW (row));
    }
  return NULL;
}

typedef struct
{
  Fixture  *fixture;
  AdwToast *before;
} ToastWait;

static gboolean
new_toast_is_shown (gpointer data)
{
  ToastWait *wait = data;

  return dh_window_get_sync_toast (wait->fixture->window) != wait->before
         && sync_has_ended (wait->fixture);
}

/* Clicks the sync button and waits for the toast that says how it went;
 * returns its words. */
static const char *
sync_now (Fixture *fixture)
{
  ToastWait wait = { fixture, dh_window_get_sync_toast (fixture->window) };

  dh_sync_button_activate (dh_window_get_sync_button (fixture->window));
  g_assert_cmpint (dh_sync_engine_get_state (engine_of (fixture)), ==, DH_SYNC_STATE_SYNCING);
  wait_until (new_toast_is_shown, &wait);
  app_fixture_wait (fixture->window);
  return adw_toast_get_title (dh_window_get_sync_toast (fixture->window));
}

/* ---- the cases ----------------------------------------------------------- */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *kind = data;
  g_autoptr(GError) error = NULL;

  app_fixture_make_directory (fixture);
  if (g_strcmp0 (kind, "demo") == 0)
    app_fixture_make_demo_store (fixture, 5, 3);
  else
    {
      g_autoptr(DhStore) store = dh_store_open_full (fixture->store_path, DH_STORE_OPEN_CREATE, &error);

      g_assert_no_error (error);
    }
  if (g_strcmp0 (kind, "signed-in") == 0)
    sign_in_on_store (fixture);

  monitor = fake_monitor_new (TRUE);
  fixture->app = dh_application_new ();
  g_application_set_flags (G_APPLICATION (fixture->app), G_APPLICATION_NON_UNIQUE);
  dh_application_set_store_path (fixture->app, fixture->store_path);
  dh_application_set_network_monitor (fixture->app, G_NETWORK_MONITOR (monitor));
  g_application_register (G_APPLICATION (fixture->app), NULL, &error);
  g_assert_no_error (error);
  fixture->window = g_object_ref_sink (dh_window_new (fixture->app));
  gtk_window_present (GTK_WINDOW (fixture->window));
  app_fixture_wait (fixture->window);

  /* a laptop signed in before syncs as the window opens */
  if (g_strcmp0 (kind, "signed-in") == 0)
    {
      wait_until (sync_has_ended, fixture);
      g_assert_cmpint (dh_sync_engine_get_state (engine_of (fixture)), ==, DH_SYNC_STATE_UP_TO_DATE);
      app_fixture_wait (fixture->window);
    }
}

/* Nobody signed in: the button says so and opens the dialog; a wrong
 * password is said in words, the right one signs in, names the commune
 * and brings its villages with a first sync, told by a toast. */
static void
test_sign_in_through_the_dialog (Fixture       *fixture,
                                 gconstpointer  data)
{
  DhSyncButton *button = dh_window_get_sync_button (fixture->window);
  DhSignInDialog *dialog;
  ToastWait wait = { fixture, NULL };

  g_assert_cmpstr (dh_sync_button_get_label (button), ==, "Sign In");
  g_assert_cmpint (dh_sync_engine_get_state (engine_of (fixture)), ==, DH_SYNC_STATE_SIGN_IN_NEEDED);
  g_assert_cmpint (app_fixture_count (fixture, "village", NULL), ==, 0);

  dialog = sign_in_from_button (fixture, "not the password");
  g_assert_cmpstr (dh_sign_in_dialog_get_page (dialog), ==, "form");
  assert_contains (dh_sign_in_dialog_get_error_text (dialog), "the password is wrong");
  g_assert_false (dh_context_is_signed_in (app_fixture_context (fixture)));
  g_assert_cmpstr (dh_sync_button_get_label (button), ==, "Sign In");

  /* nothing listens there: say so, and what to check */
  dh_sign_in_dialog_fill (dialog, "https://127.0.0.1:9/", g_getenv (CA_FILE_VAR), USERNAME, PASSWORD);
  dh_sign_in_dialog_sign_in (dialog);
  wait_until (dialog_is_idle, dialog);
  assert_contains (dh_sign_in_dialog_get_error_text (dialog), "The server cannot be reached");
  g_assert_false (dh_context_is_signed_in (app_fixture_context (fixture)));

  /* the certificate left out: not trusted, and what to do about it */
  dh_sign_in_dialog_fill (dialog, g_getenv (SERVER_URL_VAR), NULL, USERNAME, PASSWORD);
  dh_sign_in_dialog_sign_in (dialog);
  wait_until (dialog_is_idle, dialog);
  assert_contains (dh_sign_in_dialog_get_error_text (dialog), "Certificate file");
  g_assert_false (dh_context_is_signed_in (app_fixture_context (fixture)));

  /* a pin that is not one, and the pin of another key: refused, in words */
  dh_sign_in_dialog_fill (dialog, g_getenv (SERVER_URL_VAR), g_getenv (CA_FILE_VAR), USERNAME, PASSWORD);
  dh_sign_in_dialog_set_pin (dialog, "not-a-pin");
  dh_sign_in_dialog_sign_in (dialog);
  wait_until (dialog_is_idle, dialog);
  assert_contains (dh_sign_in_dialog_get_error_text (dialog), "sha256//");
  g_assert_false (dh_context_is_signed_in (app_fixture_context (fixture)));
  dh_sign_in_dialog_set_pin (dialog, "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  dh_sign_in_dialog_sign_in (dialog);
  wait_until (dialog_is_idle, dialog);
  assert_contains (dh_sign_in_dialog_get_error_text (dialog), "does not match the pin");
  g_assert_false (dh_context_is_signed_in (app_fixture_context (fixture)));
  dh_sign_in_dialog_set_pin (dialog, NULL);

  dh_sign_in_dialog_fill (dialog, g_getenv (SERVER_URL_VAR), g_getenv (CA_FILE_VAR), USERNAME, PASSWORD);
  dh_sign_in_dialog_sign_in (dialog);
  wait_until (dialog_is_idle, dialog);
  g_assert_null (dh_sign_in_dialog_get_error_text (dialog));
  g_assert_cmpstr (dh_sign_in_dialog_get_page (dialog), ==, "done");
  assert_contains (dh_sign_in_dialog_get_done_text (dialog), USERNAME);
  assert_contains (dh_sign_in_dialog_get_done_text (dialog), COMMUNE);
  g_assert_true (dh_context_is_signed_in (app_fixture_context (fixture)));

  /* the first sync started by itself */
  wait_until (new_toast_is_shown, &wait);
  app_fixture_wait (fixture->window);
  g_assert_cmpint (dh_sync_engine_get_state (engine_of (fixture)), ==, DH_SYNC_STATE_UP_TO_DATE);
  g_assert_cmpint (app_fixture_count (fixture, "village", NULL), ==, N_VILLAGES);
  /* the villages came with the page the sign-in read to name the commune */
  g_assert_true (g_str_has_prefix (adw_toast_get_title (dh_window_get_sync_toast (fixture->window)), "Synced: "));
  g_assert_cmpstr (dh_sync_button_get_label (button), ==, "Up to date");
  assert_contains (dh_sync_button_get_status (button), "Up to date since today at ");
  assert_contains (dh_sync_button_get_counts_text (button), "Last sync: today at");
  {
    g_autofree char *account = dh_context_describe_account (app_fixture_context (fixture));

    assert_contains (account, COMMUNE);
  }
}

/* Waiting with a count after an edit, sent after a sync; offline when the
 * network goes, and a sync by itself when it comes back. */
static void
test_button_follows_the_sync (Fixture       *fixture,
                              gconstpointer  data)
{
  DhSyncButton *button = dh_window_get_sync_button (fixture->window);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  ToastWait wait = { fixture, NULL };

  g_assert_cmpstr (dh_sync_button_get_label (button), ==, "Up to date");

  first = add_household (fixture, "Hờ Thị Mây");
  app_fixture_wait (fixture->window);
  g_assert_cmpstr (dh_sync_button_get_label (button), ==, "1 change waiting");
  g_assert_cmpint (record_sync (fixture, first), ==, DH_RECORD_SYNC_WAITING);
  g_assert_cmpstr (row_badge (fixture, first), ==, "Changed here; waiting to be sent");
  second = add_household (fixture, "Giàng A Páo");
  app_fixture_wait (fixture->window);
  g_assert_cmpstr (dh_sync_button_get_label (button), ==, "2 changes waiting");
  assert_contains (dh_sync_button_get_counts_text (button), "Waiting to be sent: 2 changes.");

  g_assert_cmpstr (sync_now (fixture), ==, "Synced: 2 changes sent.");
  g_assert_cmpstr (dh_sync_button_get_label (button), ==, "Up to date");
  g_assert_cmpint (record_sync (fixture, first), ==, DH_RECORD_SYNC_SENT);
  g_assert_cmpstr (row_badge (fixture, first), ==, "Sent to the province");
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, 0);

  /* no network: the work waits, and says so */
  fake_monitor_set_available (monitor, FALSE);
  g_assert_cmpstr (dh_sync_button_get_label (button), ==, "Offline");
  g_free (add_household (fixture, "Lò Văn Sáng"));
  app_fixture_wait (fixture->window);
  g_assert_cmpstr (dh_sync_button_get_label (button), ==, "Offline");
  assert_contains (dh_sync_button_get_counts_text (button), "Waiting to be sent: 1 change.");

  /* the network is back: it goes without a click */
  wait.before = dh_window_get_sync_toast (fixture->window);
  fake_monitor_set_available (monitor, TRUE);
  wait_until (new_toast_is_shown, &wait);
  wait_until (is_up_to_date, fixture);
  app_fixture_wait (fixture->window);
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, 0);
  g_assert_cmpstr (dh_sync_button_get_label (button), ==, "Up to date");
}

static gint64 future_ms;

static gint64
future_clock (gpointer user_data)
{
  return future_ms;
}

/* An edit made while the clock was 40 days ahead is refused by the
 * server: the toast, the badge and the list of refused changes say so,
 * by the household's name and in the server's words. */
static void
test_refused_change_listed_with_reason (Fixture       *fixture,
                                        gconstpointer  data)
{
  DhSyncButton *button = dh_window_get_sync_button (fixture->window);
  DhStore *store = app_fixture_store (fixture);
  g_autofree char *household = add_household (fixture, "Sùng Thị Dợ");
  g_autoptr(json_object) changes = json_object_new_object ();
  g_autoptr(json_object) record = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GError) error = NULL;
  DhRejectedDialog *dialog;
  const char *toast;

  sync_now (fixture);
  g_assert_cmpint (record_sync (fixture, household), ==, DH_RECORD_SYNC_SENT);
  g_assert_true (dh_window_show_household (fixture->window, household));
  g_assert_cmpstr (dh_household_page_get_sync_text (dh_window_get_household_page (fixture->window)), ==,
                   "Sent to the province");
  /* back to the list, where a narrow window hides it behind the card */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.back", NULL);

  future_ms = g_get_real_time () / 1000 + (gint64) 40 * 24 * 3600 * 1000;
  dh_store_set_wall_clock (store, future_clock, NULL);
  json_object_object_add (changes, "notes", json_object_new_string ("ghi lúc đồng hồ sai"));
  record = dh_store_update (store, "household", household, changes, &error);
  g_assert_no_error (error);
  dh_store_set_wall_clock (store, NULL, NULL);
  app_fixture_wait (fixture->window);

  toast = sync_now (fixture);
  assert_contains (toast, "1 refused by the province");
  g_assert_cmpint (record_sync (fixture, household), ==, DH_RECORD_SYNC_REJECTED);
  g_assert_cmpstr (row_badge (fixture, household), ==, "Refused by the province; see the refused changes");
  g_assert_true (dh_window_show_household (fixture->window, household));
  g_assert_cmpstr (dh_household_page_get_sync_text (dh_window_get_household_page (fixture->window)), ==,
                   "Refused by the province; see the refused changes");
  assert_contains (dh_sync_button_get_counts_text (button), "Refused by the province: 1 change.");

  refused = dh_store_list_queue (store, TRUE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (refused->len, ==, 1);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-rejected", NULL);
  app_fixture_spin ();
  dialog = find_window (DH_TYPE_REJECTED_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_cmpuint (dh_rejected_dialog_get_n_changes (dialog), ==, 1);
  g_assert_cmpstr (dh_rejected_dialog_get_what (dialog, 0), ==, "Sùng Thị Dợ · household");
  g_assert_cmpstr (dh_rejected_dialog_get_reason (dialog, 0), ==,
                   dh_json_get_string (g_ptr_array_index (refused, 0), "rejected"));
  /* the server's words, never its code or an id */
  g_assert_false (contains (dh_rejected_dialog_get_reason (dialog, 0), "clock_ahead"));
  g_assert_false (contains (dh_rejected_dialog_get_what (dialog, 0), household));
  g_assert_cmpuint (strlen (dh_rejected_dialog_get_reason (dialog, 0)), >, 10);
  app_fixture_save_picture (GTK_WIDGET (dialog), "refused-changes-light-en.png");

  /* what refused it is still there: sent again, it is refused again, and
   * listed again with the reason */
  dh_rejected_dialog_retry (dialog);
  g_assert_cmpuint (dh_rejected_dialog_get_n_changes (dialog), ==, 0);
  g_assert_cmpint (dh_sync_engine_get_state (engine_of (fixture)), ==, DH_SYNC_STATE_SYNCING);
  wait_until (sync_has_ended, fixture);
  app_fixture_wait (fixture->window);
  assert_contains (adw_toast_get_title (dh_window_get_sync_toast (fixture->window)), "1 refused by the province");
  g_clear_pointer (&refused, g_ptr_array_unref);
  refused = dh_store_list_queue (store, TRUE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (refused->len, ==, 1);
  g_assert_cmpint (record_sync (fixture, household), ==, DH_RECORD_SYNC_REJECTED);
  g_assert_cmpuint (dh_rejected_dialog_get_n_changes (dialog), ==, 1);
  g_assert_cmpstr (dh_rejected_dialog_get_reason (dialog, 0), ==,
                   dh_json_get_string (g_ptr_array_index (refused, 0), "rejected"));
}

/* three hours and ten minutes: a slow answer still leaves three whole hours */
static gint64
three_hours_behind (gpointer user_data)
{
  return g_get_real_time () / 1000 - (gint64) (3 * 60 + 10) * 60 * 1000;
}

/* A computer whose clock is three hours behind the server's is told so,
 * over the window and in the sync's details, with what to do. */
static void
test_clock_warning (Fixture       *fixture,
                    gconstpointer  data)
{
  DhSyncButton *button = dh_window_get_sync_button (fixture->window);

  g_assert_null (dh_window_get_clock_warning (fixture->window));
  g_assert_null (dh_sync_button_get_clock_text (button));

  dh_store_set_wall_clock (app_fixture_store (fixture), three_hours_behind, NULL);
  sync_now (fixture);
  g_assert_true (dh_sync_engine_get_clock_is_wrong (engine_of (fixture)));
  assert_contains (dh_window_get_clock_warning (fixture->window), "3 hours behind");
  assert_contains (dh_window_get_clock_warning (fixture->window), "set its date and time");
  assert_contains (dh_sync_button_get_clock_text (button), "3 hours behind");

  /* set right, the warning goes at the next sync */
  dh_store_set_wall_clock (app_fixture_store (fixture), NULL, NULL);
  sync_now (fixture);
  g_assert_false (dh_sync_engine_get_clock_is_wrong (engine_of (fixture)));
  g_assert_null (dh_window_get_clock_warning (fixture->window));
  g_assert_null (dh_sync_button_get_clock_text (button));

  /* the province's catalogues are this build's: no word of them; a sync
   * that met others is told in the popover */
  g_assert_null (dh_sync_button_get_catalogues_text (button));
  g_assert_true (dh_store_set_meta (app_fixture_store (fixture), "sync_catalogues_differ", "1", NULL));
  dh_sync_engine_set_automatic (engine_of (fixture), !dh_sync_engine_get_automatic (engine_of (fixture)));
  app_fixture_spin ();
  assert_contains (dh_sync_button_get_catalogues_text (button), "update Đồng Hành");
  sync_now (fixture);
  g_assert_null (dh_sync_button_get_catalogues_text (button));
}

/* Made-up households never leave: no sign-in, no sync, said plainly. */
static void
test_demo_store_never_syncs (Fixture       *fixture,
                             gconstpointer  data)
{
  DhSyncButton *button = dh_window_get_sync_button (fixture->window);

  g_assert_true (dh_context_is_demo (app_fixture_context (fixture)));
  g_assert_cmpstr (dh_sync_button_get_label (button), ==, "Demo data");
  assert_contains (dh_sync_button_get_status (button), "never sent");
  dh_sync_button_activate (button);
  app_fixture_spin ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dh_sync_button_get_popover (button))));
  g_assert_null (find_window (DH_TYPE_SIGN_IN_DIALOG));
  g_assert_false (dh_context_sync (app_fixture_context (fixture)));
  g_assert_cmpint (dh_sync_engine_get_state (engine_of (fixture)), !=, DH_SYNC_STATE_SYNCING);
  g_assert_null (dh_window_get_sync_toast (fixture->window));
  gtk_popover_popdown (dh_sync_button_get_popover (button));
  app_fixture_spin ();

  /* asked for all the same (Ctrl+Shift+L), the sign-in says why not */
  {
    g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (fixture->app), "app.sign-in");
    DhSignInDialog *dialog;

    g_assert_cmpstr (accels[0], ==, "<Shift><Control>l");
    g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "sign-in", NULL);
    app_fixture_spin ();
    dialog = find_window (DH_TYPE_SIGN_IN_DIALOG);
    g_assert_nonnull (dialog);
    dh_sign_in_dialog_fill (dialog, g_getenv (SERVER_URL_VAR), g_getenv (CA_FILE_VAR), USERNAME, PASSWORD);
    dh_sign_in_dialog_sign_in (dialog);
    g_assert_false (dh_sign_in_dialog_is_busy (dialog));
    assert_contains (dh_sign_in_dialog_get_error_text (dialog), "made-up demo households");
    g_assert_false (dh_context_is_signed_in (app_fixture_context (fixture)));
  }
}

/* Preferences name who is signed in and for which commune; signing out
 * keeps the work waiting, and signing in again from the button sends it. */
static void
test_preferences_sign_out_keeps_the_work (Fixture       *fixture,
                                          gconstpointer  data)
{
  DhSyncButton *button = dh_window_get_sync_button (fixture->window);
  DhPreferencesWindow *preferences;
  DhSignInDialog *dialog;
  ToastWait wait = { fixture, NULL };
  g_autofree char *household = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "preferences", NULL);
  app_fixture_spin ();
  preferences = find_window (DH_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);
  assert_contains (dh_preferences_window_get_account (preferences), USERNAME);
  assert_contains (dh_preferences_window_get_account (preferences), COMMUNE);

  household = add_household (fixture, "Thào A Chứ");
  app_fixture_wait (fixture->window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preferences), "preferences.sign-out", NULL));
  app_fixture_spin ();
  g_assert_cmpstr (dh_preferences_window_get_account (preferences), ==, "Nobody is signed in on this computer.");
  g_assert_false (dh_context_is_signed_in (app_fixture_context (fixture)));
  g_assert_cmpstr (dh_sync_button_get_label (button), ==, "Sign In");
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, 1);
  gtk_window_destroy (GTK_WINDOW (preferences));
  app_fixture_spin ();

  /* the dialog remembers the server, its certificate and the username */
  wait.before = dh_window_get_sync_toast (fixture->window);
  dh_sync_button_activate (button);
  app_fixture_spin ();
  dialog = find_window (DH_TYPE_SIGN_IN_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (dh_sign_in_dialog_get_username (dialog), ==, USERNAME);
  g_assert_cmpstr (dh_sign_in_dialog_get_server (dialog), ==, g_getenv (SERVER_URL_VAR));
  dh_sign_in_dialog_fill (dialog, g_getenv (SERVER_URL_VAR), g_getenv (CA_FILE_VAR), USERNAME, PASSWORD);
  dh_sign_in_dialog_sign_in (dialog);
  wait_until (dialog_is_idle, dialog);
  g_assert_cmpstr (dh_sign_in_dialog_get_page (dialog), ==, "done");
  wait_until (new_toast_is_shown, &wait);
  app_fixture_wait (fixture->window);
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, 0);
  g_assert_cmpint (record_sync (fixture, household), ==, DH_RECORD_SYNC_SENT);
  g_assert_cmpstr (adw_toast_get_title (dh_window_get_sync_toast (fixture->window)), ==, "Synced: 1 change sent.");
}

/* The province revoked this laptop's session: the next sync asks to sign
 * in again, in a toast that offers it, and keeps the work waiting. */
static void
test_ended_session_asks_to_sign_in_again (Fixture       *fixture,
                                          gconstpointer  data)
{
  DhSyncButton *button = dh_window_get_sync_button (fixture->window);
  PgCluster cluster = { .conninfo = (char *) g_getenv (CONNINFO_VAR) };
  ServerRun run = { 0 };
  const char *toast;

  g_free (add_household (fixture, "Mùa A Sình"));
  app_fixture_wait (fixture->window);
  g_assert_cmpint (server_run (&run, &cluster, NULL, "revoke-device",
                               dh_store_get_device_id (app_fixture_store (fixture))), ==, 0);
  server_run_clear (&run);

  toast = sync_now (fixture);
  g_assert_true (g_str_has_prefix (toast, "Sign in again to sync: "));
  g_assert_cmpstr (adw_toast_get_action_name (dh_window_get_sync_toast (fixture->window)), ==, "app.sign-in");
  g_assert_cmpint (dh_sync_engine_get_state (engine_of (fixture)), ==, DH_SYNC_STATE_SIGN_IN_NEEDED);
  g_assert_cmpstr (dh_sync_button_get_label (button), ==, "Sign In");
  assert_contains (dh_sync_button_get_status (button), "Sign in again to sync: ");
  g_assert_cmpint (app_fixture_count_pending (fixture), ==, 1);
}

typedef struct
{
  gboolean done;
  gboolean ok;
} EngineWait;

static void
engine_synced_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  EngineWait *wait = user_data;
  g_autoptr(GError) error = NULL;

  wait->ok = dh_sync_engine_sync_finish (DH_SYNC_ENGINE (source), result, NULL, &error);
  g_assert_no_error (error);
  wait->done = TRUE;
}

static gboolean
engine_is_done (gpointer data)
{
  return ((EngineWait *) data)->done;
}

/* Another laptop of the commune syncs @store, as the CLI would. */
static void
other_device_sync (DhStore *store)
{
  g_autoptr(DhSyncEngine) engine = dh_sync_engine_new (store);
  EngineWait wait = { FALSE, FALSE };

  dh_sync_engine_sync_async (engine, NULL, engine_synced_cb, &wait);
  wait_until (engine_is_done, &wait);
  g_assert_true (wait.ok);
}

/* The same field edited here and on another laptop before either synced:
 * the toast names the conflict and opens the list of conflicts. */
static void
test_conflict_told_by_the_toast (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *household = add_household (fixture, "Hầu A Lềnh");
  g_autofree char *other_path = g_build_filename (fixture->directory, "other.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) other = dh_store_open_full (other_path, DH_STORE_OPEN_CREATE, &error);
  g_autoptr(json_object) me = NULL;
  g_autoptr(json_object) there = json_object_new_object ();
  g_autoptr(json_object) here = json_object_new_object ();
  g_autoptr(json_object) record = NULL;
  const char *toast;

  g_assert_no_error (error);
  sync_now (fixture);
  me = dh_sync_sign_in (other, g_getenv (SERVER_URL_VAR), g_getenv (CA_FILE_VAR), NULL,
                        USERNAME, PASSWORD, NULL, &error);
  g_assert_no_error (error);
  other_device_sync (other);

  json_object_object_add (there, "phone", json_object_new_string ("0912345678"));
  record = dh_store_update (other, "household", household, there, &error);
  g_assert_no_error (error);
  g_clear_pointer (&record, json_object_put);
  json_object_object_add (here, "phone", json_object_new_string ("0987654321"));
  record = dh_store_update (app_fixture_store (fixture), "household", household, here, &error);
  g_assert_no_error (error);
  other_device_sync (other);
  app_fixture_wait (fixture->window);

  toast = sync_now (fixture);
  /* the engine's count may hold the one conflict twice, as the server found
   * it on the push and this store on the pull: the store holds one */
  assert_contains (toast, "for an official to settle");
  {
    g_autoptr(GPtrArray) conflicts = dh_store_list_conflicts (app_fixture_store (fixture), FALSE, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (conflicts->len, ==, 1);
  }
  g_assert_cmpstr (adw_toast_get_action_name (dh_window_get_sync_toast (fixture->window)), ==, "win.show-conflicts");

  g_clear_object (&other);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *file = g_strconcat (other_path, (const char *[]) { "", "-wal", "-shm" }[i], NULL);

      g_remove (file);
    }
}

/* In Vietnamese: the dialog's message, the button and the popover, drawn. */
static void
test_speaks_vietnamese (Fixture       *fixture,
                        gconstpointer  data)
{
  DhSyncButton *button = dh_window_get_sync_button (fixture->window);
  DhSignInDialog *dialog;
  ToastWait wait = { fixture, NULL };
  g_autofree char *household = NULL;

  g_assert_cmpstr (dh_sync_button_get_label (button), ==, "Đăng nhập");
  dialog = sign_in_from_button (fixture, "sai mật khẩu");
  assert_contains (dh_sign_in_dialog_get_error_text (dialog), "mật khẩu không đúng");
  app_fixture_save_picture (GTK_WIDGET (dialog), "sign-in-light-vi.png");

  dh_sign_in_dialog_fill (dialog, g_getenv (SERVER_URL_VAR), g_getenv (CA_FILE_VAR), USERNAME, PASSWORD);
  dh_sign_in_dialog_sign_in (dialog);
  wait_until (dialog_is_idle, dialog);
  assert_contains (dh_sign_in_dialog_get_done_text (dialog), COMMUNE);
  app_fixture_save_picture (GTK_WIDGET (dialog), "sign-in-done-light-vi.png");
  wait_until (new_toast_is_shown, &wait);
  assert_contains (adw_toast_get_title (dh_window_get_sync_toast (fixture->window)), "Đã đồng bộ");
  app_fixture_wait (fixture->window);
  g_assert_cmpstr (dh_sync_button_get_label (button), ==, "Đã cập nhật");

  household = add_household (fixture, "Vàng Thị Mỷ");
  app_fixture_wait (fixture->window);
  g_assert_cmpstr (dh_sync_button_get_label (button), ==, "1 thay đổi đang chờ");
  gtk_popover_popup (dh_sync_button_get_popover (button));
  app_fixture_save_picture (GTK_WIDGET (fixture->window), "sync-window-light-vi.png");
  app_fixture_save_picture (GTK_WIDGET (dh_sync_button_get_popover (button)), "sync-popover-light-vi.png");
  assert_contains (dh_sync_button_get_counts_text (button), "Lần đồng bộ gần nhất: hôm nay lúc");
  /* GTK 4.8 asks where the pointer is over a popover whose window is gone */
  gtk_popover_popdown (dh_sync_button_get_popover (button));
  app_fixture_spin ();
}

int
main (int   argc,
      char *argv[])
{
  static const AppTestCase cases[] = {
    { "/app/sync/sign-in-through-the-dialog", test_sign_in_through_the_dialog, "empty", FALSE },
    { "/app/sync/button-follows-the-sync", test_button_follows_the_sync, "signed-in", FALSE },
    { "/app/sync/refused-change-listed-with-reason", test_refused_change_listed_with_reason, "signed-in", FALSE },
    { "/app/sync/clock-warning", test_clock_warning, "signed-in", FALSE },
    { "/app/sync/preferences-sign-out-keeps-the-work", test_preferences_sign_out_keeps_the_work, "signed-in", FALSE },
    { "/app/sync/ended-session-asks-to-sign-in-again", test_ended_session_asks_to_sign_in_again, "signed-in", FALSE },
    { "/app/sync/conflict-told-by-the-toast", test_conflict_told_by_the_toast, "signed-in", FALSE },
    { "/app/sync/demo-store-never-syncs", test_demo_store_never_syncs, "demo", FALSE },
    { "/app/sync/speaks-vietnamese", test_speaks_vietnamese, "empty", TRUE },
  };
  PgCluster cluster = { 0 };
  GSubprocess *serving = NULL;
  g_autofree char *work_dir = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *cert_file = NULL;
  g_autofree char *key_file = NULL;
  int status;

  /* the first process starts the server for the cases' processes */
  if (g_getenv (SERVER_URL_VAR) == NULL)
    {
      ServerRun run = { 0 };
      g_autofree char *units = NULL;
      g_autoptr(GError) error = NULL;

      work_dir = g_dir_make_tmp ("donghanh-app-sync-XXXXXX", &error);
      g_assert_no_error (error);
      /* the session tokens go to files of this test, never to a keyring */
      g_setenv ("XDG_CONFIG_HOME", work_dir, TRUE);
      g_setenv ("DONGHANH_TOKEN_STORE", "file", TRUE);

      pg_cluster_start (&cluster);
      make_test_certificate (cluster.dir, &cert_file, &key_file);
      if (server_run (&run, &cluster, NULL, "migrate") != 0)
        g_error ("migrate: %s", run.err);
      units = g_strdup (g_getenv ("DH_TEST_UNITS"));
      g_assert_nonnull (units);
      if (server_run (&run, &cluster, NULL, "import-units", units) != 0)
        g_error ("import-units: %s", run.err);
      if (server_run (&run, &cluster, PASSWORD "\n", "add-user", USERNAME, "--role", "caseworker",
                      "--commune", "DEMO-01") != 0)
        g_error ("add-user: %s", run.err);
      server_run_clear (&run);
      serving = server_serve (&cluster, cert_file, key_file, &base_url);
      g_setenv (SERVER_URL_VAR, base_url, TRUE);
      g_setenv (CA_FILE_VAR, cert_file, TRUE);
      g_setenv (CONNINFO_VAR, cluster.conninfo, TRUE);
    }

  status = app_test_run (argc, argv, fixture_set_up, cases, G_N_ELEMENTS (cases));

  if (serving != NULL)
    {
      const char *rm[] = { "rm", "-rf", work_dir, NULL };
      g_autoptr(GError) error = NULL;

      g_subprocess_send_signal (serving, SIGTERM);
      g_subprocess_wait_check (serving, NULL, &error);
      g_assert_no_error (error);
      g_clear_object (&serving);
      pg_cluster_stop (&cluster);
      g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
    }
  return status;
}
