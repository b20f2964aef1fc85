/* test-server.c – donghanh-server on a real PostgreSQL cluster, spoken to over real TLS */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include <libpq-fe.h>

#include "dh-autocleanups.h"
#include "dh-server-auth.h"
#include "dh-server-db.h"
#include "server-client.h"
#include "server-fixture.h"

#define PASSWORD "mật khẩu của Lan 2026"

static PgCluster cluster;
static GSubprocess *serving;
static char *base_url;
static char *other_url;  /* a second process serving the same database */
static char *cert_file;
static char *key_file;

/* One request to the server under test, over TLS. */
static void
request (Reply      *reply,
         const char *method,
         const char *path,
         const char *token,
         const char *body,
         gssize      length)
{
  ServerClient client = { base_url, cert_file };

  server_request (&client, reply, method, path, token, body, length);
}

/* The status of a GET with one more header, whatever the body says. */
static long
status_with_header (const char *path,
                    const char *header)
{
  CURL *curl = curl_easy_init ();
  g_autofree char *url = g_strconcat (base_url, path + 1, NULL);
  struct curl_slist *headers = curl_slist_append (NULL, header);
  g_autoptr(GString) received = g_string_new (NULL);
  long status = 0;
  CURLcode code;

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_CAINFO, cert_file);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, server_client_received_cb);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, received);
  code = curl_easy_perform (curl);
  if (code != CURLE_OK)
    g_error ("GET %s: %s", path, curl_easy_strerror (code));
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
  return status;
}

static char *
sign_in_body (const char *username,
              const char *password,
              const char *device)
{
  g_autoptr(json_object) body = json_object_new_object ();

  json_object_object_add (body, "username", json_object_new_string (username));
  json_object_object_add (body, "password", json_object_new_string (password));
  json_object_object_add (body, "device", json_object_new_string (device));
  return g_strdup (json_object_to_json_string (body));
}

/* Signs in and returns the token. */
static char *
sign_in (const char *username,
         const char *password,
         const char *device)
{
  g_autofree char *body = sign_in_body (username, password, device);
  Reply reply = { 0 };
  char *token;

  request (&reply, "POST", "/v1/sign-in", NULL, body, -1);
  g_assert_cmpint (reply.status, ==, 200);
  token = g_strdup (reply_member (&reply, "token"));
  reply_clear (&reply);
  return token;
}

static char *
query_one (const char *sql)
{
  PGconn *conn = PQconnectdb (cluster.conninfo);
  PGresult *result;
  char *value;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  result = PQexec (conn, sql);
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  g_assert_cmpint (PQntuples (result), ==, 1);
  value = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  PQfinish (conn);
  return value;
}

static void
execute (const char *sql)
{
  PGconn *conn = PQconnectdb (cluster.conninfo);
  PGresult *result;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  result = PQexec (conn, sql);
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
  PQclear (result);
  PQfinish (conn);
}

/* Everything `migrate` made: tables, columns, constraints, indexes, and the
 * versions with when they were applied. */
static char *
schema_snapshot (void)
{
  return query_one ("SELECT concat_ws ('|',"
                    " (SELECT string_agg (table_name || '.' || column_name || ':' || data_type, ',' ORDER BY 1)"
                    "  FROM information_schema.columns WHERE table_schema = 'public'),"
                    " (SELECT string_agg (conname, ',' ORDER BY 1) FROM pg_constraint"
                    "  WHERE connamespace = 'public'::regnamespace),"
                    " (SELECT string_agg (indexname, ',' ORDER BY 1) FROM pg_indexes WHERE schemaname = 'public'),"
                    " (SELECT string_agg (version || '@' || applied_at, ',' ORDER BY version) FROM schema_version))");
}

