/* dh-store-sync.c – the queue of changes made here and the merge of changes made elsewhere */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-change.h"
#include "dh-error.h"
#include "dh-merge.h"
#include "dh-store-private.h"

/* A record's state for the merge */

json_object *
dh_store_load_state (DhStore         *self,
                     const DhEntity  *entity,
                     const char      *id,
                     GError         **error)
{
  gboolean found = FALSE;
  json_object *state = dh_store_load_state_if_any (self, entity, id, &found, error);

  if (state == NULL && found == FALSE && (error == NULL || *error == NULL))
    g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_NOT_FOUND,
                 _("There is no %s with id “%s”"), dh_entity_get_label (entity), id);

  return state;
}

/* Each field's write: the one in "clocks", or else the record's making.
 * NULL with *out_found FALSE and no error when there is no such record. */
json_object *
dh_store_load_state_if_any (DhStore         *self,
                            const DhEntity  *entity,
                            const char      *id,
                            gboolean        *out_found,
                            GError         **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM \"%s\" WHERE id = ?",
                                          dh_store_select_columns (entity), entity->name);
  sqlite3_stmt *stmt = dh_store_prepare (self, sql, error);
  g_autoptr(json_object) state = NULL;
  g_autoptr(json_object) clocks = NULL;
  const char *made, *maker;
  int rc;

  if (stmt == NULL)
    return NULL;

  *out_found = FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        dh_store_set_sqlite_error (self, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  *out_found = TRUE;

  state = json_object_new_object ();
  made = (const char *) sqlite3_column_text (stmt, 7);
  maker = (const char *) sqlite3_column_text (stmt, 2);
  if (sqlite3_column_text (stmt, 8) != NULL)
    clocks = json_tokener_parse ((const char *) sqlite3_column_text (stmt, 8));

  for (guint i = 0; i <= entity->n_fields; i++)
    {
      const char *name = i < entity->n_fields ? entity->fields[i].name : DH_RECORD_DELETED;
      g_autoptr(json_object) value = NULL;
      json_object *written = NULL;
      DhWrite write = { 0 };

      if (i < entity->n_fields)
        value = dh_store_column_to_json (&entity->fields[i], stmt, DH_RECORD_N_META + (int) i);
      else if (sqlite3_column_int (stmt, 5) != 0)
        value = json_object_new_boolean (TRUE);
      else
        value = NULL;

      if (clocks != NULL && json_object_object_get_ex (clocks, name, &written) &&
          json_object_is_type (written, json_type_array) && json_object_array_length (written) == 3)
        {
          write.base = json_object_get_string (json_object_array_get_idx (written, 0));
          write.clock = json_object_get_string (json_object_array_get_idx (written, 1));
          write.author = json_object_get_string (json_object_array_get_idx (written, 2));
        }
      else if (value != NULL)
        {
          write.base = "";
          write.clock = made;
          write.author = maker;
        }
      else
        continue;

      if (i == entity->n_fields && value == NULL)
        value = json_object_new_boolean (FALSE);
      write.value = value;
      json_object_object_add (state, name, dh_write_to_json (&write));
    }
  sqlite3_reset (stmt);

  return g_steal_pointer (&state);
}

/* The earliest write is the record's making; "clocks" keeps every other. */
static void
describe_state (json_object  *state,
                const char  **out_made,
                const char  **out_maker,
                const char  **out_latest,
                const char  **out_latest_author)
{
  const char *made = NULL, *maker = NULL, *latest = "", *latest_author = NULL;

  json_object_object_foreach (state, key, json)
    {
      DhWrite write;

      (void) key;
      if (!dh_write_from_json (json, &write))
        continue;
      if (made == NULL || strcmp (write.clock, made) < 0)
        {
          made = write.clock;
          maker = write.author;
        }
      if (strcmp (write.clock, latest) > 0)
        {
          latest = write.clock;
          latest_author = write.author;
        }
    }

  *out_made = made;
  *out_maker = maker;
  *out_latest = latest;
  *out_latest_author = latest_author;
}

static char *
clocks_of_state (json_object *state,
                 const char  *made,
                 const char  *maker)
{
  g_autoptr(json_object) clocks = json_object_new_object ();

  json_object_object_foreach (state, key, json)
    {
      DhWrite write;
      json_object *entry;

      if (!dh_write_from_json (json, &write))
        continue;
      if (write.base[0] == '\0' && g_strcmp0 (write.clock, made) == 0 && g_strcmp0 (write.author, maker) == 0)
        continue;

      entry = json_object_new_array_ext (3);
      json_object_array_add (entry, json_object_new_string (write.base));
      json_object_array_add (entry, json_object_new_string (write.clock));
      json_object_array_add (entry, write.author != NULL ? json_object_new_string (write.author) : NULL);
      json_object_object_add (clocks, key, entry);
    }

  if (json_object_object_length (clocks) == 0)
    return NULL;

  return g_strdup (json_object_to_json_string_ext (clocks, JSON_C_TO_STRING_PLAIN));
}

static char *
iso_of_clock (const char *clock)
{
  gint64 ms = MAX (dh_hlc_get_wall_ms (clock), 0);
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (ms / 1000);

  /* a clock beyond what GDateTime holds was refused on arrival */
  if (time == NULL)
    return g_strdup ("9999-12-31T23:59:59Z");

  return g_date_time_format_iso8601 (time);
}

