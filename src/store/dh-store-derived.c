/* dh-store-derived.c – what follows from a record's fields: its sort keys and its household's search entry */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include "dh-store-private.h"
#include "dh-text.h"

/* The id ends every key: two people of the same name still have an
 * order, and a page of a list is read from the index alone, without a
 * sort of every row before it. */
void
dh_store_sort_keys (const DhEntity  *entity,
                    const char      *id,
                    json_object     *fields,
                    char           **out_full,
                    char           **out_given)
{
  const char *name = entity->name_field != NULL ? dh_json_get_string (fields, entity->name_field) : NULL;

  dh_store_sort_keys_of_name (entity, id, name, out_full, out_given);
}

/* @name: (nullable): the value of the entity's name field */
void
dh_store_sort_keys_of_name (const DhEntity  *entity,
                            const char      *id,
                            const char      *name,
                            char           **out_full,
                            char           **out_given)
{
  g_autofree char *full_key = NULL;
  g_autofree char *given_key = NULL;

  *out_full = NULL;
  *out_given = NULL;
  if (entity->name_field == NULL)
    return;

  if (entity->person_name)
    {
      /* both keys of a person's name, its words weighed once */
      dh_text_sort_keys_of_name (name != NULL ? name : "", &full_key, &given_key);
      *out_given = g_strconcat (given_key, " ", id, NULL);
    }
  else
    full_key = dh_text_sort_key (name != NULL ? name : "");
  *out_full = g_strconcat (full_key, " ", id, NULL);
}

