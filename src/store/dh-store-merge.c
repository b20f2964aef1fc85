/* dh-store-merge.c – changes made elsewhere, merged with the common merge: applied, held or set aside */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-change.h"
#include "dh-checkpointer.h"
#include "dh-error.h"
#include "dh-merge.h"
#include "dh-page-check.h"
#include "dh-store-private.h"

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

/* Sets aside a change that came at INDEX of PAGE, as it came; or, with
 * no page, CHANGE, as it is written. */
static gboolean
quarantine (DhStore         *self,
            const char      *entity,
            const char      *record_id,
            const char      *reason,
            DhWirePage      *page,
            guint            index,
            const DhChange  *change,
            DhApplyReport   *report,
            GError         **error)
{
  g_autoptr(json_object) wire = page == NULL ? dh_change_to_json (change) : NULL;
  g_autofree char *text = page != NULL ? dh_wire_page_dup_text (page, index) : NULL;

  return dh_store_set_aside (self, entity, record_id, reason,
                             text != NULL ? text : json_object_to_json_string_ext (wire, JSON_C_TO_STRING_PLAIN),
                             report, error);
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

/* The ids of a page (its records' and those they refer to) are looked up
 * in every kind's table at once when the page begins, and the records it
 * adds are noted as they are written: whether a record is there, or its id
 * taken by another kind, is then answered from memory, not by a statement
 * per record and per reference. An id found in two tables (which the store
 * never writes) is left to the statements. */
static const DhEntity several_kinds;

/* Which kinds have any record: a table empty when a page begins holds
 * only what the page adds, which it notes itself. */
static const char *
kinds_with_records_sql (void)
{
  static char *sql;
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      guint n_entities;
      const DhEntity * const *entities = dh_entity_list_all (&n_entities);
      GString *text = g_string_new ("SELECT ");

      for (guint i = 0; i < n_entities; i++)
        g_string_append_printf (text, "%sEXISTS (SELECT 1 FROM \"%s\")", i > 0 ? ", " : "", entities[i]->name);
      sql = g_string_free (text, FALSE);
      g_once_init_leave (&initialized, 1);
    }

  return sql;
}

/* The list is parsed once, then each table that has records is searched
 * for its ids; NULL when none has any. */
static char *
page_ids_sql (DhStore  *self,
              GError  **error)
{
  guint n_entities;
  const DhEntity * const *entities = dh_entity_list_all (&n_entities);
  g_autoptr(GString) text = g_string_new ("WITH page (id) AS MATERIALIZED (SELECT value FROM json_each (?1)) ");
  sqlite3_stmt *stmt = dh_store_prepare_static (self, kinds_with_records_sql (), error);
  gboolean any = FALSE;
  int rc;

  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  for (guint i = 0; rc == SQLITE_ROW && i < n_entities; i++)
    {
      if (sqlite3_column_int (stmt, (int) i) == 0)
        continue;
      g_string_append_printf (text, "%sSELECT page.id, %u FROM page JOIN \"%s\" AS t ON t.id = page.id",
                              any ? " UNION ALL " : "", i, entities[i]->name);
      any = TRUE;
    }
  if (rc != SQLITE_ROW)
    dh_store_set_sqlite_error (self, error);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return NULL;

  return any ? g_string_free (g_steal_pointer (&text), FALSE) : g_strdup ("");
}

static void
add_page_id (json_object *ids,
             GHashTable  *known,
             const char  *id)
{
  if (id == NULL || g_hash_table_contains (known, id))
    return;

  g_hash_table_insert (known, g_strdup (id), NULL);
  json_object_array_add (ids, json_object_new_string (id));
}

/* FIRST_SYNC: the page is one of a first sync, in a transaction of its
 * own, and nothing waits: when the store has no record at all, the ids it
 * will have are those the first sync writes, and are kept from page to
 * page (dh_store_apply_changes() says when they still hold). */
