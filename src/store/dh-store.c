/* dh-store.c – the local store: one SQLite file that never loses an acknowledged record */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "dh-change.h"
#include "dh-classify.h"
#include "dh-date.h"
#include "dh-error.h"
#include "dh-checkpointer.h"
#include "dh-store-private.h"
#include "dh-text.h"


static void dh_store_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DhStore, dh_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, dh_store_initable_iface_init))

enum {
  PROP_0,
  PROP_PATH,
  PROP_DEVICE_ID,
  PROP_USER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (dh-store-error-quark, dh_store_error)

static void
dh_store_dispose (GObject *object)
{
  DhStore *self = (DhStore *) object;

  /* nobody is left to hear of the last commits */
  g_mutex_lock (&self->changed_lock);
  if (self->changed_source != NULL)
    {
      g_source_destroy (self->changed_source);
      g_clear_pointer (&self->changed_source, g_source_unref);
    }
  g_mutex_unlock (&self->changed_lock);

  G_OBJECT_CLASS (dh_store_parent_class)->dispose (object);
}

static void
dh_store_finalize (GObject *object)
{
  DhStore *self = (DhStore *) object;

  g_clear_pointer (&self->idle_readers, g_ptr_array_unref);
  /* before the last connection closes, which folds what is left of the log */
  if (self->checkpointer != NULL)
    sqlite3_wal_hook (self->db, NULL, NULL);
  g_clear_pointer (&self->checkpointer, dh_checkpointer_free);
  g_clear_pointer (&self->writer_connection.by_address, g_hash_table_unref);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_clear_pointer (&self->hlc, dh_hlc_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->read_uri, g_free);
  g_clear_pointer (&self->changed_entities, g_hash_table_unref);
  g_clear_pointer (&self->search_pending, g_hash_table_unref);
  g_clear_pointer (&self->search_absent, g_hash_table_unref);
  g_clear_pointer (&self->known_ids, g_hash_table_unref);
  g_clear_pointer (&self->first_sync_ids, g_hash_table_unref);
  g_clear_pointer (&self->first_sync_search, dh_search_kept_free);
  g_clear_pointer (&self->changed_pending, g_hash_table_unref);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_rec_mutex_clear (&self->lock);
  g_mutex_clear (&self->readers_lock);
  g_mutex_clear (&self->changed_lock);
  g_mutex_clear (&self->clock_lock);

  G_OBJECT_CLASS (dh_store_parent_class)->finalize (object);
}

static void
dh_store_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  DhStore *self = DH_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_DEVICE_ID:
      g_value_set_string (value, self->hlc != NULL ? dh_hlc_get_device_id (self->hlc) : NULL);
      break;