static gboolean
update_sort_keys (DhStore         *self,
                  const DhEntity  *entity,
                  const char      *id,
                  json_object     *record,
                  GError         **error)
{
  g_autofree char *full = NULL;
  g_autofree char *given = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;

  dh_store_sort_keys (entity, id, record, &full, &given);
  if (given != NULL)
    sql = g_strdup_printf ("UPDATE \"%s\" SET sort_full = ?1, sort_given = ?2 WHERE id = ?3", entity->name);
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

void
dh_store_mark_search (DhStore    *self,
                      const char *household_id)
{
  /* a first sync's entries are written all at once when it ends */
  if (household_id != NULL && !self->search_deferred)
    g_hash_table_add (self->search_pending, g_strdup (household_id));
}

static void
note_absent (DhStore       *self,
             sqlite3_int64  entry_rowid)
{
  gint64 *key = g_new (gint64, 1);

  *key = entry_rowid;
  g_hash_table_add (self->search_absent, key);
}

/* A row the transaction has just inserted: the search entries that will
 * be its own have no text yet, and are not looked for when they are
 * written (rows are never taken out of their table, so a new row's rowid
 * names no entry before the transaction's own). */
void
dh_store_note_new_search_row (DhStore         *self,
                              const DhEntity  *entity,
                              sqlite3_int64    rowid)
{
  /* a first sync's entries are written when it ends, into an emptied
   * index; an entry written before then is only looked for first */
  if (self->search_deferred)
    return;
  if (g_str_equal (entity->name, "household"))
    {
      note_absent (self, rowid);
      note_absent (self, DH_SEARCH_HEAD_ROWID (rowid));
    }
  else if (g_str_equal (entity->name, "member"))
    note_absent (self, DH_SEARCH_MEMBER_ROWID (rowid));
}

/* One search entry to write: its rowid and its text, NULL to take it out. */
typedef struct
{
  sqlite3_int64  rowid;
  char          *text;
} SearchEntry;

static void
search_entry_clear (SearchEntry *entry)
{
  g_clear_pointer (&entry->text, g_free);
}

static int
compare_search_entries (gconstpointer a,
                        gconstpointer b)
{
  const SearchEntry *x = a, *y = b;

  return x->rowid < y->rowid ? -1 : x->rowid > y->rowid;
}

static void
add_search_entry (GArray        *entries,
                  sqlite3_int64  rowid,
                  const char    *text)
{
  SearchEntry entry = { rowid, g_strdup (text) };

  g_array_append_val (entries, entry);
}

static void
append_word (GString    *doc,
             const char *text)
{
  g_string_append (doc, text);
  g_string_append_c (doc, ' ');
}

/* A household has one search entry for all its text, and each of its
 * people one for their name alone, so that a name typed in full finds the
 * person who bears it before words spread over a household. */
static gboolean
collect_search_entries (DhStore     *self,
                        const char  *household_id,
                        GArray      *entries,
                        GError     **error)
{
  g_autoptr(GString) doc = g_string_new (NULL);
  sqlite3_stmt *stmt;
  sqlite3_int64 rowid;
  gboolean live;
  int rc;

  stmt = dh_store_prepare_static (self,
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
  add_search_entry (entries, DH_SEARCH_HEAD_ROWID (rowid), live ? (const char *) sqlite3_column_text (stmt, 2) : NULL);
  for (int column = 2; column <= 5; column++)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, column);

      if (text != NULL)
        append_word (doc, text);
    }
  sqlite3_reset (stmt);

  /* deleted members too, so that their entries go */
  stmt = dh_store_prepare_static (self,
                                  "SELECT rowid, deleted, full_name, citizen_id FROM member WHERE household = ?",
                                  error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gboolean member_live = live && sqlite3_column_int (stmt, 1) == 0;

      add_search_entry (entries, DH_SEARCH_MEMBER_ROWID (sqlite3_column_int64 (stmt, 0)),
                        member_live ? (const char *) sqlite3_column_text (stmt, 2) : NULL);
      if (!member_live)
        continue;

      for (int column = 2; column <= 3; column++)
        {
          const char *text = (const char *) sqlite3_column_text (stmt, column);

          if (text != NULL)
            append_word (doc, text);
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dh_store_set_sqlite_error (self, error);
      return FALSE;
    }

  add_search_entry (entries, rowid, live ? doc->str : NULL);

  return TRUE;
}

static gboolean
insert_search_row (DhStore        *self,
                   sqlite3_int64   rowid,
                   const char     *folded,
                   GError        **error)
{
  sqlite3_stmt *stmt = dh_store_prepare_static (self, "INSERT INTO household_search (rowid, doc) VALUES (?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rowid);
  sqlite3_bind_text (stmt, 2, folded, -1, SQLITE_STATIC);

  return dh_store_step_done (self, stmt, error);
}

/* An entry is written only when its text changed: FTS5 takes an entry out
 * by reading and tokenising it again, and most refreshes of a household
 * change its own entry alone (a member came) or nothing of it. */
static gboolean
write_search_row (DhStore        *self,
                  sqlite3_int64   rowid,
                  const char     *text,
                  GError        **error)
{
  g_autofree char *folded = text != NULL ? dh_text_fold (text) : NULL;
  sqlite3_stmt *stmt;
  gboolean present, same;
  int rc;

  if (self->search_emptied || g_hash_table_contains (self->search_absent, &rowid))
    return folded == NULL || insert_search_row (self, rowid, folded, error);

  /* read from the table FTS5 keeps the entries' text in (its "content"
   * shadow table): a lookup by rowid there is a plain one */
  stmt = dh_store_prepare_static (self, "SELECT c0 FROM household_search_content WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rowid);
  rc = sqlite3_step (stmt);
  present = rc == SQLITE_ROW;
  same = present && g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), folded) == 0;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    dh_store_set_sqlite_error (self, error);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return FALSE;
  if (same || (!present && folded == NULL))
    return TRUE;

  if (present)
    {
      stmt = dh_store_prepare_static (self, "DELETE FROM household_search WHERE rowid = ?", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, rowid);
      if (!dh_store_step_done (self, stmt, error))
        return FALSE;
    }

  if (folded == NULL)
    return TRUE;

  return insert_search_row (self, rowid, folded, error);
}

/* FTS5 writes what it holds in memory to a new segment of the index each
 * time a write comes with a rowid below the one before: written in rowid
 * order, the entries of a whole transaction make one segment, not one or
 * more per household. */
static gboolean
write_search_entries (DhStore  *self,
                      GArray   *entries,
                      GError  **error)
{
  g_array_sort (entries, compare_search_entries);
  for (guint i = 0; i < entries->len; i++)
    {
      SearchEntry *entry = &g_array_index (entries, SearchEntry, i);

      if (!write_search_row (self, entry->rowid, entry->text, error))
        return FALSE;
    }

  return TRUE;
}

static GArray *
search_entries_new (void)
{
  GArray *entries = g_array_new (FALSE, FALSE, sizeof (SearchEntry));

  g_array_set_clear_func (entries, (GDestroyNotify) search_entry_clear);
  return entries;
}

/* Writes the search entries of the households the transaction touched,
 * just before it commits: FTS5 then writes one segment, not one per
 * record, and nothing of it is pending at the savepoints in between. */
gboolean
dh_store_flush_search (DhStore  *self,
                       GError  **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) entries = search_entries_new ();
  GHashTableIter iter;
  gpointer id;

  g_hash_table_iter_init (&iter, self->search_pending);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    {
      g_ptr_array_add (ids, id);
      g_hash_table_iter_steal (&iter);
    }

  for (guint i = 0; i < ids->len; i++)
    {
      if (!collect_search_entries (self, g_ptr_array_index (ids, i), entries, error))
        return FALSE;
    }

  return write_search_entries (self, entries, error);
}

