/* dh-checkpointer.c – the store's write-ahead log folded into its file by a thread of its own */
/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * SQLite folds the write-ahead log into the database (a checkpoint) in
 * the commit that takes the log past 1,000 pages, on the thread that
 * commits: every few megabytes, one save of the caseworker's, or one page
 * of a pull, also copied the log into the file and waited for the disk
 * twice, 20 to 40 ms here and far more on a laptop's spinning disk. The
 * store's connection now only says when the log is long (its WAL hook),
 * and a thread of this program folds it, on a connection of its own, in
 * SQLite's passive mode: it never waits for a writer or a reader, and
 * writers never wait for it. What it folds was committed already, so
 * nothing a checkpoint does or fails to do loses a write; a log it could
 * not fold waits for the next request, or for the store's close.
 */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include <sqlite3.h>

#include "dh-checkpointer.h"
#include "dh-thread.h"

/* How long opening waits for another program's recovery of the log. */
#define BUSY_TIMEOUT_MS 1000

struct _DhCheckpointer
{
  char     *path;
  GMutex    lock;
  GCond     cond;
  GThread  *thread;
  gboolean  started;  /* the thread runs, as nice as it will be */
  gboolean  wanted;   /* a commit asked since the last checkpoint began */
  gboolean  running;
  gboolean  stop;
  guint     n_done;   /* checkpoints that folded the whole log */
};

/* Its own connection, used by this thread alone, opened at the first
 * request: most stores a program opens never need one. A checkpoint that
 * cannot be made (no connection, a disk that refuses the writes) is told
 * in the debug log alone, as SQLite's own are not told at all: nothing is
 * lost, the log is folded at the next request or when the store closes. */
static sqlite3 *
open_connection (DhCheckpointer *self)
{
  sqlite3 *db = NULL;

  /* a connection sees the log once it has read the file: until then, a
   * checkpoint takes it for a store without one, and does nothing */
  if (sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL) != SQLITE_OK ||
      sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS) != SQLITE_OK ||
      sqlite3_exec (db, "PRAGMA schema_version", NULL, NULL, NULL) != SQLITE_OK)
    {
      g_debug ("Cannot open the store to fold its log: %s", db != NULL ? sqlite3_errmsg (db) : "out of memory");
      g_clear_pointer (&db, sqlite3_close);
    }

  return db;
}

static gpointer
run_checkpoints (gpointer data)
{
  DhCheckpointer *self = data;
  sqlite3 *db = NULL;

  g_mutex_lock (&self->lock);
  self->started = TRUE;
  g_cond_broadcast (&self->cond);
  for (;;)
    {
      int n_log = -1, n_folded = -1;
      int rc;

      while (!self->wanted && !self->stop)
        g_cond_wait (&self->cond, &self->lock);
      if (self->stop)
        break;
      self->wanted = FALSE;
      self->running = TRUE;
      g_mutex_unlock (&self->lock);

      if (db == NULL)
        db = open_connection (self);
      rc = db != NULL ? sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_PASSIVE, &n_log, &n_folded) : SQLITE_CANTOPEN;
      /* busy: another connection folds it (the store's VACUUM, another program) */
      if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        g_debug ("The store's log was not folded: %s", sqlite3_errstr (rc));
      else if (rc == SQLITE_OK && n_log < 0)
        {
          /* it read the file before its log was there: opened again next time */
          g_debug ("The store's log was not folded: the connection sees none");
          g_clear_pointer (&db, sqlite3_close);
        }

      g_mutex_lock (&self->lock);
      self->running = FALSE;
      if (rc == SQLITE_OK && n_log >= 0 && n_folded == n_log)
        self->n_done++;
      g_cond_broadcast (&self->cond);
    }
  g_mutex_unlock (&self->lock);

  if (db != NULL)
    sqlite3_close (db);

  return NULL;
}

/* Folds the log of the store at PATH when asked; NULL, with a warning,
 * when no thread can be made (the commits then fold it, as SQLite's do).
 * Its thread is made now, by the thread that opens the store (the
 * window's, in the application), and nicer than that one, as a sync's
 * threads are (dh-thread.c): the checkpoints a sync's pages ask for never
 * take the processor from the window. It returns once the thread runs. */
DhCheckpointer *
dh_checkpointer_new (const char *path)
{
  DhCheckpointer *self = g_new0 (DhCheckpointer, 1);
  g_autoptr(GError) error = NULL;

  self->path = g_strdup (path);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->thread = dh_thread_try_new_nicer ("dh-checkpoint", run_checkpoints, self, &error);
  if (self->thread == NULL)
    {
      g_warning ("Cannot start the thread that folds the store's log: %s", error->message);
      dh_checkpointer_free (self);
      return NULL;
    }

  g_mutex_lock (&self->lock);
  while (!self->started)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);

  return self;
}

/* Asks for the log to be folded, from the thread that committed: it
 * returns at once. A request made while a checkpoint runs starts another
 * after it, for what was committed meanwhile. */
void
dh_checkpointer_request (DhCheckpointer *self)
{
  g_mutex_lock (&self->lock);
  self->wanted = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* Waits until no checkpoint runs or is asked for; returns how many
 * folded the whole log so far. */
guint
dh_checkpointer_wait (DhCheckpointer *self)
{
  guint n_done;

  g_mutex_lock (&self->lock);
  while (self->thread != NULL && (self->wanted || self->running))
    g_cond_wait (&self->cond, &self->lock);
  n_done = self->n_done;
  g_mutex_unlock (&self->lock);

  return n_done;
}

/* Stops the thread after the checkpoint under way, if any. */
void
dh_checkpointer_free (DhCheckpointer *self)
{
  GThread *thread;

  if (self == NULL)
    return;

  g_mutex_lock (&self->lock);
  self->stop = TRUE;
  thread = g_steal_pointer (&self->thread);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  if (thread != NULL)
    g_thread_join (thread);

  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self->path);
  g_free (self);
}
