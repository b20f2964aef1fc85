/* test-renderer.c – the window renders with cairo where no graphics device would run OpenGL */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gstdio.h>

#include "dh-application.h"
#include "../test-tree.h"

static char *
make_devices (const char * const *names)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("donghanh-dri-XXXXXX", &error);

  g_assert_no_error (error);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      g_assert_true (g_file_set_contents (path, "", 0, NULL));
    }

  return dir;
}

/* A render node means a driver for the card: GTK's own choice stands. */
static void
test_render_node_keeps_gtk_choice (void)
{
  static const char * const names[] = { "card0", "renderD128", NULL };
  g_autofree char *dir = make_devices (names);

  g_assert_null (dh_application_pick_renderer (dir));
  test_remove_tree (dir);
}

/* A card without a render node, no device at all, or no /dev/dri: the
 * processor would emulate OpenGL, and cairo is faster there. */
static void
test_no_render_node_takes_cairo (void)
{
  static const char * const card_only[] = { "card0", NULL };
  static const char * const nothing[] = { NULL };
  g_autofree char *with_card = make_devices (card_only);
  g_autofree char *empty = make_devices (nothing);
  g_autofree char *missing = g_build_filename (empty, "dri", NULL);

  g_assert_cmpstr (dh_application_pick_renderer (with_card), ==, "cairo");
  g_assert_cmpstr (dh_application_pick_renderer (empty), ==, "cairo");
  g_assert_cmpstr (dh_application_pick_renderer (missing), ==, "cairo");
  test_remove_tree (with_card);
  test_remove_tree (empty);
}

/* What the user set is kept. */
static void
test_user_choice_kept (void)
{
  g_setenv ("GSK_RENDERER", "ngl", TRUE);
  dh_application_choose_renderer ();
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "ngl");
  g_unsetenv ("GSK_RENDERER");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/renderer/render-node-keeps-gtk-choice", test_render_node_keeps_gtk_choice);
  g_test_add_func ("/app/renderer/no-render-node-takes-cairo", test_no_render_node_takes_cairo);
  g_test_add_func ("/app/renderer/user-choice-kept", test_user_choice_kept);

  return g_test_run ();
}
