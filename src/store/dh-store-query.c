/* dh-store-query.c – paged, sorted and filtered reads, and household search */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-date.h"
#include "dh-error.h"
#include "dh-store-private.h"
#include "dh-text.h"

/* An SQLite statement reads a list in one snapshot of the store; a list
 * model keeps the snapshot's ids and versions (see DhListKeys). */

typedef struct
{
  const DhEntity *entity;
  GString        *where;
  GPtrArray      *values;
  const char     *order;
} QueryPlan;

static void
query_plan_clear (QueryPlan *plan)
{
  if (plan->where != NULL)
    g_string_free (plan->where, TRUE);
  g_clear_pointer (&plan->values, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (QueryPlan, query_plan_clear)

static const char *
order_for (const DhEntity *entity,
           DhSort          sort,
           gboolean        one_household)
{
  const char *name = entity->name;
  gboolean person = g_str_equal (name, "household") || g_str_equal (name, "member");

  /* a household's members the way its register lists them: the head, the
   * spouse, the parents, then the children from the eldest */
  if (one_household && sort == DH_SORT_DEFAULT && g_str_equal (name, "member"))
    return "CASE relation WHEN 'head' THEN 0 WHEN 'spouse' THEN 1 WHEN 'parent' THEN 2 "
           "WHEN 'sibling' THEN 3 WHEN 'child' THEN 4 WHEN 'grandchild' THEN 5 ELSE 6 END, "
           "birth_date IS NULL, birth_date, sort_given";

  if (sort == DH_SORT_FULL_NAME && (person || g_str_equal (name, "admin_unit")))
    return "sort_full";
  if ((sort == DH_SORT_DEFAULT || sort == DH_SORT_GIVEN_NAME) && person)
    return "sort_given";
  if (g_str_equal (name, "admin_unit"))
    return "sort_full";
  if (g_str_equal (name, "visit"))
    return "visited_on DESC, id";
  if (g_str_equal (name, "support"))
    return "delivered_on DESC, id";
  if (g_str_equal (name, "assessment"))
    return "reviewed_on DESC, id";
  if (g_str_equal (name, "exit_plan"))
    return "registered_on DESC, id";
  if (g_str_equal (name, "user") && sort != DH_SORT_NEWEST)
    return "username, id";

  return "created_at DESC, id";
}

/* The code a filter's value stands for: the code itself, or the label
 * people know it by ("Hộ nghèo", "ho ngheo"); an unknown value is an
 * error that lists the labels, never a list that is quietly empty. */
static const char *
filter_code (DhConnection   *reader,
             const DhField  *field,
             const char     *value,
             GError        **error)
{
  DhCatalogues *catalogues = reader->store->validator.catalogues;
  const char *code = dh_catalogues_find_code (catalogues, field->target, value);

  if (code == NULL)
    {
      g_autofree char *names = dh_catalogues_list_names (catalogues, field->target);

      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_CODE,
                   /* Translators: "classification: “rich” is not one of its values; use one of: Hộ nghèo, Hộ cận nghèo, …, or their codes" */
                   _("%s: “%s” is not one of its values; use one of: %s, or their codes"),
                   field->name, value, names);
    }

  return code;
}

/* The id of the place a filter's value names, by id, code or name. */
static char *
filter_place (DhConnection  *reader,
              const char    *key,
              const char    *kind,
              const char    *value,
              GError       **error)
{
  char *id = dh_connection_resolve_place (reader, kind, value, NULL, error);

  if (id == NULL)
    g_prefix_error (error, "%s: ", key);

  return id;
}

/* not_visited_for=DAYS: the households waiting for a visit, by the rule
 * of the overdue report (dh_store_overdue_condition), as of the store's
 * today. */
static gboolean
add_overdue_filter (QueryPlan     *plan,
                    DhConnection  *reader,
                    const char    *value,
                    GError       **error)
{
  g_autofree char *condition = NULL;
  guint64 days = 0;
  GDate date;

  if (!g_ascii_string_to_unsigned (value, 10, 0, DH_MAX_VISIT_INTERVAL_DAYS, &days, NULL))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("%s: “%s” is not a number of days; give one from 0 to %u, such as 90"),
                   DH_FILTER_NOT_VISITED_FOR, value, (guint) DH_MAX_VISIT_INTERVAL_DAYS);
      return FALSE;
    }

  dh_store_get_today (reader->store, &date);
  g_ptr_array_add (plan->values, dh_date_to_iso (&date));
  g_date_subtract_days (&date, (guint) days);
  g_ptr_array_add (plan->values, dh_date_to_iso (&date));

  /* the household's id in the statement is its table's: the list reads households */
  condition = dh_store_overdue_condition ("household.id", plan->values->len, plan->values->len - 1);
  g_string_append_printf (plan->where, " AND %s", condition);

  return TRUE;
}

