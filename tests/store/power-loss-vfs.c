/* power-loss-vfs.c – a SQLite VFS for tests whose power fails on cue: what was not synced is lost */
/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The model. Writes go through to the unix VFS at once, so SQLite reads
 * back what it wrote as it would from the page cache, and every write or
 * truncation made to a database, write-ahead log or journal since its last
 * sync is remembered with the bytes it replaced. When the power fails, the
 * write, truncation or sync that was due fails, and so does every later
 * one, and every deletion: as far as the disk knows, the program is dead.
 * Once every file is closed, power_loss_vfs_restart() leaves on the disk
 * what a machine could find after the power came back:
 *
 * - POWER_LOSS_DROP_UNSYNCED: each file as it was at its last sync;
 * - POWER_LOSS_KEEP_SOME: that, with each write made since lost, kept, or
 *   torn (some of its 512-byte sectors kept, never a byte outside it), and
 *   each truncation lost or kept, at random, in their order: a disk cache
 *   that writes back out of order, and loses power halfway through a write.
 *
 * A file created and never synced loses its directory entry too (always
 * with the first, at random with the second): the unix VFS syncs the
 * directory on the first sync of a journal or log it created, so a sync
 * makes the file's name as durable as its content.
 *
 * What it leaves out, on purpose:
 * - a write that damages bytes it did not cover: the unix VFS tells SQLite
 *   the disk has powersafe overwrite, and SQLite relies on it;
 * - deletions, durable at once here, where a file system could bring a
 *   deleted journal back until its directory is synced;
 * - the directory entry of a file that existed when first opened (the
 *   store creates its database file itself before SQLite opens it): it
 *   counts as synced, with the content it had then;
 * - the -shm file, shared memory that SQLite rebuilds from the log when
 *   the first connection opens a store, and temporary files: neither
 *   outlives the program;
 * - the fsync itself: a sync is recorded, not passed to the disk, for the
 *   only power failure the tests must survive is this simulated one.
 */

#define G_LOG_DOMAIN "power-loss-vfs"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "power-loss-vfs.h"

#define SECTOR_SIZE 512

/* What becomes of a write that was not synced when the power failed. */
typedef enum
{
  LOST,
  KEPT,
  TORN, /* some of its sectors kept */
} Fate;

typedef struct
{
  gint64  offset;
  GBytes *replaced; /* what it overwrote or cut off of the file as last synced; NULL: nothing */
  GBytes *written;  /* NULL for a truncation */
} UnsyncedWrite;

typedef struct
{
  char       *path;
  const char *kind;        /* "database", "wal", "journal" */
  gboolean    durable;     /* its directory entry survives a power failure */
  gint64      synced_size;
  GPtrArray  *unsynced;    /* of UnsyncedWrite, oldest first */
  guint       n_open;
} TrackedFile;

typedef struct
{
  sqlite3_file  base;
  TrackedFile  *tracked;   /* NULL: a temporary file, passed through */
  sqlite3_file *real;      /* the unix VFS's file, which follows this struct */
} PowerLossFile;

static struct
{
  GMutex       lock;
  sqlite3_vfs  vfs;
  sqlite3_vfs *unix_vfs;
  GHashTable  *files;      /* path -> TrackedFile */
  guint64      n_calls;
  guint64      cut_at;     /* 0: never */
  gboolean     cut;
  const char  *cut_during;
} power;

static void
unsynced_write_free (UnsyncedWrite *write)
{
  g_clear_pointer (&write->replaced, g_bytes_unref);
  g_clear_pointer (&write->written, g_bytes_unref);
  g_free (write);
}

static void
tracked_file_free (TrackedFile *tracked)
{
  g_free (tracked->path);
  g_ptr_array_unref (tracked->unsynced);
  g_free (tracked);
}

static const char *
tracked_kind (int flags)
{
  if (flags & SQLITE_OPEN_MAIN_DB)
    return "database";
  if (flags & SQLITE_OPEN_WAL)
    return "wal";
  if (flags & (SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_SUPER_JOURNAL))
    return "journal";

  return NULL;
}

/* Counts a call that changes the disk. FALSE: the power is off, or fails
 * instead of this call. */
