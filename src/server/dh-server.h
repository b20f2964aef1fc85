/* dh-server.h – donghanh-server's commands */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses, as the README documents them. */
enum
{
  DH_SERVER_EXIT_OK = 0,
  DH_SERVER_EXIT_REJECTED = 1,   /* what was given was refused; the message says why */
  DH_SERVER_EXIT_USAGE = 2,      /* unknown command or option, missing argument */
  DH_SERVER_EXIT_DATABASE = 3,   /* PostgreSQL cannot be reached, or its schema is not this program's */
};

int dh_server_main (int argc, char *argv[]);

G_END_DECLS
