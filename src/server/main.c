/* main.c – donghanh-server's entry point */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "donghanh-server"

#include "config.h"

#include "dh-server.h"

int
main (int   argc,
      char *argv[])
{
  return dh_server_main (argc, argv);
}
