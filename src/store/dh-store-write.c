/* dh-store-write.c – creating, changing and deleting records, each with its pending change */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-date.h"
#include "dh-error.h"
#include "dh-merge.h"
#include "dh-rules.h"
#include "dh-store-private.h"
#include "dh-text.h"
#include "dh-uuid.h"

/* The entity called NAME, or an error that lists the names there are. A
 * kind of place ("commune") stands for the places of that kind. */
const DhEntity *
dh_store_lookup_entity (const char   *name,
                        const char  **out_unit_kind,
                        GError      **error)
{
  const DhEntity *entity = dh_entity_lookup_listed (name, out_unit_kind);

  if (entity == NULL)
    {
      g_autofree char *names = dh_entity_list_names ();

      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_CODE,
                   _("There is no kind of record called “%s”; use one of: %s"),
                   name != NULL ? name : "", names);
    }

  return entity;
}

/* The commune whose data a record is: what the server scopes it by. */
static char *
record_commune (DhStore         *self,
                const DhEntity  *entity,
                json_object     *record)
{
  const char *household = dh_json_get_string (record, "household");
  const char *kind = dh_json_get_string (record, "kind");

  if (dh_entity_get_field (entity, "commune") != NULL)
    return g_strdup (dh_json_get_string (record, "commune"));

  if (household != NULL)
    {
      sqlite3_stmt *stmt = dh_store_prepare (self, "SELECT commune FROM household WHERE id = ?", NULL);
      char *commune = NULL;

      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, household, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
        commune = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
      return commune;
    }

  if (g_strcmp0 (kind, "commune") == 0)
    return g_strdup (dh_json_get_string (record, DH_RECORD_ID));
  if (g_strcmp0 (kind, "village") == 0)
    return g_strdup (dh_json_get_string (record, "parent"));

  return NULL;
}

/* Queues the change a write made: each field with the base it replaced
 * (bases: field → clock; absent: nothing known was replaced). */
static gboolean
record_change (DhStore         *self,
               const DhEntity  *entity,
               const char      *id,
               json_object     *record,
               const char      *clock,
               json_object     *fields,
               json_object     *bases,
               gboolean         new_record,
               GError         **error)
{
  g_autofree char *commune = record_commune (self, entity, record);
  g_autoptr(DhChange) change = dh_change_new (entity, id, commune, self->user, clock);

  json_object_object_foreach (fields, key, value)
    dh_change_set_write (change, key, value, dh_json_get_string (bases, key), NULL, self->user);

  return dh_store_queue_change (self, change, new_record, error);
}

/* References and the rules that need other records: src/common/dh-rules.c,
 * with the store answering its questions. */

static json_object *
lookup_get (gpointer          data,
            const DhEntity   *entity,
            const char       *id,
            GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  json_object *record = dh_store_get_row (data, entity, id, FALSE, &local_error);

  if (record == NULL && !g_error_matches (local_error, DH_STORE_ERROR, DH_STORE_ERROR_NOT_FOUND))
    g_propagate_error (error, g_steal_pointer (&local_error));

  return record;
}