static gboolean
add_filter (QueryPlan     *plan,
            DhConnection  *reader,
            const char    *unit_kind,
            const char    *filter,
            GError       **error)
{
  const char *equals = strchr (filter, '=');
  g_autofree char *key = NULL;
  const DhField *field;
  const char *value;

  if (equals == NULL || equals == filter)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("“%s” is not a filter; write FIELD=VALUE, for example village=ID or classification=poor"),
                   filter);
      return FALSE;
    }

  key = g_strndup (filter, equals - filter);
  value = equals + 1;
  field = dh_entity_get_field (plan->entity, key);

  if (field == NULL && g_str_equal (key, "commune") && dh_entity_get_field (plan->entity, "household") != NULL)
    {
      char *commune = filter_place (reader, key, "commune", value, error);

      if (commune == NULL)
        return FALSE;
      g_string_append (plan->where, " AND household IN (SELECT id FROM household WHERE commune = ?)");
      g_ptr_array_add (plan->values, commune);
      return TRUE;
    }

  if (field == NULL && g_str_equal (key, DH_FILTER_NOT_VISITED_FOR) && g_str_equal (plan->entity->name, "household"))
    return add_overdue_filter (plan, reader, value, error);

  if (field == NULL)
    {
      g_autofree char *names = dh_entity_list_field_names (plan->entity, TRUE);

      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_FIELD,
                   _("%s: there is no such field in a %s to filter on; its fields are: %s"),
                   key, dh_entity_get_label (plan->entity), names);
      return FALSE;
    }

  if (field->type == DH_FIELD_BOOL)
    {
      if (g_strcmp0 (value, "true") != 0 && g_strcmp0 (value, "false") != 0)
        {
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                       _("%s: give true or false"), key);
          return FALSE;
        }
      g_string_append_printf (plan->where, " AND \"%s\" = %d", key, g_str_equal (value, "true"));
      return TRUE;
    }

  if (value[0] == '\0')
    {
      g_string_append_printf (plan->where, " AND \"%s\" IS NULL", key);
      return TRUE;
    }

  if (dh_place_kind_of_field (field, unit_kind) != NULL)
    {
      char *id = filter_place (reader, key, dh_place_kind_of_field (field, unit_kind), value, error);

      if (id == NULL)
        return FALSE;
      g_string_append_printf (plan->where, " AND \"%s\" = ?", key);
      g_ptr_array_add (plan->values, id);
      return TRUE;
    }

  if (field->type == DH_FIELD_ENUM || field->type == DH_FIELD_CODE || field->type == DH_FIELD_CODE_SET)
    {
      const char *code = filter_code (reader, field, value, error);

      if (code == NULL)
        return FALSE;
      if (field->type == DH_FIELD_CODE_SET)
        g_string_append_printf (plan->where, " AND EXISTS (SELECT 1 FROM json_each(\"%s\") WHERE value = ?)", key);
      else
        g_string_append_printf (plan->where, " AND \"%s\" = ?", key);
      g_ptr_array_add (plan->values, g_strdup (code));
      return TRUE;
    }

  g_string_append_printf (plan->where, " AND \"%s\" = ?", key);
  g_ptr_array_add (plan->values, g_strdup (value));

  return TRUE;
}

/**
 * dh_store_live_condition:
 *
 * The SQL condition of a live record of ENTITY: not deleted, and, for what
 * belongs to a household, its household not deleted either — a member
 * added elsewhere to a household deleted here follows it out of sight, and
 * comes back with it when it is restored. Delivered support stays in the
 * ledger whatever becomes of its household.
 *
 * Returns: (transfer full): a condition on the table named as the entity
 */
char *
dh_store_live_condition (const DhEntity *entity)
{
  const DhField *parent = dh_entity_get_field (entity, "household");

  if (parent == NULL || parent->type != DH_FIELD_REF || entity->derived)
    return g_strdup ("deleted = 0");

  if (entity->seal_field != NULL)
    return g_strdup_printf ("deleted = 0 AND (\"%s\".\"%s\" = '%s' OR NOT EXISTS "
                            "(SELECT 1 FROM household AS parent WHERE parent.id = \"%s\".household AND parent.deleted = 1))",
                            entity->name, entity->seal_field, entity->seal_value, entity->name);

  return g_strdup_printf ("deleted = 0 AND NOT EXISTS "
                          "(SELECT 1 FROM household AS parent WHERE parent.id = \"%s\".household AND parent.deleted = 1)",
                          entity->name);
}

/* The statement's parts for QUERY; READER looks up the places and codes
 * its filters name. */
