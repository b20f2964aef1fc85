/* dh-store-derived.c – what follows from a record's fields: its sort keys and its household's search entry */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include <string.h>

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
  if (household_id == NULL)
    return;
  /* a first sync's entries are written all at once when it ends: read
   * from the tables once a write other than a new row's touched them */
  if (self->search_deferred)
    g_clear_pointer (&self->first_sync_search, dh_search_kept_free);
  else
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
 * person who bears it before words spread over a household. A
 * household's entries are made from its row and its members' rows, the
 * living first, by their given names (member_by_household's order): read
 * from the tables
 * (collect_search_entries()), or as a first sync wrote them
 * (DhSearchKept). */
typedef struct
{
  GArray        *entries;
  GString       *doc;
  sqlite3_int64  rowid;
  gboolean       live;
} SearchDoc;

static void
search_doc_begin (SearchDoc     *doc,
                  GArray        *entries,
                  GString       *text,
                  sqlite3_int64  rowid,
                  gboolean       live,
                  const char    *head_name,
                  const char    *code,
                  const char    *phone,
                  const char    *village)
{
  const char *words[] = { head_name, code, phone, village };

  *doc = (SearchDoc) { entries, text, rowid, live };
  g_string_truncate (text, 0);
  add_search_entry (entries, DH_SEARCH_HEAD_ROWID (rowid), live ? head_name : NULL);
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      if (words[i] != NULL)
        append_word (text, words[i]);
    }
}

/* deleted members too, so that their entries go */
static void
search_doc_add_member (SearchDoc     *doc,
                       sqlite3_int64  rowid,
                       gboolean       live,
                       const char    *full_name,
                       const char    *citizen_id)
{
  gboolean member_live = doc->live && live;

  add_search_entry (doc->entries, DH_SEARCH_MEMBER_ROWID (rowid), member_live ? full_name : NULL);
  if (!member_live)
    return;
  if (full_name != NULL)
    append_word (doc->doc, full_name);
  if (citizen_id != NULL)
    append_word (doc->doc, citizen_id);
}

static void
search_doc_end (SearchDoc *doc)
{
  add_search_entry (doc->entries, doc->rowid, doc->live ? doc->doc->str : NULL);
}

static gboolean
collect_search_entries (DhStore     *self,
                        const char  *household_id,
                        GArray      *entries,
                        GError     **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  SearchDoc doc;
  sqlite3_stmt *stmt;
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

  search_doc_begin (&doc, entries, text, sqlite3_column_int64 (stmt, 0), sqlite3_column_int (stmt, 1) == 0,
                    (const char *) sqlite3_column_text (stmt, 2), (const char *) sqlite3_column_text (stmt, 3),
                    (const char *) sqlite3_column_text (stmt, 4), (const char *) sqlite3_column_text (stmt, 5));
  sqlite3_reset (stmt);

  stmt = dh_store_prepare_static (self,
                                  "SELECT rowid, deleted, full_name, citizen_id FROM member WHERE household = ? "
                                  "ORDER BY deleted, sort_given",
                                  error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    search_doc_add_member (&doc, sqlite3_column_int64 (stmt, 0), sqlite3_column_int (stmt, 1) == 0,
                           (const char *) sqlite3_column_text (stmt, 2), (const char *) sqlite3_column_text (stmt, 3));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dh_store_set_sqlite_error (self, error);
      return FALSE;
    }
  search_doc_end (&doc);

  return TRUE;
}

/* What the search entries of a first sync into a store without records
 * are made of, kept as its rows are written (dh_store_keep_search_row()),
 * so that its end writes them without reading every household and member
 * again. Texts are the rows' values, in one chunk. */
typedef struct
{
  sqlite3_int64  rowid;
  gboolean       live;
  const char    *head_name;
  const char    *code;
  const char    *phone;
  const char    *village;      /* the village's id */
} KeptHousehold;

typedef struct
{
  guint          household;    /* its index in by_order */
  sqlite3_int64  rowid;
  gboolean       live;
  const char    *full_name;
  const char    *citizen_id;
  const char    *sort_given;   /* the row's, which its household's entry orders its members by */
} KeptMember;

