/* test-uuid.c – record ids made on the device */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
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

/* Pearson's statistic of COUNTS over BUCKETS buckets, for N values. */
static double
chi_square (const guint *counts,
            guint        buckets,
            guint        n)
{
  double expected = (double) n / buckets;
  double sum = 0;

  for (guint i = 0; i < buckets; i++)
    sum += (counts[i] - expected) * (counts[i] - expected) / expected;
  return sum;
}

/* dh_id_hash() spreads ids made in the same millisecond (whose first
 * digits are the same) as a random function would: over 4,096 buckets,
 * Pearson's statistic of 200,000 of them lies within six standard
 * deviations of its mean (4,095 ± 543), and two ids share a hash about as
 * rarely as chance has it (about 5 pairs; 100 allowed). The same text
 * hashes the same; any other text hashes as g_str_hash() hashes it, and a
 * text shorter than an id is not read past its end (the sanitizer's build
 * sees that). */
static void
test_id_hash (void)
{
  enum { IDS = 200000, BUCKETS = 4096 };
  g_autofree guint *counts = g_new0 (guint, BUCKETS);
  g_autoptr(GHashTable) hashes = g_hash_table_new (NULL, NULL);
  const char *others[] = { "", "a", "01a21d90-6484-7369-b64f", "01a21d90-6484-7369-b64f-9bfc337ac598x", "not an id at all, but longer than one" };
  double statistic;

  for (guint i = 0; i < IDS; i++)
    {
      g_autofree char *id = dh_uuid_new_at (1764000000000 + i / 1000);
      g_autofree char *copy = g_strdup (id);
      guint hash = dh_id_hash (id);

      g_assert_cmpuint (hash, ==, dh_id_hash (copy));
      counts[hash % BUCKETS]++;
      g_hash_table_add (hashes, GUINT_TO_POINTER (hash));
    }
  statistic = chi_square (counts, BUCKETS, IDS);
  g_test_message ("Pearson's statistic %.0f, %u distinct hashes of %u ids", statistic, g_hash_table_size (hashes), IDS);
  g_assert_cmpfloat (fabs (statistic - (BUCKETS - 1)), <, 6 * sqrt (2.0 * (BUCKETS - 1)));
  g_assert_cmpuint (g_hash_table_size (hashes), >=, IDS - 100);

  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autofree char *alone = g_strdup (others[i]);

      g_assert_cmpuint (dh_id_hash (alone), ==, g_str_hash (alone));
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
  g_test_add_func ("/common/uuid/ids-hash-as-well-as-their-text", test_id_hash);

  return g_test_run ();
}
