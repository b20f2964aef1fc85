/* dh-cli-server.c – donghanh-cli's commands for the province's server: login, logout, sync, and the sync's status */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>

#include "dh-autocleanups.h"
#include "dh-catalogue.h"
#include "dh-sync-engine.h"
#include "dh-cli-private.h"

/* A password is a line; a longer one is not typed by a person. */
#define PASSWORD_MAX_BYTES 1024

static int
exit_status_for (const GError *error)
{
  if (g_error_matches (error, DH_SYNC_ERROR, DH_SYNC_ERROR_SIGN_IN) ||
      g_error_matches (error, DH_SYNC_ERROR, DH_SYNC_ERROR_NOT_SET_UP))
    return DH_CLI_EXIT_SIGN_IN;
  if (g_error_matches (error, DH_SYNC_ERROR, DH_SYNC_ERROR_NETWORK) ||
      g_error_matches (error, DH_SYNC_ERROR, DH_SYNC_ERROR_SERVER))
    return DH_CLI_EXIT_UNREACHABLE;
  if (error->domain == DH_SYNC_ERROR)
    return DH_CLI_EXIT_REFUSED;
  return dh_cli_fail (error);
}

static int
fail_sync (const GError *error)
{
  if (error->domain != DH_SYNC_ERROR)
    return dh_cli_fail (error);

  g_printerr ("donghanh-cli: %s\n", error->message);

  /* the library says what to do; here is how to do it at a terminal */
  if (g_error_matches (error, DH_SYNC_ERROR, DH_SYNC_ERROR_SIGN_IN) ||
      g_error_matches (error, DH_SYNC_ERROR, DH_SYNC_ERROR_NOT_SET_UP))
    g_printerr ("%s\n", _("To sign in: donghanh-cli login --server URL --username NAME (the password on standard input)"));
  else if (g_error_matches (error, DH_SYNC_ERROR, DH_SYNC_ERROR_TLS))
    g_printerr ("%s\n", _("The certificate file and the pin are given when signing in: donghanh-cli login --server URL --username NAME --ca FILE --pin sha256//BASE64"));

  return exit_status_for (error);
}

/* One line of standard input, without echo at a terminal. */
static char *
read_password (GError **error)
{
  char buffer[PASSWORD_MAX_BYTES + 2];
  gboolean terminal = isatty (STDIN_FILENO);
  struct termios saved;
  char *read_line;
  gsize length;

  if (terminal)
    {
      struct termios quiet;

      g_printerr ("%s", _("Password: "));
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
        }
      else
        terminal = FALSE;
    }

  read_line = fgets (buffer, sizeof buffer, stdin);
  if (terminal)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }

  length = read_line != NULL ? strlen (buffer) : 0;
  if (length > 0 && buffer[length - 1] == '\n')
    buffer[--length] = '\0';
  if (length > 0 && buffer[length - 1] == '\r')
    buffer[--length] = '\0';

  if (read_line == NULL || length == 0 || length > PASSWORD_MAX_BYTES)
    {
      memset (buffer, 0, sizeof buffer);
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("no password was given: type it when asked, or give it as one line on standard input"));
      return NULL;
    }

  read_line = g_strndup (buffer, length);
  memset (buffer, 0, sizeof buffer);
  return read_line;
}

static const char *
get_string (json_object *object,
            const char  *key)
{
  json_object *value = NULL;

  if (object == NULL || !json_object_object_get_ex (object, key, &value) ||
      !json_object_is_type (value, json_type_string))
    return NULL;
  return json_object_get_string (value);
}

/* What people call a record: its name where it has one, else its kind. */
static char *
describe_record (DhStore    *store,
                 const char *entity_name,
                 const char *id)
{
  const DhEntity *entity = dh_entity_lookup (entity_name);
  g_autoptr(json_object) record = NULL;
  const char *name = NULL;

  if (entity == NULL)
    return g_strdup (id != NULL ? id : "");

  if (entity->name_field != NULL && id != NULL)
    record = dh_store_get (store, entity_name, id, NULL);
  name = get_string (record, entity->name_field);
  if (name != NULL)
    return g_strdup_printf ("%s “%s”", dh_entity_get_label (entity), name);
  return g_strdup_printf ("%s %s", dh_entity_get_label (entity), id != NULL ? id : "");
}

/* The commune's name where the store holds it already (after a sync),
 * else its code. */
