/* bench-bare.h – the limit of a store's load: the same rows inserted bare into the same schema */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "bench-common.h"
#include "dh-autocleanups.h"
#include "dh-entity.h"
#include "dh-store.h"
#include "dh-store-private.h"

/* The order a first download brings the entities in: what a record
 * refers to comes before it. */
static const char * const entity_order[] = {
  "admin_unit", "user", "household", "member", "exit_plan", "visit", "assessment", "support", "conflict",
};

/* Wall-clock and processor seconds: the machine is shared, and the
 * processor time of a run tells its own work from its wait for others. */
typedef struct
{
  double wall;
  double cpu;
} Timing;

static inline double
cpu_seconds (void)
{
  struct timespec now;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now);
  return now.tv_sec + now.tv_nsec / 1e9;
}

static inline Timing
timing_start (void)
{
  return (Timing) { g_get_monotonic_time () / 1e6, cpu_seconds () };
}

static inline void
timing_add_since (Timing       *total,
                  const Timing *start)
{
  total->wall += g_get_monotonic_time () / 1e6 - start->wall;
  total->cpu += cpu_seconds () - start->cpu;
}

static inline sqlite3 *
open_raw (const char *path)
{
  sqlite3 *db = NULL;

  /* one thread uses it: without SQLite's mutex, as the store's own connection */
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    g_error ("%s: %s", path, sqlite3_errmsg (db));
  sqlite3_extended_result_codes (db, 1);

  return db;
}