gboolean
dh_store_refresh_search_for (DhStore         *self,
                    const DhEntity  *entity,
                    json_object     *record,
                    GError         **error)
{
  if (g_str_equal (entity->name, "household"))
    dh_store_mark_search (self, dh_json_get_string (record, DH_RECORD_ID));
  else if (g_str_equal (entity->name, "member"))
    dh_store_mark_search (self, dh_json_get_string (record, "household"));

  return TRUE;
}

/* The sort keys and the search entry that follow from a record's fields;
 * a new row got its sort keys with its insert. */
gboolean
dh_store_refresh_derived (DhStore         *self,
                          const DhEntity  *entity,
                          json_object     *record,
                          gboolean         name_changed,
                          GError         **error)
{
  const char *id = dh_json_get_string (record, DH_RECORD_ID);

  return (entity->name_field == NULL || !name_changed || update_sort_keys (self, entity, id, record, error)) &&
         dh_store_refresh_search_for (self, entity, record, error);
}

#define SEARCH_VERSION "2"

/* dh_store_rebuild_search(); unless SYNCED, its commit does not wait
 * for the disk (dh_store_write_begin_unsynced()). */
static gboolean
rebuild_search (DhStore   *self,
                gboolean   synced,
                GError   **error)
{
  g_autoptr(GPtrArray) ids = NULL;
  gboolean ok;

  if (!(synced ? dh_store_write_begin (self, error) : dh_store_write_begin_unsynced (self, error)))
    return FALSE;

  ids = dh_store_select_ids (self, "SELECT id FROM household", NULL, error);
  ok = ids != NULL && dh_store_exec (self, "DELETE FROM household_search", error);
  /* the entries written now are looked for nowhere first */
  self->search_emptied = ok;
  for (guint i = 0; ok && i < ids->len; i++)
    dh_store_mark_search (self, g_ptr_array_index (ids, i));
  ok = ok && dh_store_set_meta (self, "search_version", SEARCH_VERSION, error) &&
       dh_store_exec (self, "DELETE FROM meta WHERE key = '" DH_STORE_SEARCH_INCOMPLETE "'", error);
  if (!ok)
    self->search_emptied = FALSE;

  return dh_store_write_end (self, ok, error);
}

/* Writes every household's search entries anew: after VACUUM, which may
 * renumber the rowids the index refers to, once for a store made before
 * people had entries of their own, and after a first sync. */
gboolean
dh_store_rebuild_search (DhStore  *self,
                         GError  **error)
{
  return rebuild_search (self, TRUE, error);
}

/* Whether every record has its search entries (see DH_STORE_SEARCH_INCOMPLETE). */
gboolean
dh_store_search_is_complete (DhStore   *self,
                             gboolean  *out_complete,
                             GError   **error)
{
  g_autofree char *incomplete = NULL;

  if (!dh_store_read_meta (self, DH_STORE_SEARCH_INCOMPLETE, &incomplete, error))
    return FALSE;
  *out_complete = incomplete == NULL;

  return TRUE;
}

/* Writes the search entries a first sync left out, in one transaction;
 * nothing when none is missing. Its commit does not wait for the disk: a
 * power cut that loses it leaves the mark that entries are missing, and
 * the next opening writes them. */
gboolean
dh_store_complete_search (DhStore  *self,
                          GError  **error)
{
  gboolean incomplete;

  if (!dh_store_check_exists (self, "SELECT 1 FROM meta WHERE key = '" DH_STORE_SEARCH_INCOMPLETE "'", NULL, NULL, NULL,
                              &incomplete, error))
    return FALSE;

  return !incomplete || rebuild_search (self, FALSE, error);
}

/* At opening: a store whose search entries are of an older form gets new
 * ones, and one whose first sync was cut gets those it lacks. */
gboolean
dh_store_ensure_search (DhStore  *self,
                        GError  **error)
{
  g_autofree char *version = dh_store_get_meta (self, "search_version");

  if (g_strcmp0 (version, SEARCH_VERSION) != 0)
    return dh_store_rebuild_search (self, error);

  return dh_store_complete_search (self, error);
}
