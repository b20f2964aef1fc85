/* test-checkpoint.c – the write-ahead log is folded into the store by a thread of its own, never by a commit */
/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * A VFS over the unix one watches which thread folds the log (SQLite tells
 * the database file when a checkpoint starts, SQLITE_FCNTL_CKPT_START),
 * which thread writes the database file (in WAL mode only checkpoints do)
 * and which syncs the log.
 */

#include "config.h"

#include <sqlite3.h>
#include <string.h>
#include <glib/gstdio.h>

#include "dh-checkpointer.h"
#include "dh-store-private.h"
#include "dh-thread.h"
#include "dh-uuid.h"
#include "store-fixture.h"
#include "../test-threads.h"

typedef struct
{
  sqlite3_file  base;
  sqlite3_file *real;   /* the unix VFS's file, which follows this struct */
  gboolean      is_database;
  gboolean      is_log;
} WatchFile;

typedef struct
{
  guint checkpoints;    /* begun */
  guint database_writes;
  guint log_syncs;
} Seen;

static struct
{
  GMutex       lock;
  sqlite3_vfs  vfs;
  sqlite3_vfs *unix_vfs;
  GThread     *writer;  /* the thread that writes the store */
  Seen         by_writer;
  Seen         by_others;
} watch;

static Seen *
seen_here (void)
{
  return g_thread_self () == watch.writer ? &watch.by_writer : &watch.by_others;
}

#define REAL(file) (((WatchFile *) (file))->real)

static int
watch_close (sqlite3_file *file)
{
  int rc = REAL (file)->pMethods->xClose (REAL (file));

  file->pMethods = NULL;
  return rc;
}

static int
watch_read (sqlite3_file *file, void *buffer, int amount, sqlite3_int64 offset)
{
  return REAL (file)->pMethods->xRead (REAL (file), buffer, amount, offset);
}

static int
watch_write (sqlite3_file *file, const void *buffer, int amount, sqlite3_int64 offset)
{
  if (((WatchFile *) file)->is_database)
    {
      g_mutex_lock (&watch.lock);
      seen_here ()->database_writes++;
      g_mutex_unlock (&watch.lock);
    }
  return REAL (file)->pMethods->xWrite (REAL (file), buffer, amount, offset);
}

static int
watch_truncate (sqlite3_file *file, sqlite3_int64 size)
{
  return REAL (file)->pMethods->xTruncate (REAL (file), size);
}

static int
watch_sync (sqlite3_file *file, int flags)
{
  if (((WatchFile *) file)->is_log)
    {
      g_mutex_lock (&watch.lock);
      seen_here ()->log_syncs++;
      g_mutex_unlock (&watch.lock);
    }
  return REAL (file)->pMethods->xSync (REAL (file), flags);
}

static int
watch_file_size (sqlite3_file *file, sqlite3_int64 *size)
{
  return REAL (file)->pMethods->xFileSize (REAL (file), size);
}

static int
watch_lock (sqlite3_file *file, int lock)
{
  return REAL (file)->pMethods->xLock (REAL (file), lock);
}

static int
watch_unlock (sqlite3_file *file, int lock)
{
  return REAL (file)->pMethods->xUnlock (REAL (file), lock);
}

static int
watch_check_reserved_lock (sqlite3_file *file, int *out)
{
  return REAL (file)->pMethods->xCheckReservedLock (REAL (file), out);
}

static int
watch_file_control (sqlite3_file *file, int op, void *arg)
{
  if (op == SQLITE_FCNTL_CKPT_START)
    {
      g_mutex_lock (&watch.lock);
      seen_here ()->checkpoints++;
      g_mutex_unlock (&watch.lock);
    }
  return REAL (file)->pMethods->xFileControl (REAL (file), op, arg);
}

static int
watch_sector_size (sqlite3_file *file)
{
  return REAL (file)->pMethods->xSectorSize (REAL (file));
}

static int
watch_device_characteristics (sqlite3_file *file)
{
  return REAL (file)->pMethods->xDeviceCharacteristics (REAL (file));
}

static int
watch_shm_map (sqlite3_file *file, int region, int size, int extend, void volatile **out)
{
  return REAL (file)->pMethods->xShmMap (REAL (file), region, size, extend, out);
}

static int
watch_shm_lock (sqlite3_file *file, int offset, int n, int flags)
{
  return REAL (file)->pMethods->xShmLock (REAL (file), offset, n, flags);
}

