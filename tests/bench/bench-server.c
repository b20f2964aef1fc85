/* bench-server.c – the provincial server under many devices at once, against bare PostgreSQL inserts */
/* SPDX-License-Identifier: GPL-3.0-or-later */

/* DEVICES devices spread over COMMUNES communes of a province, signed in,
 * each push a batch of CHANGES new households at the same moment over TLS
 * and then pull what is new in their commune since they last synced. Printed: the time the storm takes, changes and
 * requests per second, the latency of pushes and pulls (median, 99th
 * percentile, longest), errors; then, in the same run and on the same
 * cluster, the same rows inserted bare (the record table's shape, one
 * transaction a batch, as many connections as the server has threads),
 * and the ratio. Run it with build-aux/bench-server [--devices N]
 * [--changes N] [--communes N] [--threads N]. */

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <string.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include <libpq-fe.h>

#include "dh-autocleanups.h"
#include "dh-store.h"
#include "../server/server-client.h"
#include "../server/server-fixture.h"

#define PASSWORD "benchmark password 2026"

static PgCluster cluster;
static char *base_url;
static char *cert_file;
static char *key_file;
static ServerClient client;

typedef struct
{
  guint        index;
  guint        commune;
  char        *token;
  char        *body;        /* its batch, as it is pushed */
  const char  *cursor;      /* where it last pulled */
  GMutex      *start_lock;
  GCond       *start;
  gboolean    *started;
  double       push_ms;
  double       pull_ms;     /* all its pull pages */
  guint        pull_requests;
  guint        errors;
  gsize        bytes_up;
  gsize        bytes_down;
} DeviceRun;

static size_t
received_cb (char   *data,
            size_t  size,
            size_t  count,
            void   *user_data)
{
  g_string_append_len (user_data, data, size * count);
  return size * count;
}

/* One request on the device's own handle (its connection is reused, as a
 * device's sync does); the status, or 0 when the transfer failed. */
static long
device_request (CURL        *curl,
                const char  *method,
                const char  *path,
                const char  *token,
                const char  *body,
                GString     *received,
                DeviceRun   *run)
{
  g_autofree char *url = g_strconcat (base_url, path + 1, NULL);
  g_autofree char *authorization = g_strdup_printf ("Authorization: Bearer %s", token);
  struct curl_slist *headers = NULL;
  curl_off_t up = 0, down = 0;
  long status = 0;

  g_string_truncate (received, 0);
  headers = curl_slist_append (headers, authorization);
  headers = curl_slist_append (headers, "Expect:");
  if (body != NULL)
    headers = curl_slist_append (headers, "Content-Type: application/json");
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
  if (body != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) strlen (body));
    }
  else
    curl_easy_setopt (curl, CURLOPT_HTTPGET, 1L);
  if (curl_easy_perform (curl) == CURLE_OK)
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo (curl, CURLINFO_SIZE_UPLOAD_T, &up);
  curl_easy_getinfo (curl, CURLINFO_SIZE_DOWNLOAD_T, &down);
  run->bytes_up += up;
  run->bytes_down += down;
  curl_slist_free_all (headers);
  return status;
}

static gpointer
device_thread (gpointer data)
{
  DeviceRun *run = data;
  CURL *curl = curl_easy_init ();
  g_autoptr(GString) received = g_string_new (NULL);
  g_autofree char *cursor = g_strdup (run->cursor);
  gboolean more = TRUE;
  gint64 start;
  long status;

  curl_easy_setopt (curl, CURLOPT_CAINFO, cert_file);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, received_cb);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, received);
  /* as a device asks */
  curl_easy_setopt (curl, CURLOPT_ACCEPT_ENCODING, "zstd, gzip");

  g_mutex_lock (run->start_lock);
  while (!*run->started)
    g_cond_wait (run->start, run->start_lock);
  g_mutex_unlock (run->start_lock);

  start = g_get_monotonic_time ();
  status = device_request (curl, "POST", "/v2/push", run->token, run->body, received, run);
  run->push_ms = (g_get_monotonic_time () - start) / 1000.0;
  if (status != 200 || strstr (received->str, "\"rejected\"") != NULL)
    run->errors++;

  while (more && run->pull_requests < 100)
    {
      g_autofree char *path = g_strdup_printf ("/v2/pull?limit=500&after=%s", cursor);
      g_autoptr(json_object) reply = NULL;
      json_object *next = NULL;

      start = g_get_monotonic_time ();
      status = device_request (curl, "GET", path, run->token, NULL, received, run);
      run->pull_ms += (g_get_monotonic_time () - start) / 1000.0;
      run->pull_requests++;
      reply = status == 200 ? json_tokener_parse (received->str) : NULL;
      if (reply == NULL || !json_object_object_get_ex (reply, "cursor", &next))
        {
          run->errors++;
          break;
        }
      g_free (cursor);
      cursor = g_strdup (json_object_get_string (next));
      more = json_object_get_boolean (json_object_object_get (reply, "more"));
    }

  curl_easy_cleanup (curl);
  return NULL;
}

