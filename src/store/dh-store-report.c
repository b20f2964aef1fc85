/* dh-store-report.c – counts and totals for the status line and the commune's reports */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-date.h"
#include "dh-money.h"
#include "dh-store-private.h"

/* Each report reads one state of the store on a reader connection of its
 * own: a sync writing a page of changes never holds it up. */

static gboolean
count_into (DhConnection  *reader,
            json_object   *object,
            const char    *key,
            const char    *sql,
            GError       **error)
{
  sqlite3_stmt *stmt = dh_connection_prepare (reader, sql, error);

  if (stmt == NULL)
    return FALSE;

  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      dh_connection_set_error (reader, error);
      sqlite3_reset (stmt);
      return FALSE;
    }

  json_object_object_add (object, key, json_object_new_int64 (sqlite3_column_int64 (stmt, 0)));
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
count_classes (DhConnection  *reader,
               json_object   *classes,
               GError       **error)
{
  sqlite3_stmt *stmt = dh_connection_prepare (reader,
                                              "SELECT classification, count(*) FROM household WHERE deleted = 0 "
                                              "GROUP BY classification ORDER BY classification",
                                              error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    json_object_object_add (classes,
                            (const char *) sqlite3_column_text (stmt, 0) ?: "unclassified",
                            json_object_new_int64 (sqlite3_column_int64 (stmt, 1)));
  if (rc != SQLITE_DONE)
    {
      dh_connection_set_error (reader, error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);

  return TRUE;
}

/* A delivered entry counts unless it is a void or has been voided. */
#define LIVE_SUPPORT \
  "s.deleted = 0 AND s.status = 'delivered' AND s.voids IS NULL AND NOT EXISTS " \
  "(SELECT 1 FROM support v WHERE v.voids = s.id AND v.deleted = 0)"

static json_object *
read_status (DhStore       *self,
             GCancellable  *cancellable,
             GError       **error)
{
  static const char * const counted[] = {
    "household", "member", "visit", "assessment", "support", "exit_plan", "user",
  };
  g_autoptr(json_object) status = json_object_new_object ();
  g_autoptr(DhConnection) reader = NULL;
  json_object *counts = json_object_new_object ();
  json_object *classes = json_object_new_object ();
  json_object *places = json_object_new_object ();
  g_autofree char *last_sync = NULL;
  g_autofree char *demo = NULL;
  gboolean ok = TRUE;

  json_object_object_add (status, "store", json_object_new_string (self->path));
  json_object_object_add (status, "device_id", json_object_new_string (dh_store_get_device_id (self)));
  json_object_object_add (status, "counts", counts);
  json_object_object_add (status, "places", places);
  json_object_object_add (status, "households_by_class", classes);

  reader = dh_store_acquire_reader (self, cancellable, error);
  if (reader == NULL || !dh_connection_begin_read (reader, error))
    return NULL;

  json_object_object_add (status, "schema_version", json_object_new_int (dh_connection_get_schema_version (reader)));

  for (guint i = 0; ok && i < G_N_ELEMENTS (counted); i++)
    {
      g_autofree char *live = dh_store_live_condition (dh_entity_lookup (counted[i]));
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM \"%s\" WHERE %s", counted[i], live);

      ok = count_into (reader, counts, counted[i], sql, error);
    }

  ok = ok &&
       count_into (reader, places, "province", "SELECT count(*) FROM admin_unit WHERE kind = 'province' AND deleted = 0", error) &&
       count_into (reader, places, "commune", "SELECT count(*) FROM admin_unit WHERE kind = 'commune' AND deleted = 0", error) &&
       count_into (reader, places, "village", "SELECT count(*) FROM admin_unit WHERE kind = 'village' AND deleted = 0", error) &&
       count_into (reader, status, "pending_changes", "SELECT pending FROM queue_count", error) &&
       count_into (reader, status, "rejected_changes", "SELECT count(*) FROM change_queue WHERE rejected IS NOT NULL", error) &&
       count_into (reader, status, "set_aside_changes", "SELECT count(*) FROM quarantine", error) &&
       count_into (reader, status, "held_changes", "SELECT count(*) FROM held_change", error) &&
       count_into (reader, status, "open_conflicts", "SELECT count(*) FROM conflict WHERE deleted = 0 AND settled_on IS NULL", error) &&
       count_into (reader, status, "voided_support", "SELECT count(*) FROM support WHERE voids IS NOT NULL AND deleted = 0", error) &&
       count_classes (reader, classes, error) &&
       dh_connection_read_meta (reader, "last_sync", &last_sync, error) &&
       dh_connection_read_meta (reader, "demo", &demo, error) &&
       dh_connection_end_read (reader, error);

  if (!ok)
    return NULL;

  json_object_object_add (status, "last_sync", last_sync != NULL ? json_object_new_string (last_sync) : NULL);
  /* made-up households, never sent anywhere */
  json_object_object_add (status, "demo", json_object_new_boolean (g_strcmp0 (demo, "1") == 0));

  return g_steal_pointer (&status);
}

json_object *
dh_store_get_status (DhStore  *self,
                     GError  **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), NULL);

  return read_status (self, NULL, error);
}