static json_object *
values_of_state (json_object *state,
                 GPtrArray   *only)
{
  json_object *values = json_object_new_object ();

  json_object_object_foreach (state, key, json)
    {
      DhWrite write;

      if (only != NULL && !g_ptr_array_find_with_equal_func (only, key, g_str_equal, NULL))
        continue;
      if (dh_write_from_json (json, &write))
        json_object_object_add (values, key, write.value != NULL ? json_object_get (write.value) : NULL);
    }

  /* a field the merge took back to never-written is cleared */
  if (only != NULL)
    {
      for (guint i = 0; i < only->len; i++)
        {
          const char *name = g_ptr_array_index (only, i);

          if (!json_object_object_get_ex (values, name, NULL))
            json_object_object_add (values, name, g_str_equal (name, DH_RECORD_DELETED) ? json_object_new_boolean (FALSE) : NULL);
        }
    }

  return values;
}

static gboolean
has_queued_change (DhStore    *self,
                   const char *record_id)
{
  return dh_store_exists (self, "SELECT 1 FROM change_queue WHERE record_id = ?1", record_id, NULL, NULL);
}

static gboolean
read_making (DhStore         *self,
             const DhEntity  *entity,
             const char      *id,
             char           **out_made,
             char           **out_maker,
             GError         **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT clock, created_by FROM \"%s\" WHERE id = ?", entity->name);
  sqlite3_stmt *stmt = dh_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_made = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      *out_maker = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  else
    dh_store_set_sqlite_error (self, error);
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW;
}

/**
 * dh_store_save_state:
 * @taken: the fields whose write changed
 * @exists: whether the row is there; a record not seen before is inserted whole
 * @sync_state: the row's sync state, or -1 for synced unless a change of
 *   it waits in the queue
 *
 * Writes the fields of a record's state with the clocks of their writes.
 */
gboolean
dh_store_save_state (DhStore         *self,
                     const DhEntity  *entity,
                     const char      *id,
                     json_object     *state,
                     GPtrArray       *taken,
                     gboolean         exists,
                     int              sync_state,
                     GError         **error)
{
  const char *first, *first_author, *latest, *latest_author;
  g_autofree char *made = NULL;
  g_autofree char *maker = NULL;
  g_autofree char *clocks = NULL;
  g_autofree char *updated_at = NULL;
  g_autoptr(json_object) values = NULL;
  g_autoptr(GString) sql = g_string_new (NULL);
  sqlite3_stmt *stmt;
  int index = 5;

  describe_state (state, &first, &first_author, &latest, &latest_author);
  updated_at = iso_of_clock (latest);

  if (!exists)
    {
      g_autofree char *created_at = iso_of_clock (first);
      g_autoptr(json_object) all = values_of_state (state, NULL);

      clocks = clocks_of_state (state, first, first_author);
      return dh_store_insert_row_full (self, entity, id, created_at, first_author, updated_at, latest_author,
                                       first, clocks, sync_state < 0 ? DH_SYNC_SYNCED : (DhSyncState) sync_state,
                                       all, error);
    }

  if (!read_making (self, entity, id, &made, &maker, error))
    return FALSE;
  values = values_of_state (state, taken);
  clocks = clocks_of_state (state, made, maker);

  g_string_printf (sql, "UPDATE \"%s\" SET clocks = ?1, updated_at = ?2, updated_by = ?3, sync_state = ?4", entity->name);
  {
    json_object_object_foreach (values, key, value)
      {
        (void) value;
        g_string_append_printf (sql, ", \"%s\" = ?", key);
      }
  }
  g_string_append (sql, " WHERE id = ?");

  stmt = dh_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return FALSE;

  if (sync_state < 0)
    sync_state = has_queued_change (self, id) ? DH_SYNC_MODIFIED : DH_SYNC_SYNCED;
  sqlite3_bind_text (stmt, 1, clocks, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, updated_at, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, latest_author, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 4, sync_state);
  {
    json_object_object_foreach (values, key, value)
      {
        (void) key;
        dh_store_bind_json (stmt, index++, value);
      }
  }
  sqlite3_bind_text (stmt, index, id, -1, SQLITE_TRANSIENT);

  return dh_store_step_done (self, stmt, error);
}

/* The queue of changes made here */

static DhChange *
change_from_queue_row (sqlite3_stmt *stmt,
                       int           first)
{
  const DhEntity *entity = dh_entity_lookup ((const char *) sqlite3_column_text (stmt, first));
  DhChange *change;
  json_object *fields;

  if (entity == NULL)
    return NULL;

  change = dh_change_new (entity,
                          (const char *) sqlite3_column_text (stmt, first + 1),
                          (const char *) sqlite3_column_text (stmt, first + 3),
                          (const char *) sqlite3_column_text (stmt, first + 4),
                          (const char *) sqlite3_column_text (stmt, first + 2));
  fields = json_tokener_parse ((const char *) sqlite3_column_text (stmt, first + 5));
  if (fields != NULL)
    {
      json_object_put (change->fields);
      change->fields = fields;
    }

  return change;
}

#define QUEUE_COLUMNS "entity, record_id, clock, commune, author, fields"

/**
 * dh_store_queue_change:
 *
 * Puts a change made here in the queue, in the transaction of its write.
 * Edits of a record whose last change has not left the device yet join
 * that change: each field keeps the latest value with its own clock, and
 * the base its author first replaced, since nobody else ever saw the
 * values in between. A change that has left the device never changes.
 */