static gboolean
lookup_taken (gpointer          data,
              const DhEntity   *entity,
              const char       *except_id,
              const char       *field,
              const char       *value,
              const char       *scope_field,
              const char       *scope_value,
              gboolean         *out_taken,
              GError          **error)
{
  DhStore *self = data;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  int rc;

  /* the names come from the entities' own description, never from input */
  if (scope_field != NULL)
    sql = g_strdup_printf ("SELECT 1 FROM \"%s\" WHERE id != ?1 AND \"%s\" = ?2 AND \"%s\" IS ?3 AND deleted = 0 LIMIT 1",
                           entity->name, field, scope_field);
  else
    sql = g_strdup_printf ("SELECT 1 FROM \"%s\" WHERE id != ?1 AND \"%s\" = ?2 AND deleted = 0 LIMIT 1",
                           entity->name, field);

  stmt = dh_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, except_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  if (scope_field != NULL)
    sqlite3_bind_text (stmt, 3, scope_value, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  *out_taken = rc == SQLITE_ROW;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    dh_store_set_sqlite_error (self, error);
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* Fills the computed fields and checks what needs other records; keeps
 * the store's error codes for a missing reference and a taken value. */
static gboolean
complete_record (DhStore         *self,
                 const DhEntity  *entity,
                 const char      *id,
                 json_object     *record,
                 GError         **error)
{
  DhLookup lookup = { lookup_get, lookup_taken, self };
  g_autoptr(GError) local_error = NULL;

  if (dh_rules_complete_record (&lookup, dh_store_get_validator (self), entity, id, record, &local_error))
    return TRUE;

  if (local_error->domain == DH_VALIDATION_ERROR && local_error->code == DH_VALIDATION_ERROR_REFERENCE)
    local_error->domain = DH_STORE_ERROR, local_error->code = DH_STORE_ERROR_REFERENCE;
  else if (local_error->domain == DH_VALIDATION_ERROR && local_error->code == DH_VALIDATION_ERROR_DUPLICATE)
    local_error->domain = DH_STORE_ERROR, local_error->code = DH_STORE_ERROR_DUPLICATE;
  g_propagate_error (error, g_steal_pointer (&local_error));

  return FALSE;
}

static void
apply_defaults (const DhEntity *entity,
                json_object    *record)
{
  for (guint i = 0; i < entity->n_fields; i++)
    {
      const DhField *field = &entity->fields[i];
      json_object *value;

      if (field->default_value != NULL &&
          (!json_object_object_get_ex (record, field->name, &value) || value == NULL))
        json_object_object_add (record, field->name, json_object_new_string (field->default_value));
    }
}

/* A new row in one statement, with its sort keys: made here (sync state
 * "created", made and last changed at one moment by one person, clocks
 * NULL) or received (the writes of its state). */
gboolean
dh_store_insert_row_full (DhStore         *self,
                          const DhEntity  *entity,
                          const char      *id,
                          const char      *made_at,
                          const char      *author,
                          const char      *updated_at,
                          const char      *updated_by,
                          const char      *clock,
                          const char      *clocks,
                          DhSyncState      sync_state,
                          json_object     *fields,
                          GError         **error)
{
  g_autofree char *full = NULL;
  g_autofree char *given = NULL;
  sqlite3_stmt *stmt;
  int next = 10 + (int) entity->n_fields;

  dh_store_sort_keys (entity, id, fields, &full, &given);

  stmt = dh_store_prepare_static (self, dh_store_entity_sql (entity)->insert, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, made_at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, author, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, updated_at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, updated_by, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 6, json_object_get_boolean (json_object_object_get (fields, DH_RECORD_DELETED)) ? 1 : 0);
  sqlite3_bind_int (stmt, 7, sync_state);
  sqlite3_bind_text (stmt, 8, clock, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, clocks, -1, SQLITE_STATIC);
  for (guint i = 0; i < entity->n_fields; i++)
    {
      json_object *value = NULL;

      json_object_object_get_ex (fields, entity->fields[i].name, &value);
      dh_store_bind_json (stmt, 10 + (int) i, value);
    }
  if (full != NULL)
    sqlite3_bind_text (stmt, next, full, -1, SQLITE_STATIC);
  if (given != NULL)
    sqlite3_bind_text (stmt, next + 1, given, -1, SQLITE_STATIC);

  if (!dh_store_step_done (self, stmt, error))
    return FALSE;
  dh_store_note_new_search_row (self, entity, sqlite3_last_insert_rowid (self->db));

  return TRUE;
}

gboolean
dh_store_insert_row (DhStore         *self,
                     const DhEntity  *entity,
                     const char      *id,
                     const char      *made_at,
                     const char      *author,
                     const char      *clock,
                     DhSyncState      sync_state,
                     json_object     *fields,
                     GError         **error)
{
  return dh_store_insert_row_full (self, entity, id, made_at, author, made_at, author, clock, NULL,
                                   sync_state, fields, error);
}

static json_object *update_unlocked (DhStore *, const DhEntity *, const char *, json_object *, GError **);

/* The commune's recognition of a review is the household's class from
 * then on, unless a later recognition has been recorded already. */
static gboolean
apply_recognition (DhStore      *self,
                   json_object  *assessment,
                   GError      **error)
{
  const char *official = dh_json_get_string (assessment, "official_class");
  const char *decided_on = dh_json_get_string (assessment, "decided_on");
  const char *household_id = dh_json_get_string (assessment, "household");
  g_autoptr(json_object) household = NULL;
  g_autoptr(json_object) changes = NULL;
  g_autoptr(json_object) updated = NULL;
  const char *recognized_on;

  if (official == NULL || decided_on == NULL)
    return TRUE;

  household = dh_store_get_row (self, dh_entity_lookup ("household"), household_id, FALSE, error);
  if (household == NULL)
    return FALSE;

  recognized_on = dh_json_get_string (household, "recognized_on");
  if (recognized_on != NULL && strcmp (recognized_on, decided_on) > 0)
    return TRUE;

  changes = json_object_new_object ();
  json_object_object_add (changes, "classification", json_object_new_string (official));
  json_object_object_add (changes, "classification_year",
                          json_object_new_int ((int) g_ascii_strtoll (dh_json_get_string (assessment, "reviewed_on"), NULL, 10)));
  json_object_object_add (changes, "recognized_on", json_object_new_string (decided_on));

  updated = update_unlocked (self, dh_entity_lookup ("household"), household_id, changes, error);
  return updated != NULL;
}

/* Everything a write does after validation: the row, its search entry and
 * sort keys, and the pending change, inside one transaction. */
static json_object *
create_unlocked (DhStore         *self,
                 const DhEntity  *entity,
                 json_object     *input,
                 gboolean         allow_computed,
                 GError         **error)
{
  g_autoptr(json_object) record = NULL;
  g_autoptr(json_object) change = NULL;
  g_autofree char *id = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *now = NULL;
  const char *given_id = dh_json_get_string (input, DH_RECORD_ID);
  gboolean taken = FALSE;
  gboolean ok;

  if (given_id != NULL && !dh_is_valid_uuid (given_id))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("id: “%s” is not a UUID; leave the id out and one is made for the record"), given_id);
      return NULL;
    }
  id = given_id != NULL ? g_ascii_strdown (given_id, -1) : dh_uuid_new ();

  if (!dh_entity_normalize_fields (entity, input, allow_computed, dh_store_get_validator (self), &record, error))
    return NULL;
  apply_defaults (entity, record);

  if (!dh_store_write_begin (self, error))
    return NULL;

  ok = complete_record (self, entity, id, record, error);
  /* ids are unique across kinds, not only within one: a reference names a
   * record by its id alone; one made here is new, one given may not be */
  if (ok && given_id != NULL && !dh_store_id_taken (self, id, NULL, &taken, error))
    ok = FALSE;
  else if (ok && taken)
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_DUPLICATE,
                   _("id: a record with id “%s” exists already; leave the id out to add a new one"),
                   id);
      ok = FALSE;
    }

  if (ok)
    {
      clock = dh_hlc_now (self->hlc);
      now = dh_store_now_iso (self);
      change = json_object_new_object ();
      {
        json_object_object_foreach (record, key, value)
          {
            if (value != NULL)
              json_object_object_add (change, key, json_object_get (value));
          }
      }

      json_object_object_add (record, DH_RECORD_ID, json_object_new_string (id));
      ok = dh_store_insert_row (self, entity, id, now, self->user, clock, DH_SYNC_CREATED, record, error) &&
           record_change (self, entity, id, record, clock, change, NULL, TRUE, error);

      if (ok)
        {
          ok = dh_store_refresh_derived (self, entity, record, FALSE, error) &&
               (!g_str_equal (entity->name, "assessment") || apply_recognition (self, record, error));
        }
    }

  if (!dh_store_write_end (self, ok, error))
    return NULL;

  return dh_store_get_row (self, entity, id, FALSE, error);
}

