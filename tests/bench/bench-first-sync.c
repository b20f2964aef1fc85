/* bench-first-sync.c – a commune's first sync through donghanh-server over TLS, against bare SQLite and gzip */
/* SPDX-License-Identifier: GPL-3.0-or-later */

/* A commune of HOUSEHOLDS demo households (about 20 records each) is put
 * on a throwaway provincial server; a new device signs in and syncs it
 * all, with the sync engine's own code (dh_sync_run) over TLS on the
 * loopback, optionally through a link throttled to 2G speeds. Printed, each
 * against its limit measured in the same run:
 *   - the first sync's time against a bare SQLite load of the rows it
 *     wrote, into the same schema (the store's own bench-sync measures the
 *     store alone): ROUNDS first syncs, each into a new store and each
 *     followed by a bare load, the median of their ratios, and the first
 *     round's alone;
 *   - the bytes it received against gzip of the raw records (the current
 *     state of each, as JSON lines);
 *   - a no-op sync: requests and bytes.
 * build-aux/bench-first-sync [--households N] [--rounds N] [--throttle] */

#include "config.h"

#include <locale.h>
#include <sys/resource.h>
#include <json-c/json.h>
#include <libpq-fe.h>
#include <zlib.h>

#include "bench-bare.h"
#include "dh-demo.h"
#include "dh-gzip.h"
#include "dh-zstd.h"
#include "dh-sync-client.h"
#include "dh-sync-run.h"
#include "../server/server-fixture.h"
#include "../sync/sync-proxy.h"

#define PASSWORD "benchmark password 2026"

static PgCluster cluster;

static void
pg_execute (PGconn             *conn,
            const char         *sql,
            int                 n_params,
            const char * const *params)
{
  g_autoptr(PGresult) result = PQexecParams (conn, sql, n_params, NULL, params, NULL, NULL, 0);

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
}

/* Puts the source store's current state on the server as its own
 * records, as pushes would have left them (the server's write path is
 * bench-server's): the places in the unit table too, so that an account
 * can belong to the commune. Returns the commune's code. */