gboolean
dh_store_queue_change (DhStore         *self,
                       const DhChange  *change,
                       gboolean         new_record,
                       GError         **error)
{
  g_autoptr(DhChange) joined = NULL;
  sqlite3_stmt *stmt;
  sqlite3_int64 seq = 0;
  int rc;

  dh_store_note_change (self, change->entity);

  /* a record made now has nothing waiting to join */
  if (new_record)
    goto insert;

  stmt = dh_store_prepare (self,
                           "SELECT seq, " QUEUE_COLUMNS " FROM change_queue WHERE entity = ?1 AND record_id = ?2 "
                           "AND sent = 0 AND rejected IS NULL ORDER BY seq DESC LIMIT 1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, change->entity->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, change->record_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      seq = sqlite3_column_int64 (stmt, 0);
      joined = change_from_queue_row (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      dh_store_set_sqlite_error (self, error);
      return FALSE;
    }

  if (joined != NULL)
    {
      json_object_object_foreach (change->fields, key, json)
        {
          DhWrite write, earlier;

          if (!dh_write_from_json (json, &write))
            continue;
          if (dh_change_get_write (joined, key, &earlier))
            {
              g_autofree char *base = g_strdup (earlier.base);

              dh_change_set_write (joined, key, write.value, base, write.clock, write.author);
            }
          else
            dh_change_set_write (joined, key, write.value, write.base, write.clock, write.author);
        }
      if (change->commune != NULL)
        {
          g_free (joined->commune);
          joined->commune = g_strdup (change->commune);
        }
      /* the envelope names who wrote last; earlier fields keep their author */
      g_free (joined->author);
      joined->author = g_strdup (change->author);

      stmt = dh_store_prepare (self, "UPDATE change_queue SET clock = ?1, commune = ?2, fields = ?3, author = ?4 WHERE seq = ?5", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, joined->clock, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, joined->commune, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, json_object_to_json_string_ext (joined->fields, JSON_C_TO_STRING_PLAIN), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, joined->author, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 5, seq);
      return dh_store_step_done (self, stmt, error);
    }

insert:
  stmt = dh_store_prepare (self, "INSERT INTO change_queue (" QUEUE_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, change->entity->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, change->record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, change->clock, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, change->commune, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, change->author, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, json_object_to_json_string_ext (change->fields, JSON_C_TO_STRING_PLAIN), -1, SQLITE_TRANSIENT);

  return dh_store_step_done (self, stmt, error);
}

/* The queue is read on a reader connection: a sync or an export never
 * waits for a long write. */
static GPtrArray *
read_queue (DhStore     *self,
            const char  *where,
            guint        limit,
            gboolean     with_status,
            GError     **error)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autofree char *sql = g_strdup_printf ("SELECT " QUEUE_COLUMNS ", sent, rejected FROM change_queue WHERE %s ORDER BY seq LIMIT ?", where);
  g_autoptr(DhConnection) reader = NULL;
  sqlite3_stmt *stmt;
  int rc = SQLITE_ERROR;

  reader = dh_store_acquire_reader (self, NULL, error);
  if (reader == NULL || !dh_connection_begin_read (reader, error))
    return NULL;

  stmt = dh_connection_prepare (reader, sql, error);
  if (stmt != NULL)
    {
      sqlite3_bind_int (stmt, 1, limit == 0 ? G_MAXINT : (int) MIN (limit, G_MAXINT));
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_autoptr(DhChange) change = change_from_queue_row (stmt, 0);
          json_object *wire;

          if (change == NULL)
            continue;
          wire = dh_change_to_json (change);
          if (with_status)
            {
              json_object *entry = json_object_new_object ();

              json_object_object_add (entry, "change", wire);
              json_object_object_add (entry, "sent", json_object_new_boolean (sqlite3_column_int (stmt, 6) != 0));
              if (sqlite3_column_text (stmt, 7) != NULL)
                json_object_object_add (entry, "rejected", json_object_new_string ((const char *) sqlite3_column_text (stmt, 7)));
              wire = entry;
            }
          g_ptr_array_add (changes, wire);
        }
      if (rc != SQLITE_DONE)
        dh_connection_set_error (reader, error);
      sqlite3_reset (stmt);
    }

  if (!dh_connection_end_read (reader, rc == SQLITE_DONE ? error : NULL) || rc != SQLITE_DONE)
    return NULL;

  return g_steal_pointer (&changes);
}

/* A store filled with made-up households says so, so that its changes can
 * never reach a real server, by the network or on a USB stick. */
gboolean
dh_store_is_demo (DhStore *self)
{
  g_autofree char *demo = NULL;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);

  demo = dh_store_get_meta (self, "demo");
  return g_strcmp0 (demo, "1") == 0;
}

/* What the sync and the export of a bundle ask before sending anything. */
gboolean
dh_store_check_can_send (DhStore  *self,
                         GError  **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), FALSE);

  if (!dh_store_is_demo (self))
    return TRUE;

  g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_DEMO,
               _("This store holds demo data, which is never sent anywhere; use a store of your own to sync"));
  return FALSE;
}

/**
 * dh_store_get_pending_changes:
 * @limit: at most this many, 0 for all
 *
 * Returns: (transfer full) (element-type json_object): the changes waiting
 *   for the server, in the order they were made, as they travel (see
 *   dh-change.h); the ones the server refused are left out.
 */
GPtrArray *
dh_store_get_pending_changes (DhStore  *self,
                              guint     limit,
                              GError  **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), NULL);

  return read_queue (self, "rejected IS NULL", limit, FALSE, error);
}

/* Every change in the queue with whether it left the device and, for one
 * the server refused, its reason. */
GPtrArray *
dh_store_list_queue (DhStore  *self,
                     gboolean  rejected_only,
                     guint     limit,
                     GError  **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), NULL);

  return read_queue (self, rejected_only ? "rejected IS NOT NULL" : "1", limit, TRUE, error);
}

