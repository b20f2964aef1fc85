/* bench-sync.c – prints what a first sync and ordinary writes cost against bare SQLite, in time and bytes */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "bench-sync"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "bench-bare.h"
#include "dh-sync-run.h"
#include "bench-common.h"
#include "dh-autocleanups.h"
#include "dh-demo.h"
#include "dh-entity.h"
#include "dh-store.h"
#include "dh-store-private.h"
#include "../test-tree.h"

/* Machines here are shared and noisy: every figure is measured against
 * its limit in the same run, and the ratio is the figure that counts.
 *
 * The two store runs (the first sync, the ordinary writes) each run in a
 * process of their own, started from this program, so that their peak
 * memory is theirs alone and a profiler can be pointed at them:
 *   bench-sync --role=apply --pages FILE --store FILE [--statements]
 *   bench-sync --role=write --households N --store FILE [--statements]
 * --statements prints, on stderr, the time SQLite spent in each statement
 * the store ran (which slows the run down: for finding costs, not for the
 * figures). */

/* Who makes every change of this benchmark: a user name of a usual length. */
#define BENCH_USER "lan.hoang"

typedef struct
{
  guint commune_households;
  guint households;
  guint page_size;
  guint members;
  guint visits;
  guint supports;
  guint seed;
  char *only;
  gboolean keep;

  /* a store run in a process of its own */
  char *role;
  char *pages;
  char *store;
  gboolean statements;
} Options;

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1e6;
}

/* The process's peak resident memory. getrusage()'s ru_maxrss survives
 * execve(), so a store run started from this program would report this
 * program's peak: the kernel's high-water mark of the process's own
 * memory (VmHWM) is read instead where there is one. */
static double
peak_rss_mib (void)
{
  g_autofree char *status = NULL;
  struct rusage usage;
  const char *line;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (line = strstr (status, "VmHWM:")) != NULL)
    return g_ascii_strtod (line + strlen ("VmHWM:"), NULL) / 1024.0;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

static gint64
file_size (const char *path)
{
  struct stat info;

  return g_stat (path, &info) == 0 ? (gint64) info.st_size : 0;
}

static void
demo_options (const Options *options,
              guint          households,
              DhDemoOptions *demo)
{
  dh_demo_options_init (demo);
  demo->households = households;
  demo->members_per_household = options->members;
  demo->visits_per_household = options->visits;
  demo->supports_per_household = options->supports;
  demo->seed = options->seed;
}

/* gzip -9, as the sync sends pages: a stream whose size is read at its end */
static GOutputStream *
gzip_stream_new (void)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();

  return g_converter_output_stream_new (memory, G_CONVERTER (compressor));
}

static void
gzip_stream_add (GOutputStream *stream,
                 const char    *data,
                 gsize          length)
{
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all (stream, data, length, NULL, NULL, &error))
    g_error ("gzip: %s", error->message);
}

static void
gzip_stream_add_line (GOutputStream *stream,
                      const char    *line)
{
  gzip_stream_add (stream, line, strlen (line));
  gzip_stream_add (stream, "\n", 1);
}

static gsize
gzip_stream_finish (GOutputStream *stream)
{
  g_autoptr(GError) error = NULL;
  GOutputStream *memory = g_filter_output_stream_get_base_stream (G_FILTER_OUTPUT_STREAM (stream));

  if (!g_output_stream_close (stream, NULL, &error))
    g_error ("gzip: %s", error->message);

  return g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (memory));
}

static gsize
gzip_size (const char *data,
           gsize       length)
{
  g_autoptr(GOutputStream) stream = gzip_stream_new ();

  gzip_stream_add (stream, data, length);
  return gzip_stream_finish (stream);
}

/* Raw SQLite, for the bare loads and for reading what the store wrote */

static gint64
count_raw (sqlite3    *db,
           const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM \"%s\"", table);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK || sqlite3_step (stmt) != SQLITE_ROW)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));

  return sqlite3_column_int64 (stmt, 0);
}

