/* test-allocator.c – the allocator every program links (meson option allocator) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define _GNU_SOURCE
#include "config.h"

#include <dlfcn.h>
#include <string.h>

#include <glib.h>
#include <json.h>

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

/* What jemalloc counts this thread has allocated, in bytes. */
static guint64
thread_allocated (MallctlFunc mallctl)
{
  guint64 allocated = 0;
  size_t length = sizeof allocated;

  g_assert_cmpint (mallctl ("thread.allocated", &allocated, &length, NULL, 0), ==, 0);
  return allocated;
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
      guint64 before;
      char *block;
      g_autofree char *text = NULL;
      json_object *string;

      g_assert_nonnull (strstr (library, "libjemalloc"));
      g_assert_nonnull (mallctl);
      g_assert_cmpint (mallctl ("version", &version, &length, NULL, 0), ==, 0);
      g_assert_true (g_str_has_prefix (version, "5."));

      /* GLib's blocks and json-c's are jemalloc's: it counts them */
      before = thread_allocated (mallctl);
      block = g_malloc (1 << 20);
      memset (block, 'a', 1 << 20);
      g_assert_cmpuint (thread_allocated (mallctl) - before, >=, 1 << 20);
      before = thread_allocated (mallctl);
      text = g_strndup (block, (1 << 20) - 1);
      string = json_object_new_string (text);
      g_assert_cmpuint (thread_allocated (mallctl) - before, >=, 2 << 20);
      json_object_put (string);
      g_free (block);
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