static gboolean
look_up_page_ids (DhStore     *self,
                  DhWirePage  *page,
                  gboolean     first_sync,
                  GError     **error)
{
  g_autoptr(json_object) ids = json_object_new_array ();
  g_autoptr(GHashTable) known = g_hash_table_new_full (dh_id_hash, g_str_equal, g_free, NULL);
  guint n_entities;
  const DhEntity * const *entities = dh_entity_list_all (&n_entities);
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_clear_pointer (&self->known_ids, g_hash_table_unref);
  self->known_ids_complete = FALSE;
  if (self->first_sync_ids != NULL)
    {
      self->known_ids = g_hash_table_ref (self->first_sync_ids);
      self->known_ids_complete = TRUE;
      return TRUE;
    }

  for (guint i = 0; i < dh_wire_page_get_length (page); i++)
    {
      const DhWireChange *wire = dh_wire_page_get_change (page, i);
      const DhEntity *entity = dh_entity_lookup (wire->entity.text);

      add_page_id (ids, known, wire->record.text);
      if (entity == NULL)
        continue;
      /* only text is read as text: json-c would write a number's text
       * into it, and the page may be read on its checker's thread meanwhile */
      for (guint j = 0; j < wire->n_fields; j++)
        {
          const DhField *field = dh_entity_get_field (entity, wire->fields[j].name);
          json_object *value = wire->fields[j].value;

          if (field != NULL && field->type == DH_FIELD_REF && json_object_is_type (value, json_type_string))
            add_page_id (ids, known, json_object_get_string (value));
        }
    }

  sql = page_ids_sql (self, error);
  if (sql == NULL)
    return FALSE;
  /* the store has no record at all: the page knows every id is free */
  if (sql[0] == '\0' && first_sync)
    {
      self->first_sync_ids = g_hash_table_new_full (dh_id_hash, g_str_equal, g_free, NULL);
      self->first_sync_search = dh_search_kept_new ();
      self->known_ids = g_hash_table_ref (self->first_sync_ids);
      self->known_ids_complete = TRUE;
      return TRUE;
    }
  if (sql[0] == '\0')
    {
      self->known_ids = g_steal_pointer (&known);
      return TRUE;
    }

  /* as few texts as sets of kinds that have records: the prepared
   * statements stay few */
  stmt = dh_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, json_object_to_json_string_ext (ids, JSON_C_TO_STRING_PLAIN), -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      guint kind = (guint) sqlite3_column_int (stmt, 1);

      if (id != NULL && kind < n_entities)
        g_hash_table_insert (known, g_strdup (id),
                             g_hash_table_lookup (known, id) == NULL ? (gpointer) entities[kind] : (gpointer) &several_kinds);
    }
  if (rc != SQLITE_DONE)
    dh_store_set_sqlite_error (self, error);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;

  self->known_ids = g_steal_pointer (&known);

  return TRUE;
}

/* Whether the page knows ID; *out_kind is then the kind that has it, or
 * NULL when none does. */
static gboolean
page_knows_id (DhStore          *self,
               const char       *id,
               const DhEntity  **out_kind)
{
  gpointer kind;

  if (self->known_ids == NULL)
    return FALSE;
  if (!g_hash_table_lookup_extended (self->known_ids, id, NULL, &kind))
    {
      if (!self->known_ids_complete)
        return FALSE;
      kind = NULL;
    }
  if (kind == &several_kinds)
    return FALSE;

  *out_kind = kind;
  return TRUE;
}

static void
page_adds_id (DhStore         *self,
              const DhEntity  *entity,
              const char      *id)
{
  if (self->known_ids != NULL)
    g_hash_table_insert (self->known_ids, g_strdup (id), (gpointer) entity);
}

static gboolean
record_exists (DhStore    *self,
               const char *entity,
               const char *id)
{
  g_autoptr(GError) error = NULL;
  const DhEntity *kind;
  sqlite3_stmt *stmt;
  int rc = SQLITE_DONE;

  if (page_knows_id (self, id, &kind))
    return kind != NULL && g_str_equal (kind->name, entity);

  stmt = dh_store_prepare_static (self, dh_store_entity_sql (dh_entity_lookup (entity))->exists, &error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        dh_store_set_sqlite_error (self, &error);
      sqlite3_reset (stmt);
    }
  /* as dh_store_exists(): an error is logged, and counts as not found */
  if (error != NULL)
    g_warning ("Could not look a record up: %s", error->message);

  return rc == SQLITE_ROW;
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
      gboolean needed = !exists && (field->flags & DH_FIELD_FLAG_REQUIRED) != 0;
      DhWrite write;
      gboolean has;

      /* only what is required of a new row, and what refers to a record */
      if ((!needed && field->type != DH_FIELD_REF) ||
          (only != NULL && !g_ptr_array_find_with_equal_func (only, field->name, g_str_equal, NULL)))
        continue;
      has = dh_merge_state_get_write (state, field->name, &write) && write.value != NULL;
      if (needed && !has)
        return "";
      if (has && field->type == DH_FIELD_REF &&
          !record_exists (self, field->target, json_object_get_string (write.value)))
        return json_object_get_string (write.value);
    }

  return NULL;
}

static gboolean apply_change (DhStore *, const DhChange *, gboolean, DhWirePage *, guint, DhApplyReport *, GError **);

/* Whether any record, of any kind but OTHER_THAN (when given: the caller
 * looked there already), has the id: one statement over them all. */
