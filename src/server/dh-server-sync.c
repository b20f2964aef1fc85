/* dh-server-sync.c – the records of the province: push, pull and the places as records */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-server-sync"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libpq-fe.h>

#include "dh-autocleanups.h"
#include "dh-change.h"
#include "dh-entity.h"
#include "dh-hlc.h"
#include "dh-error.h"
#include "dh-merge.h"
#include "dh-server-sync.h"

/* Places are written by the province (import-units), whose clock is the
 * server's: its device id is all zeros, which no device draws. */
#define SERVER_DEVICE   "0000000000000000"
#define PROVINCE_AUTHOR "province"

/* A record as the server holds it (docs/sync.md): its state for the merge,
 * read back from the one change a pull sends, which is all the database
 * keeps of it. */
typedef struct
{
  char        *id;
  gboolean     exists;   /* in the database before this batch */
  gboolean     dirty;    /* to be written when the batch ends */
  char        *entity;
  char        *commune;
  json_object *state;
} StoredRecord;

static void
stored_record_free (StoredRecord *record)
{
  g_free (record->id);
  g_free (record->entity);
  g_free (record->commune);
  json_object_put (record->state);
  g_free (record);
}

/* A record's state, from its change as the database keeps it. */
static json_object *
state_of_wire (const char *text)
{
  g_autoptr(json_object) wire = json_tokener_parse (text);

  if (wire == NULL || !json_object_is_type (wire, json_type_object))
    {
      /* only this program writes the column: never seen but not a crash */
      g_warning ("a record's change in the database is not a JSON object");
      return json_object_new_object ();
    }
  return dh_merge_state_from_wire (wire);
}

/* What a push reads and writes, so that a batch costs a few statements
 * rather than a few a change: its records, read at once and locked; the
 * communes of the records its changes refer to; what it wrote. */
typedef struct
{
  PGconn     *conn;
  GHashTable *records;        /* id → StoredRecord * */
  GHashTable *ref_communes;   /* id → commune, "" for a record above communes */
  GPtrArray  *dirty;          /* StoredRecord *, borrowed, in the order first written */
} PushBatch;

static void
push_batch_init (PushBatch *batch,
                 PGconn    *conn)
{
  batch->conn = conn;
  batch->records = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) stored_record_free);
  batch->ref_communes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  batch->dirty = g_ptr_array_new ();
}

