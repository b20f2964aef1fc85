/* dh-store-sync.c – the queue of pending changes and the merge of remote ones */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-change.h"
#include "dh-error.h"
#include "dh-store-private.h"
#include "dh-text.h"
#include "dh-uuid.h"

GPtrArray *
dh_store_get_pending_changes (DhStore  *self,
                              guint     limit,
                              GError  **error)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = dh_store_prepare (self,
                           "SELECT change_id, entity, record_id, clock, author, made_at, fields "
                           "FROM pending_change ORDER BY seq LIMIT ?",
                           error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }

  sqlite3_bind_int (stmt, 1, limit == 0 ? G_MAXINT : (int) MIN (limit, G_MAXINT));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(json_object) fields = json_tokener_parse ((const char *) sqlite3_column_text (stmt, 6));

      g_ptr_array_add (changes, dh_change_new ((const char *) sqlite3_column_text (stmt, 0),
                                               (const char *) sqlite3_column_text (stmt, 1),
                                               (const char *) sqlite3_column_text (stmt, 2),
                                               (const char *) sqlite3_column_text (stmt, 3),
                                               (const char *) sqlite3_column_text (stmt, 4),
                                               (const char *) sqlite3_column_text (stmt, 5),
                                               fields));
    }
  sqlite3_reset (stmt);
  g_rec_mutex_unlock (&self->lock);

  if (rc != SQLITE_DONE)
    {
      dh_store_set_sqlite_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&changes);
}

gint64
dh_store_count_pending_changes (DhStore  *self,
                                GError  **error)
{
  sqlite3_stmt *stmt;
  gint64 count = -1;

  g_return_val_if_fail (DH_IS_STORE (self), -1);

  g_rec_mutex_lock (&self->lock);
  stmt = dh_store_prepare (self, "SELECT count(*) FROM pending_change", error);
  if (stmt != NULL)
    {
      if (sqlite3_step (stmt) == SQLITE_ROW)
        count = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
    }
  g_rec_mutex_unlock (&self->lock);

  return count;
}

static gboolean
mark_synced_if_settled (DhStore     *self,
                        const char  *entity,
                        const char  *record_id,
                        GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE \"%s\" SET sync_state = %d WHERE id = ?1 AND NOT EXISTS "
                                          "(SELECT 1 FROM pending_change WHERE entity = ?2 AND record_id = ?1)",
                                          entity, DH_SYNC_SYNCED);
  sqlite3_stmt *stmt = dh_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, entity, -1, SQLITE_TRANSIENT);

  return dh_store_step_done (self, stmt, error);
}

gboolean
dh_store_acknowledge_changes (DhStore             *self,
                              const char * const  *change_ids,
                              GError             **error)
{
  gboolean ok;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);
  g_return_val_if_fail (change_ids != NULL, FALSE);

  g_rec_mutex_lock (&self->lock);
  if (!dh_store_write_begin (self, error))
    {
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }
  ok = TRUE;
  for (guint i = 0; ok && change_ids[i] != NULL; i++)
    {
      g_autofree char *entity = NULL;
      g_autofree char *record_id = NULL;
      sqlite3_stmt *stmt;

      stmt = dh_store_prepare (self, "DELETE FROM pending_change WHERE change_id = ? RETURNING entity, record_id", error);
      if (stmt == NULL)
        {
          ok = FALSE;
          break;
        }

      sqlite3_bind_text (stmt, 1, change_ids[i], -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          entity = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          record_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
        }
      /* an unknown id was acknowledged before: acknowledging twice is harmless */
      ok = dh_store_step_done (self, stmt, error);

      if (ok && entity != NULL && dh_entity_lookup (entity) != NULL)
        ok = mark_synced_if_settled (self, entity, record_id, error);
    }
  ok = dh_store_write_end (self, ok, error);
  g_rec_mutex_unlock (&self->lock);

  return ok;
}

/* Whether a change made here and not yet acknowledged touches the field:
 * then both sides changed it since the last sync, and the loser is kept
 * as a conflict for a commune official to settle. */
static gboolean
field_pending_here (DhStore    *self,
                    const char *entity,
                    const char *record_id,
                    const char *field)
{
  sqlite3_stmt *stmt = dh_store_prepare (self,
                                         "SELECT 1 FROM pending_change WHERE entity = ? AND record_id = ? "
                                         "AND json_type(fields, '$.' || ?) IS NOT NULL",
                                         NULL);
  gboolean pending;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, field, -1, SQLITE_TRANSIENT);
  pending = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);

  return pending;
}

static const char *
value_text (json_object *value)
{
  if (value == NULL)
    return NULL;
  if (json_object_is_type (value, json_type_string))
    return json_object_get_string (value);
  return json_object_to_json_string_ext (value, JSON_C_TO_STRING_PLAIN);
}