static char *
describe_commune (DhStore    *store,
                  const char *commune_id,
                  const char *commune_code)
{
  g_autoptr(json_object) commune = NULL;
  const char *name;

  if (commune_id != NULL)
    commune = dh_store_get (store, "admin_unit", commune_id, NULL);
  name = get_string (commune, "name");
  if (name != NULL)
    return g_strdup (name);
  if (commune_code != NULL)
    return g_strdup (commune_code);
  return NULL;
}

/* login --server URL [--ca FILE] [--pin sha256//BASE64] --username NAME,
 * the password on standard input */
int
dh_cli_run_login (DhCli  *cli,
                  char  **args,
                  int     n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhSyncClient) client = NULL;
  g_autoptr(json_object) me = NULL;
  g_autofree char *password = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *commune = NULL;
  const char *username;
  const char *role;
  DhStore *store;

  if (cli->server == NULL || cli->username == NULL)
    {
      dh_cli_print_usage_error (_("login takes --server URL and --username NAME (and --ca FILE, --pin sha256//BASE64 when the province gave them); the password is read from standard input"));
      return DH_CLI_EXIT_USAGE;
    }
  if (!dh_sync_check_server_url (cli->server, &error))
    {
      dh_cli_print_usage_error (error->message);
      return DH_CLI_EXIT_USAGE;
    }
  if (cli->ca_file != NULL)
    {
      ca_file = g_canonicalize_filename (cli->ca_file, NULL);
      if (!g_file_test (ca_file, G_FILE_TEST_IS_REGULAR))
        {
          g_autofree char *message = g_strdup_printf (_("--ca: there is no file %s; give the certificate file the province gave"), ca_file);

          dh_cli_print_usage_error (message);
          return DH_CLI_EXIT_USAGE;
        }
    }

  store = dh_cli_open_store (cli, &error);
  if (store == NULL || !dh_store_check_can_send (store, &error))
    return dh_cli_fail (error);

  /* a pin that is not one is a usage error, before any password is asked */
  client = dh_sync_client_new (cli->server, ca_file, cli->pin, &error);
  if (client == NULL)
    {
      dh_cli_print_usage_error (error->message);
      return DH_CLI_EXIT_USAGE;
    }

  password = read_password (&error);
  if (password == NULL)
    {
      dh_cli_print_usage_error (error->message);
      return DH_CLI_EXIT_USAGE;
    }

  me = dh_sync_sign_in (store, cli->server, ca_file, cli->pin, cli->username, password, NULL, &error);
  memset (password, 0, strlen (password));
  if (me == NULL)
    return fail_sync (error);
  username = get_string (me, "username");
  if (username == NULL)
    username = cli->username;

  role = get_string (me, "role");
  if (role != NULL)
    {
      const char *role_name = dh_catalogues_get_name (dh_catalogues_get_default (), "role", role);

      if (role_name != NULL)
        role = role_name;
    }
  commune = describe_commune (store, get_string (me, "commune_id"), get_string (me, "commune"));
  /* a new store learns its commune's name from the first page of its
   * data, where the places come; the rest waits for `sync` */
  if (get_string (me, "commune_id") != NULL && g_strcmp0 (commune, get_string (me, "commune")) == 0)
    {
      g_autofree char *token = dh_sync_token_load (dh_store_get_device_id (store), NULL);
      g_auto(DhSyncReport) first = { 0 };

      dh_sync_client_set_token (client, token);
      if (token != NULL && dh_sync_pull_pages (store, client, 1, &first, NULL, NULL))
        {
          g_free (commune);
          commune = describe_commune (store, get_string (me, "commune_id"), get_string (me, "commune"));
        }
    }

  if (commune != NULL)
    /* Translators: "Signed in to https://… as lan.hoang (Cán bộ giảm nghèo), commune Xã Tân Lập." */
    g_print (_("Signed in to %s as %s (%s), for %s.\n"), cli->server, username,
             role != NULL ? role : "?", commune);
  else
    g_print (_("Signed in to %s as %s (%s), for the whole province.\n"), cli->server, username,
             role != NULL ? role : "?");
  if (get_string (me, "expires_at") != NULL)
    g_print (_("The session lasts until %s; then sign in again.\n"), get_string (me, "expires_at"));

  return DH_CLI_EXIT_OK;
}