static void
test_migrate_second_run_changes_nothing (void)
{
  ServerRun run = { 0 };
  g_autofree char *before = schema_snapshot ();
  g_autofree char *after = NULL;
  g_autofree char *audits = query_one ("SELECT count (*) FROM audit");
  g_autofree char *audits_after = NULL;

  g_assert_cmpint (server_run (&run, &cluster, NULL, "migrate"), ==, 0);
  g_assert_nonnull (strstr (run.out, "already"));
  after = schema_snapshot ();
  audits_after = query_one ("SELECT count (*) FROM audit");
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpstr (audits, ==, audits_after);
  g_assert_nonnull (strstr (before, "app_user.password_hash"));
  server_run_clear (&run);
}

static void
test_import_units_again_updates (void)
{
  ServerRun run = { 0 };
  g_autofree char *file = g_test_build_filename (G_TEST_DIST, "..", "data", "catalogues",
                                                 "demo-province.json", NULL);
  g_autofree char *ids = query_one ("SELECT string_agg (code || '=' || id, ',' ORDER BY code) FROM unit");
  g_autofree char *ids_after = NULL;

  g_assert_cmpint (server_run (&run, &cluster, NULL, "import-units", file), ==, 0);
  g_assert_nonnull (strstr (run.out, "0 new, 12 updated"));
  /* a place keeps the id devices know it by */
  ids_after = query_one ("SELECT string_agg (code || '=' || id, ',' ORDER BY code) FROM unit");
  g_assert_cmpstr (ids, ==, ids_after);

  g_assert_cmpint (server_run (&run, &cluster, NULL, "import-units", cert_file), ==, 1);
  g_assert_nonnull (strstr (run.err, "not JSON"));

  /* all or nothing: a place without a name stops the whole list */
  {
    g_autofree char *bad = g_build_filename (cluster.dir, "bad-units.json", NULL);
    g_autofree char *count = query_one ("SELECT count (*) FROM unit");
    g_autofree char *count_after = NULL;

    g_file_set_contents (bad,
                         "{\"format\": 1, \"province\": {\"code\": \"NEW\", \"name\": \"Tỉnh Mới\", \"communes\": ["
                         "{\"code\": \"NEW-01\", \"name\": \"Xã Một\", \"area\": \"rural\"},"
                         "{\"code\": \"NEW-02\", \"area\": \"rural\"}]}}",
                         -1, NULL);
    g_assert_cmpint (server_run (&run, &cluster, NULL, "import-units", bad), ==, 1);
    g_assert_nonnull (strstr (run.err, "NEW"));
    count_after = query_one ("SELECT count (*) FROM unit");
    g_assert_cmpstr (count, ==, count_after);
  }
  server_run_clear (&run);
}

static void
test_add_user_refusals (void)
{
  ServerRun run = { 0 };

  /* a commune the database does not have: the message says to import the places */
  g_assert_cmpint (server_run (&run, &cluster, PASSWORD "\n", "add-user", "hoa.tran",
                               "--role", "caseworker", "--commune", "NOWHERE"), ==, 1);
  g_assert_nonnull (strstr (run.err, "import-units"));
  /* a village is not a commune */
  g_assert_cmpint (server_run (&run, &cluster, PASSWORD "\n", "add-user", "hoa.tran",
                               "--role", "caseworker", "--commune", "DEMO-01-01"), ==, 1);
  /* the name is taken */
  g_assert_cmpint (server_run (&run, &cluster, PASSWORD "\n", "add-user", "lan.hoang",
                               "--role", "caseworker", "--commune", "DEMO-01"), ==, 1);
  g_assert_nonnull (strstr (run.err, "exists already"));
  /* too short a password */
  g_assert_cmpint (server_run (&run, &cluster, "short\n", "add-user", "hoa.tran",
                               "--role", "caseworker", "--commune", "DEMO-01"), ==, 1);
  g_assert_nonnull (strstr (run.err, "password"));
  /* not a role; a caseworker without a commune */
  g_assert_cmpint (server_run (&run, &cluster, PASSWORD "\n", "add-user", "hoa.tran",
                               "--role", "boss", "--commune", "DEMO-01"), ==, 1);
  g_assert_cmpint (server_run (&run, &cluster, PASSWORD "\n", "add-user", "hoa.tran",
                               "--role", "caseworker"), ==, 2);
  g_assert_cmpint (server_run (&run, &cluster, NULL, "frobnicate"), ==, 2);

  {
    g_autofree char *count = query_one ("SELECT count (*) FROM app_user WHERE username = 'hoa.tran'");

    g_assert_cmpstr (count, ==, "0");
  }
  server_run_clear (&run);
}

