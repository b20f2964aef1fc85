/* dh-store-state.c – a record's replicated state: each field with the write that holds it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-change.h"
#include "dh-date.h"
#include "dh-error.h"
#include "dh-merge.h"
#include "dh-store-private.h"

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
  sqlite3_stmt *stmt = dh_store_prepare_static (self, dh_store_entity_sql (entity)->select_by_id, error);
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

/* A state's writes, each read once from its JSON for all that is made of them. */
typedef DhStateWrite StateWrite;

static GArray *
decode_state (json_object *state)
{
  GArray *writes = g_array_sized_new (FALSE, FALSE, sizeof (StateWrite), json_object_object_length (state));

  json_object_object_foreach (state, key, json)
    {
      StateWrite entry = { key, { 0 } };

      if (dh_write_from_json (json, &entry.write))
        g_array_append_val (writes, entry);
    }

  return writes;
}

/* A checked change's writes share its clock and author: most texts
 * compared here are the same string. */
static gboolean
same_text (const char *a,
           const char *b)
{
  return a == b || (a != NULL && b != NULL && strcmp (a, b) == 0);
}

/* Whether the write is the record's making, which "clocks" leaves out. A
 * null written at the making is kept: unlike a field never written, it
 * wins over an earlier write that arrives late. */
static gboolean
is_making (const DhWrite *write,
           const char    *made,
           const char    *maker)
{
  return write->value != NULL && write->base[0] == '\0' && same_text (write->clock, made) &&
         same_text (write->author, maker);
}

/* Whether json-c writes TEXT as it is between its quotes: printable ASCII
 * with nothing it escapes. */
static gboolean
is_plain_json_text (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if ((guchar) *p < 0x20 || (guchar) *p >= 0x7F || *p == '"' || *p == '\\' || *p == '/')
        return FALSE;
    }

  return TRUE;
}

/* Whether "clocks" can be written without json-c, byte for byte as it
 * writes it: every text plain, and no key twice (json-c keeps the last
 * write of a key in the first one's place). */
static gboolean
clocks_are_plain (const StateWrite *writes,
                  guint             n_writes,
                  const char       *made,
                  const char       *maker)
{
  for (guint i = 0; i < n_writes; i++)
    {
      const StateWrite *entry = &writes[i];

      if (is_making (&entry->write, made, maker))
        continue;
      if (!is_plain_json_text (entry->key) || !is_plain_json_text (entry->write.base) ||
          !is_plain_json_text (entry->write.clock) ||
          (entry->write.author != NULL && !is_plain_json_text (entry->write.author)))
        return FALSE;
      for (guint j = 0; j < i; j++)
        {
          const StateWrite *before = &writes[j];

          if (!is_making (&before->write, made, maker) && strcmp (before->key, entry->key) == 0)
            return FALSE;
        }
    }

  return TRUE;
}

static void
append_quoted (GString    *text,
               const char *plain)
{
  g_string_append_c (text, '"');
  g_string_append (text, plain);
  g_string_append_c (text, '"');
}

/* "clocks": the write of each field but those of the making, as
 * {"field":[base,clock,author],...}, the JSON json-c writes plain. Most
 * records have none; the others' texts are of hex digits and user names,
 * written directly rather than through objects made for the purpose. */