/* logout: the token is forgotten; the pending work stays. */
int
dh_cli_run_logout (DhCli  *cli,
                   char  **args,
                   int     n_args)
{
  g_autoptr(GError) error = NULL;
  DhStore *store = dh_cli_open_store (cli, &error);
  gint64 pending;

  if (store == NULL || !dh_sync_token_forget (dh_store_get_device_id (store), &error))
    return dh_cli_fail (error);

  pending = dh_store_count_pending_changes (store, NULL);
  g_print ("%s\n", _("Signed out: this device no longer holds a session."));
  if (pending > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "%u change waits on this device; it is sent at the first sync after signing in again.\n",
                          "%u changes wait on this device; they are sent at the first sync after signing in again.\n",
                          (gulong) pending),
             (guint) pending);
  return DH_CLI_EXIT_OK;
}

/* sync */

typedef struct
{
  GMainLoop    *loop;
  DhSyncReport  report;
  GError       *error;
  gboolean      terminal;
  int           shown;     /* the percentage last shown */
} SyncRun;

static void
progress_changed_cb (DhSyncEngine *engine,
                     GParamSpec   *pspec,
                     SyncRun      *run)
{
  int percent = (int) (dh_sync_engine_get_progress (engine) * 100.0 + 0.5);
  int before = run->shown;

  if (percent == run->shown || dh_sync_engine_get_state (engine) != DH_SYNC_STATE_SYNCING)
    return;
  run->shown = percent;
  /* a terminal sees one line change; a log gets a line at each quarter
   * the progress passes, which it may jump over */
  if (run->terminal)
    {
      g_printerr ("\r");
      g_printerr (_("Syncing… %d%%"), percent);
    }
  else if (percent / 25 != before / 25)
    g_printerr (_("Syncing… %d%%\n"), percent);
}

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  SyncRun *run = user_data;

  dh_sync_engine_sync_finish (DH_SYNC_ENGINE (source), result, &run->report, &run->error);
  g_main_loop_quit (run->loop);
}

static json_object *
report_to_json (const DhSyncReport *report)
{
  json_object *object = json_object_new_object ();

  json_object_object_add (object, "pushed", json_object_new_int64 (report->pushed));
  json_object_object_add (object, "rejected", json_object_new_int64 (report->rejected));
  json_object_object_add (object, "received", json_object_new_int64 (report->received));
  json_object_object_add (object, "applied", json_object_new_int64 (report->applied.applied));
  json_object_object_add (object, "already", json_object_new_int64 (report->applied.already));
  json_object_object_add (object, "held", json_object_new_int64 (report->applied.held));
  json_object_object_add (object, "set_aside", json_object_new_int64 (report->applied.rejected));
  json_object_object_add (object, "set_aside_applied", json_object_new_int64 (report->set_aside.applied));
  json_object_object_add (object, "conflicts", json_object_new_int64 (dh_sync_report_conflicts (report)));
  json_object_object_add (object, "pages", json_object_new_int64 (report->pages));
  json_object_object_add (object, "requests", json_object_new_int64 (report->requests));
  json_object_object_add (object, "bytes_sent", json_object_new_int64 ((gint64) report->bytes_sent));
  json_object_object_add (object, "bytes_received", json_object_new_int64 ((gint64) report->bytes_received));
  if (report->clock_known)
    json_object_object_add (object, "clock_offset_ms", json_object_new_int64 (report->clock_offset_ms));
  json_object_object_add (object, "catalogues_differ", json_object_new_boolean (report->catalogues_differ));
  if (report->rejections != NULL)
    {
      json_object *rejections = json_object_new_array ();

      for (guint i = 0; i < report->rejections->len; i++)
        json_object_array_add (rejections, json_object_get (g_ptr_array_index (report->rejections, i)));
      json_object_object_add (object, "rejections", rejections);
    }
  return object;
}