/* The processor time a process has used, in seconds (user and system). */
static double
process_cpu_seconds (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (after_name = strrchr (text, ')')) == NULL)
    return 0;
  fields = g_strsplit (after_name + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    return 0;
  /* utime and stime are the 14th and 15th fields of the line, the 12th and
   * 13th after the name */
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

/* The processor time of PostgreSQL: its postmaster's children, the
 * backends that served the storm among them. */
static double
cluster_cpu_seconds (void)
{
  g_autofree char *pid_file = g_build_filename (cluster.data, "postmaster.pid", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GDir) proc = NULL;
  const char *name;
  gint64 postmaster;
  double total = 0;

  if (!g_file_get_contents (pid_file, &text, NULL, NULL))
    return 0;
  postmaster = g_ascii_strtoll (text, NULL, 10);
  proc = g_dir_open ("/proc", 0, NULL);
  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *stat_path = NULL;
      g_autofree char *stat = NULL;
      g_auto(GStrv) fields = NULL;
      const char *after_name;

      if (!g_ascii_isdigit (name[0]))
        continue;
      stat_path = g_strdup_printf ("/proc/%s/stat", name);
      if (!g_file_get_contents (stat_path, &stat, NULL, NULL) || (after_name = strrchr (stat, ')')) == NULL)
        continue;
      fields = g_strsplit (after_name + 2, " ", -1);
      /* the parent is the 4th field of the line, the 2nd after the name;
       * a child's own time, and the time of children it waited for */
      if (g_strv_length (fields) > 14 && g_ascii_strtoll (fields[1], NULL, 10) == postmaster)
        total += process_cpu_seconds (name);
    }
  {
    g_autofree char *own = g_strdup_printf ("%" G_GINT64_FORMAT, postmaster);

    return total + process_cpu_seconds (own);
  }
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values,
            double  p)
{
  guint index;

  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_doubles);
  index = (guint) (p * (values->len - 1) + 0.5);
  return g_array_index (values, double, MIN (index, values->len - 1));
}

typedef struct
{
  GAsyncQueue *batches;   /* of GPtrArray * of json_object * */
  GMutex       lock;
  double       cpu;       /* of the backends that loaded them */
} BareRun;

/* The bare limit: the same rows into a table of the record table's shape,
 * one transaction a batch, no merge, no TLS, no HTTP. */
static gpointer
bare_thread (gpointer data)
{
  BareRun *run = data;
  g_autoptr(PGconn) conn = PQconnectdb (cluster.conninfo);
  GPtrArray *batch;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  while ((batch = g_async_queue_try_pop (run->batches)) != NULL)
    {
      PQclear (PQexec (conn, "BEGIN"));
      for (guint i = 0; i < batch->len; i++)
        {
          json_object *wire = g_ptr_array_index (batch, i);
          const char *text = json_object_to_json_string_ext (wire, JSON_C_TO_STRING_PLAIN);
          const char *params[] = { dh_json_get_string (wire, "r"), dh_json_get_string (wire, "e"),
                                   dh_json_get_string (wire, "c"), text };
          g_autoptr(PGresult) result = PQexecParams (conn,
                                                     "INSERT INTO bare (id, entity, commune, seq, wire) "
                                                     "VALUES ($1, $2, $3, nextval ('bare_seq'), $4)",
                                                     4, NULL, params, NULL, NULL, 0);

          if (PQresultStatus (result) != PGRES_COMMAND_OK)
            g_error ("bare insert: %s", PQresultErrorMessage (result));
        }
      PQclear (PQexec (conn, "COMMIT"));
      g_ptr_array_unref (batch);
    }
  {
    g_autofree char *backend = g_strdup_printf ("%d", PQbackendPID (conn));
    double cpu = process_cpu_seconds (backend);

    g_mutex_lock (&run->lock);
    run->cpu += cpu;
    g_mutex_unlock (&run->lock);
  }
  return NULL;
}