static char *
clocks_of_writes (const StateWrite *writes,
                  guint             n_writes,
                  const char       *made,
                  const char       *maker)
{
  g_autoptr(json_object) clocks = NULL;
  GString *text;
  guint i;

  for (i = 0; i < n_writes; i++)
    {
      if (!is_making (&writes[i].write, made, maker))
        break;
    }
  if (i == n_writes)
    return NULL;

  if (clocks_are_plain (writes, n_writes, made, maker))
    {
      text = g_string_new ("{");
      for (i = 0; i < n_writes; i++)
        {
          const StateWrite *entry = &writes[i];

          if (is_making (&entry->write, made, maker))
            continue;
          if (text->len > 1)
            g_string_append_c (text, ',');
          append_quoted (text, entry->key);
          g_string_append (text, ":[");
          append_quoted (text, entry->write.base);
          g_string_append_c (text, ',');
          append_quoted (text, entry->write.clock);
          g_string_append_c (text, ',');
          if (entry->write.author != NULL)
            append_quoted (text, entry->write.author);
          else
            g_string_append (text, "null");
          g_string_append_c (text, ']');
        }
      g_string_append_c (text, '}');

      return g_string_free (text, FALSE);
    }

  clocks = json_object_new_object ();
  for (i = 0; i < n_writes; i++)
    {
      const StateWrite *entry = &writes[i];
      const DhWrite *write = &entry->write;
      json_object *clock;

      if (is_making (write, made, maker))
        continue;

      clock = json_object_new_array_ext (3);
      json_object_array_add (clock, json_object_new_string (write->base));
      json_object_array_add (clock, json_object_new_string (write->clock));
      json_object_array_add (clock, write->author != NULL ? json_object_new_string (write->author) : NULL);
      json_object_object_add (clocks, entry->key, clock);
    }

  return g_strdup (json_object_to_json_string_ext (clocks, JSON_C_TO_STRING_PLAIN));
}

static char *
iso_of_clock (const char *clock)
{
  /* read once: MAX() would parse the clock a second time */
  gint64 wall_ms = dh_hlc_get_wall_ms (clock);

  /* a clock beyond the year 9999 was refused on arrival */
  return dh_date_time_iso_utc (MAX (wall_ms, 0) / 1000);
}