/* The value of the one row and column of RESULT, which it frees. */
static char *
take_value (PGresult *result)
{
  char *value;

  g_assert_nonnull (result);
  g_assert_cmpint (PQntuples (result), ==, 1);
  value = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  return value;
}

/* A statement a connection prepared is run by its name from then on,
 * prepared once: after a transaction that prepared it rolled back too; and
 * prepared again once libpq connected again, which the server forgets
 * statements with. */
static void
test_prepared_statements (void)
{
  static const DhDbStatement add_one = { "dh_test_add_one", "SELECT $1::int + 1" };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = dh_db_connect (cluster.conninfo, &error);
  const char *params[] = { "41" };
  g_autofree char *first = NULL;
  g_autofree char *after_rollback = NULL;
  g_autofree char *after_reset = NULL;
  g_autofree char *prepared = NULL;

  g_assert_no_error (error);
  g_assert_true (dh_db_run (conn, "BEGIN", &error));
  first = take_value (dh_db_exec_prepared (conn, &add_one, 1, params, &error));
  g_assert_no_error (error);
  g_assert_true (dh_db_run (conn, "ROLLBACK", &error));
  g_assert_cmpstr (first, ==, "42");

  after_rollback = take_value (dh_db_exec_prepared (conn, &add_one, 1, params, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (after_rollback, ==, "42");
  /* prepared, and once */
  prepared = take_value (dh_db_exec (conn, "SELECT count (*) FROM pg_prepared_statements WHERE name = 'dh_test_add_one'",
                                     0, NULL, &error));
  g_assert_cmpstr (prepared, ==, "1");

  PQreset (conn);
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  after_reset = take_value (dh_db_exec_prepared (conn, &add_one, 1, params, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (after_reset, ==, "42");
}

static void
test_database_unreachable (void)
{
  ServerRun run = { 0 };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *conninfo = g_strdup_printf ("host=%s/nowhere dbname=postgres user=postgres", cluster.dir);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              g_getenv ("DONGHANH_SERVER"), "--database", conninfo, "migrate", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run.out, &run.err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 3);
  g_assert_nonnull (strstr (run.err, "--database"));
  server_run_clear (&run);
}

static void
test_sign_in_gives_token (void)
{
  g_autofree char *body = sign_in_body ("lan.hoang", PASSWORD, "0123456789abcdef");
  Reply reply = { 0 };
  g_autofree char *stored = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GDateTime) expires = NULL;
  g_autoptr(GDateTime) before = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) after = NULL;

  request (&reply, "POST", "/v1/sign-in", NULL, body, -1);
  after = g_date_time_new_now_utc ();
  g_assert_cmpint (reply.status, ==, 200);
  g_assert_cmpuint (strlen (reply_member (&reply, "token")), ==, 43);
  expires = g_date_time_new_from_iso8601 (reply_member (&reply, "expires_at"), NULL);
  g_assert_nonnull (expires);
  /* thirty days from the sign-in, to the second the server writes */
  g_assert_cmpint (g_date_time_difference (expires, before), >=, 30 * G_TIME_SPAN_DAY - G_TIME_SPAN_SECOND);
  g_assert_cmpint (g_date_time_difference (expires, after), <=, 30 * G_TIME_SPAN_DAY);

  /* the database keeps its hash, never the token */
  sql = g_strdup_printf ("SELECT count (*) FROM token WHERE hash = '%s'", reply_member (&reply, "token"));
  stored = query_one (sql);
  g_assert_cmpstr (stored, ==, "0");
  {
    g_autofree char *audited = query_one ("SELECT count (*) FROM audit WHERE action = 'sign-in' "
                                          "AND actor = 'lan.hoang' AND device = '0123456789abcdef'");

    g_assert_cmpstr (audited, !=, "0");
  }
  reply_clear (&reply);
}

static void
test_sign_in_refusals_say_the_same (void)
{
  g_autofree char *wrong = sign_in_body ("lan.hoang", "not her password", "0123456789abcdef");
  g_autofree char *unknown = sign_in_body ("nobody.here", PASSWORD, "0123456789abcdef");
  g_autofree char *tokens = query_one ("SELECT count (*) FROM token");
  g_autofree char *tokens_after = NULL;
  Reply first = { 0 };
  Reply second = { 0 };

  request (&first, "POST", "/v1/sign-in", NULL, wrong, -1);
  request (&second, "POST", "/v1/sign-in", NULL, unknown, -1);
  g_assert_cmpint (first.status, ==, 401);
  g_assert_cmpint (second.status, ==, 401);
  g_assert_cmpstr (json_object_to_json_string (first.reply), ==, json_object_to_json_string (second.reply));
  g_assert_cmpstr (reply_member (&first, "error"), ==, "wrong_credentials");
  g_assert_nonnull (reply_member (&first, "message"));
  tokens_after = query_one ("SELECT count (*) FROM token");
  g_assert_cmpstr (tokens, ==, tokens_after);
  reply_clear (&first);
  reply_clear (&second);
}

static void
test_sign_in_bad_requests (void)
{
  Reply reply = { 0 };
  g_autoptr(GString) big = g_string_new ("{\"username\": \"lan.hoang\", \"password\": \"");
  g_autoptr(GString) deep = g_string_new (NULL);

  /* larger than a sign-in takes: 413 */
  for (int i = 0; i < 100 * 1024; i++)
    g_string_append_c (big, 'x');
  g_string_append (big, "\", \"device\": \"0123456789abcdef\"}");
  request (&reply, "POST", "/v1/sign-in", NULL, big->str, big->len);
  g_assert_cmpint (reply.status, ==, 413);
  g_assert_cmpstr (reply_member (&reply, "error"), ==, "too_large");

  /* not JSON, JSON that is not an object, trailing bytes: 400 */
  request (&reply, "POST", "/v1/sign-in", NULL, "{\"username\": ", -1);
  g_assert_cmpint (reply.status, ==, 400);
  g_assert_cmpstr (reply_member (&reply, "error"), ==, "bad_json");
  request (&reply, "POST", "/v1/sign-in", NULL, "[1, 2]", -1);
  g_assert_cmpint (reply.status, ==, 400);
  request (&reply, "POST", "/v1/sign-in", NULL, "{} {}", -1);
  g_assert_cmpint (reply.status, ==, 400);

  /* nested deeper than the server parses: 400, not a crash */
  g_string_append (deep, "{\"username\": ");
  for (int i = 0; i < 1000; i++)
    g_string_append_c (deep, '[');
  request (&reply, "POST", "/v1/sign-in", NULL, deep->str, deep->len);
  g_assert_cmpint (reply.status, ==, 400);
  g_assert_cmpstr (reply_member (&reply, "error"), ==, "too_deep");

  /* a field missing or of the wrong type, a device id that is not one */
  request (&reply, "POST", "/v1/sign-in", NULL, "{\"username\": \"lan.hoang\", \"password\": \"x\"}", -1);
  g_assert_cmpint (reply.status, ==, 400);
  g_assert_cmpstr (reply_member (&reply, "error"), ==, "bad_request");
  request (&reply, "POST", "/v1/sign-in", NULL,
           "{\"username\": \"lan.hoang\", \"password\": 12345678, \"device\": \"d1\"}", -1);
  g_assert_cmpint (reply.status, ==, 400);
  request (&reply, "POST", "/v1/sign-in", NULL,
           "{\"username\": \"lan.hoang\", \"password\": \"x\", \"device\": \"a b\"}", -1);
  g_assert_cmpint (reply.status, ==, 400);

  /* a wrong method, an unknown address */
  request (&reply, "GET", "/v1/sign-in", NULL, NULL, 0);
  g_assert_cmpint (reply.status, ==, 405);
  request (&reply, "GET", "/v2/anything", NULL, NULL, 0);
  g_assert_cmpint (reply.status, ==, 404);

  /* headers beyond the 32 KiB a request may take */
  {
    g_autoptr(GString) header = g_string_new ("X-Filler: ");

    for (int i = 0; i < 40 * 1024; i++)
      g_string_append_c (header, 'a');
    g_assert_cmpint (status_with_header ("/v1/me", header->str), ==, 431);
  }

  /* and the server still serves */
  {
    g_autofree char *token = sign_in ("lan.hoang", PASSWORD, "0123456789abcdef");

    g_assert_nonnull (token);
  }
  reply_clear (&reply);
}

static void
test_me_with_token (void)
{
  g_autofree char *token = sign_in ("lan.hoang", PASSWORD, "0123456789abcdef");
  Reply reply = { 0 };

  request (&reply, "GET", "/v1/me", token, NULL, 0);
  g_assert_cmpint (reply.status, ==, 200);
  g_assert_cmpstr (reply_member (&reply, "username"), ==, "lan.hoang");
  g_assert_cmpstr (reply_member (&reply, "role"), ==, "caseworker");
  g_assert_cmpstr (reply_member (&reply, "commune"), ==, "DEMO-01");
  g_assert_cmpstr (reply_member (&reply, "device"), ==, "0123456789abcdef");

  request (&reply, "GET", "/v1/me", NULL, NULL, 0);
  g_assert_cmpint (reply.status, ==, 401);
  g_assert_cmpstr (reply_member (&reply, "error"), ==, "sign_in_required");
  request (&reply, "GET", "/v1/me", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL, 0);
  g_assert_cmpint (reply.status, ==, 401);
  g_assert_cmpstr (reply_member (&reply, "error"), ==, "token_invalid");
  request (&reply, "GET", "/v1/me", "not-a-token", NULL, 0);
  g_assert_cmpint (reply.status, ==, 401);
  reply_clear (&reply);
}

static void
test_revoked_device_refused (void)
{
  g_autofree char *lost = sign_in ("lan.hoang", PASSWORD, "lost-laptop");
  g_autofree char *kept = sign_in ("lan.hoang", PASSWORD, "office-laptop");
  g_autofree char *again = NULL;
  ServerRun run = { 0 };
  Reply reply = { 0 };
  gboolean listed = FALSE;
  g_auto(GStrv) lines = NULL;

  request (&reply, "GET", "/v1/me", lost, NULL, 0);
  g_assert_cmpint (reply.status, ==, 200);

  g_assert_cmpint (server_run (&run, &cluster, NULL, "revoke-device", "lost-laptop"), ==, 0);
  request (&reply, "GET", "/v1/me", lost, NULL, 0);
  g_assert_cmpint (reply.status, ==, 401);
  g_assert_cmpstr (reply_member (&reply, "error"), ==, "token_invalid");
  /* the user's other device is not touched */
  request (&reply, "GET", "/v1/me", kept, NULL, 0);
  g_assert_cmpint (reply.status, ==, 200);

  g_assert_cmpint (server_run (&run, &cluster, NULL, "list-devices", "--user", "lan.hoang"), ==, 0);
  lines = g_strsplit (g_strchomp (run.out), "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(json_object) device = json_tokener_parse (lines[i]);
      json_object *name = NULL;
      json_object *revoked = NULL;
      json_object *valid = NULL;

      g_assert_nonnull (device);
      json_object_object_get_ex (device, "device", &name);
      json_object_object_get_ex (device, "revoked_at", &revoked);
      json_object_object_get_ex (device, "valid_tokens", &valid);
      if (g_str_equal (json_object_get_string (name), "lost-laptop"))
        {
          listed = TRUE;
          g_assert_nonnull (revoked);
          g_assert_cmpint (json_object_get_int (valid), ==, 0);
        }
      if (g_str_equal (json_object_get_string (name), "office-laptop"))
        g_assert_null (revoked);
    }
  g_assert_true (listed);

  /* a device nobody signed in on */
  g_assert_cmpint (server_run (&run, &cluster, NULL, "revoke-device", "never-seen"), ==, 1);
  g_assert_nonnull (strstr (run.err, "list-devices"));

  /* found again: signing in with the password makes a new session */
  again = sign_in ("lan.hoang", PASSWORD, "lost-laptop");
  request (&reply, "GET", "/v1/me", again, NULL, 0);
  g_assert_cmpint (reply.status, ==, 200);
  request (&reply, "GET", "/v1/me", lost, NULL, 0);
  g_assert_cmpint (reply.status, ==, 401);
  reply_clear (&reply);
  server_run_clear (&run);
}

static void
test_expired_token_refused (void)
{
  g_autofree char *expiring = sign_in ("lan.hoang", PASSWORD, "0123456789abcdef");
  g_autofree char *other = sign_in ("lan.hoang", PASSWORD, "0123456789abcdef");
  g_autofree char *hash = dh_token_hash (expiring);
  g_autofree char *sql = NULL;
  Reply reply = { 0 };

  request (&reply, "GET", "/v1/me", expiring, NULL, 0);
  g_assert_cmpint (reply.status, ==, 200);

  /* its thirty days pass (the server's clock is the database's) */
  sql = g_strdup_printf ("UPDATE token SET expires_at = now () - interval '1 second' WHERE hash = '%s'", hash);
  execute (sql);

  request (&reply, "GET", "/v1/me", expiring, NULL, 0);
  g_assert_cmpint (reply.status, ==, 401);
  g_assert_cmpstr (reply_member (&reply, "error"), ==, "token_invalid");
  request (&reply, "GET", "/v1/me", other, NULL, 0);
  g_assert_cmpint (reply.status, ==, 200);
  reply_clear (&reply);
}

/* Nothing a request needs is kept in one process's memory: a token made by
 * one process opens the session on another, and a revocation holds on both. */
static void
test_two_processes_one_database (void)
{
  g_autofree char *token = sign_in ("lan.hoang", PASSWORD, "shared-laptop");
  g_autofree char *first_url = g_strdup (base_url);
  g_autoptr(GSubprocess) other = NULL;
  ServerRun run = { 0 };
  Reply reply = { 0 };

  other = server_serve (&cluster, cert_file, key_file, &other_url);
  g_assert_cmpstr (other_url, !=, first_url);

  g_free (base_url);
  base_url = g_strdup (other_url);
  request (&reply, "GET", "/v1/me", token, NULL, 0);
  g_assert_cmpint (reply.status, ==, 200);
  g_assert_cmpstr (reply_member (&reply, "device"), ==, "shared-laptop");

  g_assert_cmpint (server_run (&run, &cluster, NULL, "revoke-device", "shared-laptop"), ==, 0);
  request (&reply, "GET", "/v1/me", token, NULL, 0);
  g_assert_cmpint (reply.status, ==, 401);
  g_free (base_url);
  base_url = g_strdup (first_url);
  request (&reply, "GET", "/v1/me", token, NULL, 0);
  g_assert_cmpint (reply.status, ==, 401);

  {
    g_autoptr(GError) error = NULL;

    g_subprocess_send_signal (other, SIGTERM);
    g_subprocess_wait_check (other, NULL, &error);
    g_assert_no_error (error);
  }
  g_clear_pointer (&other_url, g_free);
  reply_clear (&reply);
  server_run_clear (&run);
}

/* Behind a reverse proxy that speaks HTTPS, the server speaks plain HTTP,
 * and only on this machine's loopback. */
static void
test_plain_behind_proxy (void)
{
  g_autofree char *tls_url = g_strdup (base_url);
  g_autofree char *plain_url = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GSubprocess) plain = server_serve (&cluster, NULL, NULL, &plain_url);
  ServerRun run = { 0 };
  Reply reply = { 0 };

  g_free (base_url);
  base_url = g_strdup (plain_url);
  token = sign_in ("lan.hoang", PASSWORD, "behind-proxy");
  request (&reply, "GET", "/v1/me", token, NULL, 0);
  g_assert_cmpint (reply.status, ==, 200);
  g_free (base_url);
  base_url = g_strdup (tls_url);

  g_assert_cmpint (server_run (&run, &cluster, NULL, "serve", "--listen", "0.0.0.0:0", "--plain"), ==, 1);
  g_assert_nonnull (strstr (run.err, "--cert"));
  g_assert_cmpint (server_run (&run, &cluster, NULL, "serve", "--listen", "127.0.0.1:0", "--plain",
                               "--cert", cert_file, "--key", key_file), ==, 2);
  g_assert_cmpint (server_run (&run, &cluster, NULL, "serve", "--listen", "127.0.0.1:0"), ==, 2);

  {
    g_autoptr(GError) error = NULL;

    g_subprocess_send_signal (plain, SIGTERM);
    g_subprocess_wait_check (plain, NULL, &error);
    g_assert_no_error (error);
  }
  reply_clear (&reply);
  server_run_clear (&run);
}

