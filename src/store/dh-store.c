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

#include "dh-classify.h"
#include "dh-date.h"
#include "dh-error.h"
#include "dh-store-private.h"
#include "dh-text.h"

G_DEFINE_FINAL_TYPE (DhStore, dh_store, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (dh-store-error-quark, dh_store_error)

static void
dh_store_finalize (GObject *object)
{
  DhStore *self = (DhStore *) object;

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_clear_pointer (&self->hlc, dh_hlc_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->user, g_free);
  g_clear_pointer (&self->changed_entities, g_hash_table_unref);
  g_rec_mutex_clear (&self->lock);

  G_OBJECT_CLASS (dh_store_parent_class)->finalize (object);
}

static void
dh_store_class_init (DhStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dh_store_finalize;

  /**
   * DhStore::changed:
   * @entity: the entity whose records changed ("household", "admin_unit", ...)
   *
   * Emitted once per entity after a transaction that changed records of it
   * commits, in the thread that committed; the detail is the entity, so a
   * list of households connects to "changed::household" and reloads. Within
   * a batch, a write that failed and was undone may still count: a view
   * then reloads once for nothing, which is harmless.
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
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) sqlite3_finalize);
  self->user = g_strdup (g_get_user_name ());
  self->changed_entities = g_hash_table_new (g_str_hash, g_str_equal);
  dh_validator_init (&self->validator);
}

/* Remembers that the transaction in progress changes records of an entity. */
void
dh_store_note_change (DhStore        *self,
                      const DhEntity *entity)
{
  g_hash_table_add (self->changed_entities, (gpointer) entity->name);
}

static GPtrArray *
take_changed_entities (DhStore *self)
{
  GPtrArray *names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer name;

  g_hash_table_iter_init (&iter, self->changed_entities);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    g_ptr_array_add (names, name);
  g_hash_table_remove_all (self->changed_entities);

  return names;
}

static void
emit_changed (DhStore   *self,
              GPtrArray *names)
{
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);

      g_signal_emit (self, signals[CHANGED], g_quark_from_static_string (name), name);
    }
}

char *
dh_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "donghanh", "donghanh.db", NULL);
}

void
dh_store_set_sqlite_error (DhStore  *self,
                           GError  **error)
{
  int code = sqlite3_extended_errcode (self->db);
  int primary = code & 0xff;
  DhStoreError store_code = DH_STORE_ERROR_FAILED;
  const char *hint;

  switch (primary)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      store_code = DH_STORE_ERROR_BUSY;
      hint = _("another program is writing to the store; close it and try again");
      break;

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

    case SQLITE_CONSTRAINT:
      store_code = DH_STORE_ERROR_REFERENCE;
      hint = _("a record it refers to is missing; check the ids you gave");
      break;

    default:
      hint = _("try again; if it keeps failing, report it with this message");
      break;
    }

  g_set_error (error, DH_STORE_ERROR, store_code, _("The store could not be written or read (%s): %s"),
               sqlite3_errmsg (self->db), hint);
}

sqlite3_stmt *
dh_store_prepare (DhStore     *self,
                  const char  *sql,
                  GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      dh_store_set_sqlite_error (self, error);
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

gboolean
dh_store_exec (DhStore     *self,
               const char  *sql,
               GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      dh_store_set_sqlite_error (self, error);
      return FALSE;
    }

  return TRUE;
}

gboolean
dh_store_step_done (DhStore       *self,
                    sqlite3_stmt  *stmt,
                    GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      dh_store_set_sqlite_error (self, error);
      return FALSE;
    }

  return TRUE;
}

/* Whether SQL finds a row, with up to three text parameters ?1 ?2 ?3. */
gboolean
dh_store_exists (DhStore    *self,
                 const char *sql,
                 const char *a,
                 const char *b,
                 const char *c)
{
  sqlite3_stmt *stmt = dh_store_prepare (self, sql, NULL);
  const char *values[] = { a, b, c };
  gboolean found;

  if (stmt == NULL)
    return FALSE;

  for (int i = 0; i < (int) G_N_ELEMENTS (values) && i < sqlite3_bind_parameter_count (stmt); i++)
    sqlite3_bind_text (stmt, i + 1, values[i], -1, SQLITE_TRANSIENT);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);

  return found;
}