json_object *
dh_store_create (DhStore      *self,
                 const char   *entity_name,
                 json_object  *fields,
                 GError      **error)
{
  g_autoptr(json_object) typed = NULL;
  g_autoptr(json_object) resolved = NULL;
  const char *unit_kind = NULL;
  const DhEntity *entity;
  json_object *record = NULL;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);

  entity = dh_store_lookup_entity (entity_name, &unit_kind, error);
  if (entity == NULL)
    return NULL;

  if (entity->derived)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_READ_ONLY,
                   _("Conflicts are recorded by the sync, not typed; settle one with update conflict ID"));
      return NULL;
    }

  /* a commune added as a commune is one, whatever else the input says */
  if (unit_kind != NULL && json_object_is_type (fields, json_type_object))
    {
      const char *kind = dh_json_get_string (fields, "kind");

      if (json_object_object_get_ex (fields, "kind", NULL) && g_strcmp0 (kind, unit_kind) != 0)
        {
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                       /* Translators: "kind: a commune is being added, not a “village”; leave kind out" */
                       _("kind: a %s is being added, not a “%s”; leave kind out"),
                       dh_entity_unit_kind_label (unit_kind), kind != NULL ? kind : "");
          return NULL;
        }
      if (json_object_deep_copy (fields, &typed, NULL) != 0)
        g_error ("Out of memory copying a record");
      json_object_object_add (typed, "kind", json_object_new_string (unit_kind));
      fields = typed;
    }

  dh_store_lock (self);
  if (dh_store_resolve_place_fields (self, entity, fields, dh_json_get_string (fields, "kind"), &resolved, error))
    record = create_unlocked (self, entity, resolved, FALSE, error);
  dh_store_unlock (self);

  return record;
}