/* The commune a report is about, by id, code or name as someone wrote it:
 * an unknown one is an error, never an empty report. NULL stays NULL, for
 * the reports that cover every commune without one. */
static gboolean
report_commune (DhConnection  *reader,
                const char    *commune,
                char         **out_id,
                GError       **error)
{
  *out_id = NULL;
  if (commune == NULL)
    return TRUE;

  *out_id = dh_connection_resolve_place (reader, "commune", commune, NULL, error);
  return *out_id != NULL;
}

json_object *
dh_store_read_classes_by_village (DhStore       *self,
                                  const char    *commune_id,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  g_autoptr(json_object) villages = json_object_new_array ();
  g_autoptr(DhConnection) reader = NULL;
  g_autofree char *commune = NULL;
  json_object *current = NULL;
  const char *current_id = NULL;
  sqlite3_stmt *stmt;
  int rc;

  reader = dh_store_acquire_reader (self, cancellable, error);
  if (reader == NULL || !report_commune (reader, commune_id, &commune, error))
    return NULL;

  stmt = dh_connection_prepare (reader,
                                "SELECT v.id, v.name, h.classification, count(h.id) "
                                "FROM admin_unit v LEFT JOIN household h ON h.village = v.id AND h.deleted = 0 "
                                "WHERE v.parent = ? AND v.kind = 'village' AND v.deleted = 0 "
                                "GROUP BY v.id, h.classification ORDER BY v.sort_full, v.id, h.classification",
                                error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, commune, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      const char *class_code = (const char *) sqlite3_column_text (stmt, 2);
      gint64 count = sqlite3_column_int64 (stmt, 3);
      json_object *by_class;

      if (current_id == NULL || !g_str_equal (current_id, id))
        {
          current = json_object_new_object ();
          json_object_object_add (current, "village", json_object_new_string (id));
          json_object_object_add (current, "name", json_object_new_string ((const char *) sqlite3_column_text (stmt, 1)));
          json_object_object_add (current, "households", json_object_new_int64 (0));
          json_object_object_add (current, "by_class", json_object_new_object ());
          json_object_array_add (villages, current);
          current_id = dh_json_get_string (current, "village");
        }

      json_object_object_get_ex (current, "by_class", &by_class);
      if (count > 0)
        {
          json_object_object_add (by_class, class_code ?: "unclassified", json_object_new_int64 (count));
          json_object_object_add (current, "households",
                                  json_object_new_int64 (dh_json_get_int (current, "households", 0) + count));
        }
    }

  if (rc != SQLITE_DONE)
    {
      dh_connection_set_error (reader, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  return g_steal_pointer (&villages);
}

json_object *
dh_store_report_classes_by_village (DhStore     *self,
                                    const char  *commune_id,
                                    GError     **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), NULL);
  g_return_val_if_fail (commune_id != NULL, NULL);

  return dh_store_read_classes_by_village (self, commune_id, NULL, error);
}