json_object *
dh_store_state_values (json_object *state,
                       GPtrArray   *only)
{
  json_object *values = json_object_new_object ();

  json_object_object_foreach (state, key, json)
    {
      DhWrite write;

      if (only != NULL && !g_ptr_array_find_with_equal_func (only, key, g_str_equal, NULL))
        continue;
      /* a state's keys are unique: none is looked for before it is added */
      if (dh_write_from_json (json, &write))
        json_object_object_add_ex (values, key, write.value != NULL ? json_object_get (write.value) : NULL,
                                   JSON_C_OBJECT_ADD_KEY_IS_NEW);
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
  sqlite3_stmt *stmt = dh_store_prepare_static (self, dh_store_entity_sql (entity)->making, error);
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
 * @values_of_all: (nullable): dh_store_state_values() of the whole state, when
 *   the caller has it already
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
                     json_object     *values_of_all,
                     GError         **error)
{
  const char *first, *first_author, *latest, *latest_author;
  g_autofree char *made = NULL;
  g_autofree char *maker = NULL;
  g_autofree char *clocks = NULL;
  g_autofree char *updated_at = NULL;
  g_autoptr(json_object) values = NULL;
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GArray) writes = decode_state (state);
  DhMergeDescription description = DH_MERGE_DESCRIPTION_INIT;
  sqlite3_stmt *stmt;
  int index = 5;

  for (guint i = 0; i < writes->len; i++)
    dh_merge_describe_add (&description, &g_array_index (writes, StateWrite, i).write);
  first = description.made;
  first_author = description.maker;
  latest = description.latest;
  latest_author = description.latest_author;
  updated_at = iso_of_clock (latest);

  if (!exists)
    {
      g_autofree char *created_at = iso_of_clock (first);
      g_autoptr(json_object) all = values_of_all != NULL ? json_object_get (values_of_all) : dh_store_state_values (state, NULL);

      clocks = clocks_of_writes ((const StateWrite *) writes->data, writes->len, first, first_author);
      return dh_store_insert_row_full (self, entity, id, created_at, first_author, updated_at, latest_author,
                                       first, clocks, sync_state < 0 ? DH_SYNC_SYNCED : (DhSyncState) sync_state,
                                       all, error);
    }

  if (!read_making (self, entity, id, &made, &maker, error))
    return FALSE;
  values = dh_store_state_values (state, taken);
  clocks = clocks_of_writes ((const StateWrite *) writes->data, writes->len, made, maker);

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

/* Where each field's write is in WRITES: slots[i] for the entity's field i,
 * slots[n_fields] for "deleted"; -1 when the state has none. */
static void
slot_writes (const DhEntity   *entity,
             const StateWrite *writes,
             guint             n_writes,
             int              *slots)
{
  for (guint i = 0; i <= entity->n_fields; i++)
    slots[i] = -1;

  for (guint j = 0; j < n_writes; j++)
    {
      const char *key = writes[j].key;
      const DhField *field;

      if (g_str_equal (key, DH_RECORD_DELETED))
        {
          slots[entity->n_fields] = (int) j;
          continue;
        }
      /* a checked change's keys are the entity's own names: found by address */
      field = NULL;
      for (guint i = 0; i < entity->n_fields && field == NULL; i++)
        {
          if (entity->fields[i].name == key)
            field = &entity->fields[i];
        }
      if (field == NULL)
        field = dh_entity_get_field (entity, key);
      if (field != NULL)
        slots[field - entity->fields] = (int) j;
    }
}

/**
 * dh_store_insert_state:
 * @state: the whole state of a record not seen before
 *
 * Inserts the record's row from its state, as dh_store_save_state() does
 * for a new row, reading each write once: no object of the row's values is
 * made on the way, and its values are bound where the state holds them.
 * The row is synced.
 */
gboolean
dh_store_insert_state (DhStore         *self,
                       const DhEntity  *entity,
                       const char      *id,
                       json_object     *state,
                       GError         **error)
{
  g_autoptr(GArray) writes = decode_state (state);

  return dh_store_insert_writes (self, entity, id, (const DhStateWrite *) writes->data, writes->len, error);
}

/**
 * dh_store_new_row_prepare:
 * @writes: (array length=n_writes): the whole state of a record not seen
 *   before, each field's write, in the order of the state's keys
 * @n_writes: how many writes there are
 *
 * What the row of a record not seen before holds besides its values: its
 * making and last change, its clocks, its sort keys, and where each field's
 * write is. It reads nothing of the store, so a thread that checks changes
 * makes it while the store writes others. It refers to the clocks and
 * authors @writes points to, which must outlive it, and its slots are
 * places in @writes: dh_store_insert_new_row() takes writes in the same
 * order.
 */
DhNewRow *
dh_store_new_row_prepare (const DhEntity      *entity,
                          const char          *id,
                          const DhStateWrite  *writes,
                          guint                n_writes)
{
  DhNewRow *row = g_malloc0 (sizeof (DhNewRow) + sizeof (int) * (entity->n_fields + 1));

  row->description = (DhMergeDescription) DH_MERGE_DESCRIPTION_INIT;
  for (guint i = 0; i < n_writes; i++)
    dh_merge_describe_add (&row->description, &writes[i].write);
  row->created_at = iso_of_clock (row->description.made);
  /* most records arrive as they were made, all their writes of one clock */
  row->updated_at = g_strcmp0 (row->description.latest, row->description.made) == 0 ?
                    g_strdup (row->created_at) : iso_of_clock (row->description.latest);
  row->clocks = clocks_of_writes (writes, n_writes, row->description.made, row->description.maker);
  slot_writes (entity, writes, n_writes, row->slots);

  if (entity->name_field != NULL)
    {
      const DhField *name_field = dh_entity_get_field (entity, entity->name_field);
      int slot = name_field != NULL ? row->slots[name_field - entity->fields] : -1;
      json_object *name = slot >= 0 ? writes[slot].write.value : NULL;

      dh_store_sort_keys_of_name (entity, id, json_object_is_type (name, json_type_string) ? json_object_get_string (name) : NULL,
                                  &row->sort_full, &row->sort_given);
    }

  return row;
}

void
dh_store_new_row_free (DhNewRow *row)
{
  if (row == NULL)
    return;

  g_free (row->created_at);
  g_free (row->updated_at);
  g_free (row->clocks);
  g_free (row->sort_full);
  g_free (row->sort_given);
  g_free (row);
}

/**
 * dh_store_insert_new_row:
 * @writes: what @row was prepared from
 * @row: dh_store_new_row_prepare() of the record
 *
 * Inserts the row of a record not seen before, its values bound where
 * @writes holds them. The row is synced.
 */
gboolean
dh_store_insert_new_row (DhStore             *self,
                         const DhEntity      *entity,
                         const char          *id,
                         const DhStateWrite  *writes,
                         const DhNewRow      *row,
                         GError             **error)
{
  const int *slots = row->slots;
  int next = 10 + (int) entity->n_fields;
  json_object *deleted = NULL;
  sqlite3_stmt *stmt;

  stmt = dh_store_prepare_static (self, dh_store_entity_sql (entity)->insert, error);
  if (stmt == NULL)
    return FALSE;

  if (slots[entity->n_fields] >= 0)
    deleted = writes[slots[entity->n_fields]].write.value;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, row->created_at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, row->description.maker, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, row->updated_at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, row->description.latest_author, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 6, json_object_get_boolean (deleted) ? 1 : 0);
  sqlite3_bind_int (stmt, 7, DH_SYNC_SYNCED);
  sqlite3_bind_text (stmt, 8, row->description.made, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, row->clocks, -1, SQLITE_STATIC);
  /* a field without a value stays null: the statement's bindings were
   * cleared when it was taken again */
  for (guint i = 0; i < entity->n_fields; i++)
    {
      json_object *value = slots[i] >= 0 ? writes[slots[i]].write.value : NULL;

      if (value != NULL)
        dh_store_bind_json (stmt, 10 + (int) i, value);
    }
  if (row->sort_full != NULL)
    sqlite3_bind_text (stmt, next, row->sort_full, -1, SQLITE_STATIC);
  if (row->sort_given != NULL)
    sqlite3_bind_text (stmt, next + 1, row->sort_given, -1, SQLITE_STATIC);

  if (!dh_store_step_done (self, stmt, error))
    return FALSE;
  dh_store_note_new_search_row (self, entity, sqlite3_last_insert_rowid (self->db));

  return TRUE;
}