char *
dh_store_now_iso (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

char *
dh_store_get_meta (DhStore    *self,
                   const char *key)
{
  sqlite3_stmt *stmt;
  char *value = NULL;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = dh_store_prepare (self, "SELECT value FROM meta WHERE key = ?", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
    }
  g_rec_mutex_unlock (&self->lock);

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

  g_rec_mutex_lock (&self->lock);
  ok = dh_store_write_begin (self, error) &&
       dh_store_write_end (self, set_meta_unlocked (self, key, value, error), error);
  g_rec_mutex_unlock (&self->lock);

  return ok;
}

/* Creates the file before SQLite does, so that it is private to the user
 * from its first byte: the store holds sensitive personal data. */
static gboolean
create_private_file (const char  *path,
                     GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_OPEN,
                   _("Cannot create the folder “%s” for the store: %s; choose another place with --store"),
                   dir, g_strerror (saved));
      return FALSE;
    }

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_OPEN,
                   _("Cannot open the store “%s”: %s; check the path and its permissions"),
                   path, g_strerror (saved));
      return FALSE;
    }

  if (fchmod (fd, 0600) != 0)
    g_debug ("Could not restrict the store's permissions: %s", g_strerror (errno));
  close (fd);

  return TRUE;
}

static int
read_user_version (DhStore *self)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  return version;
}

/* Each migration and the new user_version commit in one transaction, so an
 * interruption leaves the old schema or the new one, never a mix. */