static char *
seed_server (GPtrArray *wires,
             GString   *raw,
             guint     *out_records,
             guint     *out_households)
{
  g_autoptr(PGconn) conn = PQconnectdb (cluster.conninfo);
  g_autoptr(json_object) rows = json_object_new_array ();
  g_autoptr(GHashTable) codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *commune_id = NULL;
  guint most = 0;
  DhValidator validator;

  dh_validator_init (&validator);
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  pg_execute (conn, "BEGIN", 0, NULL);

  /* places: the province before its commune before its villages */
  for (guint pass = 0; pass < 3; pass++)
    {
      static const char * const kinds[] = { "province", "commune", "village" };

      for (guint i = 0; i < wires->len; i++)
        {
          json_object *wire = g_ptr_array_index (wires, i);
          json_object *fields = NULL;
          g_autoptr(DhChange) change = NULL;
          g_autoptr(GError) error = NULL;
          DhWrite kind, code, name, parent;

          if (g_strcmp0 (dh_json_get_string (wire, "e"), "admin_unit") != 0)
            continue;
          change = dh_change_from_json (wire, &validator, &error);
          g_assert_no_error (error);
          if (!dh_change_get_write (change, "kind", &kind) || g_strcmp0 (json_object_get_string (kind.value), kinds[pass]) != 0)
            continue;
          dh_change_get_write (change, "code", &code);
          dh_change_get_write (change, "name", &name);
          {
            const char *parent_code = dh_change_get_write (change, "parent", &parent) && parent.value != NULL
                                    ? g_hash_table_lookup (codes, json_object_get_string (parent.value)) : NULL;
            const char *params[] = { json_object_get_string (code.value), change->record_id, kinds[pass],
                                     json_object_get_string (name.value), parent_code };

            pg_execute (conn, "INSERT INTO unit (code, id, kind, name, parent) VALUES ($1, $2, $3, $4, $5)", 5, params);
          }
          g_hash_table_replace (codes, g_strdup (change->record_id), g_strdup (json_object_get_string (code.value)));
          if (pass == 1)
            {
              const char *params[] = { change->record_id };

              pg_execute (conn, "INSERT INTO sync_lock (commune) VALUES ($1)", 1, params);
            }
          (void) fields;
        }
    }

  /* every record as the change a pull sends, a thousand a statement */
  for (guint i = 0; i < wires->len; i++)
    {
      json_object *wire = g_ptr_array_index (wires, i);
      g_autoptr(DhChange) change = NULL;
      g_autoptr(GError) error = NULL;
      const char *text = json_object_to_json_string_ext (wire, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
      json_object *row = json_object_new_array ();

      change = dh_change_from_json (wire, &validator, &error);
      g_assert_no_error (error);
      if (change->commune != NULL)
        {
          guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, change->commune)) + 1;

          g_hash_table_replace (counts, g_strdup (change->commune), GUINT_TO_POINTER (n));
        }
      json_object_array_add (row, json_object_new_string (change->record_id));
      json_object_array_add (row, json_object_new_string (change->entity->name));
      json_object_array_add (row, change->commune != NULL ? json_object_new_string (change->commune) : NULL);
      json_object_array_add (row, json_object_new_string (text));
      json_object_array_add (rows, row);
      if (json_object_array_length (rows) == 1000 || i + 1 == wires->len)
        {
          const char *params[] = { json_object_to_json_string_ext (rows, JSON_C_TO_STRING_PLAIN) };

          pg_execute (conn,
                      "INSERT INTO record (id, entity, commune, seq, wire) "
                      "SELECT (r->>0)::uuid, r->>1, (r->>2)::uuid, nextval ('record_seq'), r->>3 "
                      "FROM json_array_elements ($1::json) WITH ORDINALITY AS t (r, n) ORDER BY n",
                      1, params);
          g_clear_pointer (&rows, json_object_put);
          rows = json_object_new_array ();
        }
    }
  pg_execute (conn, "COMMIT", 0, NULL);
  /* as a server in service holds its records: vacuumed, their pages
   * written (a first sync is otherwise the first to read them, and pays
   * for marking every row seen and for writing every page again) */
  pg_execute (conn, "VACUUM (ANALYZE) record", 0, NULL);
  pg_execute (conn, "CHECKPOINT", 0, NULL);

  /* the device belongs to the commune with the most records; what it
   * should receive is that commune's records and the province's */
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, counts);
    while (g_hash_table_iter_next (&iter, &key, &value))
      if (GPOINTER_TO_UINT (value) > most)
        {
          most = GPOINTER_TO_UINT (value);
          commune_id = key;
        }
  }
  g_assert_nonnull (commune_id);
  *out_records = 0;
  *out_households = 0;
  for (guint i = 0; i < wires->len; i++)
    {
      json_object *wire = g_ptr_array_index (wires, i);
      const char *commune = dh_json_get_string (wire, "c");

      if (commune == NULL || g_str_equal (commune, commune_id))
        {
          g_string_append_printf (raw, "%s\n",
                                  json_object_to_json_string_ext (wire, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
          (*out_records)++;
          if (g_strcmp0 (dh_json_get_string (wire, "e"), "household") == 0)
            (*out_households)++;
        }
    }
  return g_strdup (g_hash_table_lookup (codes, commune_id));
}

/* A new device's store, PATH, and a client of the server at URL signed
 * in for it as the commune's caseworker; its token in OUT_TOKEN. */
static DhStore *
new_device (const char    *path,
            const char    *url,
            const char    *cert_file,
            DhSyncClient **out_client,
            char         **out_token)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) signed_in = NULL;
  DhStore *store = dh_store_open_full (path, DH_STORE_OPEN_CREATE, &error);

  g_assert_no_error (error);
  dh_store_set_user (store, "lan.hoang");
  *out_client = dh_sync_client_new (url, cert_file, NULL, &error);
  g_assert_no_error (error);
  signed_in = dh_sync_client_sign_in (*out_client, "lan.hoang", PASSWORD, dh_store_get_device_id (store), &error);
  g_assert_no_error (error);
  *out_token = g_strdup (dh_json_get_string (signed_in, "token"));
  dh_sync_client_set_token (*out_client, *out_token);

  return store;
}