/* The database restarts under a running server: the connections it kept
 * are gone, and the next requests are answered on new ones. */
static void
test_database_restart (void)
{
  g_autofree char *token = sign_in ("lan.hoang", PASSWORD, "0123456789abcdef");
  g_autofree char *again = NULL;
  Reply reply = { 0 };

  /* several requests at once leave several connections in the server's pool */
  request (&reply, "GET", "/v1/me", token, NULL, 0);
  g_assert_cmpint (reply.status, ==, 200);

  pg_cluster_restart (&cluster);

  for (int i = 0; i < 4; i++)
    {
      request (&reply, "GET", "/v1/me", token, NULL, 0);
      g_assert_cmpint (reply.status, ==, 200);
    }
  again = sign_in ("lan.hoang", PASSWORD, "0123456789abcdef");
  g_assert_nonnull (again);
  reply_clear (&reply);
}

/* Guessing is slowed down per account: after ten wrong passwords within
 * fifteen minutes even the right one is refused, for a name nobody has as
 * for one somebody has, until the wrong ones are that old. */
static void
test_guessing_slowed_down (void)
{
  g_autofree char *wrong = sign_in_body ("khoa.le", "not his password", "guesser");
  g_autofree char *right = sign_in_body ("khoa.le", PASSWORD, "guesser");
  g_autofree char *ghost = sign_in_body ("ghost.user", "anything at all", "guesser");
  Reply reply = { 0 };

  for (int i = 0; i < 10; i++)
    {
      request (&reply, "POST", "/v1/sign-in", NULL, wrong, -1);
      g_assert_cmpint (reply.status, ==, 401);
      request (&reply, "POST", "/v1/sign-in", NULL, ghost, -1);
      g_assert_cmpint (reply.status, ==, 401);
    }
  request (&reply, "POST", "/v1/sign-in", NULL, right, -1);
  g_assert_cmpint (reply.status, ==, 429);
  g_assert_cmpstr (reply_member (&reply, "error"), ==, "too_many_attempts");
  request (&reply, "POST", "/v1/sign-in", NULL, ghost, -1);
  g_assert_cmpint (reply.status, ==, 429);
  /* another account is not touched */
  {
    g_autofree char *token = sign_in ("lan.hoang", PASSWORD, "0123456789abcdef");

    g_assert_nonnull (token);
  }

  /* fifteen minutes pass (the server's clock is the database's) */
  execute ("UPDATE sign_in_failure SET at = at - interval '15 minutes'");
  request (&reply, "POST", "/v1/sign-in", NULL, right, -1);
  g_assert_cmpint (reply.status, ==, 200);
  {
    g_autofree char *left = query_one ("SELECT count (*) FROM sign_in_failure WHERE username = 'khoa.le'");

    g_assert_cmpstr (left, ==, "0");
  }
  reply_clear (&reply);
}