static gboolean
power_stays_on (TrackedFile *tracked,
                const char  *call)
{
  if (power.cut)
    return FALSE;

  if (power.cut_at != 0 && power.n_calls + 1 >= power.cut_at)
    {
      g_autofree char *during = g_strdup_printf ("at a %s the %s", call, tracked->kind);

      power.cut = TRUE;
      power.cut_during = g_intern_string (during);
      return FALSE;
    }

  power.n_calls++;
  return TRUE;
}

static gint64
real_size (PowerLossFile *self)
{
  sqlite3_int64 size = 0;
  int rc = self->real->pMethods->xFileSize (self->real, &size);

  g_assert_cmpint (rc, ==, SQLITE_OK);
  return size;
}

/* The bytes in [offset, end) of the file as it is now. */
static GBytes *
read_range (PowerLossFile *self,
            gint64         offset,
            gint64         end)
{
  guint8 *bytes;
  int rc;

  if (end <= offset)
    return NULL;

  bytes = g_malloc (end - offset);
  rc = self->real->pMethods->xRead (self->real, bytes, (int) (end - offset), offset);
  /* past the end SQLite's read fills with zeros; an older truncation kept those bytes */
  g_assert_true (rc == SQLITE_OK || rc == SQLITE_IOERR_SHORT_READ);

  return g_bytes_new_take (bytes, end - offset);
}

static void
remember (PowerLossFile *self,
          gint64         offset,
          gint64         end,
          GBytes        *written)
{
  TrackedFile *tracked = self->tracked;
  UnsyncedWrite *write = g_new0 (UnsyncedWrite, 1);

  write->offset = offset;
  write->replaced = read_range (self, offset, MIN (end, tracked->synced_size));
  write->written = written;
  g_ptr_array_add (tracked->unsynced, write);
}

static int
power_loss_close (sqlite3_file *file)
{
  PowerLossFile *self = (PowerLossFile *) file;

  if (self->tracked != NULL)
    {
      g_mutex_lock (&power.lock);
      self->tracked->n_open--;
      g_mutex_unlock (&power.lock);
    }

  return self->real->pMethods->xClose (self->real);
}

static int
power_loss_read (sqlite3_file  *file,
                 void          *buffer,
                 int            amount,
                 sqlite3_int64  offset)
{
  PowerLossFile *self = (PowerLossFile *) file;

  return self->real->pMethods->xRead (self->real, buffer, amount, offset);
}

static int
power_loss_write (sqlite3_file  *file,
                  const void    *data,
                  int            amount,
                  sqlite3_int64  offset)
{
  PowerLossFile *self = (PowerLossFile *) file;
  g_autoptr(GMutexLocker) locker = NULL;

  if (self->tracked == NULL)
    return self->real->pMethods->xWrite (self->real, data, amount, offset);

  locker = g_mutex_locker_new (&power.lock);
  if (!power_stays_on (self->tracked, "write to"))
    return SQLITE_IOERR_WRITE;

  remember (self, offset, offset + amount, g_bytes_new (data, amount));
  return self->real->pMethods->xWrite (self->real, data, amount, offset);
}

static int
power_loss_truncate (sqlite3_file  *file,
                     sqlite3_int64  size)
{
  PowerLossFile *self = (PowerLossFile *) file;
  g_autoptr(GMutexLocker) locker = NULL;

  if (self->tracked == NULL)
    return self->real->pMethods->xTruncate (self->real, size);

  locker = g_mutex_locker_new (&power.lock);
  if (!power_stays_on (self->tracked, "truncation of"))
    return SQLITE_IOERR_TRUNCATE;

  remember (self, size, real_size (self), NULL);
  return self->real->pMethods->xTruncate (self->real, size);
}

/* What was written is now on the disk, and so is the file's name. */
static int
power_loss_sync (sqlite3_file *file,
                 int           flags)
{
  PowerLossFile *self = (PowerLossFile *) file;
  g_autoptr(GMutexLocker) locker = NULL;

  if (self->tracked == NULL)
    return SQLITE_OK;

  locker = g_mutex_locker_new (&power.lock);
  if (!power_stays_on (self->tracked, "sync of"))
    return SQLITE_IOERR_FSYNC;

  g_ptr_array_set_size (self->tracked->unsynced, 0);
  self->tracked->synced_size = real_size (self);
  self->tracked->durable = TRUE;

  return SQLITE_OK;
}