json_object *
dh_store_read_support_totals (DhStore       *self,
                              const char    *commune_id,
                              int            year,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(json_object) totals = json_object_new_array ();
  g_autoptr(DhConnection) reader = NULL;
  g_autofree char *year_text = g_strdup_printf ("%04d", year);
  g_autofree char *commune = NULL;
  sqlite3_stmt *stmt;
  int rc;

  reader = dh_store_acquire_reader (self, cancellable, error);
  if (reader == NULL || !report_commune (reader, commune_id, &commune, error))
    return NULL;

  stmt = dh_connection_prepare (reader,
                                "SELECT s.support_type, count(*), count(DISTINCT s.household), sum(s.amount_vnd), "
                                "sum(s.state_share_vnd), sum(s.household_share_vnd) "
                                "FROM support s JOIN household h ON h.id = s.household "
                                "WHERE " LIVE_SUPPORT " AND (?1 IS NULL OR h.commune = ?1) "
                                "AND substr(s.delivered_on, 1, 4) = ?2 "
                                "GROUP BY s.support_type ORDER BY s.support_type",
                                error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, commune, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, year_text, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      json_object *row = json_object_new_object ();

      json_object_object_add (row, "support_type", json_object_new_string ((const char *) sqlite3_column_text (stmt, 0)));
      json_object_object_add (row, "entries", json_object_new_int64 (sqlite3_column_int64 (stmt, 1)));
      json_object_object_add (row, "households", json_object_new_int64 (sqlite3_column_int64 (stmt, 2)));
      json_object_object_add (row, "amount_vnd", json_object_new_int64 (sqlite3_column_int64 (stmt, 3)));
      json_object_object_add (row, "state_share_vnd", json_object_new_int64 (sqlite3_column_int64 (stmt, 4)));
      json_object_object_add (row, "household_share_vnd", json_object_new_int64 (sqlite3_column_int64 (stmt, 5)));
      json_object_array_add (totals, row);
    }

  if (rc != SQLITE_DONE)
    {
      dh_connection_set_error (reader, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  return g_steal_pointer (&totals);
}

json_object *
dh_store_report_support_totals (DhStore     *self,
                                const char  *commune_id,
                                int          year,
                                GError     **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), NULL);

  return dh_store_read_support_totals (self, commune_id, year, NULL, error);
}

/* The sum, or null when it does not fit: never a wrong one. */
static json_object *
sum_to_json (const DhMoneySum *sum)
{
  return sum->fits ? json_object_new_int64 (sum->dong) : NULL;
}

/**
 * dh_store_household_support:
 * @household_id: the household
 *
 * What a household received, over every entry that counts (delivered,
 * neither a void nor voided), not only those a card lists: a sum a
 * project or programme (an entry names its project, or else its
 * programme; "" when neither), the one with the latest delivery first,
 * and in all. A sum that does not fit in 64 bits (amounts entered wrong)
 * is null, never wrong, and the household's card still opens to show,
 * and void, the entries that make it.
 *
 * Returns: (transfer full): {"by_funding": [{"funding": KEY, "amount_vnd":
 *   N or null}, …], "amount_vnd": N or null, "entries": how many entries
 *   the household has, voids and voided ones too}, or %NULL on an error
 */
