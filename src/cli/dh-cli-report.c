/* dh-cli-report.c – donghanh-cli report: a commune's figures, as tables for people or JSON for scripts */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-autocleanups.h"
#include "dh-catalogue.h"
#include "dh-cli-private.h"
#include "dh-date.h"
#include "dh-entity.h"
#include "dh-money.h"

/* A table: rows of cells, the first the heading; a column is aligned
 * right when its bit is set in RIGHT. Widths are counted in characters:
 * the store keeps its texts composed (NFC), so a Vietnamese letter with
 * its marks is one. */
typedef struct
{
  GPtrArray *rows;
  guint      n_columns;
  guint      right;
} Table;

static void
table_init (Table      *table,
            guint       right,
            const char *first,
            ...)
{
  GPtrArray *heading = g_ptr_array_new_with_free_func (g_free);
  const char *cell;
  va_list args;

  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  table->right = right;
  va_start (args, first);
  for (cell = first; cell != NULL; cell = va_arg (args, const char *))
    g_ptr_array_add (heading, g_strdup (cell));
  va_end (args);
  table->n_columns = heading->len;
  g_ptr_array_add (table->rows, heading);
}

static void
table_clear (Table *table)
{
  g_clear_pointer (&table->rows, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Table, table_clear)

/* A new row, whose cells the caller adds (taking them) in order. */
static GPtrArray *
table_add_row (Table *table)
{
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (table->rows, row);
  return row;
}

/* The columns TEXT takes on a terminal: a letter and the marks that
 * compose with it are one, so that text in decomposed form lines up too. */
static guint
display_width (const char *text)
{
  guint width = 0;

  if (!g_utf8_validate (text, -1, NULL))
    return (guint) strlen (text);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_iszerowidth (g_utf8_get_char (p)))
        width++;
    }
  return width;
}

static void
print_padded (const char *text,
              guint       width,
              gboolean    right,
              gboolean    last)
{
  guint length = display_width (text);
  guint pad = width > length ? width - length : 0;

  if (right)
    printf ("%*s%s", (int) pad, "", text);
  else if (last)
    fputs (text, stdout);
  else
    printf ("%s%*s", text, (int) pad, "");
}

static void
table_print (const Table *table)
{
  g_autofree guint *widths = g_new0 (guint, table->n_columns);

  for (guint r = 0; r < table->rows->len; r++)
    {
      GPtrArray *row = g_ptr_array_index (table->rows, r);

      for (guint c = 0; c < row->len && c < table->n_columns; c++)
        {
          const char *cell = g_ptr_array_index (row, c);

          widths[c] = MAX (widths[c], cell != NULL ? display_width (cell) : 0);
        }
    }

  for (guint r = 0; r < table->rows->len; r++)
    {
      GPtrArray *row = g_ptr_array_index (table->rows, r);

      for (guint c = 0; c < table->n_columns; c++)
        {
          const char *cell = c < row->len && g_ptr_array_index (row, c) != NULL ? g_ptr_array_index (row, c) : "";

          if (c > 0)
            fputs ("  ", stdout);
          print_padded (cell, widths[c], (table->right & (1u << c)) != 0, c + 1 == table->n_columns);
        }
      putchar ('\n');
      /* under the heading, a rule as wide as the table */
      if (r == 0)
        {
          guint all = 0;

          for (guint c = 0; c < table->n_columns; c++)
            all += widths[c] + (c > 0 ? 2 : 0);
          for (guint i = 0; i < all; i++)
            fputs ("─", stdout);
          putchar ('\n');
        }
    }
}

static char *
count_text (gint64 count)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, count);
}

static char *
money_or_unknown (gint64   amount,
                  gboolean known)
{
  return known ? dh_money_format (amount) : g_strdup ("—");
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

      name = found != NULL ? found : id;
      g_hash_table_insert (names, g_strdup (id), g_strdup (name));
      name = g_hash_table_lookup (names, id);
    }
  return name;
}

