/* dh-report-table.c – a commune's reports as tables of words, for the CLI and the application */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dh-autocleanups.h"
#include "dh-catalogue.h"
#include "dh-date.h"
#include "dh-entity.h"
#include "dh-money.h"
#include "dh-report-table.h"
#include "dh-store-private.h"

void
dh_report_table_free (DhReportTable *table)
{
  if (table == NULL)
    return;
  g_free (table->title);
  g_clear_pointer (&table->heading, g_ptr_array_unref);
  g_clear_pointer (&table->rows, g_ptr_array_unref);
  g_clear_pointer (&table->ids, g_ptr_array_unref);
  g_free (table->empty);
  g_free (table);
}

static DhReportTable *
table_new (guint       right,
           const char *first,
           ...)
{
  DhReportTable *table = g_new0 (DhReportTable, 1);
  const char *cell;
  va_list args;

  table->heading = g_ptr_array_new_with_free_func (g_free);
  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  table->ids = g_ptr_array_new_with_free_func (g_free);
  table->right = right;
  va_start (args, first);
  for (cell = first; cell != NULL; cell = va_arg (args, const char *))
    g_ptr_array_add (table->heading, g_strdup (cell));
  va_end (args);

  return table;
}

/* A new row, whose cells the caller adds (taking them) in order; ID is
 * the record the row is about, if any. */
static GPtrArray *
table_add_row (DhReportTable *table,
               const char    *id)
{
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (table->rows, row);
  g_ptr_array_add (table->ids, g_strdup (id));
  return row;
}

/* The name of a place, read once a place. */
static const char *
place_name (DhStore    *store,
            GHashTable *names,
            const char *id)
{
  const char *name;

  if (id == NULL)
    return "";
  name = g_hash_table_lookup (names, id);
  if (name == NULL)
    {
      g_autoptr(json_object) place = dh_store_get (store, "admin_unit", id, NULL);
      const char *found = place != NULL ? dh_json_get_string (place, "name") : NULL;

      g_hash_table_insert (names, g_strdup (id), g_strdup (found != NULL ? found : id));
      name = g_hash_table_lookup (names, id);
    }
  return name;
}

static const char *
label_of (const char *catalogue,
          const char *code)
{
  const char *label;

  if (code == NULL)
    return "";
  label = dh_catalogues_get_label (dh_catalogues_get_default (), catalogue, code);
  return label != NULL ? label : code;
}

static char *
date_text (const char *iso)
{
  GDate date;

  if (iso == NULL || !dh_date_parse (iso, &date, NULL))
    return g_strdup (iso != NULL ? iso : "—");
  return dh_date_format (&date);
}

/* The commune's name, as the store has it, whatever named it. */
static char *
commune_name (DhStore    *store,
              const char *text)
{
  g_autofree char *id = dh_store_resolve_place (store, "commune", text, NULL, NULL);
  g_autoptr(json_object) commune = id != NULL ? dh_store_get (store, "admin_unit", id, NULL) : NULL;
  const char *name = commune != NULL ? dh_json_get_string (commune, "name") : NULL;

  return g_strdup (name != NULL ? name : text);
}

/**
 * dh_report_table_villages:
 * @commune: the commune, as the report was asked for (its id, code or name)
 * @report: what dh_store_report_classes_by_village() gave
 *
 * The households of each village, a column a class that some village has,
 * and in all.
 */
DhReportTable *
dh_report_table_villages (DhStore     *store,
                          const char  *commune,
                          json_object *report)
{
  g_autoptr(GPtrArray) classes = dh_catalogues_list_codes (dh_catalogues_get_default (), "classification");
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();
  g_autofree gint64 *totals = NULL;
  g_autofree char *name = commune_name (store, commune);
  DhReportTable *table;
  gint64 households = 0;
  GPtrArray *row;

  for (guint c = 0; c < classes->len; c++)
    {
      for (size_t i = 0; i < json_object_array_length (report); i++)
        {
          json_object *by_class = NULL;

          if (json_object_object_get_ex (json_object_array_get_idx (report, i), "by_class", &by_class) &&
              json_object_object_get_ex (by_class, g_ptr_array_index (classes, c), NULL))
            {
              g_ptr_array_add (shown, g_ptr_array_index (classes, c));
              break;
            }
        }
    }
  totals = g_new0 (gint64, shown->len + 1);

  table = table_new (~1u, _("Village"), C_("report column", "Households"), NULL);
  for (guint c = 0; c < shown->len; c++)
    g_ptr_array_add (table->heading, g_strdup (label_of ("classification", g_ptr_array_index (shown, c))));
  /* Translators: the title of a report; %s is the commune's name */
  table->title = g_strdup_printf (_("%s: households by village and class"), name);
  table->empty = g_strdup (_("No household in this commune."));

  for (size_t i = 0; i < json_object_array_length (report); i++)
    {
      json_object *village = json_object_array_get_idx (report, i);
      json_object *by_class = NULL;
      gint64 count = dh_json_get_int (village, "households", 0);

      json_object_object_get_ex (village, "by_class", &by_class);
      row = table_add_row (table, NULL);
      g_ptr_array_add (row, g_strdup (dh_json_get_string (village, "name")));
      g_ptr_array_add (row, dh_grouped_format (count));
      households += count;
      for (guint c = 0; c < shown->len; c++)
        {
          gint64 in_class = by_class != NULL ? dh_json_get_int (by_class, g_ptr_array_index (shown, c), 0) : 0;

          g_ptr_array_add (row, dh_grouped_format (in_class));
          totals[c] += in_class;
        }
    }

  if (table->rows->len > 0)
    {
      row = table_add_row (table, NULL);
      g_ptr_array_add (row, g_strdup (_("In all")));
      g_ptr_array_add (row, dh_grouped_format (households));
      for (guint c = 0; c < shown->len; c++)
        g_ptr_array_add (row, dh_grouped_format (totals[c]));
      table->has_total = TRUE;
    }

  return table;
}