gboolean
dh_store_id_taken (DhStore         *self,
                   const char      *id,
                   const DhEntity  *other_than,
                   gboolean        *out_taken,
                   GError         **error)
{
  const char *sql = dh_store_entity_sql (other_than)->taken;
  sqlite3_stmt *stmt;
  int rc;

  stmt = dh_store_prepare_static (self, sql, error);
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

static gboolean
merge_found_conflicts (DhStore        *self,
                       GPtrArray      *conflicts,
                       DhApplyReport  *report,
                       GError        **error)
{
  for (guint i = 0; i < conflicts->len; i++)
    {
      if (!apply_change (self, g_ptr_array_index (conflicts, i), TRUE, NULL, 0, report, error))
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
  g_autoptr(DhWirePage) page = NULL;
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

  /* the last that waited may have gone: the records that come after it
   * then release nothing, and look for nothing (what is released now and
   * waits again says so itself) */
  if (held->len > 0 &&
      !dh_store_check_exists (self, "SELECT 1 FROM held_change", NULL, NULL, NULL, &self->held_possible, error))
    return FALSE;

  page = dh_wire_page_new_from_json (held);
  for (guint i = 0; i < held->len; i++)
    {
      json_object *wire = g_ptr_array_index (held, i);
      g_autoptr(DhChange) change = NULL;
      g_autoptr(GError) local_error = NULL;

      /* checked when it arrived, by this same code */
      change = dh_change_from_json (wire, dh_store_get_validator (self), &local_error);
      if (change == NULL)
        {
          if (!quarantine (self, NULL, id, local_error->message, page, i, NULL, report, error))
            return FALSE;
          continue;
        }
      if (!apply_change (self, change, FALSE, page, i, report, error))
        return FALSE;
    }

  return TRUE;
}

/* A record not seen before: the merge of its change into an empty state
 * takes each of the change's writes as it is (dh_merge_record()), with
 * nothing to win over, to conflict with or to seal, so the change's writes
 * are the state, and the row is written from them directly. */
static gboolean
apply_new_record (DhStore         *self,
                  const DhChange  *change,
                  DhApplyReport   *report,
                  GError         **error)
{
  const DhEntity *entity = change->entity;
  const char *missing;

  missing = find_missing (self, entity, change->fields, NULL, FALSE);
  if (missing != NULL)
    return hold (self, change, missing[0] != '\0' ? missing : NULL, report, error);

  if (!dh_store_insert_state (self, entity, change->record_id, change->fields, error))
    return FALSE;
  page_adds_id (self, entity, change->record_id);

  /* the search entry its household will have; a new row got its sort keys with its insert */
  if (g_str_equal (entity->name, "household"))
    dh_store_mark_search (self, change->record_id);
  else if (g_str_equal (entity->name, "member"))
    {
      DhWrite household;

      if (dh_change_get_write (change, "household", &household) && json_object_is_type (household.value, json_type_string))
        dh_store_mark_search (self, json_object_get_string (household.value));
    }
  dh_store_note_change (self, entity);
  report->applied++;

  if (self->held_possible && !release_held (self, change->record_id, report, error))
    return FALSE;

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
              DhWirePage      *page,
              guint            index,
              DhApplyReport   *report,
              GError         **error)
{
  const DhEntity *entity = change->entity;
  g_auto(DhMergeResult) result = { 0 };
  g_autoptr(json_object) state = NULL;
  g_autoptr(GError) local_error = NULL;
  const DhEntity *kind;
  const char *missing;
  gboolean exists;

  if (page_knows_id (self, change->record_id, &kind) && kind != entity)
    exists = FALSE;
  else
    state = dh_store_load_state_if_any (self, entity, change->record_id, &exists, error);
  if (state == NULL && !exists)
    {
      gboolean taken_elsewhere = FALSE;

      if (error != NULL && *error != NULL)
        return FALSE;
      /* an id that another kind of record already has is refused */
      if (page_knows_id (self, change->record_id, &kind))
        taken_elsewhere = kind != NULL;
      else if (!dh_store_id_taken (self, change->record_id, entity, &taken_elsewhere, error))
        return FALSE;
      if (taken_elsewhere)
        return quarantine (self, entity->name, change->record_id,
                           _("Its record id belongs to a record of another kind"), page, index, change, report, error);
      if (!found_here)
        return apply_new_record (self, change, report, error);
      state = json_object_new_object ();
    }
  else if (state == NULL)
    return FALSE;

  if (!dh_merge_record (state, change, &result))
    return quarantine (self, entity->name, change->record_id, result.rejected, page, index, change, report, error);

  for (guint i = 0; i < result.conflicts->len; i++)
    {
      DhChange *conflict = g_ptr_array_index (result.conflicts, i);
      g_autofree char *commune = conflict->commune == NULL ? dh_store_state_commune (self, entity, state) : NULL;

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
      !quarantine (self, entity->name, change->record_id, result.rejected, page, index, change, report, error))
    return FALSE;

  if (!exists || result.taken->len > 0)
    {
      g_autoptr(json_object) row = dh_store_state_values (state, NULL);
      gboolean name_changed = exists && entity->name_field != NULL &&
                              g_ptr_array_find_with_equal_func (result.taken, entity->name_field, g_str_equal, NULL);

      if (!dh_store_save_state (self, entity, change->record_id, state, result.taken, exists, -1, row, error))
        return FALSE;
      if (!exists)
        page_adds_id (self, entity, change->record_id);
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

/* What find_missing() finds, for a record not seen before whose writes
 * are BY_FIELD (one an entity's field, NULL when it has none). */
static const char *
find_missing_of_new (DhStore                *self,
                     const DhEntity         *entity,
                     const DhWrite * const  *by_field)
{
  for (guint i = 0; i < entity->n_fields; i++)
    {
      const DhField *field = &entity->fields[i];
      gboolean needed = (field->flags & DH_FIELD_FLAG_REQUIRED) != 0;
      gboolean has;

      if (!needed && field->type != DH_FIELD_REF)
        continue;
      has = by_field[i] != NULL && by_field[i]->value != NULL;
      if (needed && !has)
        return "";
      if (has && field->type == DH_FIELD_REF &&
          !record_exists (self, field->target, json_object_get_string (by_field[i]->value)))
        return json_object_get_string (by_field[i]->value);
    }

  return NULL;
}

/* The writes of CHECKED as a record's state holds them, in WRITES; each
 * of the entity's fields' in BY_FIELD when given (NULL for a field it
 * does not write). Both have room for a write a field: a JSON object
 * holds a key once (json-c keeps the last of a key given twice) and
 * check_json() refuses a field the entity does not have. */
static void
state_writes_of_checked (const DhCheckedChange  *checked,
                         DhStateWrite           *writes,
                         const DhWrite         **by_field)
{
  const DhEntity *entity = checked->entity;

  g_assert (checked->writes->len <= entity->n_fields + 1);
  if (by_field != NULL)
    memset (by_field, 0, sizeof (const DhWrite *) * (entity->n_fields + 1));
  for (guint i = 0; i < checked->writes->len; i++)
    {
      const DhCheckedWrite *entry = &g_array_index (checked->writes, DhCheckedWrite, i);

      if (by_field != NULL && entry->field != NULL)
        by_field[entry->field - entity->fields] = &entry->write;
      writes[i] = (DhStateWrite) {
        entry->field != NULL ? entry->field->name : DH_RECORD_DELETED, entry->write
      };
    }
}

/* What a page's checker makes of each change while the store writes those
 * before it: the row it would be if its record is new, as most of a page
 * of a first sync are. It refers to the change. */
static gpointer
prepare_new_row (const DhCheckedChange *checked)
{
  DhStateWrite *writes = g_newa (DhStateWrite, checked->entity->n_fields + 1);

  state_writes_of_checked (checked, writes, NULL);

  return dh_store_new_row_prepare (checked->entity, checked->record_id, writes, checked->writes->len);
}

/* apply_new_record() of a change checked and not made: a first sync
 * brings nothing else, and its writes go to the row from where the page
 * holds them. The change is made only to wait. ROW is
 * prepare_new_row() of it, when the page's checker made it. */
static gboolean
apply_new_checked (DhStore                *self,
                   const DhCheckedChange  *checked,
                   const DhNewRow         *row,
                   DhApplyReport          *report,
                   GError                **error)
{
  const DhEntity *entity = checked->entity;
  const DhWrite **by_field = g_newa (const DhWrite *, entity->n_fields + 1);
  DhStateWrite *writes = g_newa (DhStateWrite, entity->n_fields + 1);
  g_autoptr(DhNewRow) own_row = NULL;
  const char *missing;

  state_writes_of_checked (checked, writes, by_field);
  missing = find_missing_of_new (self, entity, by_field);
  if (missing != NULL)
    {
      g_autoptr(DhChange) change = dh_change_new_from_checked (checked);

      return hold (self, change, missing[0] != '\0' ? missing : NULL, report, error);
    }

  if (row == NULL)
    row = own_row = dh_store_new_row_prepare (entity, checked->record_id, writes, checked->writes->len);
  if (!dh_store_insert_new_row (self, entity, checked->record_id, writes, row, error))
    return FALSE;
  page_adds_id (self, entity, checked->record_id);

  /* the search entry its household will have; a new row got its sort keys with its insert */
  dh_store_keep_search_row (self, entity, checked->record_id, sqlite3_last_insert_rowid (self->db), writes, row);
  dh_store_note_change (self, entity);
  report->applied++;

  if (self->held_possible && !release_held (self, checked->record_id, report, error))
    return FALSE;

  return TRUE;
}

/* The change at INDEX of PAGE, checked by CHECK. */
static gboolean
apply_wire (DhStore        *self,
            DhPageCheck    *check,
            DhWirePage     *page,
            guint           index,
            DhApplyReport  *report,
            GError        **error)
{
  const DhWireChange *wire = dh_wire_page_get_change (page, index);
  /* the check's, as the row made of it: freed with the page, elsewhere */
  const DhCheckedChange *checked = NULL;
  const DhNewRow *row = NULL;
  g_autoptr(DhChange) change = NULL;
  g_autoptr(GError) local_error = NULL;
  const DhEntity *kind;

  if (!dh_page_check_get (check, index, &checked, (gpointer *) &row, &local_error))
    return quarantine (self, wire->entity.text, wire->record.text, local_error->message, page, index, NULL, report, error);

  /* the clock was read when the change was checked */
  if (!dh_checked_change_check_clock (checked, dh_store_get_wall_clock_ms (self), &local_error))
    return quarantine (self, checked->entity->name, checked->record_id, local_error->message, page, index, NULL, report, error);
  dh_hlc_observe_packed (self->hlc, checked->packed_clock);

  /* an id that no table has, as the page found: a record not seen before */
  if (page_knows_id (self, checked->record_id, &kind) && kind == NULL)
    return apply_new_checked (self, checked, row, report, error);

  change = dh_change_new_from_checked (checked);
  return apply_change (self, change, FALSE, page, index, report, error);
}

/* How many changes wait that came after AFTER_SEQ, and the seq of the
 * last one that waits. It takes the lock: a bundle counts them outside
 * its writes. */
gboolean
dh_store_count_held (DhStore  *self,
                     gint64    after_seq,
                     gint64   *out_count,
                     gint64   *out_last_seq,
                     GError  **error)
{
  sqlite3_stmt *stmt;
  int rc;

  dh_store_lock (self);
  stmt = dh_store_prepare (self, "SELECT count (*) FILTER (WHERE seq > ?1), coalesce (max (seq), 0) FROM held_change", error);
  if (stmt == NULL)
    {
      dh_store_unlock (self);
      return FALSE;
    }
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
  dh_store_unlock (self);

  return rc == SQLITE_ROW;
}

/* Whether a pull's next page is one of a first sync: the store has no
 * cursor (no page of a pull ever landed), or an earlier page of a first
 * sync left search entries out that are still missing. */
static gboolean
pull_is_first_sync (DhStore   *self,
                    gboolean  *out_first_sync,
                    GError   **error)
{
  return dh_store_check_exists (self,
                                "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'pull_cursor' AND value <> '') "
                                "OR EXISTS (SELECT 1 FROM meta WHERE key = '" DH_STORE_SEARCH_INCOMPLETE "')",
                                NULL, NULL, NULL, out_first_sync, error);
}

/* A page is one of a first sync when it comes with a cursor, as a pull's
 * pages do, and the pull is a first sync. */
static gboolean
is_first_sync (DhStore      *self,
               const char   *cursor,
               gboolean     *out_first_sync,
               GError      **error)
{
  *out_first_sync = FALSE;
  if (cursor == NULL)
    return TRUE;

  return pull_is_first_sync (self, out_first_sync, error);
}

/* How many times another connection committed to the store. */
static gboolean
read_data_version (DhStore        *self,
                   sqlite3_int64  *out_version,
                   GError        **error)
{
  sqlite3_stmt *stmt = dh_store_prepare_static (self, "PRAGMA data_version", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_version = sqlite3_column_int64 (stmt, 0);
  else
    dh_store_set_sqlite_error (self, error);
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW;
}

/* What a first sync's pages kept between them goes. */
static void
forget_first_sync (DhStore *self)
{
  g_clear_pointer (&self->first_sync_ids, g_hash_table_unref);
  g_clear_pointer (&self->first_sync_search, dh_search_kept_free);
}

/* Whether the ids the first sync's pages wrote are still every id the
 * store has: nothing else was written since its last page committed, on
 * this connection (a local write while the sync goes on, a bundle) or on
 * another (a second program), and the page begins a transaction of its
 * own. Any doubt, and the ids are looked up in the tables again. */
static gboolean
first_sync_ids_hold (DhStore *self)
{
  sqlite3_int64 version;
  g_autoptr(GError) error = NULL;

  if (self->first_sync_ids == NULL ||
      sqlite3_total_changes64 (self->db) != self->first_sync_changes)
    return FALSE;
  if (!read_data_version (self, &version, &error))
    {
      g_debug ("Could not read the store's data version: %s", error->message);
      return FALSE;
    }

  return version == self->first_sync_data_version;
}

/**
 * dh_store_is_in_first_sync:
 *
 * Whether the next page a pull brings is one of a first sync: no page of a
 * pull ever landed, or a first sync was cut short and its search entries
 * are still missing (see dh_store_check_page()).
 */
gboolean
dh_store_is_in_first_sync (DhStore *self)
{
  g_autoptr(GError) error = NULL;
  gboolean first_sync = FALSE;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);

  dh_store_lock (self);
  if (!pull_is_first_sync (self, &first_sync, &error))
    g_debug ("Could not tell whether a first sync goes on: %s", error->message);
  dh_store_unlock (self);

  return first_sync;
}

/**
 * dh_store_finish_first_sync:
 *
 * Says that a pull's last page landed. The search entries a first
 * sync's pages left out are written, all in one transaction, and what it
 * kept in memory of its ids is let go: harmless when no first sync left
 * anything out; a store opened with entries missing writes them then.
 * And when the last commit did not wait for the disk, the log is folded
 * into the file in the background, which makes what the pull brought
 * durable, so that the next save does not wait for it; a pull that brought
 * nothing asks for no checkpoint.
 */
gboolean
dh_store_finish_first_sync (DhStore  *self,
                            GError  **error)
{
  g_autoptr(DhSearchKept) kept = NULL;
  gboolean ok;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);

  dh_store_lock (self);
  /* what its pages kept of the search entries, if nothing else wrote since */
  if (first_sync_ids_hold (self) && self->write_depth == 0)
    kept = g_steal_pointer (&self->first_sync_search);
  forget_first_sync (self);
  ok = dh_store_complete_search (self, kept, error);
  if (self->log_unsynced && self->checkpointer != NULL)
    {
      dh_checkpointer_request (self->checkpointer);
      self->log_unsynced = FALSE;
    }
  dh_store_unlock (self);

  return ok;
}

/**
 * dh_store_begin_pulled:
 *
 * Begins a transaction that the pulled pages applied next
 * (dh_store_apply_checked_changes() with a cursor) land in together, each
 * a savepoint of its own, until dh_store_end_pulled(): a pull whose next
 * page is already there when one is written commits them once, where each
 * commit wrote again the pages of the tables' indexes that every page
 * touches. The calling thread holds the store until then: end it before
 * waiting for anything. Its commit does not wait for the disk, as a
 * page's does not (dh_store_write_begin_unsynced()).
 */
gboolean
dh_store_begin_pulled (DhStore  *self,
                       GError  **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), FALSE);

  dh_store_lock (self);
  if (self->pulled_depth > 0)
    {
      dh_store_unlock (self);
      g_return_val_if_reached (FALSE);
    }
  if (!dh_store_write_begin_unsynced (self, error))
    {
      dh_store_unlock (self);
      return FALSE;
    }
  self->pulled_depth = self->write_depth;

  return TRUE;
}

/**
 * dh_store_end_pulled:
 * @success: whether to commit the pages that landed; %FALSE undoes them
 *
 * Ends what dh_store_begin_pulled() began. A page that failed in it was
 * undone alone, and the pages before it commit here with their cursor.
 */
gboolean
dh_store_end_pulled (DhStore   *self,
                     gboolean   success,
                     GError   **error)
{
  gboolean ok;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);
  g_return_val_if_fail (dh_store_is_locked_here (self) && self->pulled_depth > 0 &&
                        self->write_depth == self->pulled_depth, FALSE);

  self->pulled_depth = 0;
  ok = dh_store_write_end (self, success, error);
  /* a commit that failed rolled back: what the pages knew of the ids
   * goes; one that succeeded wrote what every commit writes (the clock,
   * search entries), as a page's own commit does before it is noted */
  if (!ok)
    forget_first_sync (self);
  else if (self->first_sync_ids != NULL)
    self->first_sync_changes = sqlite3_total_changes64 (self->db);
  dh_store_unlock (self);

  return ok;
}