gboolean
dh_store_refuse_ledger_change (json_object  *existing,
                               GError      **error)
{
  if (dh_json_get_string (existing, "voids") != NULL)
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_LEDGER,
                   _("This entry voids another one and stays in the ledger as it is; enter a new support entry if something is still missing"));
      return TRUE;
    }

  if (g_strcmp0 (dh_json_get_string (existing, "status"), "delivered") == 0)
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_LEDGER,
                   _("A delivered support entry cannot be changed: void it, saying why, and enter it again"));
      return TRUE;
    }

  return FALSE;
}

/* The latest clock a deleter had seen of a record and, for a household,
 * of everything that belongs to it: edits stamped later were unseen. */
static gboolean
latest_seen (DhStore         *self,
             const DhEntity  *entity,
             const char      *id,
             json_object     *state,
             char           **out_latest,
             GError         **error)
{
  g_autofree char *latest = g_strdup (dh_merge_state_latest_clock (state));
  guint n_entities;
  const DhEntity * const *entities = dh_entity_list_all (&n_entities);

  if (g_str_equal (entity->name, "household"))
    {
      for (guint i = 0; i < n_entities; i++)
        {
          const DhField *parent = dh_entity_get_field (entities[i], "household");
          g_autofree char *sql = NULL;
          g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
          sqlite3_stmt *stmt;

          if (parent == NULL || parent->type != DH_FIELD_REF)
            continue;
          sql = g_strdup_printf ("SELECT id FROM \"%s\" WHERE household = ?", entities[i]->name);
          stmt = dh_store_prepare (self, sql, error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
          while (sqlite3_step (stmt) == SQLITE_ROW)
            g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
          sqlite3_reset (stmt);

          for (guint j = 0; j < ids->len; j++)
            {
              g_autoptr(json_object) child = dh_store_load_state (self, entities[i], g_ptr_array_index (ids, j), error);

              if (child == NULL)
                return FALSE;
              if (strcmp (dh_merge_state_latest_clock (child), latest) > 0)
                {
                  g_free (latest);
                  latest = g_strdup (dh_merge_state_latest_clock (child));
                }
            }
        }
    }

  *out_latest = g_steal_pointer (&latest);
  return TRUE;
}

/* Writes changed fields over a record: each write names the clock of the
 * value it replaced, and goes to the queue with it. */
gboolean
dh_store_write_changed_fields (DhStore         *self,
                               const DhEntity  *entity,
                               const char      *id,
                               json_object     *existing,
                               json_object     *changed,
                               const char      *clock,
                               gboolean         deleting,
                               GError         **error)
{
  g_autoptr(json_object) state = dh_store_load_state (self, entity, id, error);
  g_autoptr(json_object) bases = json_object_new_object ();
  g_autoptr(GPtrArray) taken = g_ptr_array_new ();
  const char *state_name = dh_json_get_string (existing, DH_RECORD_SYNC_STATE);
  DhSyncState sync_state = deleting ? DH_SYNC_DELETED :
                           g_strcmp0 (state_name, "created") == 0 ? DH_SYNC_CREATED : DH_SYNC_MODIFIED;

  if (state == NULL)
    return FALSE;

  {
    json_object_object_foreach (changed, key, value)
      {
        g_autofree char *base = NULL;
        DhWrite write = { .value = value, .clock = clock, .author = self->user };
        DhWrite stored;

        if (g_str_equal (key, DH_RECORD_DELETED))
          {
            if (!latest_seen (self, entity, id, state, &base, error))
              return FALSE;
          }
        else if (!dh_store_base_of (self, entity, id, key,
                                    dh_merge_state_get_write (state, key, &stored) ? &stored : NULL,
                                    &base, error))
          return FALSE;

        write.base = base;
        json_object_object_add (bases, key, json_object_new_string (base));
        json_object_object_add (state, key, dh_write_to_json (&write));
        g_ptr_array_add (taken, key);
      }
  }

  return dh_store_save_state (self, entity, id, state, taken, TRUE, sync_state, NULL, error) &&
         record_change (self, entity, id, existing, clock, changed, bases, FALSE, error);
}

/* The record as it will be: its fields with the changes over them, less
 * the computed references that complete_record() works out again. */
static json_object *
merge_changes (const DhEntity  *entity,
               json_object     *existing,
               json_object     *changes,
               GError         **error)
{
  g_autoptr(json_object) merged = json_object_new_object ();

  for (guint i = 0; i < entity->n_fields; i++)
    {
      const DhField *field = &entity->fields[i];
      json_object *value = NULL;

      if (json_object_object_get_ex (changes, field->name, &value))
        {
          json_object *old = NULL;

          json_object_object_get_ex (existing, field->name, &old);
          if ((field->flags & DH_FIELD_FLAG_IMMUTABLE) != 0 && !dh_json_equal (old, value))
            {
              g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_READ_ONLY,
                           _("%s: cannot change once the record is made; add a new record instead"),
                           field->name);
              return NULL;
            }
        }
      else if ((field->flags & DH_FIELD_FLAG_COMPUTED) == 0 || field->type != DH_FIELD_REF)
        json_object_object_get_ex (existing, field->name, &value);

      if (value != NULL)
        json_object_object_add (merged, field->name, json_object_get (value));
    }

  return g_steal_pointer (&merged);
}