static gboolean
migrate (DhStore            *self,
         const DhMigration  *migrations,
         guint               n_migrations,
         GError            **error)
{
  int version = read_user_version (self);
  int newest = n_migrations > 0 ? migrations[n_migrations - 1].version : 0;

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

  for (guint i = 0; i < n_migrations; i++)
    {
      g_autofree char *set_version = NULL;

      if (migrations[i].version <= version)
        continue;

      if (!dh_store_exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;

      set_version = g_strdup_printf ("PRAGMA user_version = %d", migrations[i].version);
      if (!dh_store_exec (self, migrations[i].sql, error) ||
          !dh_store_exec (self, set_version, error) ||
          !dh_store_exec (self, "COMMIT", error))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
load_clock (DhStore  *self,
            GError  **error)
{
  g_autofree char *device_id = dh_store_get_meta (self, "device_id");
  g_autofree char *last = dh_store_get_meta (self, "clock_last");
  guint64 last_packed = 0;

  gboolean is_new = device_id == NULL;

  if (is_new)
    device_id = dh_hlc_new_device_id ();
  if (last != NULL)
    last_packed = g_ascii_strtoull (last, NULL, 16);

  self->hlc = dh_hlc_new (device_id, last_packed);

  return !is_new || dh_store_set_meta (self, "device_id", device_id, error);
}

DhStore *
dh_store_open_with_migrations (const char         *path,
                               const DhMigration  *migrations,
                               guint               n_migrations,
                               GError            **error)
{
  g_autoptr(DhStore) self = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  if (!create_private_file (path, error))
    return NULL;

  self = g_object_new (DH_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_OPEN,
                   _("Cannot open the store “%s”: %s; check the path and its permissions"),
                   path, self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 10000);

  if (!dh_store_exec (self, "PRAGMA journal_mode = WAL", error) ||
      !dh_store_exec (self, "PRAGMA synchronous = FULL", error) ||
      !dh_store_exec (self, "PRAGMA foreign_keys = ON", error) ||
      /* a batch of a few hundred households stays in memory until commit */
      !dh_store_exec (self, "PRAGMA cache_size = -16384", error) ||
      !dh_store_exec (self, "PRAGMA trusted_schema = OFF", error) ||
      !migrate (self, migrations, n_migrations, error) ||
      !load_clock (self, error))
    {
      if (error != NULL && *error != NULL && g_error_matches (*error, DH_STORE_ERROR, DH_STORE_ERROR_CORRUPT))
        g_prefix_error (error, _("“%s” is not a Đồng Hành store or is damaged. "), path);
      return NULL;
    }

  return g_steal_pointer (&self);
}

DhStore *
dh_store_open (const char  *path,
               GError     **error)
{
  return dh_store_open_with_migrations (path, dh_store_migrations, dh_store_n_migrations, error);
}

/* Gives the space of deleted rows and acknowledged changes back to the
 * disk, and folds the write-ahead log into the file. */
gboolean
dh_store_vacuum (DhStore  *self,
                 GError  **error)
{
  gboolean ok;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);

  g_rec_mutex_lock (&self->lock);
  ok = dh_store_exec (self, "VACUUM", error) &&
       dh_store_exec (self, "PRAGMA wal_checkpoint(TRUNCATE)", error);
  g_rec_mutex_unlock (&self->lock);

  return ok;
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
  g_return_val_if_fail (DH_IS_STORE (self), -1);

  return read_user_version (self);
}

const char *
dh_store_get_user (DhStore *self)
{
  g_return_val_if_fail (DH_IS_STORE (self), NULL);

  return self->user;
}

void
dh_store_set_user (DhStore    *self,
                   const char *username)
{
  g_return_if_fail (DH_IS_STORE (self));

  g_free (self->user);
  self->user = g_strdup (username);
}

void
dh_store_set_today (DhStore     *self,
                    const GDate *today)
{
  g_return_if_fail (DH_IS_STORE (self));

  if (today != NULL)
    self->validator.today = *today;
  else
    dh_date_today (&self->validator.today);
}

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

/* Commits or rolls back the outermost transaction, then says what changed. */
static gboolean
finish_transaction (DhStore   *self,
                    gboolean   success,
                    GError   **error)
{
  g_autoptr(GPtrArray) changed = NULL;

  if (!success || !persist_clock (self, error) || !dh_store_exec (self, "COMMIT", error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      g_hash_table_remove_all (self->changed_entities);
      return FALSE;
    }

  changed = take_changed_entities (self);
  emit_changed (self, changed);

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
  if (!dh_store_exec (self, in_transaction (self) ? "SAVEPOINT dh_write" : "BEGIN IMMEDIATE", error))
    return FALSE;

  self->write_depth++;
  return TRUE;
}

gboolean
dh_store_write_end (DhStore  *self,
                    gboolean  success,
                    GError  **error)
{
  g_return_val_if_fail (self->write_depth > 0, FALSE);

  self->write_depth--;

  if (in_transaction (self))
    {
      if (!success)
        {
          sqlite3_exec (self->db, "ROLLBACK TO dh_write", NULL, NULL, NULL);
          sqlite3_exec (self->db, "RELEASE dh_write", NULL, NULL, NULL);
          return FALSE;
        }
      return dh_store_exec (self, "RELEASE dh_write", error);
    }

  return finish_transaction (self, success, error);
}

gboolean
dh_store_begin (DhStore  *self,
                GError  **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), FALSE);

  g_rec_mutex_lock (&self->lock);
  if (self->batch_depth == 0 && !dh_store_exec (self, "BEGIN IMMEDIATE", error))
    {
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }
  self->batch_depth++;

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
  g_rec_mutex_unlock (&self->lock);

  return ok;
}

void
dh_store_rollback (DhStore *self)
{
  g_return_if_fail (DH_IS_STORE (self));
  g_return_if_fail (self->batch_depth > 0);

  if (--self->batch_depth == 0)
    finish_transaction (self, FALSE, NULL);
  g_rec_mutex_unlock (&self->lock);
}

/* Reading and writing rows */

const char *
dh_store_select_columns (const DhEntity *entity)
{
  static GHashTable *cache;
  static GMutex mutex;
  const char *columns;

  g_mutex_lock (&mutex);
  if (cache == NULL)
    cache = g_hash_table_new (g_str_hash, g_str_equal);

  columns = g_hash_table_lookup (cache, entity->name);
  if (columns == NULL)
    {
      GString *sql = g_string_new ("id, created_at, created_by, updated_at, updated_by, deleted, sync_state, clock, clocks");

      for (guint i = 0; i < entity->n_fields; i++)
        g_string_append_printf (sql, ", \"%s\"", entity->fields[i].name);
      columns = g_string_free (sql, FALSE);
      g_hash_table_insert (cache, (gpointer) entity->name, (gpointer) columns);
    }
  g_mutex_unlock (&mutex);

  return columns;
}

json_object *
dh_store_column_to_json (const DhField *field,
                         sqlite3_stmt  *stmt,
                         int            column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;

  switch (field->type)
    {
    case DH_FIELD_INT:
    case DH_FIELD_YEAR:
    case DH_FIELD_MONEY:
      return json_object_new_int64 (sqlite3_column_int64 (stmt, column));

    case DH_FIELD_BOOL:
      return json_object_new_boolean (sqlite3_column_int (stmt, column) != 0);

    case DH_FIELD_CODE_SET:
      return json_tokener_parse ((const char *) sqlite3_column_text (stmt, column));

    case DH_FIELD_TEXT:
    case DH_FIELD_NAME:
    case DH_FIELD_DATE:
    case DH_FIELD_BIRTH_DATE:
    case DH_FIELD_ENUM:
    case DH_FIELD_CODE:
    case DH_FIELD_REF:
    case DH_FIELD_PHONE:
    case DH_FIELD_CITIZEN_ID:
    default:
      return json_object_new_string ((const char *) sqlite3_column_text (stmt, column));
    }
}

static const char *
sync_state_name (int state)
{
  switch (state)
    {
    case DH_SYNC_SYNCED:   return "synced";
    case DH_SYNC_CREATED:  return "created";
    case DH_SYNC_MODIFIED: return "modified";
    case DH_SYNC_DELETED:  return "deleted";
    default:               return "unknown";
    }
}

static void
add_text_column (json_object  *record,
                 const char   *key,
                 sqlite3_stmt *stmt,
                 int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  if (text != NULL)
    json_object_object_add (record, key, json_object_new_string (text));
}

json_object *
dh_store_row_to_json (const DhEntity *entity,
                      sqlite3_stmt   *stmt)
{
  json_object *record = json_object_new_object ();

  add_text_column (record, DH_RECORD_ID, stmt, 0);
  for (guint i = 0; i < entity->n_fields; i++)
    {
      json_object *value = dh_store_column_to_json (&entity->fields[i], stmt, DH_RECORD_N_META + (int) i);

      if (value != NULL)
        json_object_object_add (record, entity->fields[i].name, value);
    }
  add_text_column (record, DH_RECORD_CREATED_AT, stmt, 1);
  add_text_column (record, DH_RECORD_CREATED_BY, stmt, 2);
  add_text_column (record, DH_RECORD_UPDATED_AT, stmt, 3);
  add_text_column (record, DH_RECORD_UPDATED_BY, stmt, 4);
  if (sqlite3_column_int (stmt, 5) != 0)
    json_object_object_add (record, DH_RECORD_DELETED, json_object_new_boolean (TRUE));
  json_object_object_add (record, DH_RECORD_SYNC_STATE,
                          json_object_new_string (sync_state_name (sqlite3_column_int (stmt, 6))));

  return record;
}

void
dh_store_bind_json (sqlite3_stmt *stmt,
                    int           index,
                    json_object  *value)
{
  switch (json_object_get_type (value))
    {
    case json_type_null:
      sqlite3_bind_null (stmt, index);
      break;

    case json_type_boolean:
      sqlite3_bind_int (stmt, index, json_object_get_boolean (value) ? 1 : 0);
      break;

    case json_type_int:
      sqlite3_bind_int64 (stmt, index, json_object_get_int64 (value));
      break;

    case json_type_double:
      sqlite3_bind_double (stmt, index, json_object_get_double (value));
      break;

    case json_type_string:
      sqlite3_bind_text (stmt, index, json_object_get_string (value),
                         json_object_get_string_len (value), SQLITE_TRANSIENT);
      break;

    case json_type_array:
    case json_type_object:
    default:
      sqlite3_bind_text (stmt, index,
                         json_object_to_json_string_ext (value, JSON_C_TO_STRING_PLAIN),
                         -1, SQLITE_TRANSIENT);
      break;
    }
}

/* The clock of a record's creation and the clocks of the fields changed
 * since (field -> timestamp); a field absent from them has the first. */
json_object *
dh_store_get_clocks (DhStore         *self,
                     const DhEntity  *entity,
                     const char      *id,
                     char           **out_created_clock)
{
  g_autofree char *sql = g_strdup_printf ("SELECT clock, clocks FROM \"%s\" WHERE id = ?", entity->name);
  sqlite3_stmt *stmt = dh_store_prepare (self, sql, NULL);
  json_object *clocks = NULL;

  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          if (out_created_clock != NULL)
            *out_created_clock = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          if (sqlite3_column_text (stmt, 1) != NULL)
            clocks = json_tokener_parse ((const char *) sqlite3_column_text (stmt, 1));
        }
      sqlite3_reset (stmt);
    }

  return clocks != NULL ? clocks : json_object_new_object ();
}