gint64
dh_store_count_pending_changes (DhStore  *self,
                                GError  **error)
{
  g_autoptr(DhConnection) reader = NULL;
  sqlite3_stmt *stmt;
  gint64 count = -1;

  g_return_val_if_fail (DH_IS_STORE (self), -1);

  reader = dh_store_acquire_reader (self, NULL, error);
  if (reader == NULL || !dh_connection_begin_read (reader, error))
    return -1;

  stmt = dh_connection_prepare (reader, "SELECT count(*) FROM change_queue WHERE rejected IS NULL", error);
  if (stmt != NULL)
    {
      if (sqlite3_step (stmt) == SQLITE_ROW)
        count = sqlite3_column_int64 (stmt, 0);
      else
        dh_connection_set_error (reader, error);
      sqlite3_reset (stmt);
    }

  if (!dh_connection_end_read (reader, count >= 0 ? error : NULL))
    return -1;

  return count;
}

static gboolean
split_change_id (const char  *change_id,
                 char       **out_record,
                 const char **out_clock)
{
  const char *at = change_id != NULL ? strchr (change_id, '@') : NULL;

  if (at == NULL)
    return FALSE;

  *out_record = g_strndup (change_id, at - change_id);
  *out_clock = at + 1;
  return TRUE;
}

/* Runs one statement per change id ("RECORD@CLOCK", dh_change_get_id())
 * in one transaction; ids the queue does not hold are passed over, so an
 * answer that arrives twice is harmless. */
static gboolean
update_queue (DhStore             *self,
              const char          *sql,
              const char * const  *change_ids,
              const char * const  *reasons,
              gboolean             settle_records,
              GError             **error)
{
  gboolean ok;

  g_rec_mutex_lock (&self->lock);
  ok = dh_store_write_begin (self, error);
  for (guint i = 0; ok && change_ids[i] != NULL; i++)
    {
      g_autofree char *record_id = NULL;
      g_autofree char *entity = NULL;
      const char *clock;
      sqlite3_stmt *stmt;
      int rc;

      if (!split_change_id (change_ids[i], &record_id, &clock))
        continue;

      stmt = dh_store_prepare (self, sql, error);
      if (stmt == NULL)
        {
          ok = FALSE;
          break;
        }
      sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, clock, -1, SQLITE_TRANSIENT);
      if (reasons != NULL)
        sqlite3_bind_text (stmt, 3, reasons[i], -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        entity = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      ok = dh_store_step_done (self, stmt, error);

      if (ok && settle_records && entity != NULL && dh_entity_lookup (entity) != NULL)
        {
          g_autofree char *settle = g_strdup_printf ("UPDATE \"%s\" SET sync_state = %d WHERE id = ?1 AND NOT EXISTS "
                                                     "(SELECT 1 FROM change_queue WHERE record_id = ?1)",
                                                     entity, DH_SYNC_SYNCED);

          stmt = dh_store_prepare (self, settle, error);
          ok = stmt != NULL;
          if (ok)
            {
              sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
              ok = dh_store_step_done (self, stmt, error);
            }
        }
    }
  ok = dh_store_write_end (self, ok, error);
  g_rec_mutex_unlock (&self->lock);

  return ok;
}

gboolean
dh_store_acknowledge_changes (DhStore             *self,
                              const char * const  *change_ids,
                              GError             **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), FALSE);
  g_return_val_if_fail (change_ids != NULL, FALSE);

  return update_queue (self, "DELETE FROM change_queue WHERE record_id = ?1 AND clock = ?2 RETURNING entity",
                       change_ids, NULL, TRUE, error);
}

/* They left the device (pushed, or written to a bundle): from now on they
 * never change, and later edits make changes of their own. */
gboolean
dh_store_mark_changes_sent (DhStore             *self,
                            const char * const  *change_ids,
                            GError             **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), FALSE);
  g_return_val_if_fail (change_ids != NULL, FALSE);

  return update_queue (self, "UPDATE change_queue SET sent = 1 WHERE record_id = ?1 AND clock = ?2 RETURNING entity",
                       change_ids, NULL, FALSE, error);
}

/* The server refused them: they stay, with its reasons, out of the way of
 * the rest of the queue. */
gboolean
dh_store_reject_changes (DhStore             *self,
                         const char * const  *change_ids,
                         const char * const  *reasons,
                         GError             **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), FALSE);
  g_return_val_if_fail (change_ids != NULL && reasons != NULL, FALSE);

  return update_queue (self, "UPDATE change_queue SET sent = 1, rejected = ?3 WHERE record_id = ?1 AND clock = ?2 RETURNING entity",
                       change_ids, reasons, FALSE, error);
}

/* Changes made elsewhere */

/**
 * dh_store_set_aside:
 *
 * Keeps a change that cannot apply with its reason, once: the same change
 * received again is counted, not kept twice.
 */
gboolean
dh_store_set_aside (DhStore         *self,
                    const char      *entity,
                    const char      *record_id,
                    const char      *reason,
                    const char      *text,
                    DhApplyReport   *report,
                    GError         **error)
{
  g_autofree char *now = NULL;
  sqlite3_stmt *stmt;

  report->rejected++;
  if (dh_store_exists (self, "SELECT 1 FROM quarantine WHERE reason = ?1 AND change = ?2", reason, text, NULL))
    return TRUE;

  stmt = dh_store_prepare (self,
                           "INSERT INTO quarantine (received_at, entity, record_id, reason, change) VALUES (?, ?, ?, ?, ?)",
                           error);
  if (stmt == NULL)
    return FALSE;

  now = dh_store_now_iso (self);
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, reason, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, text, -1, SQLITE_TRANSIENT);

  return dh_store_step_done (self, stmt, error);
}

static gboolean
quarantine (DhStore         *self,
            const char      *entity,
            const char      *record_id,
            const char      *reason,
            json_object     *wire,
            DhApplyReport   *report,
            GError         **error)
{
  return dh_store_set_aside (self, entity, record_id, reason,
                             json_object_to_json_string_ext (wire, JSON_C_TO_STRING_PLAIN), report, error);
}