static gboolean
plan_query (const DhQuery  *query,
            DhConnection   *reader,
            QueryPlan      *plan,
            GError        **error)
{
  const char *unit_kind = NULL;

  plan->entity = dh_entity_lookup_listed (query->entity, &unit_kind);
  if (plan->entity == NULL)
    {
      g_autofree char *names = dh_entity_list_names ();

      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_CODE,
                   _("There is no kind of record called “%s”; use one of: %s"),
                   query->entity != NULL ? query->entity : "", names);
      return FALSE;
    }

  if (query->include_deleted)
    plan->where = g_string_new ("1");
  else
    {
      g_autofree char *live = dh_store_live_condition (plan->entity);

      plan->where = g_string_new (live);
    }
  plan->values = g_ptr_array_new_with_free_func (g_free);
  plan->order = order_for (plan->entity, query->sort, FALSE);

  if (unit_kind != NULL)
    {
      g_string_append (plan->where, " AND kind = ?");
      g_ptr_array_add (plan->values, g_strdup (unit_kind));
    }

  for (guint i = 0; query->filters != NULL && query->filters[i] != NULL; i++)
    {
      if (!add_filter (plan, reader, unit_kind, query->filters[i], error))
        return FALSE;
      if (g_str_has_prefix (query->filters[i], "household="))
        plan->order = order_for (plan->entity, query->sort, TRUE);
    }

  return TRUE;
}

static void
bind_values (sqlite3_stmt *stmt,
             GPtrArray    *values)
{
  for (guint i = 0; i < values->len; i++)
    sqlite3_bind_text (stmt, (int) i + 1, g_ptr_array_index (values, i), -1, SQLITE_TRANSIENT);
}

/* Ends a read that went well; one that failed is rolled back when its
 * connection is released. */
static gboolean
finish_read (DhConnection  *reader,
             gboolean       ok,
             GError       **error)
{
  return ok && dh_connection_end_read (reader, error);
}

static gboolean
first_void_of (DhConnection  *connection,
               const char    *id,
               char         **out_void,
               GError       **error)
{
  sqlite3_stmt *stmt;

  /* two devices may void one entry: the earliest void by clock is the
   * one, everywhere, and the other is superseded by it */
  stmt = dh_connection_prepare (connection,
                                "SELECT id FROM support WHERE voids = ? AND deleted = 0 ORDER BY clock, id LIMIT 1",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  return dh_connection_step_text (connection, stmt, out_void, error);
}

/* What a record shows besides its fields: a support entry that a later
 * entry voids says which one, so that nobody counts it twice; a void that
 * another void of the same entry came before says which one. */
gboolean
dh_connection_annotate (DhConnection    *connection,
                        const DhEntity  *entity,
                        json_object     *record,
                        GError         **error)
{
  g_autofree char *voided_by = NULL;
  g_autofree char *first = NULL;
  const char *id = dh_json_get_string (record, DH_RECORD_ID);
  const char *voids = dh_json_get_string (record, "voids");

  if (!g_str_equal (entity->name, "support"))
    return TRUE;

  if (!first_void_of (connection, id, &voided_by, error))
    return FALSE;
  if (voided_by != NULL)
    json_object_object_add (record, "voided_by", json_object_new_string (voided_by));

  /* a void records no delivery of its own, whatever its status says */
  if (voids != NULL)
    json_object_object_add (record, "is_void", json_object_new_boolean (TRUE));

  if (voids != NULL)
    {
      if (!first_void_of (connection, voids, &first, error))
        return FALSE;
      if (first != NULL && g_strcmp0 (first, id) != 0)
        json_object_object_add (record, "superseded_by", json_object_new_string (first));
    }

  return TRUE;
}

static GPtrArray *
collect_rows (DhConnection    *reader,
              const DhEntity  *entity,
              sqlite3_stmt    *stmt,
              GError         **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, dh_store_row_to_json (entity, stmt));

  if (rc != SQLITE_DONE)
    {
      dh_connection_set_error (reader, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < rows->len; i++)
    {
      if (!dh_connection_annotate (reader, entity, g_ptr_array_index (rows, i), error))
        return NULL;
    }

  return g_steal_pointer (&rows);
}

json_object *
dh_store_get (DhStore     *self,
              const char  *entity_name,
              const char  *id,
              GError     **error)
{
  g_autoptr(DhConnection) reader = NULL;
  g_autoptr(json_object) record = NULL;
  const char *unit_kind = NULL;
  const DhEntity *entity;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);

  entity = dh_store_lookup_entity (entity_name, &unit_kind, error);
  if (entity == NULL || !dh_store_check_place_kind (self, unit_kind, id, error))
    return NULL;

  reader = dh_store_acquire_reader (self, NULL, error);
  if (reader == NULL || !dh_connection_begin_read (reader, error))
    return NULL;

  record = dh_connection_get_row (reader, entity, id, FALSE, error);
  if (!finish_read (reader, record != NULL && dh_connection_annotate (reader, entity, record, error), error))
    return NULL;

  return g_steal_pointer (&record);
}

