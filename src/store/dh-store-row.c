/* dh-store-row.c – a record's row read as JSON and written from it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-error.h"
#include "dh-store-private.h"

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

static char *
insert_sql (const DhEntity *entity)
{
  GString *sql = g_string_new (NULL);
  guint next = 10 + entity->n_fields;

  g_string_printf (sql, "INSERT INTO \"%s\" (%s%s%s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9",
                   entity->name, dh_store_select_columns (entity),
                   entity->name_field != NULL ? ", sort_full" : "",
                   entity->name_field != NULL && entity->person_name ? ", sort_given" : "");
  for (guint i = 0; i < entity->n_fields; i++)
    g_string_append_printf (sql, ", ?%u", 10 + i);
  if (entity->name_field != NULL)
    g_string_append_printf (sql, ", ?%u", next);
  if (entity->name_field != NULL && entity->person_name)
    g_string_append_printf (sql, ", ?%u", next + 1);
  g_string_append (sql, ")");

  return g_string_free (sql, FALSE);
}

/* Ids are unique across kinds: a reference names a record by its id alone. */
static char *
taken_sql (const DhEntity *other_than)
{
  guint n_entities;
  const DhEntity * const *entities = dh_entity_list_all (&n_entities);
  GString *sql = g_string_new ("SELECT EXISTS (");
  gboolean first = TRUE;

  for (guint i = 0; i < n_entities; i++)
    {
      if (entities[i] == other_than)
        continue;
      g_string_append_printf (sql, "%sSELECT 1 FROM \"%s\" WHERE id = ?1", first ? "" : " UNION ALL ", entities[i]->name);
      first = FALSE;
    }
  g_string_append (sql, ")");

  return g_string_free (sql, FALSE);
}

const DhEntitySql *
dh_store_entity_sql (const DhEntity *entity)
{
  static GHashTable *cache;
  static GMutex mutex;
  DhEntitySql *sql;

  g_mutex_lock (&mutex);
  if (cache == NULL)
    cache = g_hash_table_new (NULL, NULL);

  sql = g_hash_table_lookup (cache, entity);
  if (sql == NULL)
    {
      sql = g_new0 (DhEntitySql, 1);
      sql->taken = taken_sql (entity);
      if (entity != NULL)
        {
          sql->select_by_id = g_strdup_printf ("SELECT %s FROM \"%s\" WHERE id = ?", dh_store_select_columns (entity), entity->name);
          sql->exists = g_strdup_printf ("SELECT 1 FROM \"%s\" WHERE id = ?1", entity->name);
          sql->insert = insert_sql (entity);
          sql->making = g_strdup_printf ("SELECT clock, created_by FROM \"%s\" WHERE id = ?", entity->name);
        }
      g_hash_table_insert (cache, (gpointer) entity, sql);
    }
  g_mutex_unlock (&mutex);

  return sql;
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

/* The value is bound where it is, not copied: it must live until the
 * statement has run. */
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
                         json_object_get_string_len (value), SQLITE_STATIC);
      break;

    case json_type_array:
    case json_type_object:
    default:
      sqlite3_bind_text (stmt, index,
                         json_object_to_json_string_ext (value, JSON_C_TO_STRING_PLAIN),
                         -1, SQLITE_STATIC);
      break;
    }
}

json_object *
dh_connection_get_row (DhConnection    *connection,
                       const DhEntity  *entity,
                       const char      *id,
                       gboolean         include_deleted,
                       GError         **error)
{
  sqlite3_stmt *stmt = dh_connection_prepare_static (connection, dh_store_entity_sql (entity)->select_by_id, error);
  json_object *record = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && (include_deleted || sqlite3_column_int (stmt, 5) == 0))
    record = dh_store_row_to_json (entity, stmt);
  else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    dh_connection_set_error (connection, error);
  else
    g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_NOT_FOUND,
                 /* Translators: "There is no household with id “…”; check the id" */
                 _("There is no %s with id “%s”; check the id"),
                 dh_entity_get_label (entity), id);
  sqlite3_reset (stmt);

  return record;
}

json_object *
dh_store_get_row (DhStore         *self,
                  const DhEntity  *entity,
                  const char      *id,
                  gboolean         include_deleted,
                  GError         **error)
{
  return dh_connection_get_row (&self->writer_connection, entity, id, include_deleted, error);
}