static json_object *
update_unlocked (DhStore         *self,
                 const DhEntity  *entity,
                 const char      *id,
                 json_object     *input,
                 GError         **error)
{
  g_autoptr(json_object) existing = NULL;
  g_autoptr(json_object) changes = NULL;
  g_autoptr(json_object) merged = NULL;
  g_autoptr(json_object) changed = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *now = NULL;
  gboolean ok;

  if (!dh_entity_normalize_fields (entity, input, FALSE, dh_store_get_validator (self), &changes, error))
    return NULL;

  /* the record is read inside the transaction: what the change is checked
   * against is what it is written over */
  if (!dh_store_write_begin (self, error))
    return NULL;

  existing = dh_store_get_row (self, entity, id, FALSE, error);
  merged = existing != NULL ? merge_changes (entity, existing, changes, error) : NULL;
  ok = merged != NULL &&
       !(entity->seal_field != NULL && dh_store_refuse_ledger_change (existing, error)) &&
       complete_record (self, entity, id, merged, error);
  if (ok)
    {
      changed = json_object_new_object ();
      for (guint i = 0; i < entity->n_fields; i++)
        {
          const char *name = entity->fields[i].name;
          json_object *old = NULL, *value = NULL;

          json_object_object_get_ex (existing, name, &old);
          json_object_object_get_ex (merged, name, &value);
          if (!dh_json_equal (old, value))
            json_object_object_add (changed, name, value != NULL ? json_object_get (value) : NULL);
        }
    }

  if (ok && json_object_object_length (changed) > 0)
    {
      clock = dh_hlc_now (self->hlc);
      now = dh_store_now_iso (self);
      json_object_object_add (merged, DH_RECORD_ID, json_object_new_string (id));
      json_object_object_add (merged, DH_RECORD_SYNC_STATE,
                              json_object_get (json_object_object_get (existing, DH_RECORD_SYNC_STATE)));
      ok = dh_store_write_changed_fields (self, entity, id, merged, changed, clock, FALSE, error) &&
           dh_store_refresh_derived (self, entity, merged,
                                     entity->name_field != NULL && json_object_object_get_ex (changed, entity->name_field, NULL),
                                     error);

      if (ok && g_str_equal (entity->name, "assessment") &&
          (json_object_object_get_ex (changed, "official_class", NULL) ||
           json_object_object_get_ex (changed, "decided_on", NULL)))
        ok = apply_recognition (self, merged, error);

      /* a member who moves leaves the old household's search entry too */
      if (ok && g_str_equal (entity->name, "member") &&
          json_object_object_get_ex (changed, "household", NULL))
        dh_store_mark_search (self, dh_json_get_string (existing, "household"));
    }

  if (!dh_store_write_end (self, ok, error))
    return NULL;

  return dh_store_get_row (self, entity, id, FALSE, error);
}