static GPtrArray *
read_list (DhStore        *self,
           const DhQuery  *query,
           GCancellable   *cancellable,
           GError        **error)
{
  g_auto(QueryPlan) plan = { 0 };
  g_autoptr(DhConnection) reader = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  guint limit;

  reader = dh_store_acquire_reader (self, cancellable, error);
  if (reader == NULL || !dh_connection_begin_read (reader, error) ||
      !plan_query (query, reader, &plan, error))
    return NULL;

  limit = query->limit == 0 ? DH_STORE_DEFAULT_LIMIT : MIN (query->limit, DH_STORE_MAX_LIMIT);
  /* limit and offset are bound, not written in: every page of a list
   * shares one prepared statement */
  sql = g_strdup_printf ("SELECT %s FROM \"%s\" WHERE %s ORDER BY %s LIMIT ?%u OFFSET ?%u",
                         dh_store_select_columns (plan.entity), plan.entity->name,
                         plan.where->str, plan.order, plan.values->len + 1, plan.values->len + 2);

  stmt = dh_connection_prepare (reader, sql, error);
  if (stmt != NULL)
    {
      bind_values (stmt, plan.values);
      sqlite3_bind_int64 (stmt, (int) plan.values->len + 1, limit);
      sqlite3_bind_int64 (stmt, (int) plan.values->len + 2, query->offset);
      rows = collect_rows (reader, plan.entity, stmt, error);
    }

  if (!finish_read (reader, rows != NULL, error))
    return NULL;

  return g_steal_pointer (&rows);
}

GPtrArray *
dh_store_list (DhStore        *self,
               const DhQuery  *query,
               GError        **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  return read_list (self, query, NULL, error);
}

static gint64
read_count (DhStore        *self,
            const DhQuery  *query,
            GCancellable   *cancellable,
            GError        **error)
{
  g_auto(QueryPlan) plan = { 0 };
  g_autoptr(DhConnection) reader = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  gint64 count = -1;

  reader = dh_store_acquire_reader (self, cancellable, error);
  if (reader == NULL || !plan_query (query, reader, &plan, error))
    return -1;

  sql = g_strdup_printf ("SELECT count(*) FROM \"%s\" WHERE %s", plan.entity->name, plan.where->str);

  stmt = dh_connection_prepare (reader, sql, error);
  if (stmt == NULL)
    return -1;

  bind_values (stmt, plan.values);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  else
    dh_connection_set_error (reader, error);
  sqlite3_reset (stmt);

  return count;
}

gint64
dh_store_count (DhStore        *self,
                const DhQuery  *query,
                GError        **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), -1);
  g_return_val_if_fail (query != NULL, -1);

  return read_count (self, query, NULL, error);
}

static int
compare_values (gconstpointer a,
                gconstpointer b)
{
  g_autofree char *key_a = dh_text_sort_key (*(const char * const *) a);
  g_autofree char *key_b = dh_text_sort_key (*(const char * const *) b);

  /* in the order of Vietnamese lists: a < ă < â, d < đ */
  return g_strcmp0 (key_a, key_b);
}

/**
 * dh_store_list_values:
 * @entity: a kind of record, as in #DhQuery
 * @field: one of its text fields, such as a household's assigned_to, or
 *   one of its references, such as a household's commune
 *
 * The values @field has in the live records of @entity, each once,
 * sorted: what a list can be filtered by (the caseworkers households are
 * assigned to), or the records that some record refers to (the communes
 * that have households).
 *
 * Returns: (transfer full) (element-type utf8): the values, or %NULL with
 *   @error set
 */