static void
watch_shm_barrier (sqlite3_file *file)
{
  REAL (file)->pMethods->xShmBarrier (REAL (file));
}

static int
watch_shm_unmap (sqlite3_file *file, int delete_flag)
{
  return REAL (file)->pMethods->xShmUnmap (REAL (file), delete_flag);
}

static int
watch_fetch (sqlite3_file *file, sqlite3_int64 offset, int amount, void **out)
{
  return REAL (file)->pMethods->xFetch (REAL (file), offset, amount, out);
}

static int
watch_unfetch (sqlite3_file *file, sqlite3_int64 offset, void *page)
{
  return REAL (file)->pMethods->xUnfetch (REAL (file), offset, page);
}

static const sqlite3_io_methods watch_methods = {
  3,
  watch_close, watch_read, watch_write, watch_truncate, watch_sync, watch_file_size,
  watch_lock, watch_unlock, watch_check_reserved_lock, watch_file_control,
  watch_sector_size, watch_device_characteristics,
  watch_shm_map, watch_shm_lock, watch_shm_barrier, watch_shm_unmap,
  watch_fetch, watch_unfetch,
};

static int
watch_open (sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags, int *out_flags)
{
  WatchFile *watched = (WatchFile *) file;
  int rc;

  memset (watched, 0, sizeof *watched);
  watched->real = (sqlite3_file *) (watched + 1);
  rc = watch.unix_vfs->xOpen (watch.unix_vfs, name, watched->real, flags, out_flags);
  if (rc != SQLITE_OK)
    return rc;
  /* the unix VFS's methods are of version 3, as these */
  g_assert_cmpint (watched->real->pMethods->iVersion, ==, 3);
  watched->is_database = (flags & SQLITE_OPEN_MAIN_DB) != 0;
  watched->is_log = (flags & SQLITE_OPEN_WAL) != 0;
  file->pMethods = &watch_methods;

  return SQLITE_OK;
}

static void
watch_install (void)
{
  watch.unix_vfs = sqlite3_vfs_find ("unix");
  g_assert_nonnull (watch.unix_vfs);
  watch.vfs = *watch.unix_vfs;
  watch.vfs.zName = "watch";
  watch.vfs.szOsFile = (int) sizeof (WatchFile) + watch.unix_vfs->szOsFile;
  watch.vfs.xOpen = watch_open;
  g_assert_cmpint (sqlite3_vfs_register (&watch.vfs, 1), ==, SQLITE_OK);
}

static void
watch_reset (void)
{
  g_mutex_lock (&watch.lock);
  watch.writer = g_thread_self ();
  memset (&watch.by_writer, 0, sizeof watch.by_writer);
  memset (&watch.by_others, 0, sizeof watch.by_others);
  g_mutex_unlock (&watch.lock);
}

static Seen
seen_by (gboolean writer)
{
  Seen seen;

  g_mutex_lock (&watch.lock);
  seen = writer ? watch.by_writer : watch.by_others;
  g_mutex_unlock (&watch.lock);

  return seen;
}

static void
write_households (StoreFixture *fixture,
                  guint         batches,
                  guint         per_batch)
{
  g_autoptr(GError) error = NULL;

  for (guint b = 0; b < batches; b++)
    {
      g_assert_true (dh_store_begin (fixture->store, &error));
      for (guint i = 0; i < per_batch; i++)
        g_free (fixture_new_id (fixture, "household",
                                "{\"village\": \"%s\", \"head_name\": \"Vàng Seo Chứ %u\", "
                                "\"notes\": \"Ghi chú đủ dài để sổ ghi trước dài ra nhanh: lần %u của đợt %u\"}",
                                fixture->village, b * per_batch + i, i, b));
      g_assert_true (dh_store_commit (fixture->store, &error));
      g_assert_no_error (error);
    }
}

static gint64
count_households (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = dh_store_open (path, &error);
  DhQuery query = { .entity = "household" };
  gint64 count;

  g_assert_no_error (error);
  count = dh_store_count (store, &query, &error);
  g_assert_no_error (error);
  return count;
}

/* However long the log grows, a commit never folds it: the thread that
 * writes (a save in the window, a page of a pull) never waits for it. */
