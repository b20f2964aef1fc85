/* dh-store-connection.c – the store's connections to its file: statements, errors, the readers' pool */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-error.h"
#include "dh-store-private.h"

/* Idle reader connections kept open for the next read; a burst of
 * concurrent reads opens more, and closes them when done. */
#define MAX_IDLE_READERS 4

/* How many SQLite virtual-machine steps a cancellable read runs between
 * two looks at its GCancellable. */
#define CANCEL_CHECK_STEPS 1000


void
dh_connection_close (DhConnection *connection)
{
  g_clear_pointer (&connection->by_address, g_hash_table_unref);
  g_clear_pointer (&connection->statements, g_hash_table_unref);
  /* v2 waits for nothing: the statements are gone with their table */
  sqlite3_close_v2 (connection->db);
  g_clear_object (&connection->cancellable);
  g_free (connection);
}

/* Errors */

/* A constraint the schema enforces that the checks before a write did not
 * catch: each kind says something different to the user. */
static void
set_constraint_error (sqlite3  *db,
                      int       code,
                      GError  **error)
{
  GQuark domain = DH_STORE_ERROR;
  int error_code;
  const char *hint;

  switch (code)
    {
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      error_code = DH_STORE_ERROR_REFERENCE;
      hint = _("a record it refers to is missing; check the ids you gave");
      break;

    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      error_code = DH_STORE_ERROR_DUPLICATE;
      hint = _("another record has the same code, number or id; give a different one");
      break;

    case SQLITE_CONSTRAINT_NOTNULL:
      domain = DH_VALIDATION_ERROR;
      error_code = DH_VALIDATION_ERROR_REQUIRED;
      hint = _("a value the record needs is missing; fill in every required field");
      break;

    case SQLITE_CONSTRAINT_CHECK:
      domain = DH_VALIDATION_ERROR;
      error_code = DH_VALIDATION_ERROR_INVALID;
      hint = _("a value is not allowed there; correct it and save again");
      break;

    default:
      error_code = DH_STORE_ERROR_FAILED;
      hint = _("try again; if it keeps failing, report it with this message");
      break;
    }

  g_set_error (error, domain, error_code, _("The record was not saved (%s): %s"), sqlite3_errmsg (db), hint);
}

static void
set_sqlite_error (sqlite3  *db,
                  GError  **error)
{
  int code = sqlite3_extended_errcode (db);
  DhStoreError store_code = DH_STORE_ERROR_FAILED;
  const char *hint;

  switch (code & 0xff)
    {
    case SQLITE_CONSTRAINT:
      set_constraint_error (db, code, error);
      return;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      /* not the person's fault, nor anything to close: another program's
       * write took longer than a write waits */
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_BUSY,
                   _("The store is in use by another program, such as an import or a sync that is still writing; wait until it has finished and try again"));
      return;

    case SQLITE_FULL:
      hint = _("the disk is full; free some space and try again");
      break;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      store_code = DH_STORE_ERROR_CORRUPT;
      hint = _("the store file is damaged; restore it from a backup or sync a fresh copy");
      break;

    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      store_code = DH_STORE_ERROR_OPEN;
      hint = _("check that the file and its folder can be written by you");
      break;

    default:
      hint = _("try again; if it keeps failing, report it with this message");
      break;
    }

  g_set_error (error, DH_STORE_ERROR, store_code, _("The store could not be written or read (%s): %s"),
               sqlite3_errmsg (db), hint);
}

void
dh_connection_set_error (DhConnection  *connection,
                         GError       **error)
{
  if ((sqlite3_extended_errcode (connection->db) & 0xff) == SQLITE_INTERRUPT &&
      g_cancellable_set_error_if_cancelled (connection->cancellable, error))
    return;

  set_sqlite_error (connection->db, error);
}

void
dh_store_set_sqlite_error (DhStore  *self,
                           GError  **error)
{
  dh_connection_set_error (&self->writer_connection, error);
}

/* Statements */

/* A statement prepared before, ready to be bound and run again. */
static sqlite3_stmt *
reuse_statement (sqlite3_stmt *stmt)
{
  /* the code an earlier step failed with was reported then */
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return stmt;
}