GPtrArray *
dh_store_list_values (DhStore     *self,
                      const char  *entity_name,
                      const char  *field_name,
                      GError     **error)
{
  const DhEntity *entity = dh_entity_lookup_listed (entity_name, NULL);
  const DhField *field = entity != NULL ? dh_entity_get_field (entity, field_name) : NULL;
  g_autoptr(DhConnection) reader = NULL;
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *live = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);
  g_return_val_if_fail (field != NULL && (field->type == DH_FIELD_TEXT || field->type == DH_FIELD_REF), NULL);

  live = dh_store_live_condition (entity);
  sql = g_strdup_printf ("SELECT DISTINCT \"%s\" FROM \"%s\" WHERE %s AND \"%s\" IS NOT NULL",
                         field->name, entity->name, live, field->name);

  reader = dh_store_acquire_reader (self, NULL, error);
  if (reader == NULL || !dh_connection_begin_read (reader, error))
    return NULL;

  stmt = dh_connection_prepare (reader, sql, error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (values, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      dh_connection_set_error (reader, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  if (!finish_read (reader, TRUE, error))
    return NULL;

  g_ptr_array_sort (values, compare_values);

  return g_steal_pointer (&values);
}

/* "ngu van da" becomes "ngu"* "van"* "da"*: every word must start a word
 * of the folded text, so the list narrows while one types; whole, it
 * becomes "ngu" "van" "da", for names typed in full. */
static char *
build_match (const char *text,
             gboolean    prefixes)
{
  g_autofree char *folded = dh_text_fold (text);
  g_auto(GStrv) words = NULL;
  GString *match;

  if (folded == NULL || folded[0] == '\0')
    return NULL;

  words = g_strsplit (folded, " ", -1);
  match = g_string_new (NULL);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      if (match->len > 0)
        g_string_append_c (match, ' ');
      g_string_append_printf (match, prefixes ? "\"%s\"*" : "\"%s\"", words[i]);
    }

  return g_string_free (match, match->len == 0);
}

typedef struct
{
  json_object *row;
  char        *sort_key;
} SearchHit;

static void
search_hit_clear (gpointer data)
{
  SearchHit *hit = data;

  g_clear_pointer (&hit->row, json_object_put);
  g_clear_pointer (&hit->sort_key, g_free);
}

static int
search_hit_compare (gconstpointer a,
                    gconstpointer b)
{
  const SearchHit *hit_a = a;
  const SearchHit *hit_b = b;

  return g_strcmp0 (hit_a->sort_key, hit_b->sort_key);
}

typedef struct
{
  DhConnection *reader;
  GArray       *hits;    /* SearchHit, at most limit + 1 */
  GHashTable   *seen;    /* household rowids already among the hits */
  guint         wanted;  /* limit + 1: one more than shown says the list was cut */
  char         *household_sql;
} SearchState;

/* Adds the live household at @household_rowid, unless it is already
 * there, saying which person's name matched when one did. */
static gboolean
add_search_hit (SearchState    *state,
                sqlite3_int64   household_rowid,
                const char     *role,
                const char     *member_id,
                const char     *name,
                GError        **error)
{
  const DhEntity *entity = dh_entity_lookup ("household");
  sqlite3_stmt *stmt;
  SearchHit hit = { 0 };
  int rc;

  if (g_hash_table_contains (state->seen, &household_rowid))
    return TRUE;

  stmt = dh_connection_prepare (state->reader, state->household_sql, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, household_rowid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      hit.row = dh_store_row_to_json (entity, stmt);
      hit.sort_key = g_strdup ((const char *) sqlite3_column_text (stmt, sqlite3_column_count (stmt) - 1));
    }
  else if (rc != SQLITE_DONE)
    dh_connection_set_error (state->reader, error);
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW)
    return rc == SQLITE_DONE;

  if (role != NULL)
    {
      json_object *matched = json_object_new_object ();

      json_object_object_add (matched, "role", json_object_new_string (role));
      if (member_id != NULL)
        json_object_object_add (matched, "member", json_object_new_string (member_id));
      if (name != NULL)
        json_object_object_add (matched, "name", json_object_new_string (name));
      json_object_object_add (hit.row, "matched", matched);
    }

  g_hash_table_add (state->seen, g_memdup2 (&household_rowid, sizeof household_rowid));
  g_array_append_val (state->hits, hit);

  return TRUE;
}

/* The person whose search entry is at @rowid, as their household, and
 * the member and name that matched. */
static gboolean
add_person_hit (SearchState    *state,
                sqlite3_int64   rowid,
                GError        **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (rowid < -DH_SEARCH_HEAD_BASE)
    {
      sqlite3_int64 household_rowid = -rowid - DH_SEARCH_HEAD_BASE;
      g_autofree char *head_name = NULL;

      stmt = dh_connection_prepare (state->reader, "SELECT head_name FROM household WHERE rowid = ?", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, household_rowid);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        head_name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      else if (rc != SQLITE_DONE)
        dh_connection_set_error (state->reader, error);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE;

      return add_search_hit (state, household_rowid, "head", NULL, head_name, error);
    }
  else
    {
      g_autofree char *member_id = NULL;
      g_autofree char *name = NULL;
      sqlite3_int64 household_rowid = 0;

      /* the member's household now, wherever the member was when indexed */
      stmt = dh_connection_prepare (state->reader,
                                    "SELECT m.id, m.full_name, h.rowid FROM member m "
                                    "JOIN household h ON h.id = m.household "
                                    "WHERE m.rowid = ? AND m.deleted = 0",
                                    error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, -rowid);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          member_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          household_rowid = sqlite3_column_int64 (stmt, 2);
        }
      else if (rc != SQLITE_DONE)
        dh_connection_set_error (state->reader, error);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE;

      return add_search_hit (state, household_rowid, "member", member_id, name, error);
    }
}

/* One pass: the entries that @match finds among people (rowid < 0) or
 * households (rowid > 0), read until enough households are found, then
 * sorted by name among themselves; an earlier pass ranks before a later. */
static gboolean
search_pass (SearchState  *state,
             const char   *match,
             gboolean      people,
             GError      **error)
{
  sqlite3_stmt *stmt;
  guint first = state->hits->len;
  int rc = SQLITE_DONE;

  if (state->hits->len >= state->wanted)
    return TRUE;

  stmt = dh_connection_prepare (state->reader,
                                people ? "SELECT rowid FROM household_search WHERE household_search MATCH ? AND rowid < 0"
                                       : "SELECT rowid FROM household_search WHERE household_search MATCH ? AND rowid > 0",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_TRANSIENT);
  while (state->hits->len < state->wanted && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      sqlite3_int64 rowid = sqlite3_column_int64 (stmt, 0);
      gboolean ok = people ? add_person_hit (state, rowid, error)
                           : add_search_hit (state, rowid, NULL, NULL, NULL, error);

      if (!ok)
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
    }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    dh_connection_set_error (state->reader, error);
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return FALSE;

  if (state->hits->len - first > 1)
    qsort (&g_array_index (state->hits, SearchHit, first), state->hits->len - first,
           sizeof (SearchHit), search_hit_compare);

  return TRUE;
}