/**
 * dh_store_apply_changes:
 * @changes: (element-type json_object): changes as they travel, in any
 *   order, repeated or not; no two share a JSON object but by being the
 *   same change, as parsed text never does (a page is checked on a thread
 *   of its own, dh_page_check_start())
 * @cursor: (nullable): where the page ends on the server, kept in the same
 *   transaction, so that an interrupted pull resumes after the last page
 *   that landed. With a cursor, the commit does not wait for the disk
 *   (dh_store_write_begin_unsynced()): a power cut may lose the last pages
 *   that landed, with their cursor, and the pull brings them again
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
  g_autoptr(DhWirePage) page = NULL;

  g_return_val_if_fail (changes != NULL, FALSE);

  page = dh_wire_page_new_from_json (changes);
  return dh_store_apply_checked_changes (self, page, NULL, cursor, report, error);
}

/**
 * dh_store_check_page:
 * @checker: (nullable): the thread to check it on, after the pages
 *   started with it before (a pull's); %NULL for a thread of its own
 * @page: a page of changes as received (dh_wire_page_parse_answer(), or
 *   dh_wire_page_new_from_json() of what dh_store_apply_changes() takes),
 *   which the check holds
 * @first_sync: whether the page is likely one of a first sync
 *   (dh_store_is_in_first_sync() when the pull began): the rows of its
 *   records are then made ahead too
 *
 * Starts checking a page before it is written, from any thread: a pull's
 * reader starts it as soon as it has parsed the page, so that the page is
 * checked while the store writes the one before. Give it to
 * dh_store_apply_checked_changes() with the page; a guess of @first_sync
 * that proves wrong costs time, never a write.
 */
