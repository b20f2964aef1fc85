/* main.c – donghanh, the caseworker's desktop application */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "donghanh"

#include "config.h"

#include "dh-application.h"
#include "dh-i18n.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DhApplication) app = NULL;

  dh_i18n_init ();
  dh_application_choose_renderer ();

  app = dh_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