    case PROP_USER:
      g_value_set_string (value, dh_store_get_user (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dh_store_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  DhStore *self = DH_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    case PROP_USER:
      dh_store_set_user (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dh_store_class_init (DhStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dh_store_dispose;
  object_class->finalize = dh_store_finalize;
  object_class->get_property = dh_store_get_property;
  object_class->set_property = dh_store_set_property;

  /* Nothing reads SQLite's count of the memory it uses; without it, its
   * allocations take no process-wide lock. It can be set only before
   * SQLite starts: later, SQLite refuses it and keeps counting. */
  sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);

  /**
   * DhStore:path:
   *
   * The store's file; it is created, private to the user, when missing.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * DhStore:device-id:
   *
   * The id this store stamps its changes with, made when the file was
   * created and kept with it.
   */
  properties[PROP_DEVICE_ID] =
    g_param_spec_string ("device-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * DhStore:user:
   *
   * Who the writes are made by: the account signed in, else the login.
   */
  properties[PROP_USER] =
    g_param_spec_string ("user", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DhStore::changed:
   * @entity: the entity whose records changed ("household", "admin_unit", ...)
   *
   * Emitted once per entity after a transaction that changed records of it
   * has committed; the detail is the entity, so a list of households
   * connects to "changed::household" and reloads.
   *
   * It is emitted on the #GMainContext that was the thread-default one when
   * the store was created – the application's main context, for a store
   * made on the main thread – whichever thread committed, and never from
   * inside the commit: the store's lock is released, so a handler may read
   * and write the store. Commits made one after another before the main
   * context runs are announced together, once per entity they touched, in
   * the order of the entities' names.
   *
   * Within a batch, a write that failed and was undone may still count: a
   * view then reloads once for nothing, which is harmless.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
dh_store_init (DhStore *self)
{
  g_rec_mutex_init (&self->lock);
  g_mutex_init (&self->readers_lock);
  g_mutex_init (&self->changed_lock);
  g_mutex_init (&self->clock_lock);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) sqlite3_finalize);
  self->idle_readers = g_ptr_array_new_with_free_func ((GDestroyNotify) dh_connection_close);
  self->writer_connection.store = self;
  self->writer_connection.statements = self->statements;
  self->writer_connection.by_address = g_hash_table_new (NULL, NULL);
  self->writer_connection.is_writer = TRUE;
  /* changes are signed by who signed in, never by the login of the machine */
  self->user = NULL;
  self->changed_entities = g_hash_table_new (g_str_hash, g_str_equal);
  self->search_pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->search_absent = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->held_possible = TRUE;
  self->changed_pending = g_hash_table_new (g_str_hash, g_str_equal);
  self->main_context = g_main_context_ref_thread_default ();
  self->migrations = dh_store_migrations;
  self->n_migrations = dh_store_n_migrations;
  /* g_initable_new() with a path makes the store when missing, as ever */
  self->open_flags = DH_STORE_OPEN_CREATE;
  g_date_clear (&self->fixed_today, 1);
  g_date_clear (&self->cached_today, 1);
  dh_validator_init (&self->validator);
}

/* Remembers that the transaction in progress changes records of an entity. */
void
dh_store_note_change (DhStore        *self,
                      const DhEntity *entity)
{
  g_hash_table_add (self->changed_entities, (gpointer) entity->name);
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
emit_changed_cb (gpointer user_data)
{
  g_autoptr(DhStore) self = g_weak_ref_get (user_data);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer name;

  if (self == NULL)
    return G_SOURCE_REMOVE;

  g_mutex_lock (&self->changed_lock);
  g_hash_table_iter_init (&iter, self->changed_pending);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    g_ptr_array_add (names, name);
  g_hash_table_remove_all (self->changed_pending);
  g_clear_pointer (&self->changed_source, g_source_unref);
  g_mutex_unlock (&self->changed_lock);

  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *entity = g_ptr_array_index (names, i);

      g_signal_emit (self, signals[CHANGED], g_quark_from_static_string (entity), entity);
    }

  return G_SOURCE_REMOVE;
}

/* Hands the entities the committed transaction changed to the main
 * context. The source holds no reference: a store dropped before its main
 * context runs again goes, and its announcement with it. */
static void
announce_changes (DhStore *self)
{
  GHashTableIter iter;
  gpointer name;

  if (g_hash_table_size (self->changed_entities) == 0)
    return;

  g_mutex_lock (&self->changed_lock);
  g_hash_table_iter_init (&iter, self->changed_entities);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    g_hash_table_add (self->changed_pending, name);

  if (self->changed_source == NULL)
    {
      GWeakRef *ref = g_new0 (GWeakRef, 1);

      g_weak_ref_init (ref, self);
      self->changed_source = g_idle_source_new ();
      g_source_set_priority (self->changed_source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (self->changed_source, "[dh-store] changed");
      g_source_set_callback (self->changed_source, emit_changed_cb, ref, weak_ref_free);
      g_source_attach (self->changed_source, self->main_context);
    }
  g_mutex_unlock (&self->changed_lock);

  g_hash_table_remove_all (self->changed_entities);
}

char *
dh_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "donghanh", "donghanh.db", NULL);
}
/* Clock and calendar */

static gint64
wall_clock_ms_locked (DhStore *self)
{
  if (self->wall_clock != NULL)
    return self->wall_clock (self->wall_clock_data);

  return g_get_real_time () / 1000;
}

/**
 * dh_store_get_wall_clock_ms:
 *
 * Returns: the time the store stamps records with, in milliseconds since
 *   1970 UTC: the system's, or the clock given to dh_store_set_wall_clock()
 */
gint64
dh_store_get_wall_clock_ms (DhStore *self)
{
  gint64 ms;

  g_return_val_if_fail (DH_IS_STORE (self), 0);

  g_mutex_lock (&self->clock_lock);
  ms = wall_clock_ms_locked (self);
  g_mutex_unlock (&self->clock_lock);

  return ms;
}

static gint64
hlc_wall_clock (gpointer user_data)
{
  return dh_store_get_wall_clock_ms (user_data);
}

/**
 * dh_store_set_wall_clock:
 * @wall_clock: (nullable): the clock, or %NULL for the system's
 *
 * Sets the clock the store reads the time from: for the hybrid logical
 * clock of its changes, the created_at and updated_at stamps of its
 * records, and the date of today that validation and reports use. Tests
 * and the sync's clock-skew checks give their own; it is called from any
 * thread that writes or reads.
 */
void
dh_store_set_wall_clock (DhStore        *self,
                         DhHlcWallClock  wall_clock,
                         gpointer        user_data)
{
  g_return_if_fail (DH_IS_STORE (self));

  g_mutex_lock (&self->clock_lock);
  self->wall_clock = wall_clock;
  self->wall_clock_data = user_data;
  g_mutex_unlock (&self->clock_lock);
}

char *
dh_store_now_iso (DhStore *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (dh_store_get_wall_clock_ms (self) / 1000);

  /* a clock beyond the year 9999 stamps with the system's */
  if (now == NULL)
    now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

/**
 * dh_store_get_today:
 * @out_today: (out caller-allocates): the date
 *
 * The date of today where the user is, read from the wall clock at each
 * call, so that it turns at local midnight in a program left open; or the
 * date given to dh_store_set_today().
 */
void
dh_store_get_today (DhStore *self,
                    GDate   *out_today)
{
  g_return_if_fail (DH_IS_STORE (self));
  g_return_if_fail (out_today != NULL);

  g_mutex_lock (&self->clock_lock);
  if (g_date_valid (&self->fixed_today))
    *out_today = self->fixed_today;
  else
    {
      gint64 now_ms = wall_clock_ms_locked (self);

      /* every change checked asks: the local day is worked out once, and
       * again when the clock leaves it (midnight, or a clock set anew) */
      if (!g_date_valid (&self->cached_today) || now_ms < self->cached_day_start || now_ms >= self->cached_day_end)
        {
          g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (now_ms / 1000);
          g_autoptr(GDateTime) start = NULL;
          g_autoptr(GDateTime) end = NULL;

          if (now == NULL)
            now = g_date_time_new_now_local ();
          start = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                         g_date_time_get_day_of_month (now), 0, 0, 0);
          end = start != NULL ? g_date_time_add_days (start, 1) : NULL;
          g_date_clear (&self->cached_today, 1);
          g_date_set_dmy (&self->cached_today, g_date_time_get_day_of_month (now),
                          g_date_time_get_month (now), g_date_time_get_year (now));
          self->cached_day_start = start != NULL ? g_date_time_to_unix (start) * 1000 : now_ms;
          self->cached_day_end = end != NULL ? g_date_time_to_unix (end) * 1000 : now_ms + 1;
        }
      *out_today = self->cached_today;
    }
  g_mutex_unlock (&self->clock_lock);
}

/**
 * dh_store_set_today:
 * @today: (nullable): the date, or %NULL to follow the wall clock again
 *
 * Fixes the date of today, whatever the wall clock says.
 */
void
dh_store_set_today (DhStore     *self,
                    const GDate *today)
{
  g_return_if_fail (DH_IS_STORE (self));

  g_mutex_lock (&self->clock_lock);
  if (today != NULL && g_date_valid (today))
    self->fixed_today = *today;
  else
    g_date_clear (&self->fixed_today, 1);
  g_mutex_unlock (&self->clock_lock);
}

/**
 * dh_store_set_busy_timeout:
 * @milliseconds: how long a write waits for another program's write to
 *   end; 0 gives up at once
 *
 * A write that finds the store taken by another program (a long import,
 * a sync) waits this long (10 seconds unless set), then fails with
 * %DH_STORE_ERROR_BUSY.
 */
void
dh_store_set_busy_timeout (DhStore *self,
                           guint    milliseconds)
{
  g_return_if_fail (DH_IS_STORE (self));

  dh_store_lock (self);
  sqlite3_busy_timeout (self->db, (int) MIN (milliseconds, G_MAXINT));
  dh_store_unlock (self);
}

/* What a write validates against, with the date of today as it is now.
 * Called with the lock held. */
const DhValidator *
dh_store_get_validator (DhStore *self)
{
  dh_store_get_today (self, &self->validator.today);

  return &self->validator;
}

/* Meta */

gboolean
dh_connection_read_meta (DhConnection  *connection,
                         const char    *key,
                         char         **out_value,
                         GError       **error)
{
  sqlite3_stmt *stmt = dh_connection_prepare (connection, "SELECT value FROM meta WHERE key = ?", error);
  int rc;

  *out_value = NULL;
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    {
      dh_connection_set_error (connection, error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);

  return TRUE;
}

/* A missing key is no error: out_value is then NULL. */
gboolean
dh_store_read_meta (DhStore     *self,
                    const char  *key,
                    char       **out_value,
                    GError     **error)
{
  g_autoptr(DhConnection) reader = NULL;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_value != NULL, FALSE);

  *out_value = NULL;
  reader = dh_store_acquire_reader (self, NULL, error);

  return reader != NULL && dh_connection_read_meta (reader, key, out_value, error);
}

char *
dh_store_get_meta (DhStore    *self,
                   const char *key)
{
  g_autoptr(GError) error = NULL;
  char *value = NULL;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);

  if (!dh_store_read_meta (self, key, &value, &error))
    g_warning ("Could not read “%s” from the store: %s", key, error->message);

  return value;
}

static gboolean
set_meta_unlocked (DhStore     *self,
                   const char  *key,
                   const char  *value,
                   GError     **error)
{
  sqlite3_stmt *stmt = dh_store_prepare (self, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  return dh_store_step_done (self, stmt, error);
}

gboolean
dh_store_set_meta (DhStore     *self,
                   const char  *key,
                   const char  *value,
                   GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);

  dh_store_lock (self);
  ok = dh_store_write_begin (self, error) &&
       dh_store_write_end (self, set_meta_unlocked (self, key, value, error), error);
  dh_store_unlock (self);

  return ok;
}

/* Opening */

static void
set_not_a_store (DhStore  *self,
                 GError  **error)
{
  g_autofree char *display = g_filename_display_name (self->path);

  g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_CORRUPT,
               _("“%s” is not a Đồng Hành store; choose the store's file, or create a new store"),
               display);
}

static void
set_open_error (DhStore     *self,
                int          saved,
                GError     **error)
{
  g_autofree char *display = g_filename_display_name (self->path);

  g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_OPEN,
               _("Cannot open the store “%s”: %s; check the path and its permissions"),
               display, g_strerror (saved));
}