/* A first sync leaves the search entries out until its last page lands
 * (dh_store_apply_changes()): a search meanwhile writes them first, so
 * that it finds every household the store has. A store that cannot be
 * written says so instead. */
static gboolean
complete_search_first (DhStore  *self,
                       GError  **error)
{
  gboolean complete = TRUE;
  gboolean ok;

  if (!dh_store_search_is_complete (self, &complete, error))
    return FALSE;
  if (complete)
    return TRUE;

  if ((self->open_flags & DH_STORE_OPEN_READ_ONLY) != 0)
    {
      g_set_error_literal (error, DH_STORE_ERROR, DH_STORE_ERROR_FAILED,
                           _("The search is not ready: the first sync has not finished. "
                             "Open the store where it can be written, or sync again"));
      return FALSE;
    }

  dh_store_lock (self);
  ok = dh_store_complete_search (self, NULL, error);
  dh_store_unlock (self);

  return ok;
}

static GPtrArray *
search_households (DhStore       *self,
                   const char    *text,
                   guint          limit,
                   gboolean      *out_more,
                   GCancellable  *cancellable,
                   GError       **error)
{
  const DhEntity *entity = dh_entity_lookup ("household");
  g_autofree char *whole = NULL;
  g_autofree char *prefixes = NULL;
  g_autoptr(DhConnection) reader = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(GArray) hits = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autofree char *household_sql = NULL;
  SearchState state = { 0 };
  gboolean ok;

  if (out_more != NULL)
    *out_more = FALSE;

  /* measured before it is folded: folding costs time that grows faster
   * than the text */
  if (text != NULL && strlen (text) > DH_FIELD_MAX_NAME_BYTES)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("A search can be at most %d bytes long; type a name, a code or a number, not more"),
                   DH_FIELD_MAX_NAME_BYTES);
      return NULL;
    }
  whole = build_match (text, FALSE);
  prefixes = build_match (text, TRUE);

  if (prefixes == NULL)
    return g_steal_pointer (&rows);

  limit = limit == 0 ? DH_STORE_DEFAULT_LIMIT : MIN (limit, DH_STORE_MAX_LIMIT);

  if (!complete_search_first (self, error))
    return NULL;

  reader = dh_store_acquire_reader (self, cancellable, error);
  if (reader == NULL || !dh_connection_begin_read (reader, error))
    return NULL;

  hits = g_array_new (FALSE, TRUE, sizeof (SearchHit));
  g_array_set_clear_func (hits, search_hit_clear);
  seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  state.reader = reader;
  state.hits = hits;
  state.seen = seen;
  state.wanted = limit + 1;
  household_sql = g_strdup_printf ("SELECT %s, sort_given FROM household WHERE rowid = ? AND deleted = 0",
                                   dh_store_select_columns (entity));
  state.household_sql = household_sql;

  /* A short prefix can match tens of thousands of households, and
   * ranking all of them would cost more than a keystroke may: each pass
   * reads only until the list is full, and typing one more letter
   * narrows it. People whose own name holds every word, whole, then as
   * prefixes, come before words spread over a household. */
  ok = search_pass (&state, whole, TRUE, error) &&
       search_pass (&state, prefixes, TRUE, error) &&
       search_pass (&state, prefixes, FALSE, error);

  for (guint i = 0; ok && i < hits->len && i < limit; i++)
    {
      SearchHit *hit = &g_array_index (hits, SearchHit, i);

      if (!dh_connection_annotate (reader, entity, hit->row, error))
        ok = FALSE;
      else
        g_ptr_array_add (rows, g_steal_pointer (&hit->row));
    }

  if (!finish_read (reader, ok, error))
    return NULL;

  if (out_more != NULL)
    *out_more = hits->len > limit;

  return g_steal_pointer (&rows);
}

/**
 * dh_store_search_households_full:
 * @more: (out) (optional): set to whether more households match than @limit
 *
 * Like dh_store_search_households(), and says whether the list was cut.
 */
GPtrArray *
dh_store_search_households_full (DhStore     *self,
                                 const char  *text,
                                 guint        limit,
                                 gboolean    *more,
                                 GError     **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), NULL);

  return search_households (self, text, limit, more, NULL, error);
}

GPtrArray *
dh_store_search_households (DhStore     *self,
                            const char  *text,
                            guint        limit,
                            GError     **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), NULL);

  return search_households (self, text, limit, NULL, NULL, error);
}

/* List keys, for list models */

/* A reload's worker thread compares the keys a list shows with the new
 * ones: it holds a reference to them, and a reload meanwhile lets go of
 * its own. */
DhListKeys *
dh_list_keys_ref (DhListKeys *keys)
{
  g_atomic_ref_count_inc (&keys->refs);
  return keys;
}

