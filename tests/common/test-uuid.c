/* test-uuid.c – record ids made on the device */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "dh-entity.h"
#include "dh-uuid.h"

static void
test_ids_are_valid_version_7 (void)
{
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *id = dh_uuid_new ();

      g_assert_true (g_uuid_string_is_valid (id));
      g_assert_cmpint (id[14], ==, '7');
      g_assert_nonnull (strchr ("89ab", id[19]));
    }
}

static void
test_later_ids_sort_later (void)
{
  g_autofree char *earlier = dh_uuid_new_at (1764000000000);
  g_autofree char *later = dh_uuid_new_at (1764000000001);
  g_autofree char *much_later = dh_uuid_new_at (1900000000000);

  g_assert_cmpint (strcmp (earlier, later), <, 0);
  g_assert_cmpint (strcmp (later, much_later), <, 0);
  /* the first 48 bits are the milliseconds */
  g_assert_true (g_str_has_prefix (earlier, "019ab"));
}

static void
test_ids_differ (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 10000; i++)
    g_assert_true (g_hash_table_add (seen, dh_uuid_new_at (1764000000000)));
}

/* An id from elsewhere is checked as GLib checks one. */
static void
test_id_check_agrees_with_glib (void)
{
  static const char * const texts[] = {
    "019ab697-e800-7000-8000-0123456789ab", "019AB697-E800-7000-8000-0123456789AB",
    "019ab697e800-7000-8000-0123456789ab-", "019ab697-e800-7000-8000-0123456789a",
    "019ab697-e800-7000-8000-0123456789abc", "019ab697-e800-7000-8000-0123456789ag",
    "019ab697-e800-7000-8000_0123456789ab", "{019ab697-e800-7000-8000-0123456789a}",
    "", "019ab697", "019ab697-e800-7000-8000-0123456789a\xc3\xa9",
  };

  g_assert_false (dh_is_valid_uuid (NULL));
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    g_assert_cmpint (dh_is_valid_uuid (texts[i]), ==, g_uuid_string_is_valid (texts[i]));
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *id = g_uuid_string_random ();

      g_assert_true (dh_is_valid_uuid (id));
      id[i % 36] = 'x';
      g_assert_false (dh_is_valid_uuid (id));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/uuid/ids-are-valid-version-7", test_ids_are_valid_version_7);
  g_test_add_func ("/common/uuid/later-ids-sort-later", test_later_ids_sort_later);
  g_test_add_func ("/common/uuid/ids-differ", test_ids_differ);
  g_test_add_func ("/common/uuid/check-agrees-with-glib", test_id_check_agrees_with_glib);

  return g_test_run ();
}
