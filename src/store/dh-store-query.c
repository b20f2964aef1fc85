/* dh-store-query.c – paged, sorted and filtered reads, and household search */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-error.h"
#include "dh-store-private.h"
#include "dh-text.h"

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

static gboolean
add_filter (QueryPlan   *plan,
            const char  *filter,
            GError     **error)
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
      g_string_append (plan->where, " AND household IN (SELECT id FROM household WHERE commune = ?)");
      g_ptr_array_add (plan->values, g_strdup (value));
      return TRUE;
    }

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

  if (field->type == DH_FIELD_CODE_SET)
    {
      g_string_append_printf (plan->where, " AND EXISTS (SELECT 1 FROM json_each(\"%s\") WHERE value = ?)", key);
      g_ptr_array_add (plan->values, g_strdup (value));
      return TRUE;
    }

  if (value[0] == '\0')
    g_string_append_printf (plan->where, " AND \"%s\" IS NULL", key);
  else
    {
      g_string_append_printf (plan->where, " AND \"%s\" = ?", key);
      g_ptr_array_add (plan->values, g_strdup (value));
    }

  return TRUE;
}

static gboolean
plan_query (const DhQuery  *query,
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

  plan->where = g_string_new (query->include_deleted ? "1" : "deleted = 0");
  plan->values = g_ptr_array_new_with_free_func (g_free);
  plan->order = order_for (plan->entity, query->sort, FALSE);

  if (unit_kind != NULL)
    {
      g_string_append (plan->where, " AND kind = ?");
      g_ptr_array_add (plan->values, g_strdup (unit_kind));
    }

  for (guint i = 0; query->filters != NULL && query->filters[i] != NULL; i++)
    {
      if (!add_filter (plan, query->filters[i], error))
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

/* What a record shows besides its fields: a support entry that a later
 * entry voids says which one, so that nobody counts it twice. */
void
dh_store_annotate (DhStore         *self,
                   const DhEntity  *entity,
                   json_object     *record)
{
  sqlite3_stmt *stmt;

  if (!g_str_equal (entity->name, "support"))
    return;

  stmt = dh_store_prepare (self, "SELECT id FROM support WHERE voids = ? AND deleted = 0", NULL);
  if (stmt == NULL)
    return;

  sqlite3_bind_text (stmt, 1, dh_json_get_string (record, DH_RECORD_ID), -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    json_object_object_add (record, "voided_by", json_object_new_string ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
}

static GPtrArray *
collect_rows (DhStore         *self,
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
      dh_store_set_sqlite_error (self, error);
      return NULL;
    }

  for (guint i = 0; i < rows->len; i++)
    dh_store_annotate (self, entity, g_ptr_array_index (rows, i));

  return g_steal_pointer (&rows);
}

GPtrArray *
dh_store_list (DhStore        *self,
               const DhQuery  *query,
               GError        **error)
{
  g_auto(QueryPlan) plan = { 0 };
  g_autofree char *sql = NULL;
  GPtrArray *rows = NULL;
  sqlite3_stmt *stmt;
  guint limit;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  if (!plan_query (query, &plan, error))
    return NULL;

  limit = query->limit == 0 ? DH_STORE_DEFAULT_LIMIT : MIN (query->limit, DH_STORE_MAX_LIMIT);
  /* limit and offset are bound, not written in: every page of a list
   * shares one prepared statement */
  sql = g_strdup_printf ("SELECT %s FROM \"%s\" WHERE %s ORDER BY %s LIMIT ?%u OFFSET ?%u",
                         dh_store_select_columns (plan.entity), plan.entity->name,
                         plan.where->str, plan.order, plan.values->len + 1, plan.values->len + 2);

  g_rec_mutex_lock (&self->lock);
  stmt = dh_store_prepare (self, sql, error);
  if (stmt != NULL)
    {
      bind_values (stmt, plan.values);
      sqlite3_bind_int64 (stmt, (int) plan.values->len + 1, limit);
      sqlite3_bind_int64 (stmt, (int) plan.values->len + 2, query->offset);
      rows = collect_rows (self, plan.entity, stmt, error);
      sqlite3_reset (stmt);
    }
  g_rec_mutex_unlock (&self->lock);

  return rows;
}

gint64
dh_store_count (DhStore        *self,
                const DhQuery  *query,
                GError        **error)
{
  g_auto(QueryPlan) plan = { 0 };
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  gint64 count = -1;

  g_return_val_if_fail (DH_IS_STORE (self), -1);
  g_return_val_if_fail (query != NULL, -1);

  if (!plan_query (query, &plan, error))
    return -1;

  sql = g_strdup_printf ("SELECT count(*) FROM \"%s\" WHERE %s", plan.entity->name, plan.where->str);

  g_rec_mutex_lock (&self->lock);
  stmt = dh_store_prepare (self, sql, error);
  if (stmt != NULL)
    {
      bind_values (stmt, plan.values);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        count = sqlite3_column_int64 (stmt, 0);
      else
        dh_store_set_sqlite_error (self, error);
      sqlite3_reset (stmt);
    }
  g_rec_mutex_unlock (&self->lock);

  return count;
}

/* "ngu van da" becomes "ngu"* "van"* "da"*: every word must start a word
 * of the household's folded text, so the list narrows while one types. */
static char *
build_match (const char *text)
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
      g_string_append_printf (match, "\"%s\"*", words[i]);
    }

  return g_string_free (match, match->len == 0);
}

GPtrArray *
dh_store_search_households (DhStore     *self,
                            const char  *text,
                            guint        limit,
                            GError     **error)
{
  const DhEntity *entity = dh_entity_lookup ("household");
  g_autofree char *match = build_match (text);
  g_autofree char *sql = NULL;
  GPtrArray *rows = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);

  if (match == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);

  limit = limit == 0 ? DH_STORE_DEFAULT_LIMIT : MIN (limit, DH_STORE_MAX_LIMIT);

  /* The first matches, then sorted by name: a short prefix can match tens
   * of thousands of households, and sorting all of them would cost more
   * than a keystroke may; typing one more letter narrows the list. */
  /* CROSS JOIN keeps the planner from walking the whole name index
   * instead of looking up the few households the index found */
  sql = g_strdup_printf ("SELECT %s FROM "
                         "(SELECT rowid AS found FROM household_search WHERE household_search MATCH ?1 LIMIT ?2) "
                         "CROSS JOIN household ON household.rowid = found "
                         "WHERE deleted = 0 ORDER BY sort_given",
                         dh_store_select_columns (entity));

  g_rec_mutex_lock (&self->lock);
  stmt = dh_store_prepare (self, sql, error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, match, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 2, (int) limit);
      rows = collect_rows (self, entity, stmt, error);
      sqlite3_reset (stmt);
    }
  g_rec_mutex_unlock (&self->lock);

  return rows;
}