static void
push_batch_clear (PushBatch *batch)
{
  g_clear_pointer (&batch->records, g_hash_table_unref);
  g_clear_pointer (&batch->ref_communes, g_hash_table_unref);
  g_clear_pointer (&batch->dirty, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PushBatch, push_batch_clear)

/* "{id,id,…}": ids checked to be UUIDs need no quoting */
static char *
uuid_array (GHashTable *ids)
{
  GString *list = g_string_new ("{");
  GHashTableIter iter;
  gpointer id;

  g_hash_table_iter_init (&iter, ids);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    g_string_append_printf (list, "%s%s", list->len > 1 ? "," : "", (const char *) id);
  g_string_append_c (list, '}');
  return g_string_free (list, FALSE);
}

/* Reads and locks the records of IDS that the batch has not read yet; an
 * id with no record gets an empty one. */
static gboolean
batch_load (PushBatch   *batch,
            GHashTable  *ids,
            GError     **error)
{
  g_autofree char *list = uuid_array (ids);
  const char *params[] = { list };
  g_autoptr(PGresult) result = NULL;
  GHashTableIter iter;
  gpointer id;

  result = dh_db_exec (batch->conn,
                       "SELECT id, entity, commune, wire FROM record WHERE id = ANY ($1::uuid[]) "
                       "ORDER BY id FOR UPDATE",
                       1, params, error);
  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    {
      StoredRecord *record = g_new0 (StoredRecord, 1);

      record->id = g_strdup (PQgetvalue (result, row, 0));
      record->exists = TRUE;
      record->entity = g_strdup (PQgetvalue (result, row, 1));
      record->commune = PQgetisnull (result, row, 2) ? NULL : g_strdup (PQgetvalue (result, row, 2));
      record->state = state_of_wire (PQgetvalue (result, row, 3));
      g_hash_table_replace (batch->records, record->id, record);
    }
  g_hash_table_iter_init (&iter, ids);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    if (!g_hash_table_contains (batch->records, id))
      {
        StoredRecord *record = g_new0 (StoredRecord, 1);

        record->id = g_strdup (id);
        record->state = json_object_new_object ();
        g_hash_table_replace (batch->records, record->id, record);
      }
  return TRUE;
}

static StoredRecord *
batch_get (PushBatch   *batch,
           const char  *id,
           GError     **error)
{
  StoredRecord *record = g_hash_table_lookup (batch->records, id);
  g_autoptr(GHashTable) one = NULL;

  if (record != NULL)
    return record;
  one = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_add (one, (gpointer) id);
  if (!batch_load (batch, one, error))
    return NULL;
  return g_hash_table_lookup (batch->records, id);
}

static void
batch_mark_written (PushBatch      *batch,
                    StoredRecord   *record,
                    const DhEntity *entity,
                    const char     *commune)
{
  if (record->entity == NULL)
    {
      record->entity = g_strdup (entity->name);
      record->commune = g_strdup (commune);
    }
  if (!record->dirty)
    g_ptr_array_add (batch->dirty, record);
  record->dirty = TRUE;
}

/* The commune of each record the batch's changes refer to, as the
 * database holds it. */
static gboolean
batch_load_references (PushBatch   *batch,
                       GPtrArray   *changes,
                       GError     **error)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *list = NULL;
  g_autoptr(PGresult) result = NULL;
  const char *params[1];

  for (guint i = 0; i < changes->len; i++)
    {
      DhChange *change = g_ptr_array_index (changes, i);

      if (change == NULL)
        continue;
      {
        json_object_object_foreach (change->fields, key, json)
          {
            const DhField *field = dh_entity_get_field (change->entity, key);
            DhWrite write;

            if (field != NULL && field->type == DH_FIELD_REF && dh_write_from_json (json, &write) &&
                write.value != NULL && json_object_is_type (write.value, json_type_string) &&
                dh_is_valid_uuid (json_object_get_string (write.value)))
              g_hash_table_add (ids, g_ascii_strdown (json_object_get_string (write.value), -1));
          }
      }
    }
  if (g_hash_table_size (ids) == 0)
    return TRUE;

  list = uuid_array (ids);
  params[0] = list;
  result = dh_db_exec (batch->conn, "SELECT id, commune FROM record WHERE id = ANY ($1::uuid[])", 1, params, error);
  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    g_hash_table_replace (batch->ref_communes, g_strdup (PQgetvalue (result, row, 0)),
                          g_strdup (PQgetisnull (result, row, 1) ? "" : PQgetvalue (result, row, 1)));
  return TRUE;
}

/* Every record the batch wrote, in one statement: each takes the next
 * number of one sequence, under the lock of its commune — the cursor of
 * pulls. */