static int
power_loss_file_size (sqlite3_file  *file,
                      sqlite3_int64 *size)
{
  PowerLossFile *self = (PowerLossFile *) file;

  return self->real->pMethods->xFileSize (self->real, size);
}

static int
power_loss_lock (sqlite3_file *file,
                 int           level)
{
  PowerLossFile *self = (PowerLossFile *) file;

  return self->real->pMethods->xLock (self->real, level);
}

static int
power_loss_unlock (sqlite3_file *file,
                   int           level)
{
  PowerLossFile *self = (PowerLossFile *) file;

  return self->real->pMethods->xUnlock (self->real, level);
}

static int
power_loss_check_reserved_lock (sqlite3_file *file,
                                int          *reserved)
{
  PowerLossFile *self = (PowerLossFile *) file;

  return self->real->pMethods->xCheckReservedLock (self->real, reserved);
}

static int
power_loss_file_control (sqlite3_file *file,
                         int           op,
                         void         *arg)
{
  PowerLossFile *self = (PowerLossFile *) file;

  /* the unix VFS grows a file for these without a write we would see */
  if (self->tracked != NULL && (op == SQLITE_FCNTL_SIZE_HINT || op == SQLITE_FCNTL_CHUNK_SIZE))
    return SQLITE_OK;

  return self->real->pMethods->xFileControl (self->real, op, arg);
}

static int
power_loss_sector_size (sqlite3_file *file)
{
  PowerLossFile *self = (PowerLossFile *) file;

  return self->real->pMethods->xSectorSize (self->real);
}

static int
power_loss_device_characteristics (sqlite3_file *file)
{
  PowerLossFile *self = (PowerLossFile *) file;

  return self->real->pMethods->xDeviceCharacteristics (self->real);
}

static int
power_loss_shm_map (sqlite3_file  *file,
                    int            region,
                    int            region_size,
                    int            extend,
                    void volatile **out)
{
  PowerLossFile *self = (PowerLossFile *) file;

  return self->real->pMethods->xShmMap (self->real, region, region_size, extend, out);
}

static int
power_loss_shm_lock (sqlite3_file *file,
                     int           offset,
                     int           n,
                     int           flags)
{
  PowerLossFile *self = (PowerLossFile *) file;

  return self->real->pMethods->xShmLock (self->real, offset, n, flags);
}

static void
power_loss_shm_barrier (sqlite3_file *file)
{
  PowerLossFile *self = (PowerLossFile *) file;

  self->real->pMethods->xShmBarrier (self->real);
}

static int
power_loss_shm_unmap (sqlite3_file *file,
                      int           delete_flag)
{
  PowerLossFile *self = (PowerLossFile *) file;

  return self->real->pMethods->xShmUnmap (self->real, delete_flag);
}

/* Version 2: shared memory for the write-ahead log, but no memory-mapped
 * I/O, which would read past what this VFS sees. */
static const sqlite3_io_methods power_loss_io_methods = {
  .iVersion = 2,
  .xClose = power_loss_close,
  .xRead = power_loss_read,
  .xWrite = power_loss_write,
  .xTruncate = power_loss_truncate,
  .xSync = power_loss_sync,
  .xFileSize = power_loss_file_size,
  .xLock = power_loss_lock,
  .xUnlock = power_loss_unlock,
  .xCheckReservedLock = power_loss_check_reserved_lock,
  .xFileControl = power_loss_file_control,
  .xSectorSize = power_loss_sector_size,
  .xDeviceCharacteristics = power_loss_device_characteristics,
  .xShmMap = power_loss_shm_map,
  .xShmLock = power_loss_shm_lock,
  .xShmBarrier = power_loss_shm_barrier,
  .xShmUnmap = power_loss_shm_unmap,
};