static char *
query_one (const char *sql)
{
  g_autoptr(PGconn) conn = PQconnectdb (cluster.conninfo);
  g_autoptr(PGresult) result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_TUPLES_OK || PQntuples (result) != 1)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  return g_strdup (PQgetvalue (result, 0, 0));
}

static void
execute (const char *sql)
{
  g_autoptr(PGconn) conn = PQconnectdb (cluster.conninfo);
  g_autoptr(PGresult) result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
}

static char *
sign_in (const char *username,
         const char *device)
{
  g_autoptr(json_object) body = json_object_new_object ();
  Reply reply = { 0 };
  char *token;

  json_object_object_add (body, "username", json_object_new_string (username));
  json_object_object_add (body, "password", json_object_new_string (PASSWORD));
  json_object_object_add (body, "device", json_object_new_string (device));
  server_request (&client, &reply, "POST", "/v2/sign-in", NULL, json_object_to_json_string (body), -1);
  if (reply.status != 200)
    g_error ("sign-in of %s: %ld", device, reply.status);
  token = g_strdup (reply_member (&reply, "token"));
  reply_clear (&reply);
  return token;
}

typedef struct
{
  GAsyncQueue *work;     /* of DeviceRun * */
} SignInRun;

static gpointer
sign_in_thread (gpointer data)
{
  SignInRun *run = data;
  DeviceRun *device;

  while ((device = g_async_queue_try_pop (run->work)) != NULL)
    {
      g_autofree char *name = g_strdup_printf ("bench-%04u", device->index);
      g_autofree char *username = g_strdup_printf ("user.%03u", device->commune);

      device->token = sign_in (username, name);
    }
  return NULL;
}

/* Pulls everything into STORE (the commune's places) and returns the cursor. */
static char *
pull_all (DhStore    *store,
          const char *token)
{
  g_autofree char *cursor = g_strdup ("");
  gboolean more = TRUE;

  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/v2/pull?limit=2000&after=%s", cursor);
      g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
      g_autoptr(GError) error = NULL;
      json_object *changes = NULL;
      Reply reply = { 0 };

      server_request (&client, &reply, "GET", path, token, NULL, 0);
      g_assert_cmpint (reply.status, ==, 200);
      g_assert_true (json_object_object_get_ex (reply.reply, "changes", &changes));
      for (size_t i = 0; store != NULL && i < json_object_array_length (changes); i++)
        g_ptr_array_add (page, json_object_get (json_object_array_get_idx (changes, i)));
      if (store != NULL && !dh_store_apply_changes (store, page, NULL, NULL, &error))
        g_error ("%s", error->message);
      g_free (cursor);
      cursor = g_strdup (reply_member (&reply, "cursor"));
      more = g_str_equal (reply_member (&reply, "more"), "true");
      reply_clear (&reply);
    }
  return g_steal_pointer (&cursor);
}