static gboolean
batch_save (PushBatch  *batch,
            GError    **error)
{
  g_autoptr(json_object) rows = json_object_new_array ();
  g_autoptr(PGresult) result = NULL;
  const char *params[1];

  if (batch->dirty->len == 0)
    return TRUE;
  for (guint i = 0; i < batch->dirty->len; i++)
    {
      StoredRecord *record = g_ptr_array_index (batch->dirty, i);
      const DhEntity *entity = dh_entity_lookup (record->entity);
      g_autoptr(DhChange) change = dh_merge_state_to_change (entity, record->id, record->commune, record->state);
      g_autoptr(json_object) wire = dh_change_to_json (change);
      json_object *row = json_object_new_array ();

      json_object_array_add (row, json_object_new_string (record->id));
      json_object_array_add (row, json_object_new_string (record->entity));
      json_object_array_add (row, record->commune != NULL ? json_object_new_string (record->commune) : NULL);
      json_object_array_add (row, json_object_new_string (json_object_to_json_string_ext (wire,
                                                            JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)));
      json_object_array_add (rows, row);
    }
  params[0] = json_object_to_json_string_ext (rows, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
  result = dh_db_exec (batch->conn,
                       "INSERT INTO record (id, entity, commune, seq, wire) "
                       "SELECT (r->>0)::uuid, r->>1, (r->>2)::uuid, nextval ('record_seq'), r->>3 "
                       "FROM json_array_elements ($1::json) WITH ORDINALITY AS t (r, n) ORDER BY n "
                       "ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, wire = EXCLUDED.wire",
                       1, params, error);
  return result != NULL;
}

/* One place of the province written by import-units. */
static gboolean
save_record (PGconn          *conn,
             const DhEntity  *entity,
             const char      *id,
             const char      *commune,
             json_object     *state,
             GError         **error)
{
  g_autoptr(DhChange) change = dh_merge_state_to_change (entity, id, commune, state);
  g_autoptr(json_object) wire = dh_change_to_json (change);
  const char *params[] = {
    id, entity->name, commune,
    json_object_to_json_string_ext (wire, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
  };
  g_autoptr(PGresult) result = NULL;

  result = dh_db_exec (conn,
                       "INSERT INTO record (id, entity, commune, seq, wire) "
                       "VALUES ($1, $2, $3, nextval ('record_seq'), $4) "
                       "ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, wire = EXCLUDED.wire",
                       4, params, error);
  return result != NULL;
}

/* The result of a change refused before it reached the merge. */
static void
reject (json_object    *results,
        guint           index,
        const char     *id,
        const char     *code,
        const char     *message,
        DhPushCounts   *counts)
{
  json_object *result = json_object_new_object ();

  json_object_object_add (result, "id", id != NULL ? json_object_new_string (id) : NULL);
  json_object_object_add (result, "status", json_object_new_string ("rejected"));
  json_object_object_add (result, "code", json_object_new_string (code));
  json_object_object_add (result, "message", json_object_new_string (message));
  json_object_array_put_idx (results, index, result);
  counts->rejected++;
}

static gboolean
unit_kind_is (json_object *state,
              const char  *kind)
{
  DhWrite write;

  return dh_merge_state_get_write (state, "kind", &write) && write.value != NULL &&
         g_strcmp0 (json_object_get_string (write.value), kind) == 0;
}

/* PostgreSQL reads a UUID in either case and writes it in small letters,
 * the way devices make them: one written in capitals would name, for the
 * database, a record the devices hold under another id. */
static gboolean
is_lower_case (const char *id)
{
  for (const char *c = id; *c != '\0'; c++)
    if (g_ascii_isupper (*c))
      return FALSE;
  return TRUE;
}

/* What a change may not do whatever the records hold: accounts and the
 * places above villages are the province's. */
static const char *
check_travels (const DhChange *change)
{
  DhWrite kind;

  if (g_str_equal (change->entity->name, "admin_unit") &&
      dh_change_get_write (change, "kind", &kind) && kind.value != NULL &&
      g_strcmp0 (json_object_get_string (kind.value), "village") != 0)
    return _("Provinces and communes come from the province's list of places: ask the province's administrator to change it");
  return NULL;
}

static const char *
check_commune (const DhChange  *change,
               const DhSession *session)
{
  if (change->commune == NULL)
    return _("The change names no commune: every record of a commune says which one");
  if (session->commune_id != NULL && strcmp (change->commune, session->commune_id) != 0)
    return _("The record belongs to another commune than this account's: a caseworker or an official sends only the records of their own commune");
  return NULL;
}

/* A reference to a record of another commune would carry the commune's
 * data out of its scope (a member of someone else's household, a
 * household in another commune's village). */
static gboolean
refers_in_scope (PushBatch      *batch,
                 const DhChange *change)
{
  json_object_object_foreach (change->fields, key, json)
    {
      const DhField *field = dh_entity_get_field (change->entity, key);
      g_autofree char *target_id = NULL;
      StoredRecord *target;
      const char *commune;
      DhWrite write;

      if (field == NULL || field->type != DH_FIELD_REF || !dh_write_from_json (json, &write) ||
          write.value == NULL || !json_object_is_type (write.value, json_type_string))
        continue;
      /* what this batch made or holds first, then what the database held */
      target_id = g_ascii_strdown (json_object_get_string (write.value), -1);
      target = g_hash_table_lookup (batch->records, target_id);
      if (target != NULL && target->entity != NULL)
        commune = target->commune != NULL ? target->commune : "";
      else
        commune = g_hash_table_lookup (batch->ref_communes, target_id);
      if (commune != NULL && *commune != '\0' && strcmp (commune, change->commune) != 0)
        return FALSE;
    }
  return TRUE;
}

/* A conflict record found by the merge: merged into its own record like
 * any change (the same one found on a device is the same record). */
static gboolean
merge_conflict (PushBatch       *batch,
                const DhChange  *conflict,
                GError         **error)
{
  StoredRecord *stored = batch_get (batch, conflict->record_id, error);
  g_auto(DhMergeResult) result = { 0 };

  if (stored == NULL)
    return FALSE;
  if (stored->entity != NULL && g_strcmp0 (stored->entity, conflict->entity->name) != 0)
    return TRUE;
  if (!dh_merge_record (stored->state, conflict, &result) ||
      (stored->entity != NULL && result.taken->len == 0))
    return TRUE;
  batch_mark_written (batch, stored, conflict->entity, conflict->commune);
  return TRUE;
}

/* One checked change in the transaction of its push. Returns FALSE only
 * when the database fails; a refusal is a result. */
static gboolean
push_one (PushBatch       *batch,
          const DhChange  *change,
          const char      *id,
          json_object     *results,
          guint            index,
          DhPushCounts    *counts,
          json_object     *audit,
          GError         **error)
{
  StoredRecord *stored = batch_get (batch, change->record_id, error);
  g_auto(DhMergeResult) result = { 0 };
  gboolean known;
  const char *status;
  guint fields = 0;

  if (stored == NULL)
    return FALSE;
  known = stored->entity != NULL;
  if (known && g_strcmp0 (stored->entity, change->entity->name) != 0)
    {
      reject (results, index, id, "refused", _("Its record id belongs to a record of another kind"), counts);
      return TRUE;
    }
  if (known && g_strcmp0 (stored->commune, change->commune) != 0)
    {
      reject (results, index, id, "out_of_scope",
              _("The record belongs to another commune: a record stays in the commune it was made in"), counts);
      return TRUE;
    }
  if (known && g_str_equal (change->entity->name, "admin_unit") && !unit_kind_is (stored->state, "village"))
    {
      reject (results, index, id, "not_synced",
              _("Provinces and communes come from the province's list of places: ask the province's administrator to change it"),
              counts);
      return TRUE;
    }
  if (!refers_in_scope (batch, change))
    {
      reject (results, index, id, "out_of_scope",
              _("The record refers to a record of another commune: a record refers only to records of its own commune"),
              counts);
      return TRUE;
    }

  if (!dh_merge_record (stored->state, change, &result))
    {
      reject (results, index, id, "refused", result.rejected, counts);
      return TRUE;
    }
  if (!known || result.taken->len > 0)
    batch_mark_written (batch, stored, change->entity, change->commune);
  for (guint i = 0; i < result.conflicts->len; i++)
    if (!merge_conflict (batch, g_ptr_array_index (result.conflicts, i), error))
      return FALSE;

  /* what every copy keeps of a change refused in part is kept here too,
   * and its author learns why the rest was not */
  if (result.rejected != NULL)
    {
      reject (results, index, id, "refused", result.rejected, counts);
      return TRUE;
    }

  if (result.conflicts->len > 0)
    {
      status = "conflict";
      counts->conflicts++;
    }
  else if (!known || result.taken->len > 0)
    {
      status = "applied";
      counts->applied++;
    }
  else
    {
      status = "already";
      counts->already++;
    }
  {
    json_object *object = json_object_new_object ();

    json_object_object_add (object, "id", json_object_new_string (id));
    json_object_object_add (object, "status", json_object_new_string (status));
    json_object_array_put_idx (results, index, object);
  }

  /* the audit names each change accepted and the fields it wrote, never
   * their values; what the server had already is not news */
  if (g_str_equal (status, "already"))
    return TRUE;
  {
    g_autoptr(GString) subject = g_string_new (NULL);

    g_string_printf (subject, "%s %s %s:", status, change->entity->name, id);
    {
      json_object_object_foreach (change->fields, key, json)
        {
          (void) json;
          g_string_append_printf (subject, "%s%s", fields++ > 0 ? "," : " ", key);
        }
    }
    /* json-c quotes what needs quoting */
    json_object_array_add (audit, json_object_new_string_len (subject->str, subject->len));
  }
  return TRUE;
}

/* Takes the lock of each commune the batch writes, in one order so that
 * two pushes never wait for each other crosswise; NULL for a commune the
 * server does not know. */
static GHashTable *
lock_communes (PGconn      *conn,
               GPtrArray   *changes,
               GError     **error)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) locked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) list = g_string_new ("{");
  g_autoptr(PGresult) result = NULL;
  const char *params[1];
  GHashTableIter iter;
  gpointer commune;

  for (guint i = 0; i < changes->len; i++)
    {
      DhChange *change = g_ptr_array_index (changes, i);

      if (change != NULL)
        g_hash_table_add (wanted, change->commune);
    }
  g_hash_table_iter_init (&iter, wanted);
  while (g_hash_table_iter_next (&iter, &commune, NULL))
    g_string_append_printf (list, "%s%s", list->len > 1 ? "," : "", (const char *) commune);
  g_string_append_c (list, '}');

  params[0] = list->str;
  result = dh_db_exec (conn,
                       "SELECT commune FROM sync_lock WHERE commune = ANY ($1::uuid[]) "
                       "ORDER BY commune FOR UPDATE",
                       1, params, error);
  if (result == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (result); row++)
    g_hash_table_add (locked, g_strdup (PQgetvalue (result, row, 0)));
  return g_steal_pointer (&locked);
}

