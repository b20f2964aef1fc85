/* dh-store-queue.c – the changes made here, waiting to leave, and what became of them */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-change.h"
#include "dh-error.h"
#include "dh-merge.h"
#include "dh-store-private.h"

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
  /* kept as they travel: each field's clock and author only where they
   * are not the change's */
  fields = json_tokener_parse ((const char *) sqlite3_column_text (stmt, first + 5));
  if (fields != NULL)
    dh_change_set_wire_fields (change, fields);
  json_object_put (fields);

  return change;
}

#define QUEUE_COLUMNS "entity, record_id, clock, commune, author, fields"

/* The latest change of a record that has not left the device, or NULL. */
static gboolean
find_unsent (DhStore         *self,
             const DhEntity  *entity,
             const char      *record_id,
             sqlite3_int64   *out_seq,
             DhChange       **out_change,
             GError         **error)
{
  sqlite3_stmt *stmt;
  int rc;

  *out_change = NULL;
  stmt = dh_store_prepare (self,
                           "SELECT seq, " QUEUE_COLUMNS " FROM change_queue WHERE entity = ?1 AND record_id = ?2 "
                           "AND sent = 0 AND rejected IS NULL ORDER BY seq DESC LIMIT 1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, entity->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_seq = sqlite3_column_int64 (stmt, 0);
      *out_change = change_from_queue_row (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      dh_store_set_sqlite_error (self, error);
      return FALSE;
    }

  return TRUE;
}

/* Whether the queue holds a change the server refused: found through
 * their own index (migration 3), whoever marked it. */
static gboolean
any_refused (DhStore *self)
{
  gboolean found = TRUE;

  if (!dh_store_check_exists (self, "SELECT 1 FROM change_queue WHERE rejected IS NOT NULL", NULL, NULL, NULL, &found, NULL))
    return TRUE;

  return found;
}

/* The changes of a record that the server refused, oldest first. It kept
 * nothing of them: to every other copy their writes never happened. */
static GPtrArray *
find_refused (DhStore         *self,
              const DhEntity  *entity,
              const char      *record_id,
              GError         **error)
{
  g_autoptr(GPtrArray) refused = g_ptr_array_new_with_free_func ((GDestroyNotify) dh_change_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = dh_store_prepare (self,
                           "SELECT " QUEUE_COLUMNS " FROM change_queue WHERE entity = ?1 AND record_id = ?2 "
                           "AND rejected IS NOT NULL ORDER BY seq",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, entity->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DhChange *change = change_from_queue_row (stmt, 0);

      if (change != NULL)
        g_ptr_array_add (refused, change);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dh_store_set_sqlite_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&refused);
}

/**
 * dh_store_base_of:
 * @stored: (nullable): the write a field holds
 *
 * What a new write over @stored replaces, as the others will see it: the
 * clock of @stored; but when @stored is a write of this device that never
 * left it, nobody else ever saw it, and the new write replaces what @stored
 * replaced. The change waiting to leave then carries the new value in its
 * place, and the record here keeps the same base as everyone's.
 */
gboolean
dh_store_base_of (DhStore         *self,
                  const DhEntity  *entity,
                  const char      *record_id,
                  const char      *field,
                  const DhWrite   *stored,
                  char           **out_base,
                  GError         **error)
{
  g_autoptr(DhChange) unsent = NULL;
  sqlite3_int64 seq = 0;
  DhWrite queued;

  *out_base = NULL;
  if (stored == NULL || stored->clock == NULL)
    {
      *out_base = g_strdup ("");
      return TRUE;
    }

  if (!find_unsent (self, entity, record_id, &seq, &unsent, error))
    return FALSE;
  if (unsent != NULL && dh_change_get_write (unsent, field, &queued) && g_strcmp0 (queued.clock, stored->clock) == 0)
    {
      *out_base = g_strdup (queued.base);
      return TRUE;
    }

  /* a write the server refused was seen by nobody either */
  if (any_refused (self))
    {
      g_autoptr(GPtrArray) refused = find_refused (self, entity, record_id, error);

      if (refused == NULL)
        return FALSE;
      for (guint i = 0; i < refused->len; i++)
        {
          if (dh_change_get_write (g_ptr_array_index (refused, i), field, &queued) &&
              g_strcmp0 (queued.clock, stored->clock) == 0)
            {
              *out_base = g_strdup (queued.base);
              return TRUE;
            }
        }
    }

  *out_base = g_strdup (stored->clock);

  return TRUE;
}

/* A record edited again after the server refused a change of it: the
 * change that goes now carries what the refused one wrote and nothing has
 * written over since, with its own clocks, and the refused change leaves
 * the queue. A correction of one field thus sends the whole record the
 * server never took, and the list of refused changes empties as the
 * caseworker corrects them. */
static gboolean
take_refused (DhStore   *self,
              DhChange  *change,
              GError   **error)
{
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(json_object) state = NULL;
  sqlite3_stmt *stmt;

  if (!any_refused (self))
    return TRUE;

  refused = find_refused (self, change->entity, change->record_id, error);
  if (refused == NULL)
    return FALSE;
  if (refused->len == 0)
    return TRUE;

  state = dh_store_load_state (self, change->entity, change->record_id, error);
  if (state == NULL)
    return FALSE;

  /* the latest refused write of a field is the one the record holds */
  for (guint i = refused->len; i > 0; i--)
    {
      DhChange *old = g_ptr_array_index (refused, i - 1);

      {
        json_object_object_foreach (old->fields, key, json)
          {
            DhWrite write, taken, held;

            if (!dh_write_from_json (json, &write) || dh_change_get_write (change, key, &taken))
              continue;
            if (!dh_merge_state_get_write (state, key, &held) || g_strcmp0 (held.clock, write.clock) != 0)
              continue;
            dh_change_set_write (change, key, write.value, write.base, write.clock, write.author);
          }
      }
    }

  stmt = dh_store_prepare (self, "DELETE FROM change_queue WHERE entity = ?1 AND record_id = ?2 AND rejected IS NOT NULL", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, change->entity->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, change->record_id, -1, SQLITE_TRANSIENT);

  return dh_store_step_done (self, stmt, error);
}

/**
 * dh_store_queue_change:
 *
 * Puts a change made here in the queue, in the transaction of its write.
 * Edits of a record whose last change has not left the device yet join
 * that change: each field keeps the latest value with its own clock and
 * base (dh_store_base_of() gives it the base of what it replaced when that
 * never left). A change that has left the device never changes.
 */
gboolean
dh_store_queue_change (DhStore         *self,
                       const DhChange  *change,
                       gboolean         new_record,
                       GError         **error)
{
  g_autoptr(DhChange) joined = NULL;
  g_autoptr(DhChange) with_refused = NULL;
  g_autoptr(json_object) wire = NULL;
  sqlite3_stmt *stmt;
  sqlite3_int64 seq = 0;

  dh_store_note_change (self, change->entity);

  /* a record made now has nothing waiting to join */
  if (new_record)
    goto insert;

  if (!find_unsent (self, change->entity, change->record_id, &seq, &joined, error))
    return FALSE;

  if (any_refused (self))
    {
      with_refused = dh_change_copy (change);
      if (!take_refused (self, with_refused, error))
        return FALSE;
      change = with_refused;
    }

  if (joined != NULL)
    {
      json_object_object_foreach (change->fields, key, json)
        {
          DhWrite write;

          /* its base says what its author had seen: the value before an
           * unsent one, or whatever came from elsewhere since */
          if (dh_write_from_json (json, &write))
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
      wire = dh_change_to_json (joined);
      sqlite3_bind_text (stmt, 3, json_object_to_json_string_ext (json_object_object_get (wire, "f"), JSON_C_TO_STRING_PLAIN), -1, SQLITE_TRANSIENT);
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
  wire = dh_change_to_json (change);
  sqlite3_bind_text (stmt, 6, json_object_to_json_string_ext (json_object_object_get (wire, "f"), JSON_C_TO_STRING_PLAIN), -1, SQLITE_TRANSIENT);

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

/* A count on a reader connection: it never waits for a long write. */
static gint64
count_on_reader (DhStore     *self,
                 const char  *sql,
                 GError     **error)
{
  g_autoptr(DhConnection) reader = NULL;
  sqlite3_stmt *stmt;
  gint64 count = -1;

  reader = dh_store_acquire_reader (self, NULL, error);
  if (reader == NULL || !dh_connection_begin_read (reader, error))
    return -1;

  stmt = dh_connection_prepare (reader, sql, error);
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

gint64
dh_store_count_pending_changes (DhStore  *self,
                                GError  **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), -1);

  /* kept by the queue's triggers (migration 3) */
  return count_on_reader (self, "SELECT pending FROM queue_count", error);
}

/* The changes from elsewhere set aside here (dh_store_list_quarantine()). */
gint64
dh_store_count_set_aside (DhStore  *self,
                          GError  **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), -1);

  return count_on_reader (self, "SELECT count(*) FROM quarantine", error);
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

  dh_store_lock (self);
  if (!dh_store_write_begin (self, error))
    {
      dh_store_unlock (self);
      return FALSE;
    }
  ok = TRUE;
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
  dh_store_unlock (self);

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

/**
 * dh_store_retry_rejected:
 * @out_count: (out) (optional): how many go again
 *
 * Puts the changes the server refused back in the queue as they are, for
 * the next sync: when what refused them is gone (the province's catalogues
 * updated, the device's clock put right, the user moved to the record's
 * commune). A change refused again is marked again with its new reason.
 */
gboolean
dh_store_retry_rejected (DhStore  *self,
                         guint    *out_count,
                         GError  **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);

  dh_store_lock (self);
  ok = dh_store_write_begin (self, error);
  if (ok)
    {
      stmt = dh_store_prepare (self, "UPDATE change_queue SET rejected = NULL WHERE rejected IS NOT NULL", error);
      ok = stmt != NULL && dh_store_step_done (self, stmt, error);
      if (ok && out_count != NULL)
        *out_count = (guint) sqlite3_changes (self->db);
      ok = dh_store_write_end (self, ok, error);
    }
  dh_store_unlock (self);

  return ok;
}