int
main (int   argc,
      char *argv[])
{
  ServerRun run = { 0 };
  int status;

  g_test_init (&argc, &argv, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);

  /* what an administrator does first: the schema, the province's places, a user */
  server_setup_demo (&cluster, &cert_file, &key_file);
  {
    g_autofree char *version = query_one ("SELECT max (version) FROM schema_version");
    g_autofree char *places = query_one ("SELECT count (*) FROM unit");

    g_assert_cmpint (atoi (version), ==, dh_db_latest_version ());
    g_assert_cmpstr (places, ==, "12");
  }
  if (server_run (&run, &cluster, PASSWORD "\n", "add-user", "lan.hoang",
                  "--role", "caseworker", "--commune", "DEMO-01", "--full-name", "Hoàng Thị Lan") != 0)
    g_error ("add-user: %s", run.err);
  if (server_run (&run, &cluster, PASSWORD "\n", "add-user", "khoa.le",
                  "--role", "commune_official", "--commune", "DEMO-02") != 0)
    g_error ("add-user: %s", run.err);
  server_run_clear (&run);

  serving = server_serve (&cluster, cert_file, key_file, &base_url);

  g_test_add_func ("/server/migrate/second-run-changes-nothing", test_migrate_second_run_changes_nothing);
  g_test_add_func ("/server/import-units/again-updates-and-keeps-ids", test_import_units_again_updates);
  g_test_add_func ("/server/add-user/refusals-say-what-to-fix", test_add_user_refusals);
  g_test_add_func ("/server/database-unreachable-exits-3", test_database_unreachable);
  g_test_add_func ("/server/db/prepared-once-a-connection", test_prepared_statements);
  g_test_add_func ("/server/sign-in/right-password-gives-token", test_sign_in_gives_token);
  g_test_add_func ("/server/sign-in/wrong-password-and-unknown-user-same-answer", test_sign_in_refusals_say_the_same);
  g_test_add_func ("/server/sign-in/bad-requests-get-4xx-and-server-keeps-serving", test_sign_in_bad_requests);
  g_test_add_func ("/server/sign-in/guessing-slowed-down-per-account", test_guessing_slowed_down);
  g_test_add_func ("/server/me/token-works", test_me_with_token);
  g_test_add_func ("/server/me/revoked-device-refused", test_revoked_device_refused);
  g_test_add_func ("/server/me/expired-token-refused", test_expired_token_refused);
  g_test_add_func ("/server/serve/two-processes-one-database", test_two_processes_one_database);
  g_test_add_func ("/server/serve/plain-http-only-on-loopback", test_plain_behind_proxy);
  g_test_add_func ("/server/serve/database-restart-answered-on-new-connections", test_database_restart);

  status = g_test_run ();

  /* it stops cleanly when told to: exit status 0, nothing leaked under ASan */
  {
    g_autoptr(GError) error = NULL;

    g_subprocess_send_signal (serving, SIGTERM);
    g_subprocess_wait_check (serving, NULL, &error);
    g_assert_no_error (error);
  }
  g_clear_object (&serving);
  pg_cluster_stop (&cluster);
  curl_global_cleanup ();
  return status;
}