static gboolean
hold (DhStore         *self,
      const DhChange  *change,
      const char      *waiting_for,
      DhApplyReport   *report,
      GError         **error)
{
  g_autoptr(json_object) wire = dh_change_to_json (change);
  sqlite3_stmt *stmt;

  /* the same change held twice would only be merged twice, harmlessly;
   * keep the table from growing with replays all the same */
  if (dh_store_exists (self, "SELECT 1 FROM held_change WHERE record_id = ?1 AND change = ?2",
                       change->record_id, json_object_to_json_string_ext (wire, JSON_C_TO_STRING_PLAIN), NULL))
    return TRUE;

  stmt = dh_store_prepare (self, "INSERT INTO held_change (record_id, waiting_for, change) VALUES (?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  self->held_possible = TRUE;

  sqlite3_bind_text (stmt, 1, change->record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, waiting_for, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, json_object_to_json_string_ext (wire, JSON_C_TO_STRING_PLAIN), -1, SQLITE_TRANSIENT);

  return dh_store_step_done (self, stmt, error);
}

static gboolean
record_exists (DhStore    *self,
               const char *entity,
               const char *id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT 1 FROM \"%s\" WHERE id = ?1", entity);

  return dh_store_exists (self, sql, id, NULL, NULL);
}

/* What a row cannot be written without: its required fields, and every
 * record it refers to. Returns NULL when nothing is missing, "" when a
 * field is, or the id of the record it waits for. */
static const char *
find_missing (DhStore         *self,
              const DhEntity  *entity,
              json_object     *state,
              GPtrArray       *only,
              gboolean         exists)
{
  for (guint i = 0; i < entity->n_fields; i++)
    {
      const DhField *field = &entity->fields[i];
      DhWrite write;
      gboolean has = dh_merge_state_get_write (state, field->name, &write) && write.value != NULL;

      if (only != NULL && !g_ptr_array_find_with_equal_func (only, field->name, g_str_equal, NULL))
        continue;
      if (!exists && (field->flags & DH_FIELD_FLAG_REQUIRED) != 0 && !has)
        return "";
      if (has && field->type == DH_FIELD_REF &&
          !record_exists (self, field->target, json_object_get_string (write.value)))
        return json_object_get_string (write.value);
    }

  return NULL;
}

static gboolean apply_change (DhStore *, const DhChange *, gboolean, json_object *, DhApplyReport *, GError **);

/* Whether any record, of any kind, has the id: one statement over them all. */
static gboolean
id_taken_by_any (DhStore     *self,
                 const char  *id,
                 gboolean    *out_taken,
                 GError     **error)
{
  static char *sql;
  static gsize initialized;
  sqlite3_stmt *stmt;
  int rc;

  if (g_once_init_enter (&initialized))
    {
      guint n_entities;
      const DhEntity * const *entities = dh_entity_list_all (&n_entities);
      GString *text = g_string_new ("SELECT EXISTS (");

      for (guint i = 0; i < n_entities; i++)
        g_string_append_printf (text, "%sSELECT 1 FROM \"%s\" WHERE id = ?1", i > 0 ? " UNION ALL " : "", entities[i]->name);
      g_string_append (text, ")");
      sql = g_string_free (text, FALSE);
      g_once_init_leave (&initialized, 1);
    }

  stmt = dh_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_taken = sqlite3_column_int (stmt, 0) != 0;
  else
    dh_store_set_sqlite_error (self, error);
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW;
}

/* The commune a record belongs to, read from its state: conflicts about it
 * belong there too, whatever the change that revealed them said. */
static char *
state_commune (DhStore         *self,
               const DhEntity  *entity,
               json_object     *state)
{
  DhWrite write;

  if (dh_entity_get_field (entity, "commune") != NULL)
    return dh_merge_state_get_write (state, "commune", &write) && write.value != NULL ?
           g_strdup (json_object_get_string (write.value)) : NULL;

  if (dh_merge_state_get_write (state, "household", &write) && write.value != NULL)
    {
      g_autoptr(json_object) household = dh_store_get_row (self, dh_entity_lookup ("household"),
                                                           json_object_get_string (write.value), TRUE, NULL);

      return household != NULL ? g_strdup (dh_json_get_string (household, "commune")) : NULL;
    }

  return NULL;
}

