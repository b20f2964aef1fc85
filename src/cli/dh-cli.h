/* dh-cli.h – donghanh-cli, the headless client */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses: success, input rejected (nothing written), usage error,
 * the store busy with another program's write (wait and try again). */
#define DH_CLI_EXIT_OK       0
#define DH_CLI_EXIT_REJECTED 1
#define DH_CLI_EXIT_USAGE    2
#define DH_CLI_EXIT_BUSY     3
/* sync and login: sign in (again); the server cannot be reached or
 * cannot answer now (try later); the server refused, or its certificate
 * cannot be trusted (nothing is retried: read the message). */
#define DH_CLI_EXIT_SIGN_IN     4
#define DH_CLI_EXIT_UNREACHABLE 5
#define DH_CLI_EXIT_REFUSED     6

int dh_cli_main (int argc, char **argv);

G_END_DECLS