json_object *
dh_store_household_support (DhStore     *self,
                            const char  *household_id,
                            GError     **error)
{
  g_autoptr(json_object) sums = json_object_new_array ();
  g_autoptr(json_object) support = NULL;
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) sum_of = g_array_new (FALSE, FALSE, sizeof (DhMoneySum));   /* one a funding, as in sums */
  g_autoptr(DhConnection) reader = NULL;
  DhMoneySum total = DH_MONEY_SUM_INIT;
  gint64 entries;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);
  g_return_val_if_fail (household_id != NULL, NULL);

  reader = dh_store_acquire_reader (self, NULL, error);
  if (reader == NULL)
    return NULL;

  stmt = dh_connection_prepare (reader, "SELECT count(*) FROM support WHERE household = ?1 AND deleted = 0", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      dh_connection_set_error (reader, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  entries = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  /* summed here, not by SQLite's sum(), whose overflow is an error */
  stmt = dh_connection_prepare (reader,
                                "SELECT coalesce(s.project, s.programme, ''), s.amount_vnd "
                                "FROM support s WHERE s.household = ?1 AND " LIVE_SUPPORT " "
                                "ORDER BY s.delivered_on DESC, 1",
                                error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 0);
      gint64 amount = sqlite3_column_int64 (stmt, 1);
      gpointer found;
      guint at;

      if (g_hash_table_lookup_extended (index, key, NULL, &found))
        at = GPOINTER_TO_UINT (found);
      else
        {
          DhMoneySum none = DH_MONEY_SUM_INIT;
          json_object *sum = json_object_new_object ();
          json_object *funding = json_object_new_string (key);

          at = sum_of->len;
          json_object_object_add (sum, "funding", funding);
          json_object_array_add (sums, sum);
          /* the key lives as long as the sums do */
          g_hash_table_insert (index, (gpointer) json_object_get_string (funding), GUINT_TO_POINTER (at));
          g_array_append_val (sum_of, none);
        }
      dh_money_sum_add (&g_array_index (sum_of, DhMoneySum, at), amount);
      dh_money_sum_add (&total, amount);
    }
  if (rc != SQLITE_DONE)
    {
      dh_connection_set_error (reader, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < sum_of->len; i++)
    json_object_object_add (json_object_array_get_idx (sums, i), "amount_vnd", sum_to_json (&g_array_index (sum_of, DhMoneySum, i)));
  support = json_object_new_object ();
  json_object_object_add (support, "by_funding", g_steal_pointer (&sums));
  json_object_object_add (support, "amount_vnd", sum_to_json (&total));
  json_object_object_add (support, "entries", json_object_new_int64 (entries));

  return g_steal_pointer (&support);
}

/**
 * dh_store_overdue_condition:
 * @household_id: the SQL of the household's id in the statement ("h.id")
 * @cutoff_parameter: the number of the parameter bound to the last day
 *   that counts as not visited recently (today less the days), ISO
 * @today_parameter: the number of the parameter bound to today, ISO
 *
 * The one rule of a household waiting for a visit, for the overdue report
 * and the list's filter alike: never visited, last visited before the
 * cutoff, or the next visit its latest visit planned is past.
 *
 * Returns: (transfer full): an SQL condition
 */
char *
dh_store_overdue_condition (const char *household_id,
                            guint       cutoff_parameter,
                            guint       today_parameter)
{
  return g_strdup_printf ("(NOT EXISTS (SELECT 1 FROM visit WHERE household = %s AND deleted = 0 AND visited_on >= ?%u)"
                          " OR (SELECT next_visit_on FROM visit WHERE household = %s AND deleted = 0"
                          "     ORDER BY visited_on DESC LIMIT 1) < ?%u)",
                          household_id, cutoff_parameter, household_id, today_parameter);
}

/* The caseload a commune official follows up: poor and near-poor
 * households never visited, not visited for the given number of days, or
 * whose planned next visit has passed; those never visited first, then
 * the longest waiting. */
json_object *
dh_store_read_overdue (DhStore       *self,
                       const char    *commune_id,
                       guint          days,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(json_object) overdue = json_object_new_array ();
  g_autoptr(DhConnection) reader = NULL;
  g_autofree char *today = NULL;
  g_autofree char *cutoff = NULL;
  g_autofree char *commune = NULL;
  g_autofree char *overdue_condition = NULL;
  g_autofree char *sql = NULL;
  GDate date;
  sqlite3_stmt *stmt;
  int rc;

  dh_store_get_today (self, &date);
  today = dh_date_to_iso (&date);
  g_date_subtract_days (&date, days);
  cutoff = dh_date_to_iso (&date);

  reader = dh_store_acquire_reader (self, cancellable, error);
  if (reader == NULL || !report_commune (reader, commune_id, &commune, error))
    return NULL;

  overdue_condition = dh_store_overdue_condition ("h.id", 2, 3);
  sql = g_strdup_printf ("SELECT h.id, h.head_name, h.village, h.classification,"
                         "  (SELECT max (visited_on) FROM visit WHERE household = h.id AND deleted = 0) AS last,"
                         "  (SELECT next_visit_on FROM visit WHERE household = h.id AND deleted = 0"
                         "   ORDER BY visited_on DESC LIMIT 1) AS next "
                         "FROM household h "
                         "WHERE h.commune = ?1 AND h.deleted = 0 AND h.classification IN ('poor', 'near_poor') AND %s "
                         "ORDER BY last IS NOT NULL, last, h.sort_given",
                         overdue_condition);
  stmt = dh_connection_prepare (reader, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, commune, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, cutoff, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, today, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      json_object *row = json_object_new_object ();
      const char *last = (const char *) sqlite3_column_text (stmt, 4);
      const char *next = (const char *) sqlite3_column_text (stmt, 5);
      const char *reason;

      if (last == NULL)
        reason = "never_visited";
      else if (strcmp (last, cutoff) < 0)
        reason = "not_visited_recently";
      else
        reason = "next_visit_passed";

      json_object_object_add (row, "household", json_object_new_string ((const char *) sqlite3_column_text (stmt, 0)));
      json_object_object_add (row, "head_name", json_object_new_string ((const char *) sqlite3_column_text (stmt, 1)));
      json_object_object_add (row, "village", json_object_new_string ((const char *) sqlite3_column_text (stmt, 2)));
      json_object_object_add (row, "classification", json_object_new_string ((const char *) sqlite3_column_text (stmt, 3)));
      if (last != NULL)
        json_object_object_add (row, "last_visited_on", json_object_new_string (last));
      if (next != NULL)
        json_object_object_add (row, "next_visit_on", json_object_new_string (next));
      json_object_object_add (row, "reason", json_object_new_string (reason));
      json_object_array_add (overdue, row);
    }

  if (rc != SQLITE_DONE)
    {
      dh_connection_set_error (reader, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  return g_steal_pointer (&overdue);
}

json_object *
dh_store_report_overdue (DhStore     *self,
                         const char  *commune_id,
                         guint        days,
                         GError     **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), NULL);
  g_return_val_if_fail (commune_id != NULL, NULL);

  return dh_store_read_overdue (self, commune_id, days, NULL, error);
}

/* In a worker thread */

static gpointer
status_in_thread (DhStore       *self,
                  gpointer       args,
                  GCancellable  *cancellable,
                  GError       **error)
{
  return read_status (self, cancellable, error);
}

void
dh_store_get_status_async (DhStore             *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (DH_IS_STORE (self));

  dh_store_read_in_thread (self, dh_store_get_status_async, status_in_thread, NULL, NULL,
                           (GDestroyNotify) json_object_put, cancellable, callback, user_data);
}

/**
 * dh_store_get_status_finish:
 *
 * Returns: (transfer full) (nullable): what dh_store_get_status() returns,
 *   or %NULL with @error set (%G_IO_ERROR_CANCELLED once cancelled)
 */
json_object *
dh_store_get_status_finish (DhStore       *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return dh_store_read_finish (self, result, dh_store_get_status_async, error);
}
