/* test-threads.h – the niceness of this process's threads, as Linux keeps it for each */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <string.h>
#include <glib.h>

/* The niceness of each thread of this process (of those named NAME, when
 * not NULL), by the thread's id as /proc names it. */
static inline GHashTable *
test_threads_niceness (const char *name)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  GHashTable *all = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *task;

  g_assert_nonnull (dir);
  while ((task = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *stat_path = g_build_filename ("/proc/self/task", task, "stat", NULL);
      g_autofree char *comm_path = g_build_filename ("/proc/self/task", task, "comm", NULL);
      g_autofree char *stat = NULL;
      g_autofree char *comm = NULL;
      g_auto(GStrv) fields = NULL;
      const char *after_name;

      /* a thread that ended meanwhile */
      if (!g_file_get_contents (stat_path, &stat, NULL, NULL) ||
          (name != NULL && !g_file_get_contents (comm_path, &comm, NULL, NULL)))
        continue;
      if (name != NULL && !g_str_equal (g_strchomp (comm), name))
        continue;
      /* after "(comm)", the third field is the state; the niceness is the 19th of the line */
      after_name = strrchr (stat, ')');
      g_assert_nonnull (after_name);
      fields = g_strsplit (after_name + 2, " ", -1);
      g_assert_cmpuint (g_strv_length (fields), >, 16);
      g_hash_table_insert (all, g_strdup (task), GINT_TO_POINTER ((int) g_ascii_strtoll (fields[16], NULL, 10)));
    }

  return all;
}