/**
 * dh_store_insert_writes:
 * @writes: (array length=n_writes): the whole state of a record not seen
 *   before, each field's write, in the order of the state's keys
 * @n_writes: how many writes there are
 *
 * dh_store_insert_state() of a state read already.
 */
gboolean
dh_store_insert_writes (DhStore             *self,
                        const DhEntity      *entity,
                        const char          *id,
                        const DhStateWrite  *writes,
                        guint                n_writes,
                        GError             **error)
{
  g_autoptr(DhNewRow) row = dh_store_new_row_prepare (entity, id, writes, n_writes);

  return dh_store_insert_new_row (self, entity, id, writes, row, error);
}

/* The commune a record belongs to, read from its state: conflicts about it
 * belong there too, whatever the change that revealed them said. */
char *
dh_store_state_commune (DhStore         *self,
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

  dh_store_lock (self);
  sql = g_strdup_printf ("SELECT id FROM \"%s\" ORDER BY id", entity->name);
  stmt = dh_store_prepare (self, sql, error);
  if (stmt == NULL)
    {
      dh_store_unlock (self);
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
          dh_store_unlock (self);
          return NULL;
        }
      {
        g_autofree char *commune = dh_store_state_commune (self, entity, state);

        change = dh_merge_state_to_change (entity, g_ptr_array_index (ids, i), commune, state);
      }
      g_ptr_array_add (changes, dh_change_to_json (change));
    }
  dh_store_unlock (self);

  return g_steal_pointer (&changes);
}
