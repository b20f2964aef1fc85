/* dh-cli-csv.c – importing the commune's household list and exporting lists as CSV, at a terminal */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-cli"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dh-error.h"
#include "dh-cli-private.h"

int
dh_cli_import_households (DhCli      *cli,
                          const char *path)
{
  g_autoptr(GError) error = NULL;
  g_auto(DhImportReport) report = { 0 };
  DhStore *store;
  gboolean ok;

  store = dh_cli_open_store (cli, &error);
  if (store == NULL)
    return dh_cli_fail (error);

  ok = dh_store_import_households (store, path, cli->dry_run, &report, &error);

  for (guint i = 0; report.problems != NULL && i < report.problems->len; i++)
    {
      DhImportProblem *problem = g_ptr_array_index (report.problems, i);

      if (problem->line > 0)
        g_printerr ("%s:%u: %s\n", path, problem->line, problem->message);
      else
        g_printerr ("%s: %s\n", path, problem->message);
    }

  if (!ok && report.bad == 0)
    {
      /* the file itself: said above when it is about the file's content */
      if (report.problems == NULL || report.problems->len == 0)
        return dh_cli_fail (error);
      return DH_CLI_EXIT_REJECTED;
    }

  if (cli->dry_run)
    {
      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "%u row checked: %u good, %u bad. Nothing was written (dry run).\n",
                            "%u rows checked: %u good, %u bad. Nothing was written (dry run).\n",
                            report.good + report.bad),
               report.good + report.bad, report.good, report.bad);
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

  g_print (g_dngettext (GETTEXT_PACKAGE, "%u household imported.\n", "%u households imported.\n", report.good), report.good);
  return DH_CLI_EXIT_OK;
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