json_object *
dh_store_update (DhStore      *self,
                 const char   *entity_name,
                 const char   *id,
                 json_object  *changes,
                 GError      **error)
{
  g_autoptr(json_object) resolved = NULL;
  g_autoptr(json_object) existing = NULL;
  const char *unit_kind = NULL;
  const DhEntity *entity;
  json_object *record = NULL;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  entity = dh_store_lookup_entity (entity_name, &unit_kind, error);
  if (entity == NULL || !dh_store_check_place_kind (self, unit_kind, id, error))
    return NULL;

  dh_store_lock (self);
  /* the parent a place's changes name is of the kind above its own */
  if (g_str_equal (entity->name, "admin_unit"))
    existing = dh_store_get_row (self, entity, id, FALSE, NULL);
  if (dh_store_resolve_place_fields (self, entity, changes, dh_json_get_string (existing, "kind"), &resolved, error))
    record = update_unlocked (self, entity, id, resolved, error);
  dh_store_unlock (self);

  return record;
}

json_object *
dh_store_void_support (DhStore     *self,
                       const char  *id,
                       const char  *reason,
                       GError     **error)
{
  static const char * const copied[] = {
    "household", "member", "programme", "project", "support_type", "description", "quantity", "unit",
    "amount_vnd", "state_share_vnd", "household_share_vnd", "funding_source",
  };
  const DhEntity *entity = dh_entity_lookup ("support");
  g_autoptr(json_object) original = NULL;
  g_autoptr(json_object) entry = NULL;
  g_autofree char *clean_reason = dh_text_normalize (reason);
  g_autofree char *today = NULL;
  json_object *result = NULL;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (clean_reason == NULL || clean_reason[0] == '\0')
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("void_reason: say why the entry is voided, for example “entered twice” or “wrong household”"));
      return NULL;
    }

  dh_store_lock (self);

  original = dh_store_get_row (self, entity, id, FALSE, error);
  if (original == NULL)
    goto out;

  if (dh_json_get_string (original, "voids") != NULL)
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_LEDGER,
                   _("This entry is itself a void; enter the support again as a new entry instead"));
      goto out;
    }

  if (g_strcmp0 (dh_json_get_string (original, "status"), "delivered") != 0)
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_LEDGER,
                   _("Only a delivered entry is voided; a planned entry can simply be changed or deleted"));
      goto out;
    }

  if (dh_store_exists (self, "SELECT 1 FROM support WHERE id != ?1 AND voids = ?2 AND deleted = 0", "", id, NULL))
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_LEDGER,
                   _("This entry was voided already; nothing more to do"));
      goto out;
    }

  entry = json_object_new_object ();
  for (guint i = 0; i < G_N_ELEMENTS (copied); i++)
    {
      json_object *value;

      if (json_object_object_get_ex (original, copied[i], &value) && value != NULL)
        json_object_object_add (entry, copied[i], json_object_get (value));
    }
  today = dh_date_to_iso (&dh_store_get_validator (self)->today);
  json_object_object_add (entry, "status", json_object_new_string ("delivered"));
  json_object_object_add (entry, "delivered_on", json_object_new_string (today));
  json_object_object_add (entry, "voids", json_object_new_string (id));
  json_object_object_add (entry, "void_reason", json_object_new_string (clean_reason));

  result = create_unlocked (self, entity, entry, TRUE, error);

out:
  dh_store_unlock (self);
  return result;
}
