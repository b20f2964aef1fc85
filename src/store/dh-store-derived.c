/* dh-store-derived.c – what follows from a record's fields: its sort keys and its household's search entry */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include "dh-store-private.h"
#include "dh-text.h"

static gboolean
update_sort_keys (DhStore         *self,
                  const DhEntity  *entity,
                  const char      *id,
                  json_object     *record,
                  GError         **error)
{
  const char *name = dh_json_get_string (record, entity->name_field);
  g_autofree char *full_key = dh_text_sort_key (name != NULL ? name : "");
  g_autofree char *given_key = NULL;
  g_autofree char *full = NULL;
  g_autofree char *given = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;

  /* The id ends every key: two people of the same name still have an
   * order, and a page of a list is read from the index alone, without a
   * sort of every row before it. */
  full = g_strconcat (full_key, " ", id, NULL);
  if (entity->person_name)
    {
      given_key = dh_text_name_sort_key (name != NULL ? name : "");
      given = g_strconcat (given_key, " ", id, NULL);
      sql = g_strdup_printf ("UPDATE \"%s\" SET sort_full = ?1, sort_given = ?2 WHERE id = ?3", entity->name);
    }
  else
    sql = g_strdup_printf ("UPDATE \"%s\" SET sort_full = ?1 WHERE id = ?3", entity->name);

  stmt = dh_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, full, -1, SQLITE_TRANSIENT);
  if (given != NULL)
    sqlite3_bind_text (stmt, 2, given, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, id, -1, SQLITE_TRANSIENT);

  return dh_store_step_done (self, stmt, error);
}

gboolean
dh_store_refresh_search (DhStore     *self,
                         const char  *household_id,
                         GError     **error)
{
  g_autoptr(GString) doc = g_string_new (NULL);
  g_autofree char *folded = NULL;
  sqlite3_stmt *stmt;
  sqlite3_int64 rowid;
  gboolean live;
  int rc;

  stmt = dh_store_prepare (self,
                           "SELECT h.rowid, h.deleted, h.head_name, h.code, h.phone, v.name "
                           "FROM household h LEFT JOIN admin_unit v ON v.id = h.village WHERE h.id = ?",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        return TRUE;
      dh_store_set_sqlite_error (self, error);
      return FALSE;
    }

  rowid = sqlite3_column_int64 (stmt, 0);
  live = sqlite3_column_int (stmt, 1) == 0;
  for (int column = 2; column <= 5; column++)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, column);

      if (text != NULL)
        g_string_append_printf (doc, "%s ", text);
    }
  sqlite3_reset (stmt);

  if (live)
    {
      stmt = dh_store_prepare (self,
                               "SELECT full_name, citizen_id FROM member WHERE household = ? AND deleted = 0",
                               error);
      if (stmt == NULL)
        return FALSE;

      sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_TRANSIENT);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          for (int column = 0; column <= 1; column++)
            {
              const char *text = (const char *) sqlite3_column_text (stmt, column);

              if (text != NULL)
                g_string_append_printf (doc, "%s ", text);
            }
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          dh_store_set_sqlite_error (self, error);
          return FALSE;
        }
    }

  stmt = dh_store_prepare (self, "DELETE FROM household_search WHERE rowid = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rowid);
  if (!dh_store_step_done (self, stmt, error))
    return FALSE;

  if (!live)
    return TRUE;

  folded = dh_text_fold (doc->str);
  stmt = dh_store_prepare (self, "INSERT INTO household_search (rowid, doc) VALUES (?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rowid);
  sqlite3_bind_text (stmt, 2, folded, -1, SQLITE_TRANSIENT);

  return dh_store_step_done (self, stmt, error);
}

gboolean
dh_store_refresh_search_for (DhStore         *self,
                    const DhEntity  *entity,
                    json_object     *record,
                    GError         **error)
{
  if (g_str_equal (entity->name, "household"))
    return dh_store_refresh_search (self, dh_json_get_string (record, DH_RECORD_ID), error);
  if (g_str_equal (entity->name, "member"))
    return dh_store_refresh_search (self, dh_json_get_string (record, "household"), error);

  return TRUE;
}

/* The sort keys and the search entry that follow from a record's fields. */
gboolean
dh_store_refresh_derived (DhStore         *self,
                          const DhEntity  *entity,
                          json_object     *record,
                          GError         **error)
{
  const char *id = dh_json_get_string (record, DH_RECORD_ID);

  return (entity->name_field == NULL || update_sort_keys (self, entity, id, record, error)) &&
         dh_store_refresh_search_for (self, entity, record, error);
}