int
main (int   argc,
      char *argv[])
{
  int n_devices = 200, n_changes = 50, n_threads = 4, n_communes = 50;
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  GOptionEntry entries[] = {
    { "devices", 0, 0, G_OPTION_ARG_INT, &n_devices, "devices pushing at once (200)", "N" },
    { "changes", 0, 0, G_OPTION_ARG_INT, &n_changes, "changes each pushes (50)", "N" },
    { "communes", 0, 0, G_OPTION_ARG_INT, &n_communes, "communes the devices belong to (50)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &n_threads, "the server's threads, and the bare load's connections (4)", "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) serving = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GArray) push_latency = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) pull_latency = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *store_path = NULL;
  g_autofree char *threads_text = NULL;
  g_autofree char *units_path = NULL;
  DhStore **makers;
  char **cursors;
  DeviceRun *runs;
  GThread **threads;
  GMutex start_lock;
  GCond start;
  gboolean started = FALSE;
  ServerRun run = { 0 };
  guint errors = 0, requests = 0;
  gsize bytes_up = 0, bytes_down = 0;
  gint64 storm_start, storm_us, bare_start, bare_us;
  double server_cpu, cluster_cpu, client_cpu, bare_cpu;
  struct rusage usage;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-server: %s\n", error->message);
      return 2;
    }
  if (n_devices < 1 || n_devices > 1000 || n_changes < 1 || n_changes > 1000 || n_threads < 1 || n_threads > 64 ||
      n_communes < 1 || n_communes > 999)
    {
      g_printerr ("bench-server: --devices 1–1000, --changes 1–1000, --communes 1–999, --threads 1–64\n");
      return 2;
    }
  curl_global_init (CURL_GLOBAL_DEFAULT);

  pg_cluster_start (&cluster);
  make_test_certificate (cluster.dir, &cert_file, &key_file);
  units_path = g_build_filename (cluster.dir, "province.json", NULL);
  {
    g_autoptr(GString) units = g_string_new ("{\"format\": 1, \"province\": {\"code\": \"B\", \"name\": \"Tỉnh Thử\", \"communes\": [");

    for (int c = 0; c < n_communes; c++)
      g_string_append_printf (units, "%s{\"code\": \"B-%03d\", \"name\": \"Xã Thử %d\", \"area\": \"rural\", "
                              "\"villages\": [{\"code\": \"B-%03d-1\", \"name\": \"Thôn Một\"}, "
                              "{\"code\": \"B-%03d-2\", \"name\": \"Thôn Hai\"}]}",
                              c > 0 ? "," : "", c, c, c, c);
    g_string_append (units, "]}}");
    g_file_set_contents (units_path, units->str, -1, &error);
    g_assert_no_error (error);
  }
  if (server_run (&run, &cluster, NULL, "migrate") != 0 ||
      server_run (&run, &cluster, NULL, "import-units", units_path) != 0)
    g_error ("setting up the server: %s", run.err);
  g_print ("adding %d accounts…\n", n_communes);
  for (int c = 0; c < n_communes; c++)
    {
      g_autofree char *username = g_strdup_printf ("user.%03d", c);
      g_autofree char *commune = g_strdup_printf ("B-%03d", c);

      if (server_run (&run, &cluster, PASSWORD "\n", "add-user", username, "--role", "caseworker", "--commune", commune) != 0)
        g_error ("add-user: %s", run.err);
    }
  server_run_clear (&run);
  threads_text = g_strdup_printf ("%d", n_threads);
  serving = server_serve_full (&cluster, cert_file, key_file,
                               (const char * const []) { "--threads", threads_text, "--per-address", "1000", NULL },
                               &base_url);
  client = (ServerClient) { base_url, cert_file };

  /* the rows the devices push: new households of a village of their
   * commune, made by a store of that commune that pulled its places */
  g_print ("making %d households in %d communes…\n", n_devices * n_changes, n_communes);
  makers = g_new0 (DhStore *, n_communes);
  cursors = g_new0 (char *, n_communes);
  pending = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  for (int c = 0; c < n_communes; c++)
    {
      g_autofree char *name = g_strdup_printf ("maker-%03d.db", c);
      g_autofree char *username = g_strdup_printf ("user.%03d", c);
      g_autofree char *device = g_strdup_printf ("maker-%03d", c);
      g_autofree char *token = sign_in (username, device);

      store_path = g_build_filename (cluster.dir, name, NULL);
      makers[c] = dh_store_open (store_path, &error);
      g_assert_no_error (error);
      g_clear_pointer (&store_path, g_free);
      dh_store_set_user (makers[c], username);
      cursors[c] = pull_all (makers[c], token);
    }
  for (int i = 0; i < n_devices; i++)
    {
      DhStore *maker = makers[i % n_communes];
      g_autofree char *village_id = dh_store_resolve_place (maker, "village", "Thôn Một", NULL, &error);
      g_autoptr(GPtrArray) made = NULL;

      g_assert_no_error (error);
      g_assert_true (dh_store_begin (maker, &error));
      for (int j = 0; j < n_changes; j++)
        {
          g_autofree char *json = g_strdup_printf ("{\"village\": \"%s\", \"head_name\": \"Nguyễn Văn Thử %d\", "
                                                   "\"classification\": \"poor\", \"phone\": \"0912%06d\"}",
                                                   village_id, i * n_changes + j, i * n_changes + j);
          g_autoptr(json_object) fields = json_tokener_parse (json);
          g_autoptr(json_object) record = dh_store_create (maker, "household", fields, &error);

          g_assert_no_error (error);
        }
      g_assert_true (dh_store_commit (maker, &error));
      made = dh_store_get_pending_changes (maker, 0, &error);
      g_assert_no_error (error);
      /* what this device pushes: the last N made in its commune */
      for (guint j = made->len - n_changes; j < made->len; j++)
        g_ptr_array_add (pending, json_object_get (g_ptr_array_index (made, j)));
    }
  g_assert_cmpuint (pending->len, ==, (guint) (n_devices * n_changes));

  g_print ("The server under %d devices of %d communes pushing %d changes each at once, then pulling (%d server threads, "
           "TLS on loopback, PostgreSQL 15 on a Unix socket)\n", n_devices, n_communes, n_changes, n_threads);
  g_print ("signing in %d devices (argon2id, 64 MiB each)…\n", n_devices);

  runs = g_new0 (DeviceRun, n_devices);
  threads = g_new0 (GThread *, n_devices);
  g_mutex_init (&start_lock);
  g_cond_init (&start);
  {
    SignInRun sign_ins = { g_async_queue_new () };
    GThread *signers[2];

    for (int i = 0; i < n_devices; i++)
      {
        g_autoptr(GPtrArray) batch = g_ptr_array_new ();
        g_autoptr(json_object) body = json_object_new_object ();
        json_object *list = json_object_new_array ();

        for (int j = 0; j < n_changes; j++)
          json_object_array_add (list, json_object_get (g_ptr_array_index (pending, i * n_changes + j)));
        json_object_object_add (body, "changes", list);
        runs[i] = (DeviceRun) { .index = i, .commune = i % n_communes, .cursor = cursors[i % n_communes], .start_lock = &start_lock, .start = &start,
                                .started = &started };
        runs[i].body = g_strdup (json_object_to_json_string_ext (body, JSON_C_TO_STRING_PLAIN));
        g_async_queue_push (sign_ins.work, &runs[i]);
      }
    for (guint i = 0; i < G_N_ELEMENTS (signers); i++)
      signers[i] = g_thread_new ("sign-in", sign_in_thread, &sign_ins);
    for (guint i = 0; i < G_N_ELEMENTS (signers); i++)
      g_thread_join (signers[i]);
    g_async_queue_unref (sign_ins.work);
  }

  for (int i = 0; i < n_devices; i++)
    threads[i] = g_thread_new ("device", device_thread, &runs[i]);
  g_usleep (200 * 1000);
  storm_start = g_get_monotonic_time ();
  server_cpu = process_cpu_seconds (g_subprocess_get_identifier (serving));
  cluster_cpu = cluster_cpu_seconds ();
  getrusage (RUSAGE_SELF, &usage);
  client_cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  g_mutex_lock (&start_lock);
  started = TRUE;
  g_cond_broadcast (&start);
  g_mutex_unlock (&start_lock);
  for (int i = 0; i < n_devices; i++)
    g_thread_join (threads[i]);
  storm_us = g_get_monotonic_time () - storm_start;
  server_cpu = process_cpu_seconds (g_subprocess_get_identifier (serving)) - server_cpu;
  cluster_cpu = cluster_cpu_seconds () - cluster_cpu;
  getrusage (RUSAGE_SELF, &usage);
  client_cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6
               - client_cpu;

  for (int i = 0; i < n_devices; i++)
    {
      g_array_append_val (push_latency, runs[i].push_ms);
      if (runs[i].pull_requests > 0)
        {
          double per_request = runs[i].pull_ms / runs[i].pull_requests;

          g_array_append_val (pull_latency, per_request);
        }
      errors += runs[i].errors;
      requests += 1 + runs[i].pull_requests;
      bytes_up += runs[i].bytes_up;
      bytes_down += runs[i].bytes_down;
    }

  /* the same rows, bare */
  execute ("CREATE SEQUENCE bare_seq;"
           "CREATE TABLE bare (id uuid PRIMARY KEY, entity text NOT NULL, commune uuid, seq bigint NOT NULL,"
           "  wire text NOT NULL);"
           "CREATE INDEX bare_commune_seq ON bare (commune, seq)");
  {
    BareRun bare = { g_async_queue_new () };
    GThread **loaders = g_new0 (GThread *, n_threads);

    g_mutex_init (&bare.lock);
    for (int i = 0; i < n_devices; i++)
      {
        GPtrArray *batch = g_ptr_array_new ();

        for (int j = 0; j < n_changes; j++)
          g_ptr_array_add (batch, g_ptr_array_index (pending, i * n_changes + j));
        g_async_queue_push (bare.batches, batch);
      }
    bare_start = g_get_monotonic_time ();
    for (int i = 0; i < n_threads; i++)
      loaders[i] = g_thread_new ("bare", bare_thread, &bare);
    for (int i = 0; i < n_threads; i++)
      g_thread_join (loaders[i]);
    bare_us = g_get_monotonic_time () - bare_start;
    bare_cpu = bare.cpu;
    g_mutex_clear (&bare.lock);
    g_async_queue_unref (bare.batches);
    g_free (loaders);
  }

  g_print ("| what | figure |\n| --- | --- |\n");
  g_print ("| the storm: %d pushes of %d changes and their pulls | %.2f s, %d requests, %u errors |\n",
           n_devices, n_changes, storm_us / 1e6, requests, errors);
  g_print ("| throughput | %.0f changes/s merged, %.0f requests/s |\n",
           n_devices * n_changes / (storm_us / 1e6), requests / (storm_us / 1e6));
  g_print ("| processor time of donghanh-server during the storm | %.2f s, %.0f µs a change |\n",
           server_cpu, server_cpu * 1e6 / (n_devices * n_changes));
  g_print ("| processor time of PostgreSQL during the storm (backends that lived through it) | %.2f s |\n", cluster_cpu);
  g_print ("| processor time of the 200 clients (this program: TLS, JSON) | %.2f s |\n", client_cpu);
  g_print ("| push latency (%d changes) | median %.0f ms, p99 %.0f ms, longest %.0f ms |\n",
           n_changes, percentile (push_latency, 0.5), percentile (push_latency, 0.99), percentile (push_latency, 1.0));
  g_print ("| pull latency (a page of up to 500 records) | median %.0f ms, p99 %.0f ms, longest %.0f ms |\n",
           percentile (pull_latency, 0.5), percentile (pull_latency, 0.99), percentile (pull_latency, 1.0));
  g_print ("| bytes | %.1f MiB sent (gzip), %.1f MiB received (zstd) |\n", bytes_up / 1048576.0, bytes_down / 1048576.0);
  {
    g_autofree char *records = query_one ("SELECT count (*) FROM record");
    g_autofree char *bytes = query_one ("SELECT pg_total_relation_size ('record')");
    g_autofree char *bare_bytes = query_one ("SELECT pg_total_relation_size ('bare')");

    g_print ("| the server's records on disk (table, indexes, TOAST) | %.0f bytes a record (%s records); bare: %.0f |\n",
             g_ascii_strtod (bytes, NULL) / g_ascii_strtod (records, NULL), records,
             g_ascii_strtod (bare_bytes, NULL) / (n_devices * n_changes));
  }
  g_print ("| bare PostgreSQL inserts of the same %d rows, %d connections, a transaction per batch | %.2f s |\n",
           n_devices * n_changes, n_threads, bare_us / 1e6);
  g_print ("| **ratio** (the storm against the bare inserts) | **%.1f×** wall; processor time of server and PostgreSQL "
           "%.2f s against the bare backends' %.2f s: **%.1f×** |\n",
           (double) storm_us / bare_us, server_cpu + cluster_cpu, bare_cpu, (server_cpu + cluster_cpu) / bare_cpu);

  for (int i = 0; i < n_devices; i++)
    {
      g_free (runs[i].token);
      g_free (runs[i].body);
    }
  g_free (runs);
  g_free (threads);
  g_mutex_clear (&start_lock);
  g_cond_clear (&start);
  g_subprocess_send_signal (serving, SIGTERM);
  g_subprocess_wait (serving, NULL, NULL);
  for (int c = 0; c < n_communes; c++)
    {
      g_object_unref (makers[c]);
      g_free (cursors[c]);
    }
  g_free (makers);
  g_free (cursors);
  pg_cluster_stop (&cluster);
  curl_global_cleanup ();
  return errors == 0 ? 0 : 1;
}