struct _DhSearchKept
{
  GStringChunk *texts;
  GHashTable   *households;    /* id (in texts) -> index in by_order + 1 */
  GArray       *by_order;      /* KeptHousehold, as written */
  GArray       *members;       /* KeptMember, as written */
};

DhSearchKept *
dh_search_kept_new (void)
{
  DhSearchKept *kept = g_new0 (DhSearchKept, 1);

  kept->texts = g_string_chunk_new (64 * 1024);
  kept->households = g_hash_table_new (dh_id_hash, g_str_equal);
  kept->by_order = g_array_new (FALSE, FALSE, sizeof (KeptHousehold));
  kept->members = g_array_new (FALSE, FALSE, sizeof (KeptMember));

  return kept;
}

void
dh_search_kept_free (DhSearchKept *kept)
{
  if (kept == NULL)
    return;

  g_hash_table_unref (kept->households);
  g_array_unref (kept->by_order);
  g_array_unref (kept->members);
  g_string_chunk_free (kept->texts);
  g_free (kept);
}

/* The value of a new row's field NAME, or NULL. */
static json_object *
new_row_value (const DhEntity      *entity,
               const DhStateWrite  *writes,
               const DhNewRow      *row,
               const char          *name)
{
  const DhField *field = dh_entity_get_field (entity, name);
  int slot = field != NULL ? row->slots[field - entity->fields] : -1;

  return slot >= 0 ? writes[slot].write.value : NULL;
}

/* The text of a new row's field NAME, the row's own (NULL without a
 * value); FALSE when it holds a value that is no text, which no entry is
 * made of here. */
static gboolean
new_row_text (const DhEntity      *entity,
              const DhStateWrite  *writes,
              const DhNewRow      *row,
              const char          *name,
              json_object        **out_value)
{
  json_object *value = new_row_value (entity, writes, row, name);

  *out_value = value;
  return value == NULL || json_object_is_type (value, json_type_string);
}

/* new_row_text(), kept in KEPT's chunk. */
static gboolean
keep_text (DhSearchKept        *kept,
           const DhEntity      *entity,
           const DhStateWrite  *writes,
           const DhNewRow      *row,
           const char          *name,
           const char         **out_text)
{
  json_object *value;

  *out_text = NULL;
  if (!new_row_text (entity, writes, row, name, &value))
    return FALSE;
  if (value != NULL)
    *out_text = g_string_chunk_insert_len (kept->texts, json_object_get_string (value), json_object_get_string_len (value));
  return TRUE;
}

static gboolean
kept_live (const DhEntity      *entity,
           const DhStateWrite  *writes,
           const DhNewRow      *row)
{
  int slot = row->slots[entity->n_fields];

  return slot < 0 || !json_object_get_boolean (writes[slot].write.value);
}

static gboolean
keep_household (DhSearchKept        *kept,
                const DhEntity      *entity,
                const char          *id,
                sqlite3_int64        rowid,
                const DhStateWrite  *writes,
                const DhNewRow      *row)
{
  KeptHousehold household = { rowid, kept_live (entity, writes, row) };

  if (g_hash_table_contains (kept->households, id) ||
      !keep_text (kept, entity, writes, row, "head_name", &household.head_name) ||
      !keep_text (kept, entity, writes, row, "code", &household.code) ||
      !keep_text (kept, entity, writes, row, "phone", &household.phone) ||
      !keep_text (kept, entity, writes, row, "village", &household.village))
    return FALSE;
  g_array_append_val (kept->by_order, household);
  g_hash_table_insert (kept->households, g_string_chunk_insert (kept->texts, id), GUINT_TO_POINTER (kept->by_order->len));

  return TRUE;
}