static int
power_loss_open (sqlite3_vfs      *vfs,
                 sqlite3_filename  name,
                 sqlite3_file     *file,
                 int               flags,
                 int              *out_flags)
{
  PowerLossFile *self = (PowerLossFile *) file;
  const char *kind = name != NULL ? tracked_kind (flags) : NULL;
  gboolean existed = kind != NULL && g_file_test (name, G_FILE_TEST_EXISTS);
  int rc;

  self->base.pMethods = NULL;
  self->tracked = NULL;
  self->real = (sqlite3_file *) (self + 1);

  /* after the power failed, nothing new appears on the disk */
  if (kind != NULL && !existed && power_loss_vfs_is_cut ())
    return SQLITE_CANTOPEN;

  rc = power.unix_vfs->xOpen (power.unix_vfs, name, self->real, flags, out_flags);
  if (self->real->pMethods == NULL)
    return rc;
  self->base.pMethods = &power_loss_io_methods;

  if (rc == SQLITE_OK && kind != NULL)
    {
      g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&power.lock);
      TrackedFile *tracked = g_hash_table_lookup (power.files, name);

      if (tracked == NULL)
        {
          tracked = g_new0 (TrackedFile, 1);
          tracked->path = g_strdup (name);
          tracked->kind = kind;
          tracked->durable = existed;
          tracked->synced_size = existed ? real_size (self) : 0;
          tracked->unsynced = g_ptr_array_new_with_free_func ((GDestroyNotify) unsynced_write_free);
          g_hash_table_insert (power.files, tracked->path, tracked);
        }
      tracked->n_open++;
      self->tracked = tracked;
    }

  return rc;
}

static int
power_loss_delete (sqlite3_vfs *vfs,
                   const char  *name,
                   int          sync_directory)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&power.lock);
  TrackedFile *tracked = g_hash_table_lookup (power.files, name);

  if (power.cut)
    return SQLITE_IOERR_DELETE;

  if (tracked != NULL)
    {
      /* SQLite closes a log or journal before it deletes it */
      g_assert_cmpuint (tracked->n_open, ==, 0);
      g_hash_table_remove (power.files, name);
    }

  return power.unix_vfs->xDelete (power.unix_vfs, name, sync_directory);
}

static int
power_loss_access (sqlite3_vfs *vfs,
                   const char  *name,
                   int          flags,
                   int         *out_result)
{
  return power.unix_vfs->xAccess (power.unix_vfs, name, flags, out_result);
}

static int
power_loss_full_pathname (sqlite3_vfs *vfs,
                          const char  *name,
                          int          size,
                          char        *out)
{
  return power.unix_vfs->xFullPathname (power.unix_vfs, name, size, out);
}

static void
write_all (int           fd,
           const guint8 *data,
           gsize         size,
           gint64        offset)
{
  while (size > 0)
    {
      ssize_t n = pwrite (fd, data, size, offset);

      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >, 0);
      data += n;
      size -= n;
      offset += n;
    }
}

static void
write_bytes (int     fd,
             GBytes *bytes,
             gint64  offset)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  write_all (fd, data, size, offset);
}

/* Keeps some of the sectors a write covered, and only within what it
 * covered: the disk lost power halfway through it. */
static void
write_some_sectors (int            fd,
                    UnsyncedWrite *write,
                    GRand         *rand)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (write->written, &size);
  gint64 end = write->offset + (gint64) size;

  for (gint64 start = write->offset; start < end;)
    {
      gint64 next = MIN ((start / SECTOR_SIZE + 1) * SECTOR_SIZE, end);

      if (g_rand_boolean (rand))
        write_all (fd, data + (start - write->offset), next - start, start);
      start = next;
    }
}

/* Leaves on the disk what survives of one file. */
static void
restore (TrackedFile      *tracked,
         PowerLossDisk     disk,
         GRand            *rand,
         PowerLossOutcome *outcome)
{
  int fd;

  /* a file never synced may lose its name: with it, all it held */
  if (!tracked->durable && (disk == POWER_LOSS_DROP_UNSYNCED || g_rand_boolean (rand)))
    {
      g_assert_cmpint (g_unlink (tracked->path), ==, 0);
      outcome->n_files_vanished++;
      outcome->n_writes_lost += tracked->unsynced->len;
      return;
    }

  fd = g_open (tracked->path, O_RDWR | O_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);

  /* newest first, so that each byte ends as the oldest write found it: as last synced */
  for (guint i = tracked->unsynced->len; i > 0; i--)
    {
      UnsyncedWrite *write = g_ptr_array_index (tracked->unsynced, i - 1);

      if (write->replaced != NULL)
        write_bytes (fd, write->replaced, write->offset);
    }
  g_assert_cmpint (ftruncate (fd, tracked->synced_size), ==, 0);

  for (guint i = 0; i < tracked->unsynced->len; i++)
    {
      UnsyncedWrite *write = g_ptr_array_index (tracked->unsynced, i);
      Fate fate = LOST;

      if (disk == POWER_LOSS_KEEP_SOME)
        fate = g_rand_int_range (rand, LOST, write->written != NULL ? TORN + 1 : KEPT + 1);

      switch (fate)
        {
        case LOST:
          outcome->n_writes_lost++;
          break;

        case KEPT:
          outcome->n_writes_kept++;
          if (write->written != NULL)
            write_bytes (fd, write->written, write->offset);
          else
            g_assert_cmpint (ftruncate (fd, write->offset), ==, 0);
          break;

        case TORN:
        default:
          outcome->n_writes_torn++;
          write_some_sectors (fd, write, rand);
          break;
        }
    }

  g_assert_cmpint (close (fd), ==, 0);
}