static void
print_report (DhStore            *store,
              const DhSyncReport *report)
{
  guint conflicts = dh_sync_report_conflicts (report);
  g_autofree char *sent = g_format_size (report->bytes_sent);
  g_autofree char *received = g_format_size (report->bytes_received);

  g_print (g_dngettext (GETTEXT_PACKAGE, "Sent: %u change.\n", "Sent: %u changes.\n", report->pushed),
           report->pushed);
  if (report->rejected > 0)
    {
      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "Refused by the server: %u change; it stays on this device with the reason (donghanh-cli pending --rejected):\n",
                            "Refused by the server: %u changes; they stay on this device with their reasons (donghanh-cli pending --rejected):\n",
                            report->rejected),
               report->rejected);
      for (guint i = 0; report->rejections != NULL && i < report->rejections->len; i++)
        {
          json_object *entry = g_ptr_array_index (report->rejections, i);
          g_autofree char *what = describe_record (store, get_string (entry, "entity"), get_string (entry, "record_id"));
          const char *message = get_string (entry, "message");

          g_print ("  – %s: %s\n", what, message != NULL ? message : get_string (entry, "code"));
        }
    }
  g_print (g_dngettext (GETTEXT_PACKAGE, "Received: %u change", "Received: %u changes", report->received),
           report->received);
  if (report->received > 0)
    /* Translators: continues "Received: 12 changes" */
    g_print (_(" (%u new, %u already here, %u waiting for the record they belong to, %u set aside)"),
             report->applied.applied, report->applied.already, report->applied.held, report->applied.rejected);
  g_print (".\n");
  if (report->set_aside.applied > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "Applied now: %u change set aside earlier.\n",
                          "Applied now: %u changes set aside earlier.\n",
                          report->set_aside.applied),
             report->set_aside.applied);
  if (conflicts > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "Conflicts: %u concurrent edit, kept for an official to settle (donghanh-cli conflicts).\n",
                          "Conflicts: %u concurrent edits, kept for an official to settle (donghanh-cli conflicts).\n",
                          conflicts),
             conflicts);
  else
    g_print ("%s\n", _("Conflicts: none."));
  g_print (g_dngettext (GETTEXT_PACKAGE, "%u request, %s sent, %s received.\n", "%u requests, %s sent, %s received.\n",
                        report->requests),
           report->requests, sent, received);
}

static void
print_catalogues_warning (gboolean differ)
{
  if (differ)
    g_printerr ("%s\n", _("Warning: the province checks records against other lists of codes (programmes, projects, kinds of support…) than this copy of Đồng Hành; update Đồng Hành, or some changes may be refused or set aside."));
}

static void
print_clock_warning (gboolean known,
                     gint64   offset_ms)
{
  g_autofree char *words = NULL;

  if (!known || ABS (offset_ms) <= DH_SYNC_CLOCK_WARNING_MS)
    return;
  words = dh_sync_describe_offset (offset_ms);
  g_printerr (_("Warning: %s.\n"), words);
}

int
dh_cli_run_sync (DhCli  *cli,
                 char  **args,
                 int     n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhSyncEngine) engine = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_auto(DhSyncReport) report = { 0 };
  SyncRun run = { 0 };
  DhStore *store = dh_cli_open_store (cli, &error);
  int status;

  if (store == NULL)
    return dh_cli_fail (error);

  engine = dh_sync_engine_new (store);
  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  run.terminal = isatty (STDERR_FILENO);
  run.shown = -1;
  g_signal_connect (engine, "notify::progress", G_CALLBACK (progress_changed_cb), &run);
  dh_sync_engine_sync_async (engine, NULL, sync_done_cb, &run);
  g_main_loop_run (loop);
  if (run.terminal && run.shown >= 0)
    g_printerr ("\n");

  report = run.report;
  if (cli->json)
    {
      g_autoptr(json_object) object = report_to_json (&report);

      json_object_object_add (object, "ok", json_object_new_boolean (run.error == NULL));
      if (run.error != NULL)
        json_object_object_add (object, "error", json_object_new_string (run.error->message));
      dh_cli_print_json (object);
    }
  else if (run.error == NULL || report.requests > 0)
    print_report (store, &report);
  print_clock_warning (report.clock_known, report.clock_offset_ms);
  print_catalogues_warning (report.catalogues_differ);

  if (run.error == NULL)
    return DH_CLI_EXIT_OK;

  status = fail_sync (run.error);
  g_error_free (run.error);
  return status;
}