static double
process_cpu (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* A sync of STORE, WHAT for its failure, in OUT_S seconds and OUT_CPU of
 * this process's processor. */
static void
timed_sync (DhStore      *store,
            DhSyncClient *client,
            const char   *what,
            DhSyncReport *out_report,
            double       *out_s,
            double       *out_cpu)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  double cpu = process_cpu ();

  if (!dh_sync_run (store, client, out_report, NULL, NULL, NULL, &error))
    g_error ("%s: %s", what, error->message);
  *out_s = (g_get_monotonic_time () - start) / 1e6;
  *out_cpu = process_cpu () - cpu;
}

/* A line of /proc/self/status in MiB ("VmRSS:", "VmHWM:"), or -1. */
static double
status_mib (const char *key)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) || (line = strstr (status, key)) == NULL)
    return -1;
  return g_ascii_strtod (line + strlen (key), NULL) / 1024.0;
}

/* The peak resident memory starts again from what is resident now
 * (Linux: "5" to clear_refs). */
static gboolean
reset_peak_memory (void)
{
  FILE *file = fopen ("/proc/self/clear_refs", "w");
  gboolean ok;

  if (file == NULL)
    return FALSE;
  ok = fputs ("5", file) >= 0;
  return fclose (file) == 0 && ok;
}

/* The size of gzip of the bytes as the gzip program makes it by default:
 * zlib's level 6 (the server sends libdeflate's, which is a little smaller). */
