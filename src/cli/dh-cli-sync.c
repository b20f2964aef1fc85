/* dh-cli-sync.c – donghanh-cli's commands for what travels: the queue, bundles, what was set aside, conflicts, restoring */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-cli"

#include "config.h"

#include <unistd.h>
#include <glib/gi18n-lib.h>

#include "dh-autocleanups.h"
#include "dh-error.h"
#include "dh-cli-private.h"

/* The changes waiting to leave, as they travel; with --rejected, the ones
 * the server refused, each with its reason. */
int
dh_cli_run_pending (DhCli  *cli,
             char  **args,
             int     n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  guint limit = cli->limit > 0 ? (guint) cli->limit : 0;
  DhStore *store = dh_cli_open_store (cli, &error);

  if (store == NULL)
    return dh_cli_fail (error);

  if (cli->rejected)
    changes = dh_store_list_queue (store, TRUE, limit, &error);
  else
    changes = dh_store_get_pending_changes (store, limit, &error);
  return dh_cli_print_rows_or_fail (changes, &error);
}

/* What failed, tried again once what refused it may be gone: the changes
 * the server refused go back in the queue as they are, for the next sync,
 * and the changes set aside here are applied again. */
int
dh_cli_run_retry (DhCli  *cli,
                  char  **args,
                  int     n_args)
{
  g_autoptr(GError) error = NULL;
  DhStore *store = dh_cli_open_store (cli, &error);
  DhApplyReport set_aside = { 0 };
  guint count = 0;

  if (store == NULL || !dh_store_retry_rejected (store, &count, &error) ||
      !dh_store_apply_set_aside (store, &set_aside, &error))
    return dh_cli_fail (error);

  if (count == 0)
    g_print (_("No change was refused by the server; there is nothing to send again.\n"));
  else
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "%u refused change goes again with the next sync (donghanh-cli sync).\n",
                          "%u refused changes go again with the next sync (donghanh-cli sync).\n",
                          count),
             count);
  if (set_aside.applied > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "Applied now: %u change set aside earlier.\n",
                          "Applied now: %u changes set aside earlier.\n",
                          set_aside.applied),
             set_aside.applied);
  if (set_aside.rejected > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "Still set aside: %u change from elsewhere, with its reason (donghanh-cli set-aside).\n",
                          "Still set aside: %u changes from elsewhere, with their reasons (donghanh-cli set-aside).\n",
                          set_aside.rejected),
             set_aside.rejected);

  return DH_CLI_EXIT_OK;
}

/* The changes from elsewhere that were set aside, each with its reason, newest first. */
int
dh_cli_run_set_aside (DhCli  *cli,
               char  **args,
               int     n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  DhStore *store = dh_cli_open_store (cli, &error);

  if (store == NULL)
    return dh_cli_fail (error);

  entries = dh_store_list_quarantine (store, cli->limit > 0 ? (guint) cli->limit : 0, &error);
  return dh_cli_print_rows_or_fail (entries, &error);
}

/* What an official settles: concurrent edits, and records deleted while
 * someone elsewhere still worked on them. */
int
dh_cli_run_conflicts (DhCli  *cli,
               char  **args,
               int     n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  DhStore *store = dh_cli_open_store (cli, &error);

  if (store == NULL)
    return dh_cli_fail (error);

  conflicts = dh_store_list_conflicts (store, cli->all, &error);
  return dh_cli_print_rows_or_fail (conflicts, &error);
}

int
dh_cli_run_restore (DhCli  *cli,
             char  **args,
             int     n_args)
{
  g_autoptr(GError) error = NULL;
  DhStore *store = dh_cli_open_store (cli, &error);

  if (store == NULL || !dh_store_restore (store, args[0], args[1], &error))
    return dh_cli_fail (error);

  return dh_cli_print_record_or_fail (dh_store_get (store, args[0], args[1], &error), &error);
}

static int
export_bundle (DhCli      *cli,
               const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *display = g_filename_display_name (path);
  DhStore *store = dh_cli_open_store (cli, &error);
  guint count;

  if (store == NULL)
    return dh_cli_fail (error);
  if (!dh_store_export_bundle (store, path, cli->force, &count, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          g_printerr (_("donghanh-cli: %s exists already; choose another name, or give --force to replace it\n"), display);
          return DH_CLI_EXIT_REJECTED;
        }
      return dh_cli_fail (error);
    }

  if (count == 0)
    g_print (_("No change is waiting to be sent; the bundle written to %s is empty.\n"), display);
  else
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "%u change written to %s. Apply it on a device with a connection or at the commune office "
                          "(donghanh-cli changes apply).\n",
                          "%u changes written to %s. Apply them on a device with a connection or at the commune office "
                          "(donghanh-cli changes apply).\n",
                          count),
             count, display);

  return DH_CLI_EXIT_OK;
}

static json_object *
bundle_report_to_json (const DhBundleReport *report)
{
  json_object *object = json_object_new_object ();
  json_object *reasons = json_object_new_array ();

  if (report->device != NULL)
    json_object_object_add (object, "device", json_object_new_string (report->device));
  if (report->made_at != NULL)
    json_object_object_add (object, "made_at", json_object_new_string (report->made_at));
  json_object_object_add (object, "count", json_object_new_int64 (report->count));
  json_object_object_add (object, "received", json_object_new_int64 (report->received));
  json_object_object_add (object, "complete", json_object_new_boolean (report->complete));
  json_object_object_add (object, "nothing_new", json_object_new_boolean (report->nothing_new));
  json_object_object_add (object, "applied", json_object_new_int64 (report->changes.applied));
  json_object_object_add (object, "already", json_object_new_int64 (report->changes.already));
  json_object_object_add (object, "held", json_object_new_int64 (report->changes.held));
  json_object_object_add (object, "conflicts", json_object_new_int64 (report->changes.conflicts));
  json_object_object_add (object, "set_aside", json_object_new_int64 (report->changes.rejected));
  for (guint i = 0; report->set_aside != NULL && i < report->set_aside->len; i++)
    json_object_array_add (reasons, json_object_get (g_ptr_array_index (report->set_aside, i)));
  json_object_object_add (object, "reasons", reasons);

  return object;
}

