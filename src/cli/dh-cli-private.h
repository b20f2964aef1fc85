/* dh-cli-private.h – what the files of donghanh-cli share */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "dh-cli.h"
#include "dh-store.h"

G_BEGIN_DECLS

typedef struct
{
  char     *store_path;
  char     *user;
  DhStore  *store;
  /* command options */
  int       limit;
  int       offset;
  int       wait;      /* seconds a write waits for another program's; -1: the store's default */
  char     *sort;
  int       households;
  int       seed;
  char     *reason;
  gboolean  dry_run;
  gboolean  deleted;
  gboolean  force;
  gboolean  json;
  gboolean  rejected;
  gboolean  all;
  char     *server;    /* login */
  char     *ca_file;
  char     *pin;
  char     *username;
} DhCli;

DhStore *dh_cli_open_store        (DhCli        *cli,
                                   GError      **error);
DhStore *dh_cli_open_store_to_read (DhCli        *cli,
                                    GError      **error);
DhStore *dh_cli_create_store      (DhCli        *cli,
                                   GError      **error);
int      dh_cli_fail              (const GError *error);
void     dh_cli_print_json        (json_object  *object);
int      dh_cli_import_households (DhCli        *cli,
                                   const char   *path);
int      dh_cli_import_members    (DhCli        *cli,
                                   const char   *path);
int      dh_cli_export            (DhCli        *cli,
                                   const char   *entity,
                                   const char   *path);

int      dh_cli_print_record_or_fail (json_object *record,
                                      GError     **error);
void     dh_cli_print_usage_error (const char   *message);

/* dh-cli-sync.c */
int      dh_cli_print_rows_or_fail (GPtrArray    *rows,
                                    GError      **error);
int      dh_cli_run_pending (DhCli *cli, char **args, int n_args);
int      dh_cli_run_retry (DhCli *cli, char **args, int n_args);
int      dh_cli_run_set_aside (DhCli *cli, char **args, int n_args);
int      dh_cli_run_conflicts (DhCli *cli, char **args, int n_args);
int      dh_cli_run_restore (DhCli *cli, char **args, int n_args);
int      dh_cli_run_changes (DhCli *cli, char **args, int n_args);

/* dh-cli-report.c */
int      dh_cli_run_report (DhCli *cli, char **args, int n_args);

/* dh-cli-server.c */
int          dh_cli_run_login  (DhCli *cli, char **args, int n_args);
int          dh_cli_run_logout (DhCli *cli, char **args, int n_args);
int          dh_cli_run_sync   (DhCli *cli, char **args, int n_args);
json_object *dh_cli_sync_status (DhStore *store);
void         dh_cli_print_sync_status (json_object *status);

G_END_DECLS