static void
test_commits_never_fold_the_log (StoreFixture  *fixture,
                                 gconstpointer  data)
{
  g_autofree char *path = g_strdup (fixture->path);
  Seen writer, others;
  guint folded;

  watch_reset ();
  write_households (fixture, 30, 100);
  folded = dh_store_wait_checkpoints (fixture->store);

  writer = seen_by (TRUE);
  others = seen_by (FALSE);
  g_test_message ("the writer began %u checkpoints and wrote the database %u times; "
                  "the others began %u checkpoints (%u folded the whole log) and wrote it %u times",
                  writer.checkpoints, writer.database_writes, others.checkpoints, folded, others.database_writes);
  /* the log did grow past the length that folds it (requests made while
   * a checkpoint runs may come to one more) */
  g_assert_cmpuint (others.checkpoints, >=, 1);
  g_assert_cmpuint (folded, >=, 1);
  g_assert_cmpuint (others.database_writes, >, 0);
  g_assert_cmpuint (writer.checkpoints, ==, 0);
  g_assert_cmpuint (writer.database_writes, ==, 0);

  /* the store's checkpointer gives the processor to the window, as a
   * sync's threads do: nicer than the thread that opened the store */
  {
    g_autoptr(GHashTable) nice = test_threads_niceness ("dh-checkpoint");
    g_autoptr(GList) values = g_hash_table_get_values (nice);

    g_assert_cmpuint (g_list_length (values), ==, 1);
#ifdef __linux__
    g_assert_cmpint (GPOINTER_TO_INT (values->data), ==, MIN (dh_thread_get_niceness () + DH_THREAD_NICER, 19));
#endif
  }

  /* closing folds the rest, and every household is there */
  g_clear_object (&fixture->store);
  g_assert_cmpint (count_households (path), ==, 30 * 100);
}

/* A page of a pull of N households another device made, with its cursor. */
static void
pull_households (StoreFixture *fixture,
                 const char   *cursor,
                 guint         n)
{
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(GError) error = NULL;
  guint64 ms = (guint64) (g_get_real_time () / 1000);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = dh_uuid_new ();
      g_autofree char *text = g_strdup_printf ("{\"e\": \"household\", \"r\": \"%s\", \"u\": \"remote\", "
                                               "\"k\": \"%016" G_GINT64_MODIFIER "x-aaaaaaaaaaaaaaaa\", "
                                               "\"f\": {\"village\": \"%s\", \"head_name\": \"Sùng A Páo %u\", "
                                               "\"notes\": \"Ghi chú đủ dài để sổ ghi trước dài ra nhanh: hộ %u của trang %s\"}}",
                                               id, ms << 16, fixture->village, i, i, cursor);

      g_ptr_array_add (page, fixture_json (text));
    }
  g_assert_true (dh_store_apply_changes (fixture->store, page, cursor, NULL, &error));
  g_assert_no_error (error);
}

static void
pull_page (StoreFixture *fixture,
           const char   *cursor)
{
  pull_households (fixture, cursor, 20);
}

/* The log's length in pages, from its file's size: the length of the
 * longest log since the file was last cut (empty_log()). */
static gint64
log_pages (StoreFixture *fixture)
{
  g_autofree char *log = g_strconcat (fixture->path, "-wal", NULL);
  int page_size = 0;
  GStatBuf info;

  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (fixture->store->db, "PRAGMA page_size", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    page_size = sqlite3_column_int (stmt, 0);
    sqlite3_finalize (stmt);
  }
  if (g_stat (log, &info) != 0 || info.st_size == 0)
    return 0;
  /* each frame is a page and its header of 24 bytes, after the log's of 32 */
  return (info.st_size - 32) / (page_size + 24);
}