/* Lets go of a reference; the last frees the keys. */
void
dh_list_keys_free (DhListKeys *keys)
{
  if (keys == NULL || !g_atomic_ref_count_dec (&keys->refs))
    return;

  g_clear_pointer (&keys->ids, g_ptr_array_unref);
  g_clear_pointer (&keys->versions, g_array_unref);
  g_clear_pointer (&keys->chunk, g_string_chunk_free);
  g_free (keys);
}

/* FNV-1a over the text of the columns after the id, each ended by a byte
 * no text has: two rows that show the same have the same version. */
static guint64
row_version (sqlite3_stmt *stmt)
{
  guint64 hash = G_GUINT64_CONSTANT (14695981039346656037);
  int n_columns = sqlite3_column_count (stmt);

  for (int column = 1; column < n_columns; column++)
    {
      const guchar *text = sqlite3_column_text (stmt, column);
      int length = sqlite3_column_bytes (stmt, column);

      for (int i = 0; text != NULL && i < length; i++)
        hash = (hash ^ text[i]) * G_GUINT64_CONSTANT (1099511628211);
      hash = (hash ^ (text != NULL ? 0xfe : 0xff)) * G_GUINT64_CONSTANT (1099511628211);
    }

  return hash;
}

/**
 * dh_store_list_keys:
 *
 * The ids of the whole list that @query describes (its offset and limit
 * aside), in its order and from one state of the store, each with a
 * version: a record's clocks change with each of its fields, its sync
 * state when the server acknowledges it, and a support entry's when
 * another voids it.
 */