/**
 * dh_sync_push:
 * @changes: the JSON array of changes as the device sent them
 *
 * Merges a batch of changes in one transaction (docs/sync.md, “Push”).
 * A change refused is a result; only a failure of the database is an
 * error, and then nothing of the batch holds.
 *
 * Returns: (transfer full): the results, one a change, in order
 */
json_object *
dh_sync_push (PGconn           *conn,
              const DhSession  *session,
              json_object      *changes,
              gint64            now_ms,
              DhPushCounts     *counts,
              GError          **error)
{
  g_autoptr(json_object) results = json_object_new_array ();
  g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func ((GDestroyNotify) dh_change_free);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) locked = NULL;
  g_autoptr(json_object) audit = json_object_new_array ();
  g_autoptr(PGresult) audited = NULL;
  g_autoptr(GHashTable) record_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(PushBatch) batch = { 0 };
  DhValidator validator;
  size_t n = json_object_array_length (changes);

  memset (counts, 0, sizeof *counts);
  dh_validator_init (&validator);

  /* what fails on its own is answered before the transaction */
  for (size_t i = 0; i < n; i++)
    {
      json_object *wire = json_object_array_get_idx (changes, i);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(DhChange) change = NULL;
      const char *refusal;
      char *id = NULL;

      json_object_array_add (results, NULL);
      if (g_strcmp0 (dh_json_get_string (wire, "e"), "user") == 0)
        {
          g_ptr_array_add (ids, NULL);
          g_ptr_array_add (parsed, NULL);
          reject (results, i, NULL, "not_synced", _("Accounts are kept on the server: ask the province's administrator"), counts);
          continue;
        }
      change = dh_change_from_json (wire, &validator, &local_error);
      if (change != NULL)
        id = dh_change_get_id (change);
      g_ptr_array_add (ids, id);

      if (change == NULL)
        reject (results, i, NULL, "invalid", local_error->message, counts);
      else if (!is_lower_case (change->record_id) || (change->commune != NULL && !is_lower_case (change->commune)))
        reject (results, i, id, "invalid",
                _("Its record or commune id is written in capitals: devices write ids in small letters"), counts);
      else if (!dh_change_check_clocks (change, now_ms, &local_error))
        reject (results, i, id, "clock_ahead", local_error->message, counts);
      else if ((refusal = check_travels (change)) != NULL)
        reject (results, i, id, "not_synced", refusal, counts);
      else if ((refusal = check_commune (change, session)) != NULL)
        reject (results, i, id, "out_of_scope", refusal, counts);
      else
        {
          g_ptr_array_add (parsed, g_steal_pointer (&change));
          continue;
        }
      g_ptr_array_add (parsed, NULL);
    }

  if (!dh_db_run (conn, "BEGIN", error))
    return NULL;
  locked = lock_communes (conn, parsed, error);
  if (locked == NULL)
    {
      dh_db_abandon (conn);
      return NULL;
    }
  for (guint i = 0; i < parsed->len; i++)
    {
      DhChange *change = g_ptr_array_index (parsed, i);

      if (change != NULL && g_hash_table_contains (locked, change->commune))
        g_hash_table_add (record_ids, change->record_id);
    }
  push_batch_init (&batch, conn);
  if ((g_hash_table_size (record_ids) > 0 && !batch_load (&batch, record_ids, error)) ||
      !batch_load_references (&batch, parsed, error))
    {
      dh_db_abandon (conn);
      return NULL;
    }

  for (guint i = 0; i < parsed->len; i++)
    {
      DhChange *change = g_ptr_array_index (parsed, i);
      const char *id = g_ptr_array_index (ids, i);

      if (change == NULL)
        continue;
      if (!g_hash_table_contains (locked, change->commune))
        {
          reject (results, i, id, "out_of_scope",
                  _("The server knows no commune with this id: the province's administrator imports the communes (import-units)"),
                  counts);
          continue;
        }
      if (!push_one (&batch, change, id, results, i, counts, audit, error))
        {
          dh_db_abandon (conn);
          return NULL;
        }
    }

  if (!batch_save (&batch, error))
    {
      dh_db_abandon (conn);
      return NULL;
    }

  if (json_object_array_length (audit) > 0)
    {
      const char *params[] = { session->username, session->device,
                               json_object_to_json_string_ext (audit, JSON_C_TO_STRING_PLAIN) };

      audited = dh_db_exec (conn,
                            "INSERT INTO audit (actor, device, action, subject) "
                            "SELECT $1, $2, 'push', s FROM json_array_elements_text ($3::json) s",
                            3, params, error);
      if (audited == NULL)
        {
          dh_db_abandon (conn);
          return NULL;
        }
    }
  if (!dh_db_run (conn, "COMMIT", error))
    {
      dh_db_abandon (conn);
      return NULL;
    }
  return g_steal_pointer (&results);
}