static gsize
gzip_size (const char *data,
           gsize       length)
{
  z_stream stream = { 0 };
  g_autofree guint8 *out = NULL;
  gsize size;

  /* 15 bits of window, plus 16 for a gzip header and trailer */
  if (deflateInit2 (&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    g_error ("zlib cannot start a deflate stream");
  out = g_malloc (deflateBound (&stream, length));
  stream.next_in = (Bytef *) data;
  stream.avail_in = (uInt) length;
  stream.next_out = out;
  stream.avail_out = (uInt) deflateBound (&stream, length);
  if (deflate (&stream, Z_FINISH) != Z_STREAM_END)
    g_error ("zlib could not gzip the records");
  size = stream.total_out;
  deflateEnd (&stream);
  return size;
}

/* Inflated as curl did for the device until 27 November: zlib, 16 KiB at
 * a time, into a buffer that grows. The length it came to. */
static gsize
inflate_in_steps (GBytes *gzipped)
{
  z_stream stream = { 0 };
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 chunk[16384];
  gsize length = 0;
  int status = Z_OK;

  if (inflateInit2 (&stream, 15 + 16) != Z_OK)
    g_error ("zlib cannot start an inflate stream");
  stream.next_in = (Bytef *) g_bytes_get_data (gzipped, &length);
  stream.avail_in = (uInt) length;
  while (status != Z_STREAM_END)
    {
      stream.next_out = chunk;
      stream.avail_out = sizeof chunk;
      status = inflate (&stream, Z_NO_FLUSH);
      if (status != Z_OK && status != Z_STREAM_END)
        g_error ("zlib could not inflate the records");
      g_byte_array_append (out, chunk, sizeof chunk - stream.avail_out);
    }
  inflateEnd (&stream);
  return out->len;
}

/* The server's two codings of a page, on the raw records (one a line)
 * cut in pieces of as many records as the pages of a first sync: the
 * median processor time, in ms, of making them all, of
 * reading them all in one pass as the device does, and of inflating the
 * gzip as curl did (zlib, step by step); and their bytes. */
typedef struct
{
  double zstd_make_ms, gzip_make_ms;
  double zstd_read_ms, gzip_read_ms, gzip_steps_ms;
  gsize  zstd_bytes, gzip_bytes;
} Codings;

enum { ZSTD_MAKE, GZIP_MAKE, ZSTD_READ, GZIP_READ, GZIP_STEPS, N_TIMES };

/* Where the piece of RECORDS lines from AT ends in RAW. */
static gsize
piece_end (const GString *raw,
           gsize          at,
           guint          records)
{
  for (guint i = 0; i < records && at < raw->len; i++)
    {
      const char *line_end = memchr (raw->str + at, '\n', raw->len - at);

      at = line_end != NULL ? (gsize) (line_end - raw->str) + 1 : raw->len;
    }
  return at;
}

static void
time_codings (const GString *raw,
              Codings       *out)
{
  double times[N_TIMES][5] = { { 0 } };

  memset (out, 0, sizeof *out);
  for (guint i = 0; i < 5; i++)
    {
      gsize length;

      out->zstd_bytes = out->gzip_bytes = 0;
      for (gsize at = 0, page = 0; at < raw->len; at += length, page++)
        {
          g_autoptr(GBytes) frame = NULL;
          g_autoptr(GBytes) gzipped = NULL;
          g_autofree char *zstd_text = NULL;
          g_autofree char *gzip_text = NULL;
          gsize made = 0;
          gboolean too_large = FALSE;
          double start;

          length = piece_end (raw, at, dh_sync_pull_page_limit (page)) - at;
          /* each timed alone, and compared with the records after */
          start = cpu_seconds ();
          frame = dh_zstd_compress (raw->str + at, length);
          times[ZSTD_MAKE][i] += (cpu_seconds () - start) * 1e3;
          start = cpu_seconds ();
          gzipped = dh_gzip_compress (raw->str + at, length);
          times[GZIP_MAKE][i] += (cpu_seconds () - start) * 1e3;
          start = cpu_seconds ();
          zstd_text = dh_zstd_decompress_text (g_bytes_get_data (frame, NULL), g_bytes_get_size (frame),
                                               DH_SYNC_MAX_ANSWER_BYTES, &made, &too_large);
          times[ZSTD_READ][i] += (cpu_seconds () - start) * 1e3;
          g_assert_nonnull (zstd_text);
          g_assert_cmpmem (zstd_text, made, raw->str + at, length);
          start = cpu_seconds ();
          gzip_text = dh_gzip_inflate_text (g_bytes_get_data (gzipped, NULL), g_bytes_get_size (gzipped),
                                            DH_SYNC_MAX_ANSWER_BYTES, &made, &too_large);
          times[GZIP_READ][i] += (cpu_seconds () - start) * 1e3;
          g_assert_nonnull (gzip_text);
          g_assert_cmpmem (gzip_text, made, raw->str + at, length);
          start = cpu_seconds ();
          made = inflate_in_steps (gzipped);
          times[GZIP_STEPS][i] += (cpu_seconds () - start) * 1e3;
          g_assert_cmpuint (made, ==, length);
          out->zstd_bytes += g_bytes_get_size (frame);
          out->gzip_bytes += g_bytes_get_size (gzipped);
        }
    }
  for (guint t = 0; t < N_TIMES; t++)
    qsort (times[t], 5, sizeof times[t][0], bench_compare_doubles);
  out->zstd_make_ms = times[ZSTD_MAKE][2];
  out->gzip_make_ms = times[GZIP_MAKE][2];
  out->zstd_read_ms = times[ZSTD_READ][2];
  out->gzip_read_ms = times[GZIP_READ][2];
  out->gzip_steps_ms = times[GZIP_STEPS][2];
}

int
main (int   argc,
      char *argv[])
{
  int households = 3000;
  gboolean throttle = FALSE;
  int kbits = 128, latency_ms = 300;
  int rounds = 5;
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  GOptionEntry entries[] = {
    { "households", 0, 0, G_OPTION_ARG_INT, &households, "households of the commune (3000)", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "first syncs, each beside a bare load (5)", "N" },
    { "throttle", 0, 0, G_OPTION_ARG_NONE, &throttle, "also sync through a link throttled to 2G speeds", NULL },
    { "kbits", 0, 0, G_OPTION_ARG_INT, &kbits, "the throttled link's speed each way, kbit/s (128)", "N" },
    { "latency", 0, 0, G_OPTION_ARG_INT, &latency_ms, "the throttled link's round trip added, ms (300)", "MS" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) serving = NULL;
  g_autoptr(DhStore) source = NULL;
  g_autoptr(DhStore) device = NULL;
  g_autoptr(GPtrArray) wires = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(GString) raw = g_string_new (NULL);
  gsize raw_gzip;
  Codings codings;
  g_autoptr(DhSyncClient) client = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *cert_file = NULL;
  g_autofree char *key_file = NULL;
  g_autofree char *source_path = NULL;
  g_autofree char *device_path = NULL;
  g_autofree char *bare_path = NULL;
  g_autofree char *commune_code = NULL;
  g_auto(DhSyncReport) first = { 0 };
  g_auto(DhSyncReport) again = { 0 };
  ServerRun run = { 0 };
  DhDemoOptions demo;
  gint64 bare_rows = 0;
  guint expected = 0, commune_households = 0;
  double first_s, first_cpu;
  double resident_before, peak;
  gboolean peak_known;
  Timing first_bare = { 0 };
  g_autoptr(GArray) sync_walls = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) sync_cpus = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) bare_walls = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu_ratios = g_array_new (FALSE, FALSE, sizeof (double));

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-first-sync: %s\n", error->message);
      return 2;
    }
  if (households < 1 || households > 100000 || kbits < 8 || kbits > 100000 || latency_ms < 0 || latency_ms > 10000 ||
      rounds < 1 || rounds > 50)
    {
      g_printerr ("bench-first-sync: --households 1–100000, --rounds 1–50, --kbits 8–100000, --latency 0–10000\n");
      return 2;
    }

  pg_cluster_start (&cluster);
  make_test_certificate (cluster.dir, &cert_file, &key_file);
  if (server_run (&run, &cluster, NULL, "migrate") != 0)
    g_error ("migrate: %s", run.err);

  /* the commune, made by the demo on a source store, as its current state */
  g_print ("making a commune of about %d households…\n", households);
  source_path = g_build_filename (cluster.dir, "source.db", NULL);
  source = dh_store_open_full (source_path, DH_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  /* the demo spreads households over the villages of both its communes,
   * five of whose nine villages are Minh Tiến's: nine fifths of the
   * commune's households in all. Records a household as bench-sync makes
   * them: about twenty. */
  dh_demo_options_init (&demo);
  demo.households = (guint) households * 9 / 5;
  demo.members_per_household = 5;
  demo.visits_per_household = 10;
  demo.supports_per_household = 3;
  if (!dh_demo_populate (source, &demo, NULL, NULL, &error))
    g_error ("%s", error->message);
  for (guint i = 0; i < G_N_ELEMENTS (entity_order); i++)
    {
      g_autoptr(GPtrArray) state = dh_store_export_state (source, entity_order[i], &error);

      g_assert_no_error (error);
      for (guint j = 0; j < state->len; j++)
        g_ptr_array_add (wires, json_object_get (g_ptr_array_index (state, j)));
    }
  commune_code = seed_server (wires, raw, &expected, &commune_households);
  raw_gzip = gzip_size (raw->str, raw->len);
  /* in pieces the size of the pages of the first sync */
  time_codings (raw, &codings);
  if (server_run (&run, &cluster, PASSWORD "\n", "add-user", "lan.hoang", "--role", "caseworker",
                  "--commune", commune_code) != 0)
    g_error ("add-user: %s", run.err);
  server_run_clear (&run);
  serving = server_serve_full (&cluster, cert_file, key_file, (const char * const []) { "--threads", "2", NULL }, &base_url);

  /* a new device signs in and syncs the commune */
  device_path = g_build_filename (cluster.dir, "device.db", NULL);
  device = new_device (device_path, base_url, cert_file, &client, &token);

  g_print ("the first sync of %u records over TLS on the loopback…\n", expected);
  resident_before = status_mib ("VmRSS:");
  peak_known = reset_peak_memory ();
  timed_sync (device, client, "the first sync", &first, &first_s, &first_cpu);
  peak = status_mib ("VmHWM:");
  g_assert_cmpuint (first.received, ==, expected);

  /* the engine makes a client a sync; its counters are the sync's */
  {
    g_autoptr(DhSyncClient) next = dh_sync_client_new (base_url, cert_file, NULL, &error);

    g_assert_no_error (error);
    dh_sync_client_set_token (next, token);
    if (!dh_sync_run (device, next, &again, NULL, NULL, NULL, &error))
      g_error ("the no-op sync: %s", error->message);
  }

  /* the limit: the rows the first sync wrote, bare into the same schema */
  {
    sqlite3 *db = open_raw (device_path);

    exec_raw (db, "PRAGMA wal_checkpoint(TRUNCATE)");
    tables = new_tables ();
    read_records (db, TRUE, TRUE, tables);
    read_search (db, tables);
    sqlite3_close (db);
  }
  bare_path = g_build_filename (cluster.dir, "bare.db", NULL);

  /* Round after round, a first sync into a store of its own beside a bare
   * load: the machine is shared and noisy, and the ratio of two runs side
   * by side holds better than a ratio of runs apart. The first round's
   * sync is the one above. */
  for (int round = 0; round < rounds; round++)
    {
      Timing bare;
      double sync_s = first_s, sync_cpu = first_cpu;

      if (round > 0)
        {
          g_autofree char *name = g_strdup_printf ("device-%d.db", round);
          g_autofree char *path = g_build_filename (cluster.dir, name, NULL);
          g_autoptr(DhSyncClient) round_client = NULL;
          g_autofree char *round_token = NULL;
          g_autoptr(DhStore) store = new_device (path, base_url, cert_file, &round_client, &round_token);
          g_auto(DhSyncReport) report = { 0 };

          timed_sync (store, round_client, "a first sync of a later round", &report, &sync_s, &sync_cpu);
          g_assert_cmpuint (report.received, ==, expected);
          g_clear_object (&store);
          remove_store (path);
        }
      bare = bare_load (bare_path, tables, &bare_rows);
      if (g_getenv ("DONGHANH_BENCH_VERBOSE") != NULL)
        fprintf (stderr, "  round %d: first sync %.3f s (processor %.3f s), bare load %.3f s (processor %.3f s)\n",
                 round + 1, sync_s, sync_cpu, bare.wall, bare.cpu);
      if (round == 0)
        first_bare = bare;
      g_array_append_val (sync_walls, sync_s);
      g_array_append_val (sync_cpus, sync_cpu);
      g_array_append_val (bare_walls, bare.wall);
      g_array_append_vals (ratios, &(double) { sync_s / bare.wall }, 1);
      g_array_append_vals (cpu_ratios, &(double) { sync_cpu / bare.cpu }, 1);
    }

  g_print ("\n| what | figure |\n| --- | --- |\n");
  g_print ("| the allocator of this process and of the server (meson option allocator) | %s |\n", DH_ALLOCATOR);
  g_print ("| the first sync of a commune of %u households: %u records, %u pages landed in %u transactions, %u requests; median of %d, each into a new store | %.2f s (%.2f–%.2f; processor of this process, TLS and store: %.2f s), %.0f records/s |\n",
           commune_households, first.received, first.pages, first.pull_commits, first.requests, rounds, bench_percentile (sync_walls, 0.5),
           bench_percentile (sync_walls, 0), bench_percentile (sync_walls, 1), bench_percentile (sync_cpus, 0.5),
           first.received / bench_percentile (sync_walls, 0.5));
  g_print ("| a bare SQLite load of the %" G_GINT64_FORMAT " rows it wrote (records, sort keys, search entries) into the same schema, one after each sync | %.2f s (%.2f–%.2f) |\n",
           bare_rows, bench_percentile (bare_walls, 0.5), bench_percentile (bare_walls, 0), bench_percentile (bare_walls, 1));
  g_print ("| **ratio** first sync / the bare load beside it, median of %d | **%.2f×** (%.2f–%.2f; processor %.2f×) |\n", rounds,
           bench_percentile (ratios, 0.5), bench_percentile (ratios, 0), bench_percentile (ratios, 1), bench_percentile (cpu_ratios, 0.5));
  /* the rounds after the first find this process's heap grown and the
   * server's caches warm; the first is a process's first sync */
  g_print ("| the first round alone: this process's first sync, the server's first of the commune | %.2f s (processor %.2f s), **%.2f×** its bare load (processor %.2f×) |\n",
           first_s, first_cpu, first_s / first_bare.wall, first_cpu / first_bare.cpu);
  if (peak_known && resident_before >= 0 && peak >= 0)
    g_print ("| resident memory of this process: before the sync / at its peak during it | %.1f / %.1f MiB (%.1f MiB more) |\n",
             resident_before, peak, peak - resident_before);
  g_print ("| bytes received / sent | %s / %s |\n", bench_grouped ((gint64) first.bytes_received),
           bench_grouped ((gint64) first.bytes_sent));
  g_print ("| the raw records (JSON lines) / gzipped | %s / %s bytes |\n", bench_grouped ((gint64) raw->len),
           bench_grouped ((gint64) raw_gzip));
  g_print ("| **ratio** bytes received / gzip of the raw records | **%.2f×** |\n",
           (double) first.bytes_received / raw_gzip);
  g_print ("| inflating the raw records' gzip in pieces the size of the pages, processor, median of 5: each in one pass, as the device does with a server that sends gzip / zlib step by step into a growing buffer, as curl did | %.1f / %.1f ms (%.2f×) |\n",
           codings.gzip_read_ms, codings.gzip_steps_ms, codings.gzip_read_ms / codings.gzip_steps_ms);
  g_print ("| the raw records in pieces the size of the pages, as the server sends them, processor, median of 5: made in zstd (level 1, what the device asks for) / in gzip (level 6) | %.1f / %.1f ms (%.2f×); %s / %s bytes (%.2f×) |\n",
           codings.zstd_make_ms, codings.gzip_make_ms, codings.zstd_make_ms / codings.gzip_make_ms,
           bench_grouped ((gint64) codings.zstd_bytes), bench_grouped ((gint64) codings.gzip_bytes),
           (double) codings.zstd_bytes / codings.gzip_bytes);
  g_print ("| the same pieces read by the device in one pass: zstd / gzip | %.1f / %.1f ms (%.2f×) |\n",
           codings.zstd_read_ms, codings.gzip_read_ms, codings.zstd_read_ms / codings.gzip_read_ms);
  g_print ("| a no-op sync (aim: at most 2 requests and 2 KB) | requests: %u; %s bytes (sent %s, received %s) |\n", again.requests,
           bench_grouped ((gint64) (again.bytes_sent + again.bytes_received)),
           bench_grouped ((gint64) again.bytes_sent), bench_grouped ((gint64) again.bytes_received));

  if (throttle)
    {
      g_autoptr(DhStore) slow = NULL;
      g_autoptr(DhSyncClient) slow_client = NULL;
      g_autofree char *slow_token = NULL;
      g_autofree char *slow_path = g_build_filename (cluster.dir, "slow.db", NULL);
      g_autofree char *slow_url = NULL;
      g_auto(DhSyncReport) slow_report = { 0 };
      guint16 port = (guint16) g_ascii_strtoull (strrchr (base_url, ':') + 1, NULL, 10);
      Proxy *proxy = proxy_start_throttled (port, kbits * 1000 / 8, latency_ms / 2);
      double slow_s, slow_cpu;

      slow_url = g_strdup_printf ("https://127.0.0.1:%u/", proxy->port);
      slow = new_device (slow_path, slow_url, cert_file, &slow_client, &slow_token);
      g_print ("the same first sync through a link of %d kbit/s each way with %d ms more round trip…\n",
               kbits, latency_ms);
      timed_sync (slow, slow_client, "the throttled sync", &slow_report, &slow_s, &slow_cpu);
      g_print ("| the first sync through a 2G link (%d kbit/s, +%d ms a round trip) | %.0f s (processor %.2f s), %u requests; the bytes alone take %.0f s at that speed |\n",
               kbits, latency_ms, slow_s, slow_cpu, slow_report.requests,
               (slow_report.bytes_received + slow_report.bytes_sent) * 8.0 / (kbits * 1000));
      proxy_stop (proxy);
    }

  g_subprocess_send_signal (serving, SIGTERM);
  g_subprocess_wait (serving, NULL, NULL);
  g_clear_object (&device);
  g_clear_object (&source);
  pg_cluster_stop (&cluster);
  return 0;
}