static gboolean
record_conflict (DhStore     *self,
                 const char  *entity,
                 const char  *record_id,
                 const char  *field,
                 json_object *kept,
                 const char  *kept_clock,
                 const char  *kept_by,
                 json_object *lost,
                 const char  *lost_clock,
                 const char  *lost_by,
                 GError     **error)
{
  g_autofree char *id = dh_uuid_new ();
  g_autofree char *now = dh_store_now_iso (self);
  g_autofree char *clock = dh_hlc_now (self->hlc);
  sqlite3_stmt *stmt;

  dh_store_note_change (self, dh_entity_lookup ("conflict"));

  stmt = dh_store_prepare (self,
                           "INSERT INTO conflict (id, created_at, created_by, updated_at, updated_by, sync_state, clock, "
                           "entity, record_id, field, kept_value, lost_value, kept_clock, lost_clock, kept_by, lost_by) "
                           "VALUES (?1, ?2, ?3, ?2, ?3, 0, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, self->user, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, clock, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, field, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, value_text (kept), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 9, value_text (lost), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 10, kept_clock, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 11, lost_clock, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 12, kept_by, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 13, lost_by, -1, SQLITE_TRANSIENT);

  return dh_store_step_done (self, stmt, error);
}

static gboolean
merge_into_row (DhStore         *self,
                const DhEntity  *entity,
                json_object     *change,
                json_object     *fields,
                gboolean        *out_changed,
                GError         **error)
{
  const char *record_id = dh_json_get_string (change, "record_id");
  const char *clock = dh_json_get_string (change, "clock");
  const char *author = dh_json_get_string (change, "author");
  g_autoptr(json_object) row = NULL;
  g_autoptr(json_object) clocks = NULL;
  g_autoptr(json_object) won = json_object_new_object ();
  g_autofree char *row_clock = NULL;

  row = dh_store_get_row (self, entity, record_id, TRUE, error);
  if (row == NULL)
    return FALSE;

  clocks = dh_store_get_clocks (self, entity, record_id, &row_clock);

  {
    json_object_object_foreach (fields, key, value)
      {
        const char *local_clock = dh_json_get_string (clocks, key);
        json_object *local_value = NULL;
        gboolean incoming_wins;

        if (local_clock == NULL)
          local_clock = row_clock;

        if (g_str_equal (key, DH_RECORD_DELETED))
          json_object_object_get_ex (row, DH_RECORD_DELETED, &local_value);
        else
          json_object_object_get_ex (row, key, &local_value);

        incoming_wins = strcmp (clock, local_clock) > 0;

        if (!dh_json_equal (local_value, value) && field_pending_here (self, entity->name, record_id, key))
          {
            gboolean ok;

            if (incoming_wins)
              ok = record_conflict (self, entity->name, record_id, key, value, clock, author,
                                    local_value, local_clock, self->user, error);
            else
              ok = record_conflict (self, entity->name, record_id, key, local_value, local_clock, self->user,
                                    value, clock, author, error);
            if (!ok)
              return FALSE;
          }

        if (incoming_wins)
          {
            json_object_object_add (won, key, value != NULL ? json_object_get (value) : NULL);
            json_object_object_add (clocks, key, json_object_new_string (clock));
          }
      }
  }

  *out_changed = json_object_object_length (won) > 0;
  if (!*out_changed)
    return TRUE;

  {
    const char *values[] = { json_object_to_json_string_ext (clocks, JSON_C_TO_STRING_PLAIN), NULL };

    return dh_store_update_columns (self, entity, record_id, "clocks = ?", values, won, error);
  }
}

static gboolean
refresh_derived (DhStore         *self,
                 const DhEntity  *entity,
                 const char      *record_id,
                 GError         **error)
{
  g_autoptr(json_object) row = dh_store_get_row (self, entity, record_id, TRUE, error);

  return row != NULL && dh_store_refresh_derived (self, entity, row, error);
}

static gboolean
apply_one (DhStore      *self,
           json_object  *change,
           GError      **error)
{
  const char *change_id = dh_json_get_string (change, "change_id");
  const DhEntity *entity = NULL;
  g_autoptr(json_object) fields = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(json_object) existing = NULL;
  gboolean changed = TRUE;
  sqlite3_stmt *stmt;

  if (!dh_change_check (change, dh_store_get_validator (self), &entity, &fields, error))
    {
      g_prefix_error (error, _("The server sent a change this device cannot take; sync again, and report it if it repeats. "));
      return FALSE;
    }

  if (dh_store_exists (self, "SELECT 1 FROM applied_change WHERE change_id = ?1", change_id, NULL, NULL))
    return TRUE;

  if (!dh_hlc_observe (self->hlc, dh_json_get_string (change, "clock"), error))
    return FALSE;

  existing = dh_store_get_row (self, entity, dh_json_get_string (change, "record_id"), TRUE, &local_error);
  if (existing == NULL && !g_error_matches (local_error, DH_STORE_ERROR, DH_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (existing == NULL)
    {
      const char *made_at = dh_json_get_string (change, "made_at");
      g_autofree char *now = dh_store_now_iso (self);

      if (!dh_store_insert_row (self, entity, dh_json_get_string (change, "record_id"),
                                made_at != NULL ? made_at : now, dh_json_get_string (change, "author"),
                                dh_json_get_string (change, "clock"), DH_SYNC_SYNCED, fields, error))
        return FALSE;
    }
  else if (!merge_into_row (self, entity, change, fields, &changed, error))
    return FALSE;

  if (changed && !refresh_derived (self, entity, dh_json_get_string (change, "record_id"), error))
    return FALSE;
  if (changed)
    dh_store_note_change (self, entity);

  stmt = dh_store_prepare (self, "INSERT INTO applied_change (change_id) VALUES (?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, change_id, -1, SQLITE_TRANSIENT);

  return dh_store_step_done (self, stmt, error);
}

gboolean
dh_store_apply_remote_changes (DhStore    *self,
                               GPtrArray  *changes,
                               GError    **error)
{
  gboolean ok;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);

  g_rec_mutex_lock (&self->lock);
  if (!dh_store_write_begin (self, error))
    {
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }
  ok = TRUE;
  for (guint i = 0; ok && i < changes->len; i++)
    ok = apply_one (self, g_ptr_array_index (changes, i), error);
  ok = dh_store_write_end (self, ok, error);
  g_rec_mutex_unlock (&self->lock);

  return ok;
}