static gboolean
merge_found_conflicts (DhStore        *self,
                       GPtrArray      *conflicts,
                       DhApplyReport  *report,
                       GError        **error)
{
  for (guint i = 0; i < conflicts->len; i++)
    {
      if (!apply_change (self, g_ptr_array_index (conflicts, i), TRUE, NULL, report, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
release_held (DhStore        *self,
              const char     *id,
              DhApplyReport  *report,
              GError        **error)
{
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  sqlite3_stmt *stmt;
  int rc;

  stmt = dh_store_prepare (self, "DELETE FROM held_change WHERE record_id = ?1 OR waiting_for = ?1 RETURNING change", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      json_object *wire = json_tokener_parse ((const char *) sqlite3_column_text (stmt, 0));

      if (wire != NULL)
        g_ptr_array_add (held, wire);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dh_store_set_sqlite_error (self, error);
      return FALSE;
    }

  for (guint i = 0; i < held->len; i++)
    {
      json_object *wire = g_ptr_array_index (held, i);
      g_autoptr(DhChange) change = NULL;
      g_autoptr(GError) local_error = NULL;

      /* checked when it arrived, by this same code */
      change = dh_change_from_json (wire, dh_store_get_validator (self), &local_error);
      if (change == NULL)
        {
          if (!quarantine (self, NULL, id, local_error->message, wire, report, error))
            return FALSE;
          continue;
        }
      if (!apply_change (self, change, FALSE, wire, report, error))
        return FALSE;
    }

  return TRUE;
}

/* Merges one checked change into its record; what cannot apply yet waits,
 * what the rules refuse is set aside with its reason. A conflict found on
 * the way is a record made here: it goes to the queue, so that every
 * device of the commune learns of it. */
static gboolean
apply_change (DhStore         *self,
              const DhChange  *change,
              gboolean         found_here,
              json_object     *wire,
              DhApplyReport   *report,
              GError         **error)
{
  const DhEntity *entity = change->entity;
  g_auto(DhMergeResult) result = { 0 };
  g_autoptr(json_object) state = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(json_object) own_wire = NULL;
  const char *missing;
  gboolean exists;

  if (wire == NULL)
    wire = own_wire = dh_change_to_json (change);

  state = dh_store_load_state_if_any (self, entity, change->record_id, &exists, error);
  if (state == NULL && !exists)
    {
      gboolean taken_elsewhere = FALSE;

      if (error != NULL && *error != NULL)
        return FALSE;
      /* an id that another kind of record already has is refused */
      if (!id_taken_by_any (self, change->record_id, &taken_elsewhere, error))
        return FALSE;
      if (taken_elsewhere)
        return quarantine (self, entity->name, change->record_id,
                           _("Its record id belongs to a record of another kind"), wire, report, error);
      state = json_object_new_object ();
    }
  else if (state == NULL)
    return FALSE;

  if (!dh_merge_record (state, change, &result))
    return quarantine (self, entity->name, change->record_id, result.rejected, wire, report, error);

  for (guint i = 0; i < result.conflicts->len; i++)
    {
      DhChange *conflict = g_ptr_array_index (result.conflicts, i);
      g_autofree char *commune = conflict->commune == NULL ? state_commune (self, entity, state) : NULL;

      if (commune != NULL)
        {
          g_autoptr(json_object) value = json_object_new_string (commune);
          DhWrite identity;

          conflict->commune = g_strdup (commune);
          dh_change_get_write (conflict, "field", &identity);
          dh_change_set_write (conflict, "commune", value, "", identity.clock, NULL);
        }
    }

  missing = find_missing (self, entity, state, exists ? result.taken : NULL, exists);
  if (missing != NULL)
    return hold (self, change, missing[0] != '\0' ? missing : NULL, report, error);

  if (result.rejected != NULL &&
      !quarantine (self, entity->name, change->record_id, result.rejected, wire, report, error))
    return FALSE;

  if (!exists || result.taken->len > 0)
    {
      g_autoptr(json_object) row = values_of_state (state, NULL);
      gboolean name_changed = exists && entity->name_field != NULL &&
                              g_ptr_array_find_with_equal_func (result.taken, entity->name_field, g_str_equal, NULL);

      if (!dh_store_save_state (self, entity, change->record_id, state, result.taken, exists, -1, error))
        return FALSE;
      json_object_object_add (row, DH_RECORD_ID, json_object_new_string (change->record_id));
      if (!dh_store_refresh_derived (self, entity, row, name_changed, error))
        return FALSE;
      dh_store_note_change (self, entity);
      if (found_here)
        {
          if (!exists)
            report->conflicts++;
          if (!dh_store_queue_change (self, change, FALSE, error))
            return FALSE;
        }
      else
        report->applied++;
    }
  else if (!found_here)
    report->already++;

  if (!merge_found_conflicts (self, result.conflicts, report, error))
    return FALSE;

  if (!exists && self->held_possible && !release_held (self, change->record_id, report, error))
    return FALSE;

  return TRUE;
}

static gboolean
apply_wire (DhStore        *self,
            json_object    *wire,
            DhApplyReport  *report,
            GError        **error)
{
  g_autoptr(DhChange) change = NULL;
  g_autoptr(GError) local_error = NULL;

  change = dh_change_from_json (wire, dh_store_get_validator (self), &local_error);
  if (change == NULL)
    return quarantine (self, dh_json_get_string (wire, "e"), dh_json_get_string (wire, "r"),
                       local_error->message, wire, report, error);

  if (!dh_change_check_clocks (change, dh_store_get_wall_clock_ms (self), &local_error) ||
      !dh_hlc_observe (self->hlc, change->clock, &local_error))
    return quarantine (self, change->entity->name, change->record_id, local_error->message, wire, report, error);

  return apply_change (self, change, FALSE, wire, report, error);
}

/* How many changes wait that came after AFTER_SEQ, and the seq of the
 * last one that waits. */
gboolean
dh_store_count_held (DhStore  *self,
                     gint64    after_seq,
                     gint64   *out_count,
                     gint64   *out_last_seq,
                     GError  **error)
{
  sqlite3_stmt *stmt = dh_store_prepare (self,
                                         "SELECT count (*) FILTER (WHERE seq > ?1), coalesce (max (seq), 0) FROM held_change",
                                         error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, after_seq);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (out_count != NULL)
        *out_count = sqlite3_column_int64 (stmt, 0);
      if (out_last_seq != NULL)
        *out_last_seq = sqlite3_column_int64 (stmt, 1);
    }
  else
    dh_store_set_sqlite_error (self, error);
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW;
}

/**
 * dh_store_apply_changes:
 * @changes: (element-type json_object): changes as they travel, in any
 *   order, repeated or not
 * @cursor: (nullable): where the page ends on the server, kept in the same
 *   transaction, so that an interrupted pull resumes after the last page
 *   that landed
 * @report: (out caller-allocates) (optional): what became of them
 *
 * A change that fails its checks is set aside with its reason and the rest
 * apply; this fails only when the store cannot be written.
 */
gboolean
dh_store_apply_changes (DhStore        *self,
                        GPtrArray      *changes,
                        const char     *cursor,
                        DhApplyReport  *report,
                        GError        **error)
{
  DhApplyReport local_report = { 0 };
  gint64 held_from = 0;
  gboolean ok;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);

  if (report == NULL)
    report = &local_report;
  memset (report, 0, sizeof *report);

  g_rec_mutex_lock (&self->lock);
  ok = dh_store_write_begin (self, error) &&
       dh_store_count_held (self, 0, NULL, &held_from, error);
  /* nothing waits: no arrival can release anything, and none is looked for */
  self->held_possible = held_from > 0;
  for (guint i = 0; ok && i < changes->len; i++)
    ok = apply_wire (self, g_ptr_array_index (changes, i), report, error);
  /* what still waits of what came now; what it released counts as applied */
  if (ok)
    {
      gint64 held = 0;

      ok = dh_store_count_held (self, held_from, &held, NULL, error);
      report->held = (guint) held;
    }
  if (ok && cursor != NULL)
    ok = dh_store_set_meta (self, "pull_cursor", cursor, error);
  ok = dh_store_write_end (self, ok, error);
  g_rec_mutex_unlock (&self->lock);

  if (!ok)
    memset (report, 0, sizeof *report);

  return ok;
}

gboolean
dh_store_apply_remote_changes (DhStore    *self,
                               GPtrArray  *changes,
                               GError    **error)
{
  return dh_store_apply_changes (self, changes, NULL, NULL, error);
}

/* The changes set aside, each with its reason, newest first. */
GPtrArray *
dh_store_list_quarantine (DhStore  *self,
                          guint     limit,
                          GError  **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = dh_store_prepare (self,
                           "SELECT received_at, entity, record_id, reason, change FROM quarantine ORDER BY seq DESC LIMIT ?",
                           error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }
  sqlite3_bind_int (stmt, 1, limit == 0 ? G_MAXINT : (int) MIN (limit, G_MAXINT));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      json_object *entry = json_object_new_object ();
      static const char * const keys[] = { "received_at", "entity", "record_id", "reason" };

      for (int i = 0; i < (int) G_N_ELEMENTS (keys); i++)
        {
          if (sqlite3_column_text (stmt, i) != NULL)
            json_object_object_add (entry, keys[i], json_object_new_string ((const char *) sqlite3_column_text (stmt, i)));
        }
      json_object_object_add (entry, "change", json_tokener_parse ((const char *) sqlite3_column_text (stmt, 4)));
      g_ptr_array_add (entries, entry);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    dh_store_set_sqlite_error (self, error);
  g_rec_mutex_unlock (&self->lock);

  return rc == SQLITE_DONE ? g_steal_pointer (&entries) : NULL;
}

/* The replicated state of every record of an entity, in the order of
 * their ids: one change per record, with the commune it belongs to, signed
 * by its maker, each later write with its own clock and author. It is what
 * a first download brings, and what the tests compare across copies. */
GPtrArray *
dh_store_export_state (DhStore     *self,
                       const char  *entity_name,
                       GError     **error)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  const DhEntity *entity = dh_entity_lookup (entity_name);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);
  g_return_val_if_fail (entity != NULL, NULL);

  g_rec_mutex_lock (&self->lock);
  sql = g_strdup_printf ("SELECT id FROM \"%s\" ORDER BY id", entity->name);
  stmt = dh_store_prepare (self, sql, error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(json_object) state = dh_store_load_state (self, entity, g_ptr_array_index (ids, i), error);
      g_autoptr(DhChange) change = NULL;

      if (state == NULL)
        {
          g_rec_mutex_unlock (&self->lock);
          return NULL;
        }
      {
        const char *made, *maker, *latest, *latest_author;
        g_autofree char *commune = NULL;

        /* the maker signs the envelope, so that the writes of the making
         * carry neither clock nor author of their own */
        describe_state (state, &made, &maker, &latest, &latest_author);
        commune = state_commune (self, entity, state);
        change = dh_change_new (entity, g_ptr_array_index (ids, i), commune, maker, latest);
      }
      {
        json_object_object_foreach (state, key, json)
          {
            DhWrite write;

            if (dh_write_from_json (json, &write))
              dh_change_set_write (change, key, write.value, write.base, write.clock, write.author);
          }
      }
      g_ptr_array_add (changes, dh_change_to_json (change));
    }
  g_rec_mutex_unlock (&self->lock);

  return g_steal_pointer (&changes);
}