gboolean
dh_sync_pull (PGconn      *conn,
              const char  *commune_id,
              gint64       after,
              guint        limit,
              gboolean     in_lists,
              GString     *out,
              gint64      *out_cursor,
              gboolean    *out_more,
              gint64      *out_total,
              GError     **error)
{
  /* planned once a connection: a pull asks for page after page */
  static const DhDbStatement pull_count = {
    "dh_pull_count",
    "SELECT (SELECT count (*) FROM record WHERE commune = $1 AND seq > $2)"
    "     + (SELECT count (*) FROM record WHERE commune IS NULL AND seq > $2)",
  };
  /* from the start: every record, as migration 5's trigger keeps them counted */
  static const DhDbStatement pull_count_all = {
    "dh_pull_count_all",
    "SELECT coalesce (sum (records), 0) FROM record_count WHERE commune = $1 OR commune IS NULL",
  };
  static const DhDbStatement pull_page = {
    "dh_pull_page",
    "(SELECT seq, wire FROM record WHERE commune = $1 AND seq > $2 ORDER BY seq LIMIT $3)"
    " UNION ALL "
    "(SELECT seq, wire FROM record WHERE commune IS NULL AND seq > $2 ORDER BY seq LIMIT $3)"
    " ORDER BY seq LIMIT $3",
  };
  g_autofree char *after_text = g_strdup_printf ("%" G_GINT64_FORMAT, after);
  g_autofree char *limit_text = g_strdup_printf ("%u", limit + 1);
  const char *params[] = { commune_id, after_text, limit_text };
  g_autoptr(PGresult) result = NULL;
  int rows;

  /* Two index scans in seq order, merged, each stopping at the page's
   * end: the commune's records and the province's (a record above
   * communes has none). Without sorting allowed, the planner cannot take
   * the other plan it likes on a table whose statistics are stale or
   * missing: fetch every record of the commune after the cursor and keep
   * the first LIMIT, so that a first sync of P pages reads the commune's
   * records about P / 2 times over. */
  if (!dh_db_run (conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL enable_sort = off", error))
    return dh_db_abandon (conn);
  /* how many records there are from the cursor on, in the snapshot the
   * page is read from: asked for once a pull, for its progress */
  if (out_total != NULL)
    {
      const char *count_params[] = { commune_id, after_text };
      g_autoptr(PGresult) counted = after > 0 ? dh_db_exec_prepared (conn, &pull_count, 2, count_params, error)
                                              : dh_db_exec_prepared (conn, &pull_count_all, 1, count_params, error);

      if (counted == NULL)
        return dh_db_abandon (conn);
      *out_total = g_ascii_strtoll (PQgetvalue (counted, 0, 0), NULL, 10);
    }
  result = dh_db_exec_prepared (conn, &pull_page, 3, params, error);
  if (result == NULL || !dh_db_run (conn, "COMMIT", error))
    return dh_db_abandon (conn);

  rows = PQntuples (result);
  *out_more = rows > (int) limit;
  if (*out_more)
    rows = limit;
  *out_cursor = after;
  for (int row = 0; row < rows; row++)
    {
      if (row > 0)
        g_string_append_c (out, ',');
      /* as it was written, or each field in a list for a device of version 1 */
      if (in_lists)
        dh_change_wire_append_in_lists (PQgetvalue (result, row, 1), (gsize) PQgetlength (result, row, 1), out);
      else
        g_string_append_len (out, PQgetvalue (result, row, 1), PQgetlength (result, row, 1));
      *out_cursor = g_ascii_strtoll (PQgetvalue (result, row, 0), NULL, 10);
    }
  return TRUE;
}

gboolean
dh_sync_commune_exists (PGconn      *conn,
                        const char  *commune_id,
                        gboolean    *out_exists,
                        GError     **error)
{
  static const DhDbStatement commune_exists = { "dh_commune_exists", "SELECT 1 FROM sync_lock WHERE commune = $1" };
  const char *params[] = { commune_id };
  g_autoptr(PGresult) result = dh_db_exec_prepared (conn, &commune_exists, 1, params, error);

  if (result == NULL)
    return FALSE;
  *out_exists = PQntuples (result) > 0;
  return TRUE;
}

/* The value a place's field has in the unit table, as a change writes it. */
static json_object *
unit_value (PGresult *result,
            int       row,
            int       column)
{
  if (PQgetisnull (result, row, column))
    return NULL;
  return json_object_new_string (PQgetvalue (result, row, column));
}

static gboolean
same_json (json_object *a,
           json_object *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return json_object_equal (a, b);
}

/* One place as a change of what differs from its record; NULL when
 * nothing does. It goes through the checks devices make, so that the
 * server holds what they will hold. */
static DhChange *
unit_change (PGresult           *result,
             int                 row,
             json_object        *state,
             DhHlc              *hlc,
             const DhValidator  *validator,
             GError            **error)
{
  static const char * const fields[] = { "kind", "code", "name", "parent", "area", "valid_from", "valid_to", "successor" };
  const DhEntity *entity = dh_entity_lookup ("admin_unit");
  const char *id = PQgetvalue (result, row, 0);
  const char *commune = PQgetisnull (result, row, 9) ? NULL : PQgetvalue (result, row, 9);
  g_autoptr(json_object) wire = json_object_new_object ();
  g_autoptr(json_object) writes = json_object_new_object ();
  g_autofree char *clock = NULL;
  const char *latest = dh_merge_state_latest_clock (state);

  if (latest != NULL && latest[0] != '\0' && !dh_hlc_observe (hlc, latest, error))
    return NULL;
  clock = dh_hlc_now (hlc);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autoptr(json_object) value = unit_value (result, row, i + 1);
      DhWrite stored;
      gboolean has_stored = dh_merge_state_get_write (state, fields[i], &stored);
      json_object *write;

      if (has_stored ? same_json (stored.value, value) : value == NULL)
        continue;
      write = json_object_new_array ();
      json_object_array_add (write, g_steal_pointer (&value));
      json_object_array_add (write, json_object_new_string (has_stored ? stored.clock : ""));
      json_object_object_add (writes, fields[i], write);
    }
  if (json_object_object_length (writes) == 0)
    return NULL;

  json_object_object_add (wire, "e", json_object_new_string (entity->name));
  json_object_object_add (wire, "r", json_object_new_string (id));
  if (commune != NULL)
    json_object_object_add (wire, "c", json_object_new_string (commune));
  json_object_object_add (wire, "u", json_object_new_string (PROVINCE_AUTHOR));
  json_object_object_add (wire, "k", json_object_new_string (clock));
  json_object_object_add (wire, "f", g_steal_pointer (&writes));
  return dh_change_from_json (wire, validator, error);
}

/**
 * dh_sync_write_units:
 *
 * Writes the province's places, as the unit table holds them after an
 * import, as admin_unit records that devices pull: a place's id is its
 * record's, its parent a reference, and what did not change is not
 * written again. Holds every commune's lock meanwhile.
 */
gboolean
dh_sync_write_units (PGconn      *conn,
                     const char  *province_code,
                     GError     **error)
{
  const char *params[] = { province_code };
  g_autoptr(PGresult) result = NULL;
  g_autoptr(PGresult) locks = NULL;
  g_autoptr(DhHlc) hlc = dh_hlc_new (SERVER_DEVICE, 0);
  DhValidator validator;

  dh_validator_init (&validator);

  if (!dh_db_run (conn, "LOCK TABLE sync_lock IN EXCLUSIVE MODE", error))
    return FALSE;
  locks = dh_db_exec (conn,
                      "INSERT INTO sync_lock (commune) "
                      "SELECT id FROM unit WHERE kind = 'commune' AND parent = $1 "
                      "ON CONFLICT DO NOTHING",
                      1, params, error);
  if (locks == NULL)
    return FALSE;

  result = dh_db_exec (conn,
                       "SELECT u.id, u.kind, u.code, u.name, p.id, u.area, "
                       "  to_char (u.valid_from, 'YYYY-MM-DD'), to_char (u.valid_to, 'YYYY-MM-DD'), s.id, "
                       "  CASE u.kind WHEN 'commune' THEN u.id WHEN 'village' THEN p.id END, r.wire "
                       "FROM unit u LEFT JOIN unit p ON p.code = u.parent "
                       "  LEFT JOIN unit s ON s.code = u.successor "
                       "  LEFT JOIN record r ON r.id = u.id "
                       "WHERE u.code = $1 OR u.parent = $1 OR p.parent = $1 "
                       "ORDER BY CASE u.kind WHEN 'province' THEN 0 WHEN 'commune' THEN 1 ELSE 2 END, u.code",
                       1, params, error);
  if (result == NULL)
    return FALSE;

  for (int row = 0; row < PQntuples (result); row++)
    {
      g_autoptr(json_object) state = PQgetisnull (result, row, 10) ? json_object_new_object ()
                                                                    : state_of_wire (PQgetvalue (result, row, 10));
      g_auto(DhMergeResult) merged = { 0 };
      g_autoptr(DhChange) change = unit_change (result, row, state, hlc, &validator, error);

      if (change == NULL)
        {
          if (error != NULL && *error != NULL)
            return FALSE;
          continue;
        }
      if (!dh_merge_record (state, change, &merged) ||
          !save_record (conn, change->entity, change->record_id, change->commune, state, error))
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE, "%s", merged.rejected);
          return FALSE;
        }
    }
  return TRUE;
}