/**
 * dh_report_table_support:
 * @report: what dh_store_report_support_totals() gave for @year
 *
 * The support delivered in the year, a kind a row, and in all.
 */
DhReportTable *
dh_report_table_support (DhStore     *store,
                         const char  *commune,
                         int          year,
                         json_object *report)
{
  g_autofree char *name = commune_name (store, commune);
  DhReportTable *table;
  gint64 entries = 0;
  DhMoneySum amount = DH_MONEY_SUM_INIT, state = DH_MONEY_SUM_INIT, household = DH_MONEY_SUM_INIT;
  GPtrArray *row;

  table = table_new (~1u, _("Kind of support"), _("Entries"), C_("report column", "Households"), _("Amount"),
                     _("State share"), _("Household share"), NULL);
  /* Translators: the title of a report; %s is the commune's name, %d a year */
  table->title = g_strdup_printf (_("%s: support delivered in %d"), name, year);
  table->empty = g_strdup (_("No support was delivered in this commune that year."));

  for (size_t i = 0; i < json_object_array_length (report); i++)
    {
      json_object *total = json_object_array_get_idx (report, i);
      gint64 value;

      row = table_add_row (table, NULL);
      g_ptr_array_add (row, g_strdup (label_of ("support_type", dh_json_get_string (total, "support_type"))));
      g_ptr_array_add (row, dh_grouped_format (dh_json_get_int (total, "entries", 0)));
      g_ptr_array_add (row, dh_grouped_format (dh_json_get_int (total, "households", 0)));
      value = dh_json_get_int (total, "amount_vnd", 0);
      g_ptr_array_add (row, dh_money_format (value));
      dh_money_sum_add (&amount, value);
      value = dh_json_get_int (total, "state_share_vnd", 0);
      g_ptr_array_add (row, dh_money_format (value));
      dh_money_sum_add (&state, value);
      value = dh_json_get_int (total, "household_share_vnd", 0);
      g_ptr_array_add (row, dh_money_format (value));
      dh_money_sum_add (&household, value);
      entries += dh_json_get_int (total, "entries", 0);
    }

  /* a household given two kinds is in two rows: its count has no total */
  if (table->rows->len > 0)
    {
      row = table_add_row (table, NULL);
      g_ptr_array_add (row, g_strdup (_("In all")));
      g_ptr_array_add (row, dh_grouped_format (entries));
      g_ptr_array_add (row, g_strdup (""));
      g_ptr_array_add (row, dh_money_sum_format (&amount));
      g_ptr_array_add (row, dh_money_sum_format (&state));
      g_ptr_array_add (row, dh_money_sum_format (&household));
      table->has_total = TRUE;
    }

  return table;
}

/**
 * dh_report_table_overdue:
 * @days: the days the report was asked for
 * @report: what dh_store_report_overdue() gave
 *
 * The poor and near-poor households due a visit, each with why; a row's
 * id is its household's.
 */
DhReportTable *
dh_report_table_overdue (DhStore     *store,
                         const char  *commune,
                         guint        days,
                         json_object *report)
{
  g_autoptr(GHashTable) villages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *name = commune_name (store, commune);
  DhReportTable *table;

  table = table_new (0, _("Head of household"), _("Village"), _("Class"), _("Last visit"), _("Why it is overdue"), NULL);
  /* Translators: the title of a report; %s is the commune's name, %u a number of days */
  table->title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s: poor and near-poor households due a visit (none in the last %u day, or past the date planned)",
                                               "%s: poor and near-poor households due a visit (none in the last %u days, or past the date planned)",
                                               days),
                                  name, days);
  /* Translators: %u is a number of days */
  table->empty = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Every poor or near-poor household was visited in the last %u day.",
                                               "Every poor or near-poor household was visited in the last %u days.", days), days);

  for (size_t i = 0; i < json_object_array_length (report); i++)
    {
      json_object *household = json_object_array_get_idx (report, i);
      const char *reason = dh_json_get_string (household, "reason");
      const char *last = dh_json_get_string (household, "last_visited_on");
      GPtrArray *row = table_add_row (table, dh_json_get_string (household, "household"));
      char *why;

      if (g_strcmp0 (reason, "never_visited") == 0)
        why = g_strdup (_("never visited"));
      else if (g_strcmp0 (reason, "next_visit_passed") == 0)
        {
          g_autofree char *next = date_text (dh_json_get_string (household, "next_visit_on"));

          /* Translators: %s is the date the visit was planned for */
          why = g_strdup_printf (_("its next visit was due on %s"), next);
        }
      else
        /* Translators: why a household is overdue; %u is a number of days */
        why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "no visit in the last %u day", "no visit in the last %u days", days), days);

      g_ptr_array_add (row, g_strdup (dh_json_get_string (household, "head_name")));
      g_ptr_array_add (row, g_strdup (place_name (store, villages, dh_json_get_string (household, "village"))));
      g_ptr_array_add (row, g_strdup (label_of ("classification", dh_json_get_string (household, "classification"))));
      g_ptr_array_add (row, last != NULL ? date_text (last) : g_strdup ("—"));
      g_ptr_array_add (row, why);
    }

  return table;
}

