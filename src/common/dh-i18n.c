/* dh-i18n.c – where a program of Đồng Hành finds its translations */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-i18n"

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-i18n.h"

/* TRUE when FILENAME is inside DIRECTORY once both are resolved, so that a
 * build tree reached through a symbolic link still counts as itself. */
static gboolean
path_is_inside (const char *filename,
                const char *directory)
{
  g_autofree char *real_directory = realpath (directory, NULL);
  g_autofree char *real_filename = realpath (filename, NULL);

  return real_directory != NULL && real_filename != NULL &&
         g_str_has_prefix (real_filename, real_directory) &&
         real_filename[strlen (real_directory)] == G_DIR_SEPARATOR;
}

/* Where the translations are: a program run from its build tree uses the
 * catalogue built next to it; an installed one uses its prefix's, found
 * from where the program is, so that an installation staged with
 * --destdir or moved elsewhere finds its own; the configured prefix is
 * the last resort. DONGHANH_LOCALEDIR overrides all of this. */
static char *
find_localedir (void)
{
  const char *override = g_getenv ("DONGHANH_LOCALEDIR");
  g_autofree char *program = NULL;

  if (override != NULL && *override != '\0')
    return g_strdup (override);

  program = g_file_read_link ("/proc/self/exe", NULL);
  if (program == NULL)
    return g_strdup (LOCALEDIR);

  if (path_is_inside (program, DH_BUILD_ROOT))
    return g_strdup (DH_SOURCE_LOCALEDIR);

#ifdef DH_BINDIR_TO_LOCALEDIR
  {
    g_autofree char *bindir = g_path_get_dirname (program);
    g_autofree char *beside = g_build_filename (bindir, DH_BINDIR_TO_LOCALEDIR, NULL);
    g_autofree char *localedir = realpath (beside, NULL);

    if (localedir != NULL && g_file_test (localedir, G_FILE_TEST_IS_DIR))
      return g_steal_pointer (&localedir);
  }
#endif

  return g_strdup (LOCALEDIR);
}

/**
 * dh_i18n_init:
 *
 * Sets the locale and finds the translations, for every program of the
 * project: from the build tree when run from it, else beside the program.
 */
void
dh_i18n_init (void)
{
  g_autofree char *localedir = find_localedir ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
