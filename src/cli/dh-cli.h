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

int dh_cli_main (int argc, char **argv);

G_END_DECLS