sqlite3_stmt *
dh_connection_prepare (DhConnection  *connection,
                       const char    *sql,
                       GError       **error)
{
  sqlite3_stmt *stmt;

  /* the writer's connection has no mutex of SQLite's */
  g_assert (!connection->is_writer || dh_store_is_locked_here (connection->store));
  stmt = g_hash_table_lookup (connection->statements, sql);
  if (stmt != NULL)
    return reuse_statement (stmt);

  if (sqlite3_prepare_v3 (connection->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      dh_connection_set_error (connection, error);
      return NULL;
    }

  g_hash_table_insert (connection->statements, g_strdup (sql), stmt);
  return stmt;
}

/* SQL text that lives as long as the program (a literal, or text built
 * once and kept) is found again by its address: a statement run for every
 * record is not hashed and compared as text each time. */
sqlite3_stmt *
dh_connection_prepare_static (DhConnection  *connection,
                              const char    *sql,
                              GError       **error)
{
  sqlite3_stmt *stmt;

  g_assert (!connection->is_writer || dh_store_is_locked_here (connection->store));
  stmt = g_hash_table_lookup (connection->by_address, sql);
  if (stmt != NULL)
    return reuse_statement (stmt);

  stmt = dh_connection_prepare (connection, sql, error);
  if (stmt != NULL)
    g_hash_table_insert (connection->by_address, (gpointer) sql, stmt);

  return stmt;
}

sqlite3_stmt *
dh_store_prepare_static (DhStore     *self,
                         const char  *sql,
                         GError     **error)
{
  return dh_connection_prepare_static (&self->writer_connection, sql, error);
}

sqlite3_stmt *
dh_store_prepare (DhStore     *self,
                  const char  *sql,
                  GError     **error)
{
  return dh_connection_prepare (&self->writer_connection, sql, error);
}

gboolean
dh_connection_exec (DhConnection  *connection,
                 const char    *sql,
                 GError       **error)
{
  g_assert (!connection->is_writer || dh_store_is_locked_here (connection->store));
  if (sqlite3_exec (connection->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      dh_connection_set_error (connection, error);
      return FALSE;
    }

  return TRUE;
}

gboolean
dh_store_exec (DhStore     *self,
               const char  *sql,
               GError     **error)
{
  return dh_connection_exec (&self->writer_connection, sql, error);
}

gboolean
dh_store_step_done (DhStore       *self,
                    sqlite3_stmt  *stmt,
                    GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      /* read the code before reset, which may replace it */
      dh_store_set_sqlite_error (self, error);
      sqlite3_reset (stmt);
      return FALSE;
    }

  sqlite3_reset (stmt);
  return TRUE;
}

/* Whether SQL finds a row, with up to three text parameters ?1 ?2 ?3. */
gboolean
dh_store_check_exists (DhStore     *self,
                       const char  *sql,
                       const char  *a,
                       const char  *b,
                       const char  *c,
                       gboolean    *out_found,
                       GError     **error)
{
  sqlite3_stmt *stmt = dh_store_prepare (self, sql, error);
  const char *values[] = { a, b, c };
  int rc;

  *out_found = FALSE;
  if (stmt == NULL)
    return FALSE;

  for (int i = 0; i < (int) G_N_ELEMENTS (values) && i < sqlite3_bind_parameter_count (stmt); i++)
    sqlite3_bind_text (stmt, i + 1, values[i], -1, SQLITE_TRANSIENT);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      dh_store_set_sqlite_error (self, error);
      sqlite3_reset (stmt);
      return FALSE;
    }

  *out_found = rc == SQLITE_ROW;
  sqlite3_reset (stmt);
  return TRUE;
}

/* Like dh_store_check_exists(), for callers that cannot report an error:
 * one is logged, and counts as not found. */
gboolean
dh_store_exists (DhStore    *self,
                 const char *sql,
                 const char *a,
                 const char *b,
                 const char *c)
{
  g_autoptr(GError) error = NULL;
  gboolean found;

  if (!dh_store_check_exists (self, sql, a, b, c, &found, &error))
    g_warning ("Could not look a record up: %s", error->message);

  return found;
}

/* Readers */

static int
interrupt_if_cancelled (gpointer user_data)
{
  DhConnection *connection = user_data;

  return g_cancellable_is_cancelled (connection->cancellable);
}