/* Conflicts, as an official sees them */

static void
add_current_write (json_object  *entry,
                   json_object  *state,
                   const char   *field)
{
  DhWrite current;

  if (state == NULL || !dh_merge_state_get_write (state, field, &current))
    return;

  json_object_object_add (entry, "kept_value",
                          current.value == NULL ? NULL :
                          json_object_is_type (current.value, json_type_string) ? json_object_get (current.value) :
                          json_object_new_string (json_object_to_json_string_ext (current.value, JSON_C_TO_STRING_PLAIN)));
  json_object_object_add (entry, "kept_clock", json_object_new_string (current.clock));
  if (current.author != NULL)
    json_object_object_add (entry, "kept_by", json_object_new_string (current.author));
}

static void
add_deletion_conflict (GPtrArray       *conflicts,
                       const DhEntity  *entity,
                       const char      *id,
                       json_object     *state,
                       const DhWrite   *edit,
                       const char      *edited_entity,
                       const char      *edited_id)
{
  json_object *entry = json_object_new_object ();
  DhWrite deletion, commune;

  dh_merge_state_get_write (state, DH_RECORD_DELETED, &deletion);
  json_object_object_add (entry, "entity", json_object_new_string (entity->name));
  json_object_object_add (entry, "record_id", json_object_new_string (id));
  json_object_object_add (entry, "field", json_object_new_string (DH_RECORD_DELETED));
  if (dh_merge_state_get_write (state, "commune", &commune) && commune.value != NULL)
    json_object_object_add (entry, "commune", json_object_get (commune.value));
  json_object_object_add (entry, "kept_value", json_object_new_string ("deleted"));
  json_object_object_add (entry, "kept_clock", json_object_new_string (deletion.clock));
  if (deletion.author != NULL)
    json_object_object_add (entry, "kept_by", json_object_new_string (deletion.author));
  json_object_object_add (entry, "lost_entity", json_object_new_string (edited_entity));
  json_object_object_add (entry, "lost_record_id", json_object_new_string (edited_id));
  json_object_object_add (entry, "lost_clock", json_object_new_string (edit->clock));
  if (edit->author != NULL)
    json_object_object_add (entry, "lost_by", json_object_new_string (edit->author));
  g_ptr_array_add (conflicts, entry);
}