/* Folds the whole log and cuts its file to nothing. */
static void
empty_log (StoreFixture *fixture)
{
  dh_store_wait_checkpoints (fixture->store);
  g_assert_cmpint (sqlite3_exec (fixture->store->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (log_pages (fixture), ==, 0);
}

/* A pull's pages do not fold the log as saves do: the pull's end asks for
 * it, or a log grown past the longer length for such commits. */
static void
test_pull_folds_at_its_end (StoreFixture  *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 pages;

  empty_log (fixture);
  watch_reset ();
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *cursor = g_strdup_printf ("%u", i + 1);

      pull_households (fixture, cursor, 100);
    }
  dh_store_wait_checkpoints (fixture->store);
  pages = log_pages (fixture);
  g_test_message ("the pages wrote %" G_GINT64_FORMAT " pages of log", pages);
  /* long enough that saves would have folded it, and nothing folded */
  g_assert_cmpint (pages, >=, DH_CHECKPOINT_PAGES);
  g_assert_cmpint (pages, <, DH_CHECKPOINT_PAGES_UNSYNCED);
  g_assert_cmpuint (seen_by (FALSE).checkpoints, ==, 0);
  g_assert_cmpuint (seen_by (TRUE).checkpoints, ==, 0);

  /* its end folds it all, on the checkpointer's thread */
  g_assert_true (dh_store_finish_first_sync (fixture->store, &error));
  g_assert_no_error (error);
  dh_store_wait_checkpoints (fixture->store);
  g_assert_cmpuint (seen_by (FALSE).checkpoints, ==, 1);
  g_assert_cmpuint (seen_by (TRUE).checkpoints, ==, 0);

  /* a pull that outgrows the length for such commits is folded before its end */
  dh_store_set_log_pages_unsynced (fixture->store, 200);
  watch_reset ();
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *cursor = g_strdup_printf ("%u", i + 31);

      pull_households (fixture, cursor, 100);
    }
  dh_store_wait_checkpoints (fixture->store);
  g_assert_cmpuint (seen_by (FALSE).checkpoints, >=, 1);
  g_assert_cmpuint (seen_by (TRUE).checkpoints, ==, 0);
}

/* A pull's pages commit without waiting for the disk; once its last page
 * landed, the log is folded, and synced, in the background. */
static void
test_pull_end_folds_the_log (StoreFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint before;
  Seen writer, others;

  before = dh_store_wait_checkpoints (fixture->store);
  watch_reset ();
  pull_page (fixture, "1");
  pull_page (fixture, "2");
  writer = seen_by (TRUE);
  /* the pages waited for no disk */
  g_assert_cmpuint (writer.log_syncs, ==, 0);

  g_assert_true (dh_store_finish_first_sync (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dh_store_wait_checkpoints (fixture->store), >, before);
  writer = seen_by (TRUE);
  others = seen_by (FALSE);
  g_assert_cmpuint (writer.log_syncs, ==, 0);
  g_assert_cmpuint (writer.checkpoints, ==, 0);
  /* the checkpoint synced the log before it folded it */
  g_assert_cmpuint (others.checkpoints, ==, 1);
  g_assert_cmpuint (others.log_syncs, >=, 1);

  /* a save, which waits for the disk, then a pull that brought nothing:
   * nothing is left to make durable, and no checkpoint is asked for */
  before = dh_store_wait_checkpoints (fixture->store);
  write_households (fixture, 1, 1);
  g_assert_true (dh_store_finish_first_sync (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dh_store_wait_checkpoints (fixture->store), ==, before);
  g_assert_cmpuint (seen_by (FALSE).checkpoints, ==, 1);
}

/* A save after pages that did not wait for the disk waits, as every
 * save does, and makes them durable with it. */
static void
test_save_after_pages_waits_for_the_disk (StoreFixture  *fixture,
                                          gconstpointer  data)
{
  watch_reset ();
  pull_page (fixture, "1");
  g_assert_cmpuint (seen_by (TRUE).log_syncs, ==, 0);
  write_households (fixture, 1, 1);
  g_assert_cmpuint (seen_by (TRUE).log_syncs, >=, 1);
}

/* VACUUM empties the log, whatever the checkpointer was doing. */
static void
test_vacuum_empties_the_log (StoreFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *log = g_strconcat (fixture->path, "-wal", NULL);
  GStatBuf info;

  write_households (fixture, 10, 100);
  g_assert_true (dh_store_vacuum (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (log, &info), ==, 0);
  g_assert_cmpint (info.st_size, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  watch_install ();

  STORE_TEST ("/store/checkpoint/commits-never-fold-the-log", test_commits_never_fold_the_log);
  STORE_TEST ("/store/checkpoint/pull-end-folds-the-log", test_pull_end_folds_the_log);
  STORE_TEST ("/store/checkpoint/pull-folds-at-its-end", test_pull_folds_at_its_end);
  STORE_TEST ("/store/checkpoint/save-waits-for-the-disk", test_save_after_pages_waits_for_the_disk);
  STORE_TEST ("/store/checkpoint/vacuum-empties-the-log", test_vacuum_empties_the_log);

  return g_test_run ();
}