/* UPDATE entity SET <assignments>, <each field of fields> WHERE id: the
 * assignments' "?" take values in order, then come the fields' values.
 * "deleted" counts as a field here: it travels like one. */
gboolean
dh_store_update_columns (DhStore             *self,
                         const DhEntity      *entity,
                         const char          *id,
                         const char          *assignments,
                         const char * const  *values,
                         json_object         *fields,
                         GError             **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  int index = 1;
  gboolean ok;

  g_string_printf (sql, "UPDATE \"%s\" SET %s", entity->name, assignments);
  {
    json_object_object_foreach (fields, key, value)
      {
        (void) value;
        if (dh_entity_get_field (entity, key) != NULL || g_str_equal (key, DH_RECORD_DELETED))
          g_string_append_printf (sql, ", \"%s\" = ?", key);
      }
  }
  g_string_append (sql, " WHERE id = ?");

  if (sqlite3_prepare_v2 (self->db, sql->str, -1, &stmt, NULL) != SQLITE_OK)
    {
      dh_store_set_sqlite_error (self, error);
      return FALSE;
    }

  for (guint i = 0; values[i] != NULL; i++)
    sqlite3_bind_text (stmt, index++, values[i], -1, SQLITE_TRANSIENT);
  {
    json_object_object_foreach (fields, key, value)
      {
        if (dh_entity_get_field (entity, key) != NULL || g_str_equal (key, DH_RECORD_DELETED))
          dh_store_bind_json (stmt, index++, value);
      }
  }
  sqlite3_bind_text (stmt, index, id, -1, SQLITE_TRANSIENT);

  ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    dh_store_set_sqlite_error (self, error);
  sqlite3_finalize (stmt);

  return ok;
}

json_object *
dh_store_get_row (DhStore         *self,
                  const DhEntity  *entity,
                  const char      *id,
                  gboolean         include_deleted,
                  GError         **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM \"%s\" WHERE id = ?",
                                          dh_store_select_columns (entity), entity->name);
  sqlite3_stmt *stmt = dh_store_prepare (self, sql, error);
  json_object *record = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && (include_deleted || sqlite3_column_int (stmt, 5) == 0))
    record = dh_store_row_to_json (entity, stmt);
  else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    dh_store_set_sqlite_error (self, error);
  else
    g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_NOT_FOUND,
                 /* Translators: "There is no household with id “…”; list them with: donghanh-cli list household" */
                 _("There is no %s with id “%s”; list them with: donghanh-cli list %s"),
                 dh_entity_get_label (entity), id, entity->name);
  sqlite3_reset (stmt);

  return record;
}