static DhConnection *
open_reader (DhStore  *self,
             GError  **error)
{
  DhConnection *reader = g_new0 (DhConnection, 1);
  int rc;

  reader->store = self;
  reader->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) sqlite3_finalize);
  reader->by_address = g_hash_table_new (NULL, NULL);

  /* one thread at a time uses a reader: SQLite's own mutex is not needed */
  rc = sqlite3_open_v2 (self->read_uri != NULL ? self->read_uri : self->path, &reader->db,
                        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_OPEN,
                   _("Cannot open the store “%s”: %s; check the path and its permissions"),
                   self->path, reader->db != NULL ? sqlite3_errmsg (reader->db) : sqlite3_errstr (rc));
      dh_connection_close (reader);
      return NULL;
    }

  sqlite3_extended_result_codes (reader->db, 1);
  /* in WAL a reader waits only while a checkpoint resets the log */
  sqlite3_busy_timeout (reader->db, 10000);
  if (!dh_connection_exec (reader, "PRAGMA trusted_schema = OFF", error))
    {
      dh_connection_close (reader);
      return NULL;
    }

  return reader;
}

/* A connection to read with, given back with dh_connection_release():
 * the writer's when the calling thread is inside its own write
 * transaction, so that it sees the rows it has not committed yet; else a
 * read-only connection of its own, which never waits for a writer. With
 * a cancellable, the reads stop with G_IO_ERROR_CANCELLED once it is
 * cancelled. */
DhConnection *
dh_store_acquire_reader (DhStore       *self,
                         GCancellable  *cancellable,
                         GError       **error)
{
  DhConnection *reader = NULL;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);
  g_return_val_if_fail (self->initialized, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (g_atomic_pointer_get (&self->writer_thread) == g_thread_self ())
    {
      dh_store_lock (self);
      return &self->writer_connection;
    }

  g_mutex_lock (&self->readers_lock);
  if (self->idle_readers->len > 0)
    reader = g_ptr_array_steal_index_fast (self->idle_readers, self->idle_readers->len - 1);
  g_mutex_unlock (&self->readers_lock);

  if (reader == NULL)
    reader = open_reader (self, error);

  if (reader != NULL && cancellable != NULL)
    {
      reader->cancellable = g_object_ref (cancellable);
      sqlite3_progress_handler (reader->db, CANCEL_CHECK_STEPS, interrupt_if_cancelled, reader);
    }

  return reader;
}

void
dh_connection_release (DhConnection *connection)
{
  DhStore *self = connection->store;
  gboolean reusable = TRUE;
  sqlite3_stmt *stmt = NULL;

  if (connection->is_writer)
    {
      dh_store_unlock (self);
      return;
    }

  if (connection->cancellable != NULL)
    {
      sqlite3_progress_handler (connection->db, 0, NULL, NULL);
      g_clear_object (&connection->cancellable);
    }

  /* a read left open would pin its snapshot, and keep the write-ahead log
   * from being folded back into the file */
  while ((stmt = sqlite3_next_stmt (connection->db, stmt)) != NULL)
    {
      if (sqlite3_stmt_busy (stmt))
        sqlite3_reset (stmt);
    }
  if (!sqlite3_get_autocommit (connection->db) &&
      sqlite3_exec (connection->db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
    {
      g_debug ("Closing a reader that cannot end its read: %s", sqlite3_errmsg (connection->db));
      reusable = FALSE;
    }

  g_mutex_lock (&self->readers_lock);
  if (reusable && self->idle_readers->len < MAX_IDLE_READERS)
    {
      g_ptr_array_add (self->idle_readers, connection);
      connection = NULL;
    }
  g_mutex_unlock (&self->readers_lock);

  if (connection != NULL)
    dh_connection_close (connection);
}

/* Reads between begin_read and end_read see one state of the store, even
 * when writes commit in between. */
gboolean
dh_connection_begin_read (DhConnection  *connection,
                          GError       **error)
{
  return connection->is_writer || dh_connection_exec (connection, "BEGIN", error);
}

gboolean
dh_connection_end_read (DhConnection  *connection,
                        GError       **error)
{
  return connection->is_writer || dh_connection_exec (connection, "COMMIT", error);
}

/* Steps STMT, bound already, once: the first column of its row as text in
 * *out_text, or NULL when it has none. */
gboolean
dh_connection_step_text (DhConnection  *connection,
                         sqlite3_stmt  *stmt,
                         char         **out_text,
                         GError       **error)
{
  int rc = sqlite3_step (stmt);

  *out_text = NULL;
  if (rc == SQLITE_ROW)
    *out_text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    dh_connection_set_error (connection, error);
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* The first column of the rows SQL finds, with one text parameter ?1. */
GPtrArray *
dh_store_select_ids (DhStore     *self,
                     const char  *sql,
                     const char  *bound,
                     GError     **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = dh_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  if (bound != NULL)
    sqlite3_bind_text (stmt, 1, bound, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dh_store_set_sqlite_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&ids);
}