DhListKeys *
dh_store_list_keys (DhStore        *self,
                    const DhQuery  *query,
                    GCancellable   *cancellable,
                    GError        **error)
{
  g_auto(QueryPlan) plan = { 0 };
  g_autoptr(DhConnection) reader = NULL;
  g_autoptr(DhListKeys) keys = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  reader = dh_store_acquire_reader (self, cancellable, error);
  if (reader == NULL || !plan_query (query, reader, &plan, error))
    return NULL;

  sql = g_strdup_printf ("SELECT id, updated_at, clocks, sync_state%s FROM \"%s\" WHERE %s ORDER BY %s",
                         g_str_equal (plan.entity->name, "support")
                         ? ", (SELECT v.id FROM support v WHERE v.voids = support.id AND v.deleted = 0 ORDER BY v.clock, v.id LIMIT 1)" : "",
                         plan.entity->name, plan.where->str, plan.order);

  stmt = dh_connection_prepare (reader, sql, error);
  if (stmt == NULL)
    return NULL;
  bind_values (stmt, plan.values);

  keys = g_new0 (DhListKeys, 1);
  g_atomic_ref_count_init (&keys->refs);
  keys->chunk = g_string_chunk_new (4096);
  keys->ids = g_ptr_array_new ();
  keys->versions = g_array_new (FALSE, FALSE, sizeof (guint64));

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint64 version = row_version (stmt);

      g_ptr_array_add (keys->ids, g_string_chunk_insert (keys->chunk, (const char *) sqlite3_column_text (stmt, 0)));
      g_array_append_val (keys->versions, version);
    }

  if (rc != SQLITE_DONE)
    {
      dh_connection_set_error (reader, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  return g_steal_pointer (&keys);
}

/**
 * dh_store_get_records:
 * @entity: a kind of record, as in #DhQuery
 * @ids: (array length=n_ids): the ids
 *
 * Reads the live records with these ids, in one state of the store.
 *
 * Returns: (transfer full): the records in the order of @ids, with %NULL
 *   for an id that no live record has (any more)
 */
GPtrArray *
dh_store_get_records (DhStore             *self,
                      const char          *entity_name,
                      const char * const  *ids,
                      guint                n_ids,
                      GError             **error)
{
  const DhEntity *entity = dh_entity_lookup_listed (entity_name, NULL);
  g_autoptr(DhConnection) reader = NULL;
  g_autoptr(json_object) id_array = json_object_new_array_ext ((int) n_ids);
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) json_object_put);
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);
  g_return_val_if_fail (entity != NULL, NULL);

  for (guint i = 0; i < n_ids; i++)
    json_object_array_add (id_array, json_object_new_string (ids[i]));

  /* one statement for every page, whatever its ids; the unary + keeps
   * the planner from walking an index on deleted instead of looking up
   * the ids */
  sql = g_strdup_printf ("SELECT %s FROM \"%s\" WHERE +deleted = 0 AND id IN (SELECT value FROM json_each (?1))",
                         dh_store_select_columns (entity), entity->name);

  reader = dh_store_acquire_reader (self, NULL, error);
  if (reader == NULL || !dh_connection_begin_read (reader, error))
    return NULL;

  stmt = dh_connection_prepare (reader, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, json_object_to_json_string_ext (id_array, JSON_C_TO_STRING_PLAIN), -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      json_object *record = dh_store_row_to_json (entity, stmt);

      g_hash_table_insert (found, (gpointer) dh_json_get_string (record, DH_RECORD_ID), record);
    }
  if (rc != SQLITE_DONE)
    {
      dh_connection_set_error (reader, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  records = g_ptr_array_new_full (n_ids, (GDestroyNotify) json_object_put);
  for (guint i = 0; i < n_ids; i++)
    {
      json_object *record = g_hash_table_lookup (found, ids[i]);

      if (record != NULL && !dh_connection_annotate (reader, entity, record, error))
        return NULL;
      g_ptr_array_add (records, record != NULL ? json_object_get (record) : NULL);
    }

  if (!finish_read (reader, TRUE, error))
    return NULL;

  return g_steal_pointer (&records);
}

/* In a worker thread */

typedef struct
{
  char    *entity;
  GStrv    filters;
  DhSort   sort;
  guint    offset;
  guint    limit;
  gboolean include_deleted;
} QueryCopy;

static QueryCopy *
query_copy_new (const DhQuery *query)
{
  QueryCopy *copy = g_new0 (QueryCopy, 1);

  copy->entity = g_strdup (query->entity);
  copy->filters = g_strdupv ((char **) query->filters);
  copy->sort = query->sort;
  copy->offset = query->offset;
  copy->limit = query->limit;
  copy->include_deleted = query->include_deleted;

  return copy;
}

static void
query_copy_free (QueryCopy *copy)
{
  g_free (copy->entity);
  g_strfreev (copy->filters);
  g_free (copy);
}

static DhQuery
query_copy_view (const QueryCopy *copy)
{
  return (DhQuery) {
    .entity = copy->entity,
    .filters = (const char * const *) copy->filters,
    .sort = copy->sort,
    .offset = copy->offset,
    .limit = copy->limit,
    .include_deleted = copy->include_deleted,
  };
}

static gpointer
list_in_thread (DhStore       *self,
                gpointer       args,
                GCancellable  *cancellable,
                GError       **error)
{
  DhQuery query = query_copy_view (args);

  return read_list (self, &query, cancellable, error);
}

/**
 * dh_store_list_async:
 *
 * Reads a page of a list in a worker thread: see dh_store_list(). Once
 * @cancellable is cancelled, the read stops and the result is
 * %G_IO_ERROR_CANCELLED.
 */
void
dh_store_list_async (DhStore             *self,
                     const DhQuery       *query,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_return_if_fail (DH_IS_STORE (self));
  g_return_if_fail (query != NULL);

  dh_store_read_in_thread (self, dh_store_list_async, list_in_thread,
                           query_copy_new (query), (GDestroyNotify) query_copy_free,
                           (GDestroyNotify) g_ptr_array_unref,
                           cancellable, callback, user_data);
}

/**
 * dh_store_list_finish:
 *
 * Returns: (transfer full) (nullable): the records, or %NULL with @error set
 */
GPtrArray *
dh_store_list_finish (DhStore       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  return dh_store_read_finish (self, result, dh_store_list_async, error);
}

static gpointer
count_in_thread (DhStore       *self,
                 gpointer       args,
                 GCancellable  *cancellable,
                 GError       **error)
{
  DhQuery query = query_copy_view (args);
  gint64 count = read_count (self, &query, cancellable, error);

  return count >= 0 ? g_memdup2 (&count, sizeof count) : NULL;
}

void
dh_store_count_async (DhStore             *self,
                      const DhQuery       *query,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_return_if_fail (DH_IS_STORE (self));
  g_return_if_fail (query != NULL);

  dh_store_read_in_thread (self, dh_store_count_async, count_in_thread,
                           query_copy_new (query), (GDestroyNotify) query_copy_free, g_free,
                           cancellable, callback, user_data);
}

/**
 * dh_store_count_finish:
 *
 * Returns: the number of records, or -1 with @error set
 */
gint64
dh_store_count_finish (DhStore       *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_autofree gint64 *count = dh_store_read_finish (self, result, dh_store_count_async, error);

  return count != NULL ? *count : -1;
}

typedef struct
{
  char  *text;
  guint  limit;
} SearchArgs;

static void
search_args_free (SearchArgs *args)
{
  g_free (args->text);
  g_free (args);
}

static gpointer
search_in_thread (DhStore       *self,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  SearchArgs *args = data;

  return search_households (self, args->text, args->limit, NULL, cancellable, error);
}

/**
 * dh_store_search_households_async:
 *
 * Searches in a worker thread, so that typing never waits: see
 * dh_store_search_households(). A search made stale by the next key
 * pressed is cancelled with @cancellable.
 */
void
dh_store_search_households_async (DhStore             *self,
                                  const char          *text,
                                  guint                limit,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  SearchArgs *args;

  g_return_if_fail (DH_IS_STORE (self));

  args = g_new0 (SearchArgs, 1);
  args->text = g_strdup (text);
  args->limit = limit;
  dh_store_read_in_thread (self, dh_store_search_households_async, search_in_thread,
                           args, (GDestroyNotify) search_args_free, (GDestroyNotify) g_ptr_array_unref,
                           cancellable, callback, user_data);
}

GPtrArray *
dh_store_search_households_finish (DhStore       *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return dh_store_read_finish (self, result, dh_store_search_households_async, error);
}