/* The report's JSON, its statements stopping once CANCELLABLE is */
static json_object *
read_report (DhStore       *store,
             DhReportKind   kind,
             const char    *commune,
             guint          number,
             GCancellable  *cancellable,
             GError       **error)
{
  switch (kind)
    {
    case DH_REPORT_VILLAGES:
      return dh_store_read_classes_by_village (store, commune, cancellable, error);
    case DH_REPORT_SUPPORT:
      return dh_store_read_support_totals (store, commune, (int) number, cancellable, error);
    case DH_REPORT_OVERDUE:
      return dh_store_read_overdue (store, commune, number, cancellable, error);
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * dh_report_read_json:
 * @kind: which report
 * @commune: the commune's id, code or name
 * @number: the year of the support report, the days of the overdue one
 *
 * The report as the store reads it, one JSON object a row, for scripts.
 *
 * Returns: (transfer full) (nullable): a JSON array, or %NULL with @error set
 */
json_object *
dh_report_read_json (DhStore       *store,
                     DhReportKind   kind,
                     const char    *commune,
                     guint          number,
                     GError       **error)
{
  g_return_val_if_fail (DH_IS_STORE (store), NULL);
  g_return_val_if_fail (commune != NULL, NULL);

  return read_report (store, kind, commune, number, NULL, error);
}

/* The report read, then put in words, unless cancelled meanwhile */
static DhReportTable *
read_table (DhStore       *store,
            DhReportKind   kind,
            const char    *commune,
            guint          number,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(json_object) report = read_report (store, kind, commune, number, cancellable, error);

  if (report == NULL || g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  switch (kind)
    {
    case DH_REPORT_VILLAGES:
      return dh_report_table_villages (store, commune, report);
    case DH_REPORT_SUPPORT:
      return dh_report_table_support (store, commune, (int) number, report);
    case DH_REPORT_OVERDUE:
      return dh_report_table_overdue (store, commune, number, report);
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * dh_report_table_read:
 * @kind: which report
 * @commune: the commune's id, code or name
 * @number: the year of the support report, the days of the overdue one
 *
 * Reads the report and puts it in words, the names of its places read
 * with it.
 *
 * Returns: (transfer full) (nullable): the table, or %NULL with @error set
 */
DhReportTable *
dh_report_table_read (DhStore       *store,
                      DhReportKind   kind,
                      const char    *commune,
                      guint          number,
                      GError       **error)
{
  g_return_val_if_fail (DH_IS_STORE (store), NULL);
  g_return_val_if_fail (commune != NULL, NULL);

  return read_table (store, kind, commune, number, NULL, error);
}

typedef struct
{
  DhReportKind  kind;
  char         *commune;
  guint         number;
} ReadArgs;

static void
read_args_free (ReadArgs *args)
{
  g_free (args->commune);
  g_free (args);
}

static gpointer
read_in_thread (DhStore       *store,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  ReadArgs *args = data;

  return read_table (store, args->kind, args->commune, args->number, cancellable, error);
}

/**
 * dh_report_table_read_async:
 *
 * dh_report_table_read() in a worker thread: the report and the names of
 * its places are read there, never on the caller's main loop. Cancelled,
 * the report's statements stop where they are.
 */
void
dh_report_table_read_async (DhStore             *store,
                            DhReportKind         kind,
                            const char          *commune,
                            guint                number,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  ReadArgs *args;

  g_return_if_fail (DH_IS_STORE (store));
  g_return_if_fail (commune != NULL);

  args = g_new0 (ReadArgs, 1);
  args->kind = kind;
  args->commune = g_strdup (commune);
  args->number = number;
  dh_store_read_in_thread (store, dh_report_table_read_async, read_in_thread, args, (GDestroyNotify) read_args_free,
                           (GDestroyNotify) dh_report_table_free, cancellable, callback, user_data);
}

/**
 * dh_report_table_read_finish:
 *
 * Returns: (transfer full) (nullable): the table, or %NULL with @error set
 *   (%G_IO_ERROR_CANCELLED once cancelled)
 */
DhReportTable *
dh_report_table_read_finish (DhStore       *store,
                             GAsyncResult  *result,
                             GError       **error)
{
  return dh_store_read_finish (store, result, dh_report_table_read_async, error);
}