static const char *
class_label (const char *code)
{
  const char *label;

  if (code == NULL)
    return "";
  label = dh_catalogues_get_label (dh_catalogues_get_default (), "classification", code);
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

static void
print_villages (json_object *report)
{
  g_autoptr(GPtrArray) classes = dh_catalogues_list_codes (dh_catalogues_get_default (), "classification");
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();
  g_autofree gint64 *totals = NULL;
  g_auto(Table) table = { 0 };
  gint64 households = 0;
  GPtrArray *row;

  if (json_object_array_length (report) == 0)
    {
      puts (_("No household in this commune."));
      return;
    }

  /* a column a class that some village has */
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

  table_init (&table, ~1u, _("Village"), C_("report column", "Households"), NULL);
  row = g_ptr_array_index (table.rows, 0);
  for (guint c = 0; c < shown->len; c++)
    g_ptr_array_add (row, g_strdup (class_label (g_ptr_array_index (shown, c))));
  table.n_columns = row->len;

  for (size_t i = 0; i < json_object_array_length (report); i++)
    {
      json_object *village = json_object_array_get_idx (report, i);
      json_object *by_class = NULL;
      gint64 count = dh_json_get_int (village, "households", 0);

      json_object_object_get_ex (village, "by_class", &by_class);
      row = table_add_row (&table);
      g_ptr_array_add (row, g_strdup (dh_json_get_string (village, "name")));
      g_ptr_array_add (row, count_text (count));
      households += count;
      for (guint c = 0; c < shown->len; c++)
        {
          gint64 in_class = by_class != NULL ? dh_json_get_int (by_class, g_ptr_array_index (shown, c), 0) : 0;

          g_ptr_array_add (row, count_text (in_class));
          totals[c] += in_class;
        }
    }

  row = table_add_row (&table);
  g_ptr_array_add (row, g_strdup (_("In all")));
  g_ptr_array_add (row, count_text (households));
  for (guint c = 0; c < shown->len; c++)
    g_ptr_array_add (row, count_text (totals[c]));

  table_print (&table);
}

static void
print_support (json_object *report)
{
  g_auto(Table) table = { 0 };
  gint64 entries = 0, amount = 0, state = 0, household = 0;
  gboolean amount_known = TRUE, state_known = TRUE, household_known = TRUE;
  GPtrArray *row;

  if (json_object_array_length (report) == 0)
    {
      puts (_("No support was delivered in this commune that year."));
      return;
    }

  table_init (&table, ~1u, _("Kind of support"), _("Entries"), C_("report column", "Households"), _("Amount"),
              _("State share"), _("Household share"), NULL);
  for (size_t i = 0; i < json_object_array_length (report); i++)
    {
      json_object *total = json_object_array_get_idx (report, i);
      const char *type = dh_json_get_string (total, "support_type");
      const char *label = type != NULL ? dh_catalogues_get_label (dh_catalogues_get_default (), "support_type", type) : NULL;
      gint64 value;

      row = table_add_row (&table);
      g_ptr_array_add (row, g_strdup (label != NULL ? label : type));
      g_ptr_array_add (row, count_text (dh_json_get_int (total, "entries", 0)));
      g_ptr_array_add (row, count_text (dh_json_get_int (total, "households", 0)));
      value = dh_json_get_int (total, "amount_vnd", 0);
      g_ptr_array_add (row, dh_money_format (value));
      amount_known = amount_known && dh_money_add (&amount, value);
      value = dh_json_get_int (total, "state_share_vnd", 0);
      g_ptr_array_add (row, dh_money_format (value));
      state_known = state_known && dh_money_add (&state, value);
      value = dh_json_get_int (total, "household_share_vnd", 0);
      g_ptr_array_add (row, dh_money_format (value));
      household_known = household_known && dh_money_add (&household, value);
      entries += dh_json_get_int (total, "entries", 0);
    }

  /* a household given two kinds is in two rows: its count has no total */
  row = table_add_row (&table);
  g_ptr_array_add (row, g_strdup (_("In all")));
  g_ptr_array_add (row, count_text (entries));
  g_ptr_array_add (row, g_strdup (""));
  g_ptr_array_add (row, money_or_unknown (amount, amount_known));
  g_ptr_array_add (row, money_or_unknown (state, state_known));
  g_ptr_array_add (row, money_or_unknown (household, household_known));

  table_print (&table);
}

static void
print_overdue (DhStore     *store,
               json_object *report,
               guint        days)
{
  g_autoptr(GHashTable) villages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(Table) table = { 0 };

  if (json_object_array_length (report) == 0)
    {
      /* Translators: %u is a number of days */
      printf (g_dngettext (GETTEXT_PACKAGE, "Every poor or near-poor household was visited in the last %u day.\n",
                           "Every poor or near-poor household was visited in the last %u days.\n", days), days);
      return;
    }

  table_init (&table, 0, _("Head of household"), _("Village"), _("Class"), _("Last visit"), _("Why it is overdue"), NULL);
  for (size_t i = 0; i < json_object_array_length (report); i++)
    {
      json_object *household = json_object_array_get_idx (report, i);
      const char *reason = dh_json_get_string (household, "reason");
      GPtrArray *row = table_add_row (&table);
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
      g_ptr_array_add (row, g_strdup (class_label (dh_json_get_string (household, "classification"))));
      g_ptr_array_add (row, dh_json_get_string (household, "last_visited_on") != NULL ?
                            date_text (dh_json_get_string (household, "last_visited_on")) : g_strdup ("—"));
      g_ptr_array_add (row, why);
    }

  table_print (&table);
}

/* The commune's name, for the title: the report found it already. */
static char *
commune_name (DhStore    *store,
              const char *text)
{
  g_autofree char *id = dh_store_resolve_place (store, "commune", text, NULL, NULL);
  g_autoptr(json_object) commune = id != NULL ? dh_store_get (store, "admin_unit", id, NULL) : NULL;
  const char *name = commune != NULL ? dh_json_get_string (commune, "name") : NULL;

  return g_strdup (name != NULL ? name : text);
}

/* report villages COMMUNE | report support COMMUNE YEAR | report overdue COMMUNE [DAYS]:
 * the commune by its id, code or name; a table for people, or with --json
 * an object a line for scripts */
int
dh_cli_run_report (DhCli  *cli,
                   char  **args,
                   int     n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) report = NULL;
  g_autofree char *commune = NULL;
  gboolean villages = g_str_equal (args[0], "villages");
  gboolean support = g_str_equal (args[0], "support");
  gboolean overdue = g_str_equal (args[0], "overdue");
  guint64 number = overdue ? 90 : 0;
  DhStore *store;

  if ((!villages && !support && !overdue) || (villages && n_args != 2) || (support && n_args != 3) ||
      (n_args == 3 && !g_ascii_string_to_unsigned (args[2], 10, support ? 1900 : 1, support ? 2100 : 3650, &number, NULL)))
    {
      dh_cli_print_usage_error (_("report takes: villages COMMUNE, support COMMUNE YEAR (such as 2026), or overdue COMMUNE [DAYS] (90 unless given); COMMUNE is its name, code or id"));
      return DH_CLI_EXIT_USAGE;
    }

  store = dh_cli_open_store_to_read (cli, &error);
  if (store == NULL)
    return dh_cli_fail (error);

  if (villages)
    report = dh_store_report_classes_by_village (store, args[1], &error);
  else if (support)
    report = dh_store_report_support_totals (store, args[1], (int) number, &error);
  else
    report = dh_store_report_overdue (store, args[1], (guint) number, &error);
  if (report == NULL)
    return dh_cli_fail (error);

  if (cli->json)
    {
      for (size_t i = 0; i < json_object_array_length (report); i++)
        dh_cli_print_json (json_object_array_get_idx (report, i));
      return DH_CLI_EXIT_OK;
    }

  commune = commune_name (store, args[1]);
  if (villages)
    {
      /* Translators: the title of a report; %s is the commune's name */
      printf (_("%s: households by village and class"), commune);
      fputs ("\n\n", stdout);
      print_villages (report);
    }
  else if (support)
    {
      /* Translators: the title of a report; %s is the commune's name, %u a year */
      printf (_("%s: support delivered in %u"), commune, (guint) number);
      fputs ("\n\n", stdout);
      print_support (report);
    }
  else
    {
      /* Translators: the title of a report; %s is the commune's name, %u a number of days */
      printf (g_dngettext (GETTEXT_PACKAGE, "%s: poor and near-poor households due a visit (none in the last %u day, or past the date planned)",
                           "%s: poor and near-poor households due a visit (none in the last %u days, or past the date planned)", (gulong) number),
              commune, (guint) number);
      fputs ("\n\n", stdout);
      print_overdue (store, report, (guint) number);
    }

  return DH_CLI_EXIT_OK;
}