/* 24/11/2026 10:32, in the local time, as people read it */
static char *
format_made_at (const char *iso)
{
  g_autoptr(GDateTime) time = iso != NULL ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr(GDateTime) local = time != NULL ? g_date_time_to_local (time) : NULL;

  if (local == NULL)
    return g_strdup (iso != NULL ? iso : "?");

  return g_date_time_format (local, "%d/%m/%Y %H:%M");
}

static void
print_bundle_report (const DhBundleReport *report)
{
  const DhApplyReport *changes = &report->changes;
  g_autofree char *made_at = format_made_at (report->made_at);

  if (report->user != NULL)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "Bundle of %u change made by %s, %s.\n",
                          "Bundle of %u changes made by %s, %s.\n",
                          report->count),
             report->count, report->user, made_at);
  else
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "Bundle of %u change, made %s.\n",
                          "Bundle of %u changes, made %s.\n",
                          report->count),
             report->count, made_at);

  if (report->received == 0)
    g_print (_("It carries no change.\n"));
  else if (report->nothing_new)
    g_print (_("Nothing new: this store had every change in it already.\n"));

  if (changes->applied > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, "%u change applied\n", "%u changes applied\n", changes->applied),
             changes->applied);
  if (changes->already > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, "%u change was here already\n", "%u changes were here already\n", changes->already),
             changes->already);
  if (changes->held > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "%u change waits for the record it belongs to; it applies when that record arrives\n",
                          "%u changes wait for the record they belong to; they apply when that record arrives\n",
                          changes->held),
             changes->held);
  if (changes->conflicts > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "%u conflict found: two people changed the same thing; a commune official settles it (list conflict)\n",
                          "%u conflicts found: two people changed the same thing; a commune official settles them (list conflict)\n",
                          changes->conflicts),
             changes->conflicts);
  if (changes->rejected > 0)
    {
      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "%u change set aside, with its reason (donghanh-cli set-aside lists it again):\n",
                            "%u changes set aside, with their reasons (donghanh-cli set-aside lists them again):\n",
                            changes->rejected),
               changes->rejected);
      for (guint i = 0; i < report->set_aside->len; i++)
        {
          json_object *entry = g_ptr_array_index (report->set_aside, i);
          const char *entity_name = dh_json_get_string (entry, "entity");
          const char *record_id = dh_json_get_string (entry, "record_id");
          const char *reason = dh_json_get_string (entry, "reason");
          const DhEntity *entity = dh_entity_lookup (entity_name);

          if (record_id != NULL)
            g_print ("  %s %s: %s\n", entity != NULL ? dh_entity_get_label (entity) : entity_name, record_id, reason);
          else
            g_print ("  %s\n", reason);
        }
    }

  if (!report->complete)
    g_print (_("This bundle is not whole: it was cut short or changed after it was made (%u of %u changes read). "
               "What was whole has been applied; copy the bundle again from the device that made it and apply the copy.\n"),
             report->received, report->count);
}

/* A large bundle takes a while on an old laptop: say how far it got, every
 * 5,000 changes, to someone watching. */
static void
bundle_progress_cb (guint    done,
                    guint    total,
                    gpointer user_data)
{
  guint *shown = user_data;

  if (done / 5000 > *shown / 5000 && done < total)
    {
      g_printerr (g_dngettext (GETTEXT_PACKAGE, "%u of %u change read\n", "%u of %u changes read\n", total), done, total);
      *shown = done;
    }
}

static int
apply_bundle (DhCli      *cli,
              const char *path)
{
  g_autoptr(GError) error = NULL;
  g_auto(DhBundleReport) report = { 0 };
  DhStore *store = dh_cli_open_store (cli, &error);
  guint shown = 0;

  if (store == NULL)
    return dh_cli_fail (error);

  /* what landed before a failure stays; applying the bundle again is harmless */
  if (!dh_store_apply_bundle (store, path, isatty (STDERR_FILENO) ? bundle_progress_cb : NULL, &shown, &report, &error))
    return dh_cli_fail (error);

  if (cli->json)
    {
      g_autoptr(json_object) object = bundle_report_to_json (&report);

      dh_cli_print_json (object);
    }
  else
    print_bundle_report (&report);

  return report.complete ? DH_CLI_EXIT_OK : DH_CLI_EXIT_REJECTED;
}

/* changes export FILE | changes apply FILE: changes carried on a USB stick */
int
dh_cli_run_changes (DhCli  *cli,
             char  **args,
             int     n_args)
{
  if (g_str_equal (args[0], "export"))
    return export_bundle (cli, args[1]);
  if (g_str_equal (args[0], "apply"))
    return apply_bundle (cli, args[1]);

  dh_cli_print_usage_error (_("changes takes: export FILE [--force], or apply FILE [--json]"));
  return DH_CLI_EXIT_USAGE;
}