static gboolean
keep_member (DhSearchKept        *kept,
             const DhEntity      *entity,
             sqlite3_int64        rowid,
             const DhStateWrite  *writes,
             const DhNewRow      *row)
{
  KeptMember member = { .rowid = rowid, .live = kept_live (entity, writes, row) };
  json_object *household_id;
  guint index;

  if (!new_row_text (entity, writes, row, "household", &household_id) || household_id == NULL ||
      !keep_text (kept, entity, writes, row, "full_name", &member.full_name) ||
      !keep_text (kept, entity, writes, row, "citizen_id", &member.citizen_id))
    return FALSE;
  index = GPOINTER_TO_UINT (g_hash_table_lookup (kept->households, json_object_get_string (household_id)));
  /* a member before its household: its entry is made from the tables */
  if (index == 0)
    return FALSE;

  member.household = index - 1;
  if (row->sort_given != NULL)
    member.sort_given = g_string_chunk_insert (kept->texts, row->sort_given);
  g_array_append_val (kept->members, member);

  return TRUE;
}

/**
 * dh_store_keep_search_row:
 * @id: the record's id
 * @rowid: its new row's
 * @writes: what @row was prepared from
 * @row: dh_store_new_row_prepare() of the record
 *
 * A household or a member a page wrote as a new row: its search entries
 * are kept for the end of a first sync (self->first_sync_search), or its
 * household's marked to be written (dh_store_mark_search()). A row that
 * cannot be kept (a member before its household) lets go of what was
 * kept: the entries are then read from the tables.
 */
void
dh_store_keep_search_row (DhStore             *self,
                          const DhEntity      *entity,
                          const char          *id,
                          sqlite3_int64        rowid,
                          const DhStateWrite  *writes,
                          const DhNewRow      *row)
{
  gboolean household = g_str_equal (entity->name, "household");
  const char *household_id = NULL;

  if (!household && !g_str_equal (entity->name, "member"))
    return;

  if (self->first_sync_search != NULL &&
      (household ? keep_household (self->first_sync_search, entity, id, rowid, writes, row) :
                   keep_member (self->first_sync_search, entity, rowid, writes, row)))
    return;
  g_clear_pointer (&self->first_sync_search, dh_search_kept_free);

  if (household)
    household_id = id;
  else
    {
      json_object *value;

      if (new_row_text (entity, writes, row, "household", &value) && value != NULL)
        household_id = json_object_get_string (value);
    }
  dh_store_mark_search (self, household_id);
}

/* By household, then as member_by_household orders a household's: the
 * living first, then by their sort keys (which end with their ids), as
 * SQLite compares text. */
static int
compare_kept_members (gconstpointer a,
                      gconstpointer b)
{
  const KeptMember *x = a;
  const KeptMember *y = b;

  if (x->household != y->household)
    return x->household < y->household ? -1 : 1;
  if (x->live != y->live)
    return x->live ? -1 : 1;
  if (x->sort_given == NULL || y->sort_given == NULL)
    return (x->sort_given != NULL) - (y->sort_given != NULL);
  return strcmp (x->sort_given, y->sort_given);
}

