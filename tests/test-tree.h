/* test-tree.h – a test's own temporary directory, removed with what it holds */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>
#include <glib/gstdio.h>

/* Removes @dir and everything under it: a store leaves its -wal and -shm
 * beside it while a connection is open, and a test that fails halfway
 * leaves what it made. Only ever called on a directory that
 * g_dir_make_tmp() made for the test. */
static inline void
test_remove_tree (const char *dir)
{
  g_autoptr(GDir) listing = NULL;
  const char *name;

  if (dir == NULL)
    return;

  listing = g_dir_open (dir, 0, NULL);
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        test_remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}