static gint64
count_records (const char *path,
               GString    *detail)
{
  sqlite3 *db = open_raw (path);
  gint64 total = 0;

  for (guint i = 0; i < G_N_ELEMENTS (entity_order); i++)
    {
      gint64 n = count_raw (db, entity_order[i]);

      total += n;
      if (detail != NULL && n > 0)
        g_string_append_printf (detail, "%s%s %s", detail->len > 0 ? ", " : "", bench_grouped (n), entity_order[i]);
    }
  sqlite3_close (db);

  return total;
}

/* Folds the write-ahead log into the file, as closing the last
 * connection does, so that the file's size is the store's. */
static gint64
checkpointed_size (const char *path)
{
  sqlite3 *db = open_raw (path);

  exec_raw (db, "PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_close (db);

  return file_size (path);
}

/* The store runs, each in a process of its own */

typedef struct
{
  guint64 calls;
  guint64 ns;
} StatementCost;

static int
statement_profiled_cb (unsigned  type,
                       void     *user_data,
                       void     *stmt,
                       void     *ns)
{
  GHashTable *costs = user_data;
  const char *sql = sqlite3_sql (stmt);
  StatementCost *cost;

  if (sql == NULL)
    return 0;
  cost = g_hash_table_lookup (costs, sql);
  if (cost == NULL)
    {
      cost = g_new0 (StatementCost, 1);
      g_hash_table_insert (costs, g_strdup (sql), cost);
    }
  cost->calls++;
  cost->ns += *(sqlite3_int64 *) ns;

  return 0;
}

/* The store's own connection: a benchmark may look inside. */
static GHashTable *
profile_statements (DhStore *store)
{
  GHashTable *costs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  sqlite3_trace_v2 (store->db, SQLITE_TRACE_PROFILE, statement_profiled_cb, costs);

  return costs;
}

static int
compare_costs (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  GHashTable *costs = user_data;
  const StatementCost *x = g_hash_table_lookup (costs, *(const char * const *) a);
  const StatementCost *y = g_hash_table_lookup (costs, *(const char * const *) b);

  return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

static void
print_statements (GHashTable *costs,
                  guint       n_units,
                  const char *unit)
{
  g_autoptr(GPtrArray) sqls = g_ptr_array_new ();
  guint64 total_ns = 0, total_calls = 0;
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, costs);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (sqls, key);

  for (guint i = 0; i < sqls->len; i++)
    {
      StatementCost *cost = g_hash_table_lookup (costs, g_ptr_array_index (sqls, i));

      total_ns += cost->ns;
      total_calls += cost->calls;
    }
  g_ptr_array_sort_with_data (sqls, compare_costs, costs);
  fprintf (stderr, "SQLite statements: %" G_GUINT64_FORMAT " runs, %.2f s, %.1f runs a %s\n",
           total_calls, total_ns / 1e9, (double) total_calls / MAX (n_units, 1), unit);
  fprintf (stderr, "  %8s %8s %9s  %s\n", "seconds", "runs", unit, "statement");
  for (guint i = 0; i < MIN (sqls->len, 25); i++)
    {
      const char *sql = g_ptr_array_index (sqls, i);
      StatementCost *cost = g_hash_table_lookup (costs, sql);

      fprintf (stderr, "  %8.3f %8" G_GUINT64_FORMAT " %9.2f  %.150s%s\n", cost->ns / 1e9, cost->calls,
               (double) cost->calls / MAX (n_units, 1), sql, strlen (sql) > 150 ? "…" : "");
    }
}

/* A device's first sync: page after page as received, each parsed from its
 * text and merged with its cursor in one transaction. */
static int
run_apply (const Options *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = NULL;
  g_autoptr(GHashTable) costs = NULL;
  DhApplyReport total = { 0 };
  Timing parse = { 0 }, apply = { 0 }, start_page;
  double open_s, close_s;
  FILE *pages;
  char *line = NULL;
  size_t capacity = 0;
  gint64 start;
  guint n_pages = 0, n_changes = 0;

  start = g_get_monotonic_time ();
  store = dh_store_open (options->store, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  dh_store_set_user (store, BENCH_USER);
  open_s = seconds_since (start);
  if (options->statements)
    costs = profile_statements (store);

  pages = fopen (options->pages, "r");
  if (pages == NULL)
    g_error ("%s: %s", options->pages, g_strerror (errno));

  while (getline (&line, &capacity, pages) > 0)
    {
      g_autoptr(json_object) array = NULL;
      g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
      g_autofree char *cursor = NULL;
      DhApplyReport report;

      start_page = timing_start ();
      array = json_tokener_parse (line);
      if (array == NULL || !json_object_is_type (array, json_type_array))
        g_error ("page %u is not a JSON array", n_pages);
      for (size_t i = 0; i < json_object_array_length (array); i++)
        g_ptr_array_add (page, json_object_get (json_object_array_get_idx (array, i)));
      timing_add_since (&parse, &start_page);

      cursor = g_strdup_printf ("bench-page-%u", n_pages);
      start_page = timing_start ();
      if (!dh_store_apply_changes (store, page, cursor, &report, &error))
        g_error ("page %u: %s", n_pages, error->message);
      timing_add_since (&apply, &start_page);

      total.applied += report.applied;
      total.already += report.already;
      total.held += report.held;
      total.conflicts += report.conflicts;
      total.rejected += report.rejected;
      n_changes += page->len;
      n_pages++;
    }
  free (line);
  fclose (pages);

  /* what the engine does once the last page landed: the search entries
   * the pages left out are written now, and count in the first sync */
  start_page = timing_start ();
  if (!dh_store_finish_first_sync (store, &error))
    g_error ("finishing the first sync: %s", error->message);
  timing_add_since (&apply, &start_page);

  if (costs != NULL)
    print_statements (costs, n_changes, "change");
  start = g_get_monotonic_time ();
  g_clear_object (&store);
  close_s = seconds_since (start);

  printf ("pages=%u\nchanges=%u\nopen_s=%.6f\nparse_s=%.6f\nparse_cpu_s=%.6f\napply_s=%.6f\napply_cpu_s=%.6f\n"
          "close_s=%.6f\napplied=%u\nalready=%u\nheld=%u\nconflicts=%u\nrejected=%u\npeak_rss_mib=%.1f\n",
          n_pages, n_changes, open_s, parse.wall, parse.cpu, apply.wall, apply.cpu, close_s,
          total.applied, total.already, total.held, total.conflicts, total.rejected, peak_rss_mib ());

  return 0;
}

/* Ordinary writes: households with their members, visits, support, plans
 * and reviews, made through dh_store_create() (and each review's
 * recognition through dh_store_update()), 500 households a transaction. */
static int
run_write (const Options *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = NULL;
  g_autoptr(GHashTable) costs = NULL;
  DhDemoOptions demo;
  Timing start, writing = { 0 };
  double close_s;
  gint64 closing;

  store = dh_store_open (options->store, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  dh_store_set_user (store, BENCH_USER);
  demo_options (options, options->households, &demo);
  if (options->statements)
    costs = profile_statements (store);

  start = timing_start ();
  if (!dh_demo_populate (store, &demo, NULL, NULL, &error))
    g_error ("%s", error->message);
  timing_add_since (&writing, &start);

  if (costs != NULL)
    print_statements (costs, options->households, "household");
  closing = g_get_monotonic_time ();
  g_clear_object (&store);
  close_s = seconds_since (closing);

  printf ("write_s=%.6f\nwrite_cpu_s=%.6f\nclose_s=%.6f\npeak_rss_mib=%.1f\n",
          writing.wall, writing.cpu, close_s, peak_rss_mib ());

  return 0;
}

/* Runs this program again in a role; returns what it printed, key=value. */
static GHashTable *
run_role (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &output, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("%s: %s", argv[1], error->message);

  lines = g_strsplit (output, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *equals = strchr (lines[i], '=');

      if (equals != NULL)
        g_hash_table_insert (values, g_strndup (lines[i], equals - lines[i]), g_strdup (equals + 1));
    }

  return values;
}

static double
value_of (GHashTable *values,
          const char *key)
{
  const char *text = g_hash_table_lookup (values, key);

  if (text == NULL)
    g_error ("the store run printed no %s", key);

  return g_ascii_strtod (text, NULL);
}

/* 1 and 3: the first sync of a commune, and what it weighs */

/* A record as plain JSON, its id and fields without any clock: what the
 * same data weighs with nothing of the sync around it. */
static char *
record_json (json_object *change)
{
  g_autoptr(json_object) record = json_object_new_object ();
  json_object *fields = NULL;

  json_object_object_add (record, "id", json_object_get (json_object_object_get (change, "r")));
  json_object_object_get_ex (change, "f", &fields);
  {
    json_object_object_foreach (fields, key, entry)
      {
        DhWrite write;
        json_object *value;

        (void) entry;
        if (!dh_change_wire_get_write (change, key, &write))
          g_assert_not_reached ();
        value = write.value;

        if (g_str_equal (key, DH_RECORD_DELETED) && !json_object_get_boolean (value))
          continue;
        json_object_object_add (record, key, value != NULL ? json_object_get (value) : NULL);
      }
  }

  return g_strdup (json_object_to_json_string_ext (record, JSON_C_TO_STRING_PLAIN));
}


static void
print_ratio (const char   *what,
             const Timing *store,
             const Timing *bare)
{
  printf ("  %-56s %6.2f×   (processor time: %.2f×)\n", what, store->wall / bare->wall, store->cpu / bare->cpu);
}

static void
print_run (const char   *what,
           gint64        rows,
           const char   *unit,
           const Timing *took,
           const char   *note)
{
  printf ("  %-56s %s %s in %.2f s = %s %s/s (processor %.2f s)%s\n", what, bench_grouped (rows), unit, took->wall,
          bench_grouped ((gint64) (rows / took->wall)), unit, took->cpu, note);
}

/* Sections 3 and 4 gather figures from both runs and print at the end. */
typedef struct
{
  GString *bytes;
  GString *memory;
} Report;

static Timing
timing_of (GHashTable *values,
           const char *what)
{
  g_autofree char *wall = g_strdup_printf ("%s_s", what);
  g_autofree char *cpu = g_strdup_printf ("%s_cpu_s", what);

  return (Timing) { value_of (values, wall), value_of (values, cpu) };
}

/* A household that has a phone gets a new one: the edit replaces a value
 * its author saw, as most edits do. */
static char *
edit_one_field (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(json_object) phone = json_object_new_object ();
  g_autoptr(json_object) edited = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *id = NULL;
  sqlite3 *db = open_raw (path);

  if (sqlite3_prepare_v2 (db, "SELECT id FROM household WHERE phone IS NOT NULL ORDER BY id LIMIT 1", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    g_error ("no household with a phone: %s", sqlite3_errmsg (db));
  id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  g_clear_pointer (&stmt, sqlite3_finalize);
  sqlite3_close (db);

  store = dh_store_open (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  dh_store_set_user (store, BENCH_USER);
  json_object_object_add (phone, "phone", json_object_new_string ("0987654321"));
  edited = dh_store_update (store, "household", id, phone, &error);
  if (edited == NULL)
    g_error ("%s", error->message);
  pending = dh_store_get_pending_changes (store, 0, &error);
  if (pending == NULL || pending->len != 1)
    g_error ("one edit should make one pending change");

  return g_strdup (json_object_to_json_string_ext (g_ptr_array_index (pending, 0), JSON_C_TO_STRING_PLAIN));
}

/* Writes a page as it travels, one a line; returns its gzipped size. */
static gsize
write_page (FILE        *pages,
            json_object *page)
{
  const char *text = json_object_to_json_string_ext (page, JSON_C_TO_STRING_PLAIN);
  gsize length = strlen (text);

  if (fwrite (text, 1, length, pages) != length || fputc ('\n', pages) == EOF)
    g_error ("cannot write the pages: %s", g_strerror (errno));

  return gzip_size (text, length);
}

static void
add_bytes (Report     *report,
           const char *what,
           gint64      bytes,
           guint       households)
{
  g_string_append_printf (report->bytes, "  %-56s %7.0f bytes/household (%.1f MiB)\n", what,
                          (double) bytes / households, bytes / 1048576.0);
}

static void
run_first_sync (const Options *options,
                const char    *dir,
                const char    *self,
                Report        *report)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) source = NULL;
  g_autoptr(GPtrArray) plain = new_tables ();
  g_autoptr(GPtrArray) derived = new_tables ();
  g_autoptr(GHashTable) device = NULL;
  g_autoptr(GString) detail = g_string_new (NULL);
  g_autoptr(GOutputStream) bundle = gzip_stream_new ();
  g_autoptr(GOutputStream) plain_records = gzip_stream_new ();
  json_object *page;
  guint n_changes = 0;
  g_autofree char *source_path = g_build_filename (dir, "source.db", NULL);
  g_autofree char *target_path = g_build_filename (dir, "first-sync.db", NULL);
  g_autofree char *bare_path = g_build_filename (dir, "first-sync-bare.db", NULL);
  g_autofree char *derived_path = g_build_filename (dir, "first-sync-bare-derived.db", NULL);
  g_autofree char *pages_path = g_build_filename (dir, "first-sync.pages", NULL);
  g_autofree char *edit = NULL;
  DhDemoOptions demo;
  FILE *pages;
  gint64 records, target_records, bare_rows, derived_rows;
  gint64 source_bytes, synced_bytes, vacuumed_bytes, bare_bytes;
  gsize wire_bytes = 0, wire_gzip_pages = 0, records_json = 0, wire_gzip_all, records_gzip;
  guint households = options->commune_households;
  Timing start, populate = { 0 }, export = { 0 }, apply, parse, apply_parse, bare, bare_derived;
  sqlite3 *db;

  printf ("\n1. First sync of a commune of %s households (pages of %u changes)\n", bench_grouped (households), options->page_size);

  source = dh_store_open (source_path, &error);
  if (source == NULL)
    g_error ("%s", error->message);
  dh_store_set_user (source, BENCH_USER);
  demo_options (options, households, &demo);
  start = timing_start ();
  if (!dh_demo_populate (source, &demo, NULL, NULL, &error))
    g_error ("%s", error->message);
  timing_add_since (&populate, &start);

  /* the server's side: each record's current state, one change each,
   * sent as pages (a JSON array of changes each, written one a line);
   * the whole of it is also gzipped as one stream, as a bundle would be */
  pages = fopen (pages_path, "w");
  if (pages == NULL)
    g_error ("%s: %s", pages_path, g_strerror (errno));
  page = json_object_new_array ();
  for (guint i = 0; i < G_N_ELEMENTS (entity_order); i++)
    {
      g_autoptr(GPtrArray) state = NULL;

      start = timing_start ();
      state = dh_store_export_state (source, entity_order[i], &error);
      if (state == NULL)
        g_error ("%s", error->message);
      timing_add_since (&export, &start);

      for (guint j = 0; j < state->len; j++)
        {
          json_object *change = g_ptr_array_index (state, j);
          const char *one = json_object_to_json_string_ext (change, JSON_C_TO_STRING_PLAIN);
          g_autofree char *record = record_json (change);

          wire_bytes += strlen (one);
          records_json += strlen (record);
          gzip_stream_add_line (bundle, one);
          gzip_stream_add_line (plain_records, record);

          json_object_array_add (page, json_object_get (change));
          n_changes++;
          if (json_object_array_length (page) == options->page_size)
            {
              wire_gzip_pages += write_page (pages, page);
              g_clear_pointer (&page, json_object_put);
              page = json_object_new_array ();
            }
        }
    }
  if (json_object_array_length (page) > 0)
    wire_gzip_pages += write_page (pages, page);
  g_clear_pointer (&page, json_object_put);
  fclose (pages);
  wire_gzip_all = gzip_stream_finish (bundle);
  records_gzip = gzip_stream_finish (plain_records);

  g_clear_object (&source);
  source_bytes = checkpointed_size (source_path);
  records = count_records (source_path, detail);

  printf ("  %-56s %s records (%s)\n", "the commune:", bench_grouped (records), detail->str);
  print_run ("source store written by the demo generator:", records, "records", &populate, "");
  print_run ("its state exported (dh_store_export_state):", n_changes, "changes", &export, "");

  /* the device: an empty store, page after page */
  {
    const char *argv[] = { self, "--role=apply", "--pages", pages_path, "--store", target_path, NULL };

    device = run_role (argv);
  }
  apply = timing_of (device, "apply");
  parse = timing_of (device, "parse");
  apply_parse = (Timing) { apply.wall + parse.wall, apply.cpu + parse.cpu };
  synced_bytes = checkpointed_size (target_path);
  target_records = count_records (target_path, NULL);
  if (target_records != records)
    g_error ("the first sync made %" G_GINT64_FORMAT " records of %" G_GINT64_FORMAT, target_records, records);

  /* the same rows, bare; one set of them in memory at a time */
  db = open_raw (source_path);
  read_records (db, TRUE, FALSE, plain);
  bare = bare_load_median (bare_path, plain, &bare_rows);
  bare_bytes = checkpointed_size (bare_path);
  g_ptr_array_set_size (plain, 0);
  read_records (db, TRUE, TRUE, derived);
  read_search (db, derived);
  bare_derived = bare_load_median (derived_path, derived, &derived_rows);
  g_ptr_array_set_size (derived, 0);
  sqlite3_close (db);

  print_run ("store: dh_store_apply_changes into an empty store", records, "records", &apply, "");
  printf ("  %-56s %s pages; applied %s, already %s, held %s, conflicts %s, set aside %s\n", "",
          bench_grouped ((gint64) value_of (device, "pages")), bench_grouped ((gint64) value_of (device, "applied")),
          bench_grouped ((gint64) value_of (device, "already")), bench_grouped ((gint64) value_of (device, "held")),
          bench_grouped ((gint64) value_of (device, "conflicts")), bench_grouped ((gint64) value_of (device, "rejected")));
  printf ("  %-56s %.2f s more (processor %.2f s), not in the ratio\n", "  parsing the pages' JSON text:", parse.wall, parse.cpu);
  /* the store's rows are its records with their sort keys, and its search
   * entries: the same rows, loaded bare, are the limit; the records alone,
   * their sort keys left out, are a lower one */
  print_run ("bare: the same rows (records, sort keys, search entries)", derived_rows, "rows", &bare_derived, ", median of 3");
  print_run ("bare: the records alone, sort keys left out", bare_rows, "rows", &bare, ", median of 3");
  print_ratio ("RATIO first sync: store / bare load of the same rows", &apply, &bare_derived);
  printf ("  %-56s (aim ≤ 1.5×)\n", "");
  print_ratio ("ratio store / bare load of the records alone", &apply, &bare);
  print_ratio ("ratio store with parsing / bare of the records alone", &apply_parse, &bare);

  /* 3: bytes */
  edit = edit_one_field (target_path);
  {
    g_autoptr(DhStore) target = dh_store_open (target_path, &error);

    if (target == NULL || !dh_store_vacuum (target, &error))
      g_error ("%s", error->message);
  }
  vacuumed_bytes = checkpointed_size (target_path);

  g_string_append_printf (report->bytes, "  the commune of the first sync: %s households, %s records\n", bench_grouped (households), bench_grouped (records));
  add_bytes (report, "store after the first sync + checkpoint (synced):", synced_bytes, households);
  add_bytes (report, "  the same, after VACUUM:", vacuumed_bytes, households);
  add_bytes (report, "source store, every change still pending:", source_bytes, households);
  add_bytes (report, "bare load of the same rows (same schema):", bare_bytes, households);
  g_string_append_printf (report->bytes, "  %-56s %7.0f bytes/household raw, %.0f gzipped whole (%.0f and %.1f bytes a record)\n",
                          "the same records as plain JSON (id and fields):",
                          (double) records_json / households, (double) records_gzip / households,
                          (double) records_json / records, (double) records_gzip / records);
  g_string_append_printf (report->bytes, "  %-56s %7.0f bytes/household raw, %.0f gzipped by page, %.0f gzipped whole\n",
                          "the first sync on the wire (its state, JSON):",
                          (double) wire_bytes / households, (double) wire_gzip_pages / households,
                          (double) wire_gzip_all / households);
  g_string_append_printf (report->bytes, "  %-56s %7.1f bytes raw, %.1f gzipped by page of %u, %.1f gzipped whole\n",
                          "a change of that state, on average:",
                          (double) wire_bytes / n_changes, (double) wire_gzip_pages / n_changes, options->page_size,
                          (double) wire_gzip_all / n_changes);
  g_string_append_printf (report->bytes, "  %-56s %7" G_GSIZE_FORMAT " bytes raw, %" G_GSIZE_FORMAT " gzipped alone\n",
                          "a one-field edit (a household's new phone):", strlen (edit), gzip_size (edit, strlen (edit)));
  g_string_append_printf (report->bytes, "    %s\n", edit);

  g_string_append_printf (report->memory, "  %-56s %.1f MiB\n", "the first sync's process (reads page after page):",
                          value_of (device, "peak_rss_mib"));

  if (options->keep)
    printf ("  %-56s %s --role=apply --pages %s --store NEW-FILE\n", "profile the first sync with:", self, pages_path);
}

/* 2: the ordinary write path */

static void
run_write_path (const Options *options,
                const char    *dir,
                const char    *self,
                Report        *report)
{
  g_autoptr(GHashTable) writer = NULL;
  g_autoptr(GPtrArray) plain = new_tables ();
  g_autoptr(GPtrArray) everything = new_tables ();
  g_autoptr(GString) detail = g_string_new (NULL);
  g_autofree char *store_path = g_build_filename (dir, "writes.db", NULL);
  g_autofree char *bare_path = g_build_filename (dir, "writes-bare.db", NULL);
  g_autofree char *everything_path = g_build_filename (dir, "writes-bare-everything.db", NULL);
  g_autofree char *households = g_strdup_printf ("%u", options->households);
  g_autofree char *members = g_strdup_printf ("%u", options->members);
  g_autofree char *visits = g_strdup_printf ("%u", options->visits);
  g_autofree char *supports = g_strdup_printf ("%u", options->supports);
  g_autofree char *seed = g_strdup_printf ("%u", options->seed);
  const char *argv[] = { self, "--role=write", "--households", households, "--members", members,
                         "--visits", visits, "--supports", supports, "--seed", seed, "--store", store_path, NULL };
  gint64 records, queued, bare_rows, everything_rows, store_bytes;
  Timing write, bare, bare_everything;
  sqlite3 *db;

  printf ("\n2. Ordinary writes: %s households through dh_store_create, 500 households a transaction\n",
          bench_grouped (options->households));

  writer = run_role (argv);
  write = timing_of (writer, "write");
  store_bytes = checkpointed_size (store_path);
  records = count_records (store_path, detail);

  db = open_raw (store_path);
  queued = count_raw (db, "change_queue");
  read_records (db, FALSE, FALSE, plain);
  bare = bare_load_median (bare_path, plain, &bare_rows);
  g_ptr_array_set_size (plain, 0);
  read_records (db, FALSE, TRUE, everything);
  read_search (db, everything);
  read_queue (db, everything);
  bare_everything = bare_load_median (everything_path, everything, &everything_rows);
  g_ptr_array_set_size (everything, 0);
  sqlite3_close (db);

  printf ("  %-56s %s records (%s)\n", "written:", bench_grouped (records), detail->str);
  print_run ("store: dh_store_create (+ each review's recognition)", records, "records", &write, "");
  printf ("  %-56s %s changes waiting to sync\n", "", bench_grouped (queued));
  print_run ("bare: prepared INSERTs, one transaction", bare_rows, "rows", &bare, ", median of 3");
  print_run ("bare + sort keys + search entries + queued changes", everything_rows, "rows", &bare_everything, ", median of 3");
  print_ratio ("RATIO ordinary writes: store / bare", &write, &bare);
  printf ("  %-56s (the code of the round before measured 14.9× on a quiet machine)\n", "");
  print_ratio ("ratio store / bare with everything the store keeps", &write, &bare_everything);

  g_string_append_printf (report->bytes, "  ordinary writes: %s households, %s records\n", bench_grouped (options->households), bench_grouped (records));
  add_bytes (report, "store, every change pending:", store_bytes, options->households);
  g_string_append_printf (report->memory, "  %-56s %.1f MiB\n", "the ordinary writes' process:",
                          value_of (writer, "peak_rss_mib"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *self = NULL;
  Options options = {
    .commune_households = 3000,
    .households = 10000,
    /* the pages the engine pulls */
    .page_size = DH_SYNC_PULL_LIMIT,
    .members = 5,
    .visits = 10,
    .supports = 3,
    .seed = 2026,
  };
  Report report = { g_string_new (NULL), g_string_new (NULL) };
  GOptionEntry entries[] = {
    { "commune-households", 'c', 0, G_OPTION_ARG_INT, &options.commune_households, "Households of the commune of the first sync (3000)", "N" },
    { "households", 'n', 0, G_OPTION_ARG_INT, &options.households, "Households made through ordinary writes (10000)", "N" },
    { "page", 'p', 0, G_OPTION_ARG_INT, &options.page_size, "Changes a page of the first sync (2000, as the engine pulls)", "N" },
    { "members", 0, 0, G_OPTION_ARG_INT, &options.members, "Members a household, on average (5)", "N" },
    { "visits", 0, 0, G_OPTION_ARG_INT, &options.visits, "Visits a household, on average (10)", "N" },
    { "supports", 0, 0, G_OPTION_ARG_INT, &options.supports, "Support entries a household, on average (3)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &options.seed, "Seed of the demo generator (2026)", "N" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &options.only, "Run one part: sync or write", "PART" },
    { "keep", 'k', 0, G_OPTION_ARG_NONE, &options.keep, "Keep the stores and the pages, and print where", NULL },
    { "role", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &options.role, NULL, NULL },
    { "pages", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &options.pages, NULL, NULL },
    { "store", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &options.store, NULL, NULL },
    { "statements", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &options.statements, NULL, NULL },
    { NULL },
  };

  context = g_option_context_new ("— what a first sync and ordinary writes cost against bare SQLite");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  if (options.commune_households == 0 || options.page_size == 0 ||
      (options.only != NULL && !g_str_equal (options.only, "sync") && !g_str_equal (options.only, "write")))
    {
      fprintf (stderr, "give --commune-households and --page above 0, and --only sync or --only write\n");
      return 2;
    }

  if (g_strcmp0 (options.role, "apply") == 0)
    return run_apply (&options);
  if (g_strcmp0 (options.role, "write") == 0)
    return run_write (&options);

  self = g_file_read_link ("/proc/self/exe", &error);
  if (self == NULL)
    g_error ("%s", error->message);
  dir = g_dir_make_tmp ("donghanh-bench-sync-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);

  printf ("Đồng Hành sync benchmark: %u cores, SQLite %s; households of %u members, %u visits, %u support entries on average\n",
          g_get_num_processors (), sqlite3_libversion (), options.members, options.visits, options.supports);
  printf ("Every ratio is measured against its bare SQLite load in this same run; the ratio is the figure that counts.\n");

  if (g_strcmp0 (options.only, "write") != 0)
    run_first_sync (&options, dir, self, &report);
  if (g_strcmp0 (options.only, "sync") != 0 && options.households > 0)
    run_write_path (&options, dir, self, &report);

  printf ("\n3. Bytes\n%s", report.bytes->str);
  printf ("\n4. Peak resident memory (VmHWM: getrusage's ru_maxrss survives exec, so each run reads its own)\n%s", report.memory->str);
  printf ("  %-56s %.1f MiB\n", "this program (source store, state, bare loads):", peak_rss_mib ());

  if (options.keep)
    printf ("\nkept in %s\n", dir);
  else
    test_remove_tree (dir);

  g_string_free (report.bytes, TRUE);
  g_string_free (report.memory, TRUE);
  g_free (options.only);
  g_free (options.role);
  g_free (options.pages);
  g_free (options.store);

  return 0;
}