/* Creates the file before SQLite does, so that it is private to the user
 * from its first byte: the store holds sensitive personal data. A file
 * that is there already is never made: it is not ours to change. */
static gboolean
create_private_file (DhStore  *self,
                     GError  **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_OPEN,
                   _("Cannot create the folder “%s” for the store: %s; choose another place with --store"),
                   dir, g_strerror (saved));
      return FALSE;
    }

  fd = g_open (self->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_open_error (self, errno, error);
      return FALSE;
    }

  /* the umask may have taken more than 0600 asks for, never less */
  if (fchmod (fd, 0600) != 0)
    g_debug ("Could not restrict the store's permissions: %s", g_strerror (errno));
  close (fd);
  self->created = TRUE;

  return TRUE;
}

/* Looks at the file before SQLite does: SQLite would take an empty file
 * for a new database, and a text file for a damaged one. */
static gboolean
check_file (DhStore  *self,
            GError  **error)
{
  static const char magic[16] = "SQLite format 3";
  char header[sizeof magic];
  struct stat info;
  int fd;

  if (g_stat (self->path, &info) != 0)
    {
      int saved = errno;

      if (saved == ENOENT && (self->open_flags & DH_STORE_OPEN_CREATE) != 0 &&
          (self->open_flags & DH_STORE_OPEN_READ_ONLY) == 0)
        return create_private_file (self, error);

      set_open_error (self, saved, error);
      return FALSE;
    }

  if (!S_ISREG (info.st_mode))
    {
      set_not_a_store (self, error);
      return FALSE;
    }

  if (info.st_size == 0)
    {
      g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
      struct stat wal_info;

      /* a store whose first transaction is still only in its log, or
       * whose making the power cut short: making it may go on */
      if ((g_stat (wal, &wal_info) == 0 && wal_info.st_size > 0) ||
          (self->open_flags & DH_STORE_OPEN_CREATE) != 0)
        return TRUE;

      set_not_a_store (self, error);
      return FALSE;
    }

  /* SQLite would open it read-only without a word, and fail at the first write */
  if ((self->open_flags & DH_STORE_OPEN_READ_ONLY) == 0 && g_access (self->path, W_OK) != 0)
    {
      int saved = errno;
      g_autofree char *display = g_filename_display_name (self->path);

      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_OPEN,
                   _("The store “%s” cannot be written: %s; check the file's permissions, or only read it"),
                   display, g_strerror (saved));
      return FALSE;
    }

  fd = g_open (self->path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      set_open_error (self, errno, error);
      return FALSE;
    }
  if (read (fd, header, sizeof header) != (ssize_t) sizeof header || memcmp (header, magic, sizeof magic) != 0)
    {
      close (fd);
      set_not_a_store (self, error);
      return FALSE;
    }
  close (fd);

  return TRUE;
}