DhPageCheck *
dh_store_check_page (DhStore       *self,
                     DhPageChecker *checker,
                     DhWirePage    *page,
                     gboolean       first_sync)
{
  DhValidator validator;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);
  g_return_val_if_fail (page != NULL, NULL);

  /* the catalogues are the store's for its life; the day is read under its own lock */
  validator.catalogues = self->validator.catalogues;
  dh_store_get_today (self, &validator.today);

  return dh_page_check_start (checker, page, &validator, first_sync ? prepare_new_row : NULL,
                              (GDestroyNotify) dh_store_new_row_free);
}

/**
 * dh_store_apply_checked_changes:
 * @page: the changes, as dh_store_check_page() takes them
 * @check: (nullable): dh_store_check_page() of @page, or %NULL to
 *   check them here, as dh_store_apply_changes() does
 *
 * dh_store_apply_changes() of a page whose check began before, which it
 * takes the changes from; free @check afterwards, whatever the outcome.
 */
gboolean
dh_store_apply_checked_changes (DhStore        *self,
                                DhWirePage     *page,
                                DhPageCheck    *check,
                                const char     *cursor,
                                DhApplyReport  *report,
                                GError        **error)
{
  DhApplyReport local_report = { 0 };
  gint64 held_from = 0;
  gboolean own_transaction, first_sync = FALSE;
  gboolean begun, ok;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);
  g_return_val_if_fail (page != NULL, FALSE);
  g_return_val_if_fail (check == NULL || dh_page_check_get_page (check) == page, FALSE);

  if (report == NULL)
    report = &local_report;
  memset (report, 0, sizeof *report);

  dh_store_lock (self);
  /* alone, or with the pulled pages before it (dh_store_begin_pulled()) */
  own_transaction = self->write_depth == self->pulled_depth && self->batch_depth == 0;
  /* a pulled page comes again from its cursor, which lands with it */
  ok = begun = cursor != NULL ? dh_store_write_begin_unsynced (self, error) : dh_store_write_begin (self, error);
  ok = ok && dh_store_count_held (self, 0, NULL, &held_from, error) &&
       is_first_sync (self, cursor, &first_sync, error);
  /* what an earlier page of the first sync knew of the ids holds if
   * nothing but its pages wrote since */
  if (ok && !(first_sync && own_transaction && first_sync_ids_hold (self)))
    forget_first_sync (self);
  ok = ok && (!first_sync || dh_store_set_meta (self, DH_STORE_SEARCH_INCOMPLETE, "1", error)) &&
       look_up_page_ids (self, page, first_sync && own_transaction && held_from == 0, error);
  /* nothing waits: no arrival can release anything, and none is looked for */
  self->held_possible = held_from > 0;
  self->search_deferred = first_sync;
  /* the changes are checked on a thread of their own as these are written */
  if (ok)
    {
      /* a first sync's records are new: their rows are made ahead too */
      g_autoptr(DhPageCheck) own_check = NULL;

      if (check == NULL)
        check = own_check = dh_store_check_page (self, NULL, page, first_sync);
      for (guint i = 0; ok && i < dh_wire_page_get_length (page); i++)
        ok = apply_wire (self, check, page, i, report, error);
    }
  /* what still waits of what came now; what it released counts as applied */
  if (ok)
    {
      gint64 held = 0;

      ok = dh_store_count_held (self, held_from, &held, NULL, error);
      report->held = (guint) held;
    }
  if (ok && cursor != NULL)
    ok = dh_store_set_meta (self, "pull_cursor", cursor, error);
  if (ok && self->first_sync_ids != NULL)
    ok = read_data_version (self, &self->first_sync_data_version, error);
  /* what the page knew holds inside its transaction alone */
  g_clear_pointer (&self->known_ids, g_hash_table_unref);
  self->known_ids_complete = FALSE;
  self->search_deferred = FALSE;
  /* a write that could not begin (another program holds the store) has nothing to end */
  if (begun)
    ok = dh_store_write_end (self, ok, error);
  if (!ok)
    forget_first_sync (self);
  else if (self->first_sync_ids != NULL)
    self->first_sync_changes = sqlite3_total_changes64 (self->db);
  dh_store_unlock (self);

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