static GPtrArray *
select_ids (DhStore     *self,
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

/* Records deleted while someone elsewhere was still writing to them, or,
 * for a household, to what belongs to it: read from the merged state, so
 * every copy finds the same ones. */
static gboolean
find_deletion_conflicts (DhStore    *self,
                         GPtrArray  *conflicts,
                         GError    **error)
{
  guint n_entities;
  const DhEntity * const *entities = dh_entity_list_all (&n_entities);

  for (guint i = 0; i < n_entities; i++)
    {
      g_autofree char *sql = NULL;
      g_autoptr(GPtrArray) ids = NULL;

      if (entities[i]->derived)
        continue;
      sql = g_strdup_printf ("SELECT id FROM \"%s\" WHERE deleted = 1 ORDER BY id", entities[i]->name);
      ids = select_ids (self, sql, NULL, error);
      if (ids == NULL)
        return FALSE;

      for (guint j = 0; j < ids->len; j++)
        {
          const char *id = g_ptr_array_index (ids, j);
          g_autoptr(json_object) state = dh_store_load_state (self, entities[i], id, error);
          DhWrite edit, deletion;
          gboolean found = FALSE;

          if (state == NULL)
            return FALSE;
          if (dh_merge_state_unseen_edit (state, &edit))
            {
              add_deletion_conflict (conflicts, entities[i], id, state, &edit, entities[i]->name, id);
              continue;
            }
          if (!g_str_equal (entities[i]->name, "household"))
            continue;

          /* a member, a visit, ... added or changed unseen by the deleter */
          dh_merge_state_get_write (state, DH_RECORD_DELETED, &deletion);
          for (guint k = 0; k < n_entities && !found; k++)
            {
              const DhField *parent = dh_entity_get_field (entities[k], "household");
              g_autofree char *children_sql = NULL;
              g_autoptr(GPtrArray) children = NULL;

              if (parent == NULL || parent->type != DH_FIELD_REF)
                continue;
              children_sql = g_strdup_printf ("SELECT id FROM \"%s\" WHERE household = ?1 ORDER BY id", entities[k]->name);
              children = select_ids (self, children_sql, id, error);
              if (children == NULL)
                return FALSE;
              for (guint c = 0; c < children->len && !found; c++)
                {
                  g_autoptr(json_object) child = dh_store_load_state (self, entities[k], g_ptr_array_index (children, c), error);

                  if (child == NULL)
                    return FALSE;
                  {
                    json_object_object_foreach (child, key, json)
                      {
                        DhWrite write;

                        (void) key;
                        /* the deletion's own cascade carries its clock */
                        if (dh_write_from_json (json, &write) && strcmp (write.clock, deletion.base) > 0 &&
                            strcmp (write.clock, deletion.clock) != 0)
                          {
                            add_deletion_conflict (conflicts, entities[i], id, state, &write,
                                                   entities[k]->name, g_ptr_array_index (children, c));
                            found = TRUE;
                            break;
                          }
                      }
                  }
                }
            }
        }
    }

  return TRUE;
}

/**
 * dh_store_list_conflicts:
 * @include_settled: also the ones an official has settled
 *
 * Returns: (transfer full) (element-type json_object): each conflict with
 *   what the record holds now (kept_value, kept_by, kept_clock) beside
 *   what was lost; then the records deleted while someone elsewhere was
 *   still writing to them (field "deleted", lost_entity and lost_record_id
 *   naming what was written), which an official restores or deletes again.
 */
GPtrArray *
dh_store_list_conflicts (DhStore   *self,
                         gboolean   include_settled,
                         GError   **error)
{
  g_autoptr(GPtrArray) conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  const DhEntity *conflict_entity = dh_entity_lookup ("conflict");
  g_autoptr(GPtrArray) ids = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  ids = select_ids (self,
                    include_settled ? "SELECT id FROM conflict WHERE deleted = 0 ORDER BY lost_clock, id"
                                    : "SELECT id FROM conflict WHERE deleted = 0 AND settled_on IS NULL ORDER BY lost_clock, id",
                    NULL, error);
  ok = ids != NULL;
  for (guint i = 0; ok && i < ids->len; i++)
    {
      json_object *entry = dh_store_get_row (self, conflict_entity, g_ptr_array_index (ids, i), FALSE, error);
      const DhEntity *about;
      g_autoptr(json_object) state = NULL;

      ok = entry != NULL;
      if (!ok)
        break;
      about = dh_entity_lookup (dh_json_get_string (entry, "entity"));
      if (about != NULL)
        state = dh_store_load_state (self, about, dh_json_get_string (entry, "record_id"), NULL);
      add_current_write (entry, state, dh_json_get_string (entry, "field"));
      g_ptr_array_add (conflicts, entry);
    }
  ok = ok && find_deletion_conflicts (self, conflicts, error);
  g_rec_mutex_unlock (&self->lock);

  return ok ? g_steal_pointer (&conflicts) : NULL;
}