/* Makes this VFS SQLite's default, so that every connection opened from
 * now on goes through it. */
void
power_loss_vfs_install (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      power.unix_vfs = sqlite3_vfs_find ("unix");
      g_assert_nonnull (power.unix_vfs);

      power.vfs = *power.unix_vfs;
      power.vfs.pNext = NULL;
      power.vfs.zName = "power-loss";
      power.vfs.szOsFile = sizeof (PowerLossFile) + power.unix_vfs->szOsFile;
      power.vfs.xOpen = power_loss_open;
      power.vfs.xDelete = power_loss_delete;
      power.vfs.xAccess = power_loss_access;
      power.vfs.xFullPathname = power_loss_full_pathname;
      /* the other methods (randomness, time, sleep, loading libraries)
       * never look at the VFS they are called through */
      power.files = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) tracked_file_free);

      g_once_init_leave (&initialized, 1);
    }

  g_assert_cmpint (sqlite3_vfs_register (&power.vfs, 1), ==, SQLITE_OK);
}

/* Makes the unix VFS the default again, for the connections that check
 * what survived. */
void
power_loss_vfs_uninstall (void)
{
  g_assert_nonnull (power.unix_vfs);
  g_assert_cmpint (sqlite3_vfs_register (power.unix_vfs, 1), ==, SQLITE_OK);
}

/* The power fails instead of the CALL-th write, truncation or sync from
 * now on (1: the next one); 0 disarms. */
void
power_loss_vfs_cut_at_call (guint64 call)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&power.lock);

  power.cut_at = call != 0 ? power.n_calls + call : 0;
}

/* The power fails now, between two calls. */
void
power_loss_vfs_cut (void)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&power.lock);

  if (!power.cut)
    {
      power.cut = TRUE;
      power.cut_during = "between two calls";
    }
}

gboolean
power_loss_vfs_is_cut (void)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&power.lock);

  return power.cut;
}

/* The writes, truncations and syncs made since the power came on. */
guint64
power_loss_vfs_get_n_calls (void)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&power.lock);

  return power.n_calls;
}

/* Once every file is closed: the disk as the power failure left it (cut
 * now if it has not been), and the power back on. RAND chooses what
 * POWER_LOSS_KEEP_SOME keeps. */
void
power_loss_vfs_restart (PowerLossDisk     disk,
                        GRand            *rand,
                        PowerLossOutcome *outcome)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&power.lock);
  g_autoptr(GList) paths = NULL;

  g_assert_true (disk == POWER_LOSS_DROP_UNSYNCED || rand != NULL);
  g_assert_nonnull (power.files);

  *outcome = (PowerLossOutcome) {
    .n_calls = power.n_calls,
    .cut_during = power.cut ? power.cut_during : "between two calls",
  };

  /* in the order of their paths, so that a seed replays the same choices */
  paths = g_list_sort (g_hash_table_get_keys (power.files), (GCompareFunc) g_strcmp0);
  for (GList *l = paths; l != NULL; l = l->next)
    {
      TrackedFile *tracked = g_hash_table_lookup (power.files, l->data);

      g_assert_cmpuint (tracked->n_open, ==, 0);
      restore (tracked, disk, rand, outcome);
    }

  g_hash_table_remove_all (power.files);
  power.n_calls = 0;
  power.cut_at = 0;
  power.cut = FALSE;
  power.cut_during = NULL;
}