static inline void
exec_raw (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* A table's rows as read from a store, kept in one buffer of typed values
 * (a type byte, then 8 bytes or a length and the bytes), so that the bare
 * load binds them without any work of its own and without a heap object
 * per value. */
typedef struct
{
  char       *insert_sql;
  GByteArray *tape;
  guint       n_rows;
  int         n_columns;
} BareTable;

static inline void
bare_table_free (BareTable *table)
{
  g_free (table->insert_sql);
  g_byte_array_unref (table->tape);
  g_free (table);
}

static inline BareTable *
bare_table_read (sqlite3    *db,
                 const char *select_sql,
                 const char *insert_sql)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  BareTable *table = g_new0 (BareTable, 1);
  int rc;

  table->insert_sql = g_strdup (insert_sql);
  table->tape = g_byte_array_new ();
  if (sqlite3_prepare_v2 (db, select_sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", select_sql, sqlite3_errmsg (db));
  table->n_columns = sqlite3_column_count (stmt);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (int i = 0; i < table->n_columns; i++)
        {
          guint8 type = (guint8) sqlite3_column_type (stmt, i);

          g_byte_array_append (table->tape, &type, 1);
          if (type == SQLITE_INTEGER)
            {
              gint64 value = sqlite3_column_int64 (stmt, i);

              g_byte_array_append (table->tape, (const guint8 *) &value, sizeof value);
            }
          else if (type == SQLITE_FLOAT)
            {
              double value = sqlite3_column_double (stmt, i);

              g_byte_array_append (table->tape, (const guint8 *) &value, sizeof value);
            }
          else if (type == SQLITE_TEXT || type == SQLITE_BLOB)
            {
              const guint8 *bytes = type == SQLITE_TEXT ? sqlite3_column_text (stmt, i) : sqlite3_column_blob (stmt, i);
              guint32 length = (guint32) sqlite3_column_bytes (stmt, i);

              g_byte_array_append (table->tape, (const guint8 *) &length, sizeof length);
              g_byte_array_append (table->tape, bytes, length);
            }
        }
      table->n_rows++;
    }
  if (rc != SQLITE_DONE)
    g_error ("%s: %s", select_sql, sqlite3_errmsg (db));

  return table;
}

/* Every record of the entities, with the columns the store writes for it
 * (its bookkeeping and its fields; sort keys too when asked), in id order:
 * the order a first download brings them in. */
static inline void
read_records (sqlite3   *db,
              gboolean   synced,
              gboolean   with_sort_keys,
              GPtrArray *tables)
{
  for (guint i = 0; i < G_N_ELEMENTS (entity_order); i++)
    {
      const DhEntity *entity = dh_entity_lookup (entity_order[i]);
      static const char * const meta[] = {
        "id", "created_at", "created_by", "updated_at", "updated_by", "deleted", "sync_state", "clock", "clocks",
      };
      static const char * const sort_keys[] = { "sort_full", "sort_given" };
      g_autoptr(GString) columns = g_string_new (NULL);
      g_autoptr(GString) selected = g_string_new (NULL);
      g_autoptr(GString) params = g_string_new (NULL);
      g_autofree char *select_sql = NULL;
      g_autofree char *insert_sql = NULL;
      g_autoptr(GPtrArray) names = g_ptr_array_new ();

      for (guint j = 0; j < G_N_ELEMENTS (meta); j++)
        g_ptr_array_add (names, (gpointer) meta[j]);
      for (guint j = 0; j < entity->n_fields; j++)
        g_ptr_array_add (names, (gpointer) entity->fields[j].name);
      for (guint j = 0; with_sort_keys && j < G_N_ELEMENTS (sort_keys); j++)
        {
          if (sqlite3_table_column_metadata (db, "main", entity->name, sort_keys[j], NULL, NULL, NULL, NULL, NULL) == SQLITE_OK)
            g_ptr_array_add (names, (gpointer) sort_keys[j]);
        }

      for (guint j = 0; j < names->len; j++)
        {
          const char *name = g_ptr_array_index (names, j);

          g_string_append_printf (columns, "%s\"%s\"", j > 0 ? ", " : "", name);
          if (synced && g_str_equal (name, "sync_state"))
            g_string_append_printf (selected, "%s0", j > 0 ? ", " : "");
          else
            g_string_append_printf (selected, "%s\"%s\"", j > 0 ? ", " : "", name);
          g_string_append (params, j > 0 ? ", ?" : "?");
        }

      select_sql = g_strdup_printf ("SELECT %s FROM \"%s\" ORDER BY id", selected->str, entity->name);
      insert_sql = g_strdup_printf ("INSERT INTO \"%s\" (%s) VALUES (%s)", entity->name, columns->str, params->str);
      g_ptr_array_add (tables, bare_table_read (db, select_sql, insert_sql));
    }
}

/* Every search entry the store keeps: each household's, and each head's
 * and member's of their own name, found again by the id of the record
 * whose rowid names the entry (the rowids of a table loaded afresh are its
 * own). They are loaded in the order of their rowids, heads (below
 * -DH_SEARCH_HEAD_BASE), members (negative), households, as FTS5 takes them best: a write
 * with a rowid below the one before makes it flush what it holds. */
static inline void
read_search (sqlite3   *db,
             GPtrArray *tables)
{
  g_autofree char *heads = g_strdup_printf ("SELECT h.id, s.doc FROM household_search s JOIN household h "
                                            "ON s.rowid = -%" G_GINT64_FORMAT " - h.rowid ORDER BY h.id DESC",
                                            DH_SEARCH_HEAD_BASE);
  g_autofree char *insert_heads = g_strdup_printf ("INSERT INTO household_search (rowid, doc) "
                                                   "VALUES (-%" G_GINT64_FORMAT " - (SELECT rowid FROM household WHERE id = ?1), ?2)",
                                                   DH_SEARCH_HEAD_BASE);

  g_ptr_array_add (tables, bare_table_read (db, heads, insert_heads));
  g_ptr_array_add (tables, bare_table_read (db,
                                            "SELECT m.id, s.doc FROM household_search s JOIN member m ON s.rowid = -m.rowid ORDER BY m.id DESC",
                                            "INSERT INTO household_search (rowid, doc) VALUES (-(SELECT rowid FROM member WHERE id = ?1), ?2)"));
  g_ptr_array_add (tables, bare_table_read (db,
                                            "SELECT h.id, s.doc FROM household_search s JOIN household h ON h.rowid = s.rowid ORDER BY h.id",
                                            "INSERT INTO household_search (rowid, doc) VALUES ((SELECT rowid FROM household WHERE id = ?1), ?2)"));
}

static inline void
read_queue (sqlite3   *db,
            GPtrArray *tables)
{
  g_ptr_array_add (tables, bare_table_read (db,
                                            "SELECT entity, record_id, clock, commune, author, fields, sent, rejected FROM change_queue ORDER BY seq",
                                            "INSERT INTO change_queue (entity, record_id, clock, commune, author, fields, sent, rejected) "
                                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
}

static inline void
remove_store (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
}

/* Inserts the rows with plain prepared statements in one transaction, into
 * a store that dh_store_open() made (the same schema: tables, indexes,
 * foreign keys) and with the store's settings (WAL, synchronous=FULL,
 * foreign keys on, its cache size). Its commit folds no log into the file:
 * the store leaves that to a thread of its own (dh-checkpointer.c), and
 * the load is timed without it. */
static inline Timing
bare_load (const char *path,
           GPtrArray  *tables,
           gint64     *out_rows)
{
  g_autoptr(GError) error = NULL;
  DhStore *store;
  sqlite3 *db;
  Timing start, took = { 0 };
  gint64 rows = 0;

  remove_store (path);
  store = dh_store_open (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  g_object_unref (store);

  db = open_raw (path);
  exec_raw (db, "PRAGMA journal_mode = WAL");
  exec_raw (db, "PRAGMA synchronous = FULL");
  exec_raw (db, "PRAGMA foreign_keys = ON");
  exec_raw (db, "PRAGMA cache_size = -16384");
  exec_raw (db, "PRAGMA wal_autocheckpoint = 0");

  start = timing_start ();
  exec_raw (db, "BEGIN IMMEDIATE");
  for (guint t = 0; t < tables->len; t++)
    {
      BareTable *table = g_ptr_array_index (tables, t);
      g_autoptr(sqlite3_stmt) stmt = NULL;
      const guint8 *p = table->tape->data;

      if (sqlite3_prepare_v3 (db, table->insert_sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
        g_error ("%s: %s", table->insert_sql, sqlite3_errmsg (db));

      for (guint r = 0; r < table->n_rows; r++)
        {
          for (int i = 0; i < table->n_columns; i++)
            {
              guint8 type = *p++;

              switch (type)
                {
                case SQLITE_INTEGER:
                  {
                    gint64 value;

                    memcpy (&value, p, sizeof value);
                    p += sizeof value;
                    sqlite3_bind_int64 (stmt, i + 1, value);
                  }
                  break;

                case SQLITE_FLOAT:
                  {
                    double value;

                    memcpy (&value, p, sizeof value);
                    p += sizeof value;
                    sqlite3_bind_double (stmt, i + 1, value);
                  }
                  break;

                case SQLITE_TEXT:
                case SQLITE_BLOB:
                  {
                    guint32 length;

                    memcpy (&length, p, sizeof length);
                    p += sizeof length;
                    if (type == SQLITE_TEXT)
                      sqlite3_bind_text (stmt, i + 1, (const char *) p, (int) length, SQLITE_STATIC);
                    else
                      sqlite3_bind_blob (stmt, i + 1, p, (int) length, SQLITE_STATIC);
                    p += length;
                  }
                  break;

                case SQLITE_NULL:
                default:
                  sqlite3_bind_null (stmt, i + 1);
                  break;
                }
            }
          if (sqlite3_step (stmt) != SQLITE_DONE)
            g_error ("%s: %s", table->insert_sql, sqlite3_errmsg (db));
          sqlite3_reset (stmt);
          rows++;
        }
    }
  exec_raw (db, "COMMIT");
  timing_add_since (&took, &start);
  sqlite3_close (db);

  if (out_rows != NULL)
    *out_rows = rows;

  return took;
}

/* Bare loads are short and the machine noisy: the median of three, each
 * into a new file. */
#define BARE_RUNS 3

static inline Timing
bare_load_median (const char *path,
                  GPtrArray  *tables,
                  gint64     *out_rows)
{
  double wall[BARE_RUNS], cpu[BARE_RUNS];

  for (guint i = 0; i < BARE_RUNS; i++)
    {
      Timing took = bare_load (path, tables, out_rows);

      if (g_getenv ("DONGHANH_BENCH_VERBOSE") != NULL)
        fprintf (stderr, "  bare load %u of %s: %.3f s, processor %.3f s\n", i + 1, path, took.wall, took.cpu);

      wall[i] = took.wall;
      cpu[i] = took.cpu;
    }
  qsort (wall, BARE_RUNS, sizeof wall[0], bench_compare_doubles);
  qsort (cpu, BARE_RUNS, sizeof cpu[0], bench_compare_doubles);

  return (Timing) { wall[BARE_RUNS / 2], cpu[BARE_RUNS / 2] };
}

static inline GPtrArray *
new_tables (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) bare_table_free);
}