/* The name of the village ID, read once (NAMES holds what was read). */
static gboolean
village_name (DhStore      *self,
              GHashTable   *names,
              const char   *id,
              const char  **out_name,
              GError      **error)
{
  sqlite3_stmt *stmt;
  gpointer found;
  char *name = NULL;

  if (g_hash_table_lookup_extended (names, id, NULL, &found))
    {
      *out_name = found;
      return TRUE;
    }

  stmt = dh_store_prepare_static (self, "SELECT name FROM admin_unit WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (!dh_connection_step_text (&self->writer_connection, stmt, &name, error))
    return FALSE;

  g_hash_table_insert (names, (gpointer) id, name);
  *out_name = name;
  return TRUE;
}

/* The entries of every household KEPT holds, in ENTRIES, when the store
 * holds those households and members alone (*OUT_WHOLE); else their
 * entries are read from the tables. */
static gboolean
kept_search_entries (DhStore       *self,
                     DhSearchKept  *kept,
                     GArray        *entries,
                     gboolean      *out_whole,
                     GError       **error)
{
  g_autoptr(GHashTable) villages = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GString) text = g_string_new (NULL);
  sqlite3_stmt *stmt;
  guint m = 0;
  gint64 n_households = -1, n_members = -1;
  int rc;

  *out_whole = FALSE;
  stmt = dh_store_prepare_static (self, "SELECT (SELECT count (*) FROM household), (SELECT count (*) FROM member)", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      n_households = sqlite3_column_int64 (stmt, 0);
      n_members = sqlite3_column_int64 (stmt, 1);
    }
  else
    dh_store_set_sqlite_error (self, error);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return FALSE;
  if (n_households != kept->by_order->len || n_members != kept->members->len)
    return TRUE;

  g_array_sort (kept->members, compare_kept_members);
  for (guint i = 0; i < kept->by_order->len; i++)
    {
      const KeptHousehold *household = &g_array_index (kept->by_order, KeptHousehold, i);
      const char *village = NULL;
      SearchDoc doc;

      if (household->village != NULL && !village_name (self, villages, household->village, &village, error))
        return FALSE;
      search_doc_begin (&doc, entries, text, household->rowid, household->live, household->head_name, household->code,
                        household->phone, village);
      for (; m < kept->members->len && g_array_index (kept->members, KeptMember, m).household == i; m++)
        {
          const KeptMember *member = &g_array_index (kept->members, KeptMember, m);

          search_doc_add_member (&doc, member->rowid, member->live, member->full_name, member->citizen_id);
        }
      search_doc_end (&doc);
    }
  *out_whole = TRUE;

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
 * for the disk (dh_store_write_begin_unsynced()). KEPT: what a first sync
 * kept of the entries, made whole if it holds every household and member. */
static gboolean
rebuild_search (DhStore       *self,
                gboolean       synced,
                DhSearchKept  *kept,
                GError       **error)
{
  g_autoptr(GArray) entries = search_entries_new ();
  gboolean whole = FALSE;
  gboolean ok;

  if (!(synced ? dh_store_write_begin (self, error) : dh_store_write_begin_unsynced (self, error)))
    return FALSE;

  ok = dh_store_exec (self, "DELETE FROM household_search", error);
  /* the entries written now are looked for nowhere first */
  self->search_emptied = ok;
  ok = ok && (kept == NULL || kept_search_entries (self, kept, entries, &whole, error));
  if (ok && whole)
    ok = write_search_entries (self, entries, error);
  else if (ok)
    {
      g_autoptr(GPtrArray) ids = dh_store_select_ids (self, "SELECT id FROM household", NULL, error);

      ok = ids != NULL;
      for (guint i = 0; ok && i < ids->len; i++)
        dh_store_mark_search (self, g_ptr_array_index (ids, i));
    }
  ok = ok && dh_store_set_meta (self, "search_version", SEARCH_VERSION, error) &&
       dh_store_exec (self, "DELETE FROM meta WHERE key = '" DH_STORE_SEARCH_INCOMPLETE "'", error);
  if (!ok)
    self->search_emptied = FALSE;

  ok = dh_store_write_end (self, ok, error);
  self->search_from_kept = ok && whole;
  return ok;
}

/* Writes every household's search entries anew: after VACUUM, which may
 * renumber the rowids the index refers to, once for a store made before
 * people had entries of their own, and after a first sync. */
gboolean
dh_store_rebuild_search (DhStore  *self,
                         GError  **error)
{
  gboolean ok;

  dh_store_lock (self);
  ok = rebuild_search (self, TRUE, NULL, error);
  dh_store_unlock (self);

  return ok;
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
 * the next opening writes them. KEPT (nullable): what the first sync kept
 * of them, used if it holds every household and member. */
gboolean
dh_store_complete_search (DhStore       *self,
                          DhSearchKept  *kept,
                          GError       **error)
{
  gboolean incomplete;

  if (!dh_store_check_exists (self, "SELECT 1 FROM meta WHERE key = '" DH_STORE_SEARCH_INCOMPLETE "'", NULL, NULL, NULL,
                              &incomplete, error))
    return FALSE;

  return !incomplete || rebuild_search (self, FALSE, kept, error);
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

  return dh_store_complete_search (self, NULL, error);
}