/**
 * dh_store_apply_set_aside:
 * @report: (out caller-allocates) (optional): what became of them
 *
 * Applies again the changes set aside here: what refused them may be gone
 * (this program's catalogues updated, its clock put right), and the server,
 * which took them, will not send them again. Those that fail again stay set
 * aside, with the reason of now and the time they first came; a text that
 * is no change at all stays as it is.
 */
gboolean
dh_store_apply_set_aside (DhStore        *self,
                          DhApplyReport  *report,
                          GError        **error)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(GArray) taken = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) received = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  DhApplyReport local_report = { 0 };
  sqlite3_stmt *stmt;
  gint64 last = 0;
  gboolean any = FALSE;
  gboolean begun, ok;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);

  if (report == NULL)
    report = &local_report;
  memset (report, 0, sizeof *report);

  dh_store_lock (self);
  /* most syncs have nothing set aside: then no write lock is waited for */
  ok = dh_store_check_exists (self, "SELECT 1 FROM quarantine", NULL, NULL, NULL, &any, error);
  if (!ok || !any)
    {
      dh_store_unlock (self);
      return ok;
    }

  ok = begun = dh_store_write_begin (self, error);
  stmt = ok ? dh_store_prepare (self, "SELECT seq, received_at, change FROM quarantine ORDER BY seq", error) : NULL;
  ok = stmt != NULL;
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, 2);
      json_object *wire = json_tokener_parse (text);
      gint64 seq = sqlite3_column_int64 (stmt, 0);

      last = seq;
      if (wire == NULL)
        continue;
      g_ptr_array_add (changes, wire);
      g_array_append_val (taken, seq);
      /* as dh_store_set_aside() will write it again */
      g_hash_table_replace (received, g_strdup (json_object_to_json_string_ext (wire, JSON_C_TO_STRING_PLAIN)),
                            g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  if (ok && rc != SQLITE_DONE)
    {
      dh_store_set_sqlite_error (self, error);
      ok = FALSE;
    }

  for (guint i = 0; ok && i < taken->len; i++)
    {
      stmt = dh_store_prepare (self, "DELETE FROM quarantine WHERE seq = ?1", error);
      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (stmt, 1, g_array_index (taken, gint64, i));
          ok = dh_store_step_done (self, stmt, error);
        }
    }
  if (ok && changes->len > 0)
    ok = dh_store_apply_changes (self, changes, NULL, report, error);

  /* set aside again: when they first came */
  if (ok && report->rejected > 0)
    {
      GHashTableIter iter;
      gpointer text, when;

      g_hash_table_iter_init (&iter, received);
      while (ok && g_hash_table_iter_next (&iter, &text, &when))
        {
          stmt = dh_store_prepare (self, "UPDATE quarantine SET received_at = ?1 WHERE seq > ?2 AND change = ?3", error);
          ok = stmt != NULL;
          if (ok)
            {
              sqlite3_bind_text (stmt, 1, when, -1, SQLITE_TRANSIENT);
              sqlite3_bind_int64 (stmt, 2, last);
              sqlite3_bind_text (stmt, 3, text, -1, SQLITE_TRANSIENT);
              ok = dh_store_step_done (self, stmt, error);
            }
        }
    }
  if (begun)
    ok = dh_store_write_end (self, ok, error);
  dh_store_unlock (self);

  return ok;
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

  dh_store_lock (self);
  stmt = dh_store_prepare (self,
                           "SELECT received_at, entity, record_id, reason, change FROM quarantine ORDER BY seq DESC LIMIT ?",
                           error);
  if (stmt == NULL)
    {
      dh_store_unlock (self);
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
  dh_store_unlock (self);

  return rc == SQLITE_DONE ? g_steal_pointer (&entries) : NULL;
}
