/* main.c – donghanh-cli's entry point */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "donghanh-cli"

#include "config.h"

#include "dh-cli.h"

int
main (int   argc,
      char *argv[])
{
  return dh_cli_main (argc, argv);
}
