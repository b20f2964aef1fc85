/* test-allocator.c – the allocator every program links (meson option allocator) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define _GNU_SOURCE
#include "config.h"

#include <dlfcn.h>
#include <string.h>

#include <glib.h>
#include <json.h>
#include <sqlite3.h>

#include "dh-autocleanups.h"

typedef int (*MallctlFunc) (const char *name, void *old, size_t *old_len, void *new_value, size_t new_len);

/* The file of the library that malloc() resolves to for every library of
 * the process: the first in the order the dynamic linker searches. */
static const char *
malloc_library (void)
{
  void *found = dlsym (RTLD_DEFAULT, "malloc");
  Dl_info info;

  g_assert_nonnull (found);
  g_assert_true (dladdr (found, &info) != 0);
  g_assert_nonnull (info.dli_fname);
  return info.dli_fname;
}

/* What jemalloc counts this thread has allocated, in bytes; FALSE when it
 * was built without its statistics. */
static gboolean
thread_allocated (MallctlFunc  mallctl,
                  guint64     *out_allocated)
{
  size_t length = sizeof *out_allocated;

  return mallctl ("thread.allocated", out_allocated, &length, NULL, 0) == 0;
}

/* How much more jemalloc counts once ALLOCATE ran on this thread. */
static guint64
allocated_by (MallctlFunc    mallctl,
              gpointer     (*allocate) (const char *text),
              const char    *text,
              gpointer      *out_block)
{
  guint64 before, after;

  g_assert_true (thread_allocated (mallctl, &before));
  *out_block = allocate (text);
  g_assert_true (thread_allocated (mallctl, &after));
  return after - before;
}

#define BLOCK_SIZE (1 << 20)

static gpointer
allocate_glib (const char *text)
{
  return g_malloc0 (BLOCK_SIZE);
}

/* TEXT was made before: only json-c's copy of it is counted */
static gpointer
allocate_json_c (const char *text)
{
  return json_object_new_string (text);
}

static gpointer
allocate_sqlite (const char *text)
{
  return sqlite3_malloc (BLOCK_SIZE);
}

static void
test_every_library_allocates_through_it (void)
{
  const char *library = malloc_library ();

  g_test_message ("allocator %s, malloc() from %s", DH_ALLOCATOR, library);
  if (g_str_equal (DH_ALLOCATOR, "jemalloc"))
    {
      MallctlFunc mallctl = (MallctlFunc) dlsym (RTLD_DEFAULT, "mallctl");
      const char *version = NULL;
      size_t length = sizeof version;
      guint64 counted;
      gpointer block;
      g_autoptr(json_object) string = NULL;
      g_autofree char *text = g_strnfill (BLOCK_SIZE - 1, 'a');

      g_assert_nonnull (strstr (library, "libjemalloc"));
      g_assert_nonnull (mallctl);
      g_assert_cmpint (mallctl ("version", &version, &length, NULL, 0), ==, 0);
      g_assert_nonnull (version);
      if (!thread_allocated (mallctl, &counted))
        {
          g_test_skip ("this jemalloc was built without its statistics");
          return;
        }

      /* GLib's blocks, json-c's and SQLite's are jemalloc's: it counts them */
      g_assert_cmpuint (allocated_by (mallctl, allocate_glib, NULL, &block), >=, BLOCK_SIZE);
      g_free (block);
      g_assert_cmpuint (allocated_by (mallctl, allocate_json_c, text, &block), >=, BLOCK_SIZE);
      string = block;
      g_assert_cmpuint (allocated_by (mallctl, allocate_sqlite, NULL, &block), >=, BLOCK_SIZE);
      sqlite3_free (block);
    }
  else
    {
      g_assert_true (g_str_equal (DH_ALLOCATOR, "system"));
      g_assert_null (strstr (library, "jemalloc"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/allocator/every-library-allocates-through-it", test_every_library_allocates_through_it);

  return g_test_run ();
}
