/* dh-cli-report.c – donghanh-cli report: a commune's figures, as tables for people or JSON for scripts */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-autocleanups.h"
#include "dh-cli-private.h"
#include "dh-report-table.h"

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

static const char *
cell_of (GPtrArray *cells,
         guint      column)
{
  const char *cell = column < cells->len ? g_ptr_array_index (cells, column) : NULL;

  return cell != NULL ? cell : "";
}

static void
print_row (GPtrArray   *cells,
           const guint *widths,
           guint        n_columns,
           guint        right)
{
  for (guint c = 0; c < n_columns; c++)
    {
      if (c > 0)
        fputs ("  ", stdout);
      print_padded (cell_of (cells, c), widths[c], (right & (1u << c)) != 0, c + 1 == n_columns);
    }
  putchar ('\n');
}

/* The table with its columns lined up, a rule under the heading. */
static void
table_print (const DhReportTable *table)
{
  guint n_columns = table->heading->len;
  g_autofree guint *widths = g_new0 (guint, n_columns);
  guint all = 0;

  for (guint c = 0; c < n_columns; c++)
    widths[c] = display_width (cell_of (table->heading, c));
  for (guint r = 0; r < table->rows->len; r++)
    {
      for (guint c = 0; c < n_columns; c++)
        widths[c] = MAX (widths[c], display_width (cell_of (g_ptr_array_index (table->rows, r), c)));
    }

  print_row (table->heading, widths, n_columns, table->right);
  for (guint c = 0; c < n_columns; c++)
    all += widths[c] + (c > 0 ? 2 : 0);
  for (guint i = 0; i < all; i++)
    fputs ("─", stdout);
  putchar ('\n');
  for (guint r = 0; r < table->rows->len; r++)
    print_row (g_ptr_array_index (table->rows, r), widths, n_columns, table->right);
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
  g_autoptr(DhReportTable) table = NULL;
  gboolean villages = g_str_equal (args[0], "villages");
  gboolean support = g_str_equal (args[0], "support");
  gboolean overdue = g_str_equal (args[0], "overdue");
  guint64 number = overdue ? 90 : 0;
  DhReportKind kind = villages ? DH_REPORT_VILLAGES : support ? DH_REPORT_SUPPORT : DH_REPORT_OVERDUE;
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

  if (cli->json)
    {
      g_autoptr(json_object) report = dh_report_read_json (store, kind, args[1], (guint) number, &error);

      if (report == NULL)
        return dh_cli_fail (error);
      for (size_t i = 0; i < json_object_array_length (report); i++)
        dh_cli_print_json (json_object_array_get_idx (report, i));
      return DH_CLI_EXIT_OK;
    }

  table = dh_report_table_read (store, kind, args[1], (guint) number, &error);
  if (table == NULL)
    return dh_cli_fail (error);

  printf ("%s\n\n", table->title);
  if (table->rows->len == 0)
    printf ("%s\n", table->empty);
  else
    table_print (table);

  return DH_CLI_EXIT_OK;
}