/* SQLite reads a store in WAL mode only where it can make the log's index
 * next to it. In a folder we cannot write, with no log there (nobody is
 * writing the store), the file is read as it is: immutable. */
static char *
read_only_uri (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *absolute = NULL;
  g_autofree char *escaped = NULL;

  if (g_access (dir, W_OK) == 0 || g_file_test (wal, G_FILE_TEST_EXISTS))
    return NULL;

  absolute = g_canonicalize_filename (path, NULL);
  escaped = g_uri_escape_string (absolute, G_URI_RESERVED_CHARS_ALLOWED_IN_PATH, FALSE);
  return g_strconcat ("file:", escaped, "?immutable=1", NULL);
}

static gboolean
query_int (DhStore     *self,
           const char  *sql,
           int         *out_value,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_finalize (stmt);
      dh_store_set_sqlite_error (self, error);
      return FALSE;
    }
  *out_value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  return TRUE;
}

/* A store carries our application id; one made by a version before the id
 * has user_version 1 or more and our tables, and is stamped when it can be
 * written; an empty database is made a store only by an opening that may
 * create one (the power may have cut the making of it short). */
static gboolean
check_identity (DhStore  *self,
                GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  int application_id, version, ours, tables;

  if (!query_int (self, "PRAGMA application_id", &application_id, &local_error) ||
      !query_int (self, "PRAGMA user_version", &version, &local_error) ||
      !query_int (self, "SELECT count(*) FROM sqlite_master", &tables, &local_error) ||
      !query_int (self, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                        "name IN ('meta', 'admin_unit', 'household', 'member', 'support')", &ours, &local_error))
    {
      if (g_error_matches (local_error, DH_STORE_ERROR, DH_STORE_ERROR_CORRUPT))
        g_prefix_error (&local_error, _("“%s” is not a Đồng Hành store or is damaged. "), self->path);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (application_id == DH_STORE_APPLICATION_ID)
    return TRUE;

  if (application_id == 0 && version == 0 && tables == 0 &&
      (self->created || (self->open_flags & DH_STORE_OPEN_CREATE) != 0))
    return TRUE;

  if (application_id == 0 && version >= 1 && ours == 5)
    {
      self->needs_stamp = TRUE;
      return TRUE;
    }

  set_not_a_store (self, error);
  return FALSE;
}

static int
read_user_version (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  return version;
}

int
dh_connection_get_schema_version (DhConnection *connection)
{
  return read_user_version (connection->db);
}

/* Each migration and the new user_version commit in one transaction, so an
 * interruption leaves the old schema or the new one, never a mix. */
static gboolean
migrate (DhStore  *self,
         GError  **error)
{
  int version = read_user_version (self->db);
  int newest = self->n_migrations > 0 ? self->migrations[self->n_migrations - 1].version : 0;

  if (version < 0)
    {
      dh_store_set_sqlite_error (self, error);
      return FALSE;
    }

  if (version > newest)
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_TOO_NEW,
                   _("The store was written by a newer Đồng Hành (schema %d, this one knows %d); install the newer version"),
                   version, newest);
      return FALSE;
    }

  if (self->open_flags & DH_STORE_OPEN_READ_ONLY)
    {
      if (version < newest)
        {
          g_autofree char *display = g_filename_display_name (self->path);

          g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_OPEN,
                       _("The store “%s” needs an upgrade, and cannot be written; make it writable, then open it once"),
                       display);
          return FALSE;
        }
      return TRUE;
    }

  if (self->needs_stamp && !dh_store_exec (self, "PRAGMA application_id = " G_STRINGIFY (DH_STORE_APPLICATION_ID), error))
    return FALSE;

  for (guint i = 0; i < self->n_migrations; i++)
    {
      g_autofree char *set_version = NULL;

      if (self->migrations[i].version <= version)
        continue;

      if (!dh_store_exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;

      /* the new store is marked as ours in the same transaction that makes it */
      set_version = g_strdup_printf ("PRAGMA user_version = %d; PRAGMA application_id = %d",
                                     self->migrations[i].version, DH_STORE_APPLICATION_ID);
      if (!dh_store_exec (self, self->migrations[i].sql, error) ||
          !dh_store_exec (self, set_version, error) ||
          !dh_store_exec (self, "COMMIT", error))
        {
          if (!sqlite3_get_autocommit (self->db) && sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
            g_warning ("Could not undo a failed migration: %s", sqlite3_errmsg (self->db));
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
load_clock (DhStore  *self,
            GError  **error)
{
  g_autofree char *device_id = NULL;
  g_autofree char *last = NULL;
  g_autofree char *signed_in = NULL;
  guint64 last_packed = 0;
  gboolean is_new;

  if (!dh_connection_read_meta (&self->writer_connection, "device_id", &device_id, error) ||
      !dh_connection_read_meta (&self->writer_connection, "clock_last", &last, error) ||
      !dh_connection_read_meta (&self->writer_connection, "signed_in_user", &signed_in, error))
    return FALSE;

  is_new = device_id == NULL;
  if (is_new)
    device_id = dh_hlc_new_device_id ();
  if (last != NULL)
    last_packed = g_ascii_strtoull (last, NULL, 16);

  /* a clock an older version adopted from an absurd stamp would drag every
   * later stamp after it; the wall clock takes over again */
  if ((gint64) (last_packed >> 16) > dh_store_get_wall_clock_ms (self) + DH_CHANGE_MAX_AHEAD_MS)
    {
      g_message ("The store's clock was far in the future; it follows the wall clock again");
      last_packed = 0;
    }

  if (signed_in != NULL)
    self->user = (char *) g_intern_string (signed_in);

  self->hlc = dh_hlc_new (device_id, last_packed);
  dh_hlc_set_wall_clock (self->hlc, hlc_wall_clock, self);

  return !is_new || (self->open_flags & DH_STORE_OPEN_READ_ONLY) != 0 ||
         dh_store_set_meta (self, "device_id", device_id, error);
}

/* The store's connection committed, and its log is N_PAGES long: folded
 * by the checkpointer once long enough, as SQLite would in the commit.
 * While a pull's pages land (commits that do not wait for the disk), the
 * log grows longer first: a fold then would take the processor and the
 * disk from the pull, page after page, and fold again the pages the next
 * commits write anew; the pull's end asks for it. A save, which waits for
 * the disk, asks as SQLite would. */
static int
log_committed (gpointer    data,
               sqlite3    *db,
               const char *name,
               int         n_pages)
{
  DhStore *self = data;

  if (n_pages >= (self->commits_unsynced ? self->log_pages_unsynced : DH_CHECKPOINT_PAGES))
    dh_checkpointer_request (self->checkpointer);

  return SQLITE_OK;
}

static gboolean
open_store (DhStore  *self,
            GError  **error)
{
  int rc;

  g_return_val_if_fail (self->path != NULL, FALSE);
  g_return_val_if_fail (self->db == NULL, FALSE);

  if (!check_file (self, error))
    return FALSE;

  if (self->open_flags & DH_STORE_OPEN_READ_ONLY)
    self->read_uri = read_only_uri (self->path);

  /* without a mutex of its own: the store uses it under its lock alone
   * (dh_store_lock()), and a call into SQLite then takes none */
  rc = sqlite3_open_v2 (self->read_uri != NULL ? self->read_uri : self->path, &self->db,
                        ((self->open_flags & DH_STORE_OPEN_READ_ONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
                        SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI,
                        NULL);
  self->writer_connection.db = self->db;
  if (rc != SQLITE_OK)
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_OPEN,
                   _("Cannot open the store “%s”: %s; check the path and its permissions"),
                   self->path, self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return FALSE;
    }

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, DH_STORE_BUSY_TIMEOUT_MS);

  if (!check_identity (self, error))
    return FALSE;

  if ((!(self->open_flags & DH_STORE_OPEN_READ_ONLY) && !dh_store_exec (self, "PRAGMA journal_mode = WAL", error)) ||
      !dh_store_exec (self, "PRAGMA synchronous = FULL", error) ||
      !dh_store_exec (self, "PRAGMA foreign_keys = ON", error) ||
      /* a batch of a few hundred households stays in memory until commit */
      !dh_store_exec (self, "PRAGMA cache_size = -16384", error) ||
      /* a write's savepoint journal stays in memory: Debian builds SQLite
       * to spill it to a temporary file, one per write */
      !dh_store_exec (self, "PRAGMA temp_store = MEMORY", error) ||
      !dh_store_exec (self, "PRAGMA trusted_schema = OFF", error) ||
      !migrate (self, error) ||
      !load_clock (self, error))
    {
      if (error != NULL && *error != NULL && g_error_matches (*error, DH_STORE_ERROR, DH_STORE_ERROR_CORRUPT))
        g_prefix_error (error, _("“%s” is not a Đồng Hành store or is damaged. "), self->path);
      return FALSE;
    }

  self->initialized = TRUE;

  if ((self->open_flags & DH_STORE_OPEN_READ_ONLY) == 0)
    {
      /* no commit folds the log itself (which replaces SQLite's own checkpoints) */
      self->log_pages_unsynced = DH_CHECKPOINT_PAGES_UNSYNCED;
      self->checkpointer = dh_checkpointer_new (self->path);
      if (self->checkpointer != NULL)
        sqlite3_wal_hook (self->db, log_committed, self);

      /* a store made before people had search entries of their own gets them */
      if (!dh_store_ensure_search (self, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
dh_store_initable_init (GInitable     *initable,
                        GCancellable  *cancellable,
                        GError       **error)
{
  DhStore *self = DH_STORE (initable);
  gboolean ok;

  /* nothing else has the store yet; its connection is used under the lock all the same */
  dh_store_lock (self);
  ok = open_store (self, error);
  dh_store_unlock (self);

  return ok;
}

static void
dh_store_initable_iface_init (GInitableIface *iface)
{
  iface->init = dh_store_initable_init;
}

DhStore *
dh_store_open_with_migrations (const char         *path,
                               const DhMigration  *migrations,
                               guint               n_migrations,
                               GError            **error)
{
  g_autoptr(DhStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (DH_TYPE_STORE, "path", path, NULL);
  self->open_flags = DH_STORE_OPEN_CREATE;
  self->migrations = migrations;
  self->n_migrations = n_migrations;
  if (!g_initable_init (G_INITABLE (self), NULL, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * dh_store_open:
 * @path: the store's file, created when missing
 *
 * Opens the store, creating it or upgrading its schema as needed: the same
 * as dh_store_open_full() with %DH_STORE_OPEN_CREATE.
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set
 */
DhStore *
dh_store_open (const char  *path,
               GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return dh_store_open_full (path, DH_STORE_OPEN_CREATE, error);
}

/**
 * dh_store_open_full:
 * @path: the store's file
 * @flags: whether to create a missing store, and whether to only read
 *
 * Opens the store. A file that is there but is not a Đồng Hành store (an
 * empty file, a text, another program's database) is refused with
 * %DH_STORE_ERROR_CORRUPT and left as it was; only a file this call
 * creates is made private (0600). A store opened with
 * %DH_STORE_OPEN_READ_ONLY reads: every write fails with
 * %DH_STORE_ERROR_OPEN, and a store that needs an upgrade is refused.
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set
 */
DhStore *
dh_store_open_full (const char        *path,
                    DhStoreOpenFlags   flags,
                    GError           **error)
{
  g_autoptr(DhStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (DH_TYPE_STORE, "path", path, NULL);
  self->open_flags = flags;
  if (!g_initable_init (G_INITABLE (self), NULL, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * dh_store_is_read_only:
 *
 * Returns: whether the store was opened only to read
 */
gboolean
dh_store_is_read_only (DhStore *self)
{
  g_return_val_if_fail (DH_IS_STORE (self), FALSE);

  return (self->open_flags & DH_STORE_OPEN_READ_ONLY) != 0;
}

/* Gives the space of deleted rows and acknowledged changes back to the
 * disk, and folds the write-ahead log into the file. */
gboolean
dh_store_vacuum (DhStore  *self,
                 GError  **error)
{
  gboolean ok;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);

  /* VACUUM copies the whole store through temporary storage: on disk, not
   * in memory, where the writes' small savepoint journals live */
  dh_store_lock (self);
  ok = dh_store_exec (self, "PRAGMA temp_store = FILE", error) &&
       dh_store_exec (self, "VACUUM", error) &&
       /* VACUUM may renumber the rowids the search index names */
       dh_store_rebuild_search (self, error);
  /* the checkpointer may be folding what VACUUM wrote: the log is cut
   * short after it, or not at all */
  if (ok)
    dh_store_wait_checkpoints (self);
  ok = ok && dh_store_exec (self, "PRAGMA wal_checkpoint(TRUNCATE)", error);
  ok = dh_store_exec (self, "PRAGMA temp_store = MEMORY", ok ? error : NULL) && ok;
  dh_store_unlock (self);

  return ok;
}

/* How long the log grows before it is folded while commits do not wait
 * for the disk (DH_CHECKPOINT_PAGES_UNSYNCED): for the tests. */
void
dh_store_set_log_pages_unsynced (DhStore *self,
                                 int      n_pages)
{
  g_return_if_fail (DH_IS_STORE (self));

  self->log_pages_unsynced = n_pages;
}

/* Waits until the store's log is not being folded; says how many
 * checkpoints folded it whole since the store opened. */
guint
dh_store_wait_checkpoints (DhStore *self)
{
  g_return_val_if_fail (DH_IS_STORE (self), 0);

  return self->checkpointer != NULL ? dh_checkpointer_wait (self->checkpointer) : 0;
}

const char *
dh_store_get_path (DhStore *self)
{
  g_return_val_if_fail (DH_IS_STORE (self), NULL);

  return self->path;
}

const char *
dh_store_get_device_id (DhStore *self)
{
  g_return_val_if_fail (DH_IS_STORE (self), NULL);

  return dh_hlc_get_device_id (self->hlc);
}

int
dh_store_get_schema_version (DhStore *self)
{
  g_autoptr(DhConnection) reader = NULL;

  g_return_val_if_fail (DH_IS_STORE (self), -1);

  reader = dh_store_acquire_reader (self, NULL, NULL);
  return reader != NULL ? dh_connection_get_schema_version (reader) : -1;
}

const char *
dh_store_get_user (DhStore *self)
{
  g_return_val_if_fail (DH_IS_STORE (self), NULL);

  return g_atomic_pointer_get (&self->user);
}

void
dh_store_set_user (DhStore    *self,
                   const char *username)
{
  const char *interned;

  g_return_if_fail (DH_IS_STORE (self));

  /* interned: a write on another thread may be reading the old name */
  interned = g_intern_string (username);
  if (g_atomic_pointer_get (&self->user) == interned)
    return;

  g_atomic_pointer_set (&self->user, (char *) interned);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
}

/* Transactions */

/* The clock's last value is kept with the data it stamped, so that a
 * restarted program never issues a timestamp it has issued before. */
static gboolean
persist_clock (DhStore  *self,
               GError  **error)
{
  g_autofree char *last = g_strdup_printf ("%016" G_GINT64_MODIFIER "x", dh_hlc_get_last (self->hlc));

  return set_meta_unlocked (self, "clock_last", last, error);
}

static gboolean
in_transaction (DhStore *self)
{
  return self->batch_depth > 0 || self->write_depth > 0;
}

/* Which thread reads through the writer's connection; the others read on
 * their own and never wait for the write. */
static void
update_writer_thread (DhStore *self)
{
  g_atomic_pointer_set (&self->writer_thread, in_transaction (self) ? g_thread_self () : NULL);
}

static void
rollback (DhStore    *self,
          const char *sql)
{
  /* SQLite has rolled back by itself after some failures */
  if (sqlite3_get_autocommit (self->db))
    return;

  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    g_warning ("Could not undo a failed write (%s): %s", sql, sqlite3_errmsg (self->db));
}

/* Commits or rolls back the outermost transaction, then says what changed. */
static gboolean
finish_transaction (DhStore   *self,
                    gboolean   success,
                    GError   **error)
{
  /* a household's search entry is written once, however many of its
   * records the transaction touched */
  gboolean ok = success && dh_store_flush_search (self, error) &&
                persist_clock (self, error) && dh_store_exec (self, "COMMIT", error);

  /* what the transaction made is no longer new to the next one */
  g_hash_table_remove_all (self->search_absent);
  self->search_emptied = FALSE;
  if (!ok)
    {
      rollback (self, "ROLLBACK");
      g_hash_table_remove_all (self->changed_entities);
      g_hash_table_remove_all (self->search_pending);
      self->held_possible = TRUE;
      return FALSE;
    }

  /* a commit that waited for the disk made the whole log durable */
  self->log_unsynced = self->commits_unsynced;
  announce_changes (self);

  return TRUE;
}

/* Whether the next commits wait until the disk holds them
 * (synchronous=FULL, the store's own) or not (NORMAL: a power cut may lose
 * the last of them, never anything before, and the file stays whole).
 * SQLite takes the level only outside a transaction. */
static gboolean
set_commits_synced (DhStore   *self,
                    gboolean   synced,
                    GError   **error)
{
  if (self->commits_unsynced != synced)
    return TRUE;
  if (!dh_store_exec (self, synced ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL", error))
    return FALSE;
  self->commits_unsynced = !synced;
  return TRUE;
}

static gboolean
write_begin (DhStore   *self,
             gboolean   synced,
             GError   **error)
{
  if (in_transaction (self))
    {
      if (!dh_store_exec (self, "SAVEPOINT dh_write", error))
        return FALSE;
    }
  else if (!set_commits_synced (self, synced, error))
    return FALSE;
  else if (!dh_store_exec (self, "BEGIN IMMEDIATE", error))
    {
      /* a statement run on its own commits too */
      set_commits_synced (self, TRUE, NULL);
      return FALSE;
    }

  self->write_depth++;
  update_writer_thread (self);
  return TRUE;
}

/* A write is a transaction of its own, taken with BEGIN IMMEDIATE so that
 * it never has to upgrade a read lock (and fail with SQLITE_BUSY) halfway
 * through, or a savepoint inside the caller's batch or write. On failure
 * nothing was begun and write_end must not be called. */
gboolean
dh_store_write_begin (DhStore  *self,
                      GError  **error)
{
  return write_begin (self, TRUE, error);
}

/* dh_store_write_begin() of a write that a power cut may lose without
 * harm, for it comes again: a pulled page, which the server sends again
 * from the cursor kept in the same transaction. Its commit does not wait
 * for the disk, and the next synced commit makes it durable with its own.
 * Inside a batch or another write it is a savepoint, and the outer
 * transaction's commit waits as always. */
gboolean
dh_store_write_begin_unsynced (DhStore  *self,
                               GError  **error)
{
  return write_begin (self, FALSE, error);
}

gboolean
dh_store_write_end (DhStore  *self,
                    gboolean  success,
                    GError  **error)
{
  gboolean ok;

  g_return_val_if_fail (self->write_depth > 0, FALSE);

  self->write_depth--;

  if (in_transaction (self))
    {
      if (!success)
        {
          rollback (self, "ROLLBACK TO dh_write");
          rollback (self, "RELEASE dh_write");
          return FALSE;
        }
      return dh_store_exec (self, "RELEASE dh_write", error);
    }

  ok = finish_transaction (self, success, error);
  update_writer_thread (self);
  /* at once: a statement run on its own commits too; should it fail, the
   * next write sets it again before it begins */
  if (!set_commits_synced (self, TRUE, NULL))
    g_warning ("The store could not wait for the disk again after a pulled page: %s", sqlite3_errmsg (self->db));

  return ok;
}

gboolean
dh_store_begin (DhStore  *self,
                GError  **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), FALSE);

  dh_store_lock (self);
  if (self->batch_depth == 0 &&
      (!set_commits_synced (self, TRUE, error) || !dh_store_exec (self, "BEGIN IMMEDIATE", error)))
    {
      dh_store_unlock (self);
      return FALSE;
    }
  self->batch_depth++;
  update_writer_thread (self);

  /* the lock stays held until commit or rollback */
  return TRUE;
}

gboolean
dh_store_commit (DhStore  *self,
                 GError  **error)
{
  gboolean ok = TRUE;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->batch_depth > 0, FALSE);

  if (--self->batch_depth == 0)
    ok = finish_transaction (self, TRUE, error);
  update_writer_thread (self);
  dh_store_unlock (self);

  return ok;
}

void
dh_store_rollback (DhStore *self)
{
  g_return_if_fail (DH_IS_STORE (self));
  g_return_if_fail (self->batch_depth > 0);

  if (--self->batch_depth == 0)
    finish_transaction (self, FALSE, NULL);
  update_writer_thread (self);
  dh_store_unlock (self);
}
