/* dh-cli-csv.c – importing the commune's lists of households and members and exporting lists as CSV, at a terminal */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-cli"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dh-error.h"
#include "dh-cli-private.h"

static void
print_notes (const char *path,
             GPtrArray  *notes,
             gboolean    to_stdout)
{
  for (guint i = 0; notes != NULL && i < notes->len; i++)
    {
      DhImportProblem *note = g_ptr_array_index (notes, i);
      g_autoptr(GString) line = g_string_new (path);

      if (note->line > 0)
        g_string_append_printf (line, ":%u", note->line);
      g_string_append (line, ": ");
      if (note->column != NULL)
        /* Translators: a column of the list as its first line names it, before what is wrong in it */
        g_string_append_printf (line, _("column “%s”: "), note->column);
      g_string_append (line, note->message);

      if (to_stdout)
        g_print ("%s\n", line->str);
      else
        g_printerr ("%s\n", line->str);
    }
}

/* "3 new, 2 updated, 5 unchanged" */
static char *
counts_in_words (const DhImportReport *report)
{
  g_autofree char *created = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new", "%u new", report->created), report->created);
  g_autofree char *updated = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u updated", "%u updated", report->updated), report->updated);
  g_autofree char *unchanged = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u unchanged", "%u unchanged", report->unchanged), report->unchanged);

  return g_strdup_printf ("%s, %s, %s", created, updated, unchanged);
}

static int
import_list (DhCli      *cli,
             const char *entity,
             const char *path)
{
  g_autoptr(GError) error = NULL;
  g_auto(DhImportReport) report = { 0 };
  g_autofree char *counts = NULL;
  DhStore *store;
  gboolean ok;

  store = dh_cli_open_store (cli, &error);
  if (store == NULL)
    return dh_cli_fail (error);

  if (g_str_equal (entity, "member"))
    ok = dh_store_import_members (store, path, cli->dry_run, &report, &error);
  else
    ok = dh_store_import_households (store, path, cli->dry_run, &report, &error);

  print_notes (path, report.warnings, FALSE);
  print_notes (path, report.problems, FALSE);

  if (!ok && report.bad == 0)
    {
      /* the file itself: said above when it is about the file's content */
      if (report.problems == NULL || report.problems->len == 0)
        return dh_cli_fail (error);
      return DH_CLI_EXIT_REJECTED;
    }

  counts = counts_in_words (&report);

  if (cli->dry_run)
    {
      /* what a real import would change, household by household */
      print_notes (path, report.changes, TRUE);
      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "%u row checked: %u good (%s), %u bad. Nothing was written (dry run).\n",
                            "%u rows checked: %u good (%s), %u bad. Nothing was written (dry run).\n",
                            report.good + report.bad),
               report.good + report.bad, report.good, counts, report.bad);
      return report.bad > 0 ? DH_CLI_EXIT_REJECTED : DH_CLI_EXIT_OK;
    }

  if (report.bad > 0)
    {
      g_printerr (g_dngettext (GETTEXT_PACKAGE,
                               "%u of %u rows is bad; nothing was imported. Correct it and import again (--dry-run checks without writing).\n",
                               "%u of %u rows are bad; nothing was imported. Correct them and import again (--dry-run checks without writing).\n",
                               report.bad),
                  report.bad, report.good + report.bad);
      return DH_CLI_EXIT_REJECTED;
    }

  if (!ok)
    return dh_cli_fail (error);

  print_notes (path, report.changes, TRUE);
  g_print (g_dngettext (GETTEXT_PACKAGE, "%u row imported: %s.\n", "%u rows imported: %s.\n", report.good),
           report.good, counts);
  return DH_CLI_EXIT_OK;
}

int
dh_cli_import_households (DhCli      *cli,
                          const char *path)
{
  return import_list (cli, "household", path);
}

int
dh_cli_import_members (DhCli      *cli,
                       const char *path)
{
  return import_list (cli, "member", path);
}

int
dh_cli_export (DhCli      *cli,
               const char *entity_name,
               const char *path)
{
  g_autoptr(GError) error = NULL;
  DhStore *store;
  guint written = 0;

  if (dh_entity_lookup_listed (entity_name, NULL) == NULL)
    {
      g_autofree char *names = dh_entity_list_names ();

      g_printerr (_("donghanh-cli: there is no kind of record called “%s”; use one of: %s\n"), entity_name, names);
      return DH_CLI_EXIT_USAGE;
    }

  store = dh_cli_open_store_to_read (cli, &error);
  if (store == NULL)
    return dh_cli_fail (error);

  if (!dh_store_export_csv (store, entity_name, path, &written, &error))
    return dh_cli_fail (error);

  g_print (g_dngettext (GETTEXT_PACKAGE, "%u record written to %s\n", "%u records written to %s\n", written), written, path);
  return DH_CLI_EXIT_OK;
}