/* The sync's part of `status`: a JSON object for scripts. */
json_object *
dh_cli_sync_status (DhStore *store)
{
  g_autoptr(DhSyncSettings) settings = dh_sync_settings_load (store);
  g_autoptr(GPtrArray) rejected = dh_store_list_queue (store, TRUE, 0, NULL);
  g_autoptr(GPtrArray) conflicts = dh_store_list_conflicts (store, FALSE, NULL);
  g_autofree char *token = dh_sync_token_load (dh_store_get_device_id (store), NULL);
  g_autofree char *commune = describe_commune (store, settings->commune_id, settings->commune_code);
  g_autofree char *last_sync = dh_store_get_meta (store, "last_sync");
  g_autofree char *last_attempt = dh_store_get_meta (store, "sync_last_attempt_at");
  g_autofree char *last_error = dh_store_get_meta (store, "sync_last_error");
  g_autofree char *offset = dh_store_get_meta (store, "sync_clock_offset");
  g_autofree char *differ = dh_store_get_meta (store, "sync_catalogues_differ");
  json_object *status = json_object_new_object ();

  json_object_object_add (status, "server", settings->server != NULL ? json_object_new_string (settings->server) : NULL);
  json_object_object_add (status, "username", settings->username != NULL ? json_object_new_string (settings->username) : NULL);
  json_object_object_add (status, "signed_in", json_object_new_boolean (settings->server != NULL && token != NULL));
  json_object_object_add (status, "commune", commune != NULL ? json_object_new_string (commune) : NULL);
  json_object_object_add (status, "pending", json_object_new_int64 (MAX (dh_store_count_pending_changes (store, NULL), 0)));
  json_object_object_add (status, "rejected", json_object_new_int64 (rejected != NULL ? rejected->len : 0));
  json_object_object_add (status, "conflicts", json_object_new_int64 (conflicts != NULL ? conflicts->len : 0));
  json_object_object_add (status, "last_sync", last_sync != NULL && *last_sync ? json_object_new_string (last_sync) : NULL);
  json_object_object_add (status, "last_attempt", last_attempt != NULL ? json_object_new_string (last_attempt) : NULL);
  json_object_object_add (status, "last_error", last_error != NULL && *last_error ? json_object_new_string (last_error) : NULL);
  if (offset != NULL)
    {
      gint64 offset_ms = g_ascii_strtoll (offset, NULL, 10);

      json_object_object_add (status, "clock_offset_ms", json_object_new_int64 (offset_ms));
      json_object_object_add (status, "clock_wrong", json_object_new_boolean (ABS (offset_ms) > DH_SYNC_CLOCK_WARNING_MS));
    }
  json_object_object_add (status, "catalogues_differ", json_object_new_boolean (g_strcmp0 (differ, "1") == 0));
  return status;
}

/* The same in words, on standard error: standard output stays one JSON
 * object for scripts. */
void
dh_cli_print_sync_status (json_object *status)
{
  const char *server = get_string (status, "server");
  const char *username = get_string (status, "username");
  const char *commune = get_string (status, "commune");
  const char *last_sync = get_string (status, "last_sync");
  const char *last_error = get_string (status, "last_error");
  json_object *value = NULL;

  if (server == NULL)
    g_printerr ("%s\n", _("Server: none; sign in with donghanh-cli login --server URL --username NAME"));
  else if (json_object_get_boolean (json_object_object_get (status, "signed_in")) && commune != NULL)
    g_printerr (_("Server: %s, signed in as %s, for %s.\n"), server, username != NULL ? username : "?", commune);
  else if (json_object_get_boolean (json_object_object_get (status, "signed_in")))
    g_printerr (_("Server: %s, signed in as %s.\n"), server, username != NULL ? username : "?");
  else
    g_printerr (_("Server: %s; nobody is signed in: donghanh-cli login --server %s --username NAME\n"), server, server);

  g_printerr (_("Waiting to be sent: %d; refused by the server: %d; conflicts to settle: %d.\n"),
              json_object_get_int (json_object_object_get (status, "pending")),
              json_object_get_int (json_object_object_get (status, "rejected")),
              json_object_get_int (json_object_object_get (status, "conflicts")));
  if (last_sync != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (last_sync, NULL);
      g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;
      /* as people write a day and a time: 26/11/2026 17:42 */
      g_autofree char *when = local != NULL ? g_date_time_format (local, "%d/%m/%Y %H:%M") : g_strdup (last_sync);

      g_printerr (_("Last sync: %s.\n"), when);
    }
  else if (server != NULL)
    g_printerr ("%s\n", _("Last sync: never."));
  if (last_error != NULL)
    g_printerr (_("The last try failed: %s\n"), last_error);
  if (json_object_object_get_ex (status, "clock_offset_ms", &value))
    print_clock_warning (TRUE, json_object_get_int64 (value));
  if (json_object_object_get_ex (status, "catalogues_differ", &value))
    print_catalogues_warning (json_object_get_boolean (value));
}
