/* test-gzip.c – what travels gzipped comes back whole */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "dh-gzip.h"

/* LENGTH bytes a page of changes might hold: JSON that repeats itself,
 * with numbers that do not, from SEED */
static GString *
page_like (gsize   length,
           guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  GString *text = g_string_sized_new (length + 128);

  while (text->len < length)
    g_string_append_printf (text, "{\"e\":\"member\",\"r\":\"%08x-%04x\",\"f\":{\"full_name\":[\"Nguyễn Thị %u\"]}},",
                            g_rand_int (rand), g_rand_int_range (rand, 0, 0xffff), g_rand_int_range (rand, 0, 1000));
  g_string_truncate (text, length);
  return text;
}

static GBytes *
random_bytes (gsize   length,
              guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint8 *data = g_malloc (length);

  for (gsize i = 0; i < length; i++)
    data[i] = (guint8) g_rand_int_range (rand, 0, 256);
  return g_bytes_new_take (data, length);
}

static void
assert_round_trip (const void *data,
                   gsize       length)
{
  g_autoptr(GBytes) gzipped = dh_gzip_compress (data, length);
  g_autoptr(GBytes) inflated = NULL;
  const guint8 *bytes;
  gsize gzipped_length;
  guint32 trailer_length;
  gboolean too_large = TRUE;

  bytes = g_bytes_get_data (gzipped, &gzipped_length);
  /* a gzip member: its magic, deflate, and the length in its trailer */
  g_assert_cmpuint (gzipped_length, >=, 18);
  g_assert_cmpuint (bytes[0], ==, 0x1f);
  g_assert_cmpuint (bytes[1], ==, 0x8b);
  g_assert_cmpuint (bytes[2], ==, 8);
  memcpy (&trailer_length, bytes + gzipped_length - 4, sizeof trailer_length);
  g_assert_cmpuint (GUINT32_FROM_LE (trailer_length), ==, (guint32) length);

  inflated = dh_gzip_inflate (bytes, gzipped_length, length, &too_large);
  g_assert_nonnull (inflated);
  g_assert_false (too_large);
  g_assert_cmpmem (g_bytes_get_data (inflated, NULL), g_bytes_get_size (inflated), data, length);
}

static void
test_round_trip (void)
{
  g_autoptr(GString) page = page_like (800 * 1024, 7);
  g_autoptr(GBytes) noise = random_bytes (300 * 1024, 11);
  g_autoptr(GBytes) gzipped = NULL;

  assert_round_trip ("", 0);
  assert_round_trip ("{", 1);
  assert_round_trip (page->str, page->len);
  assert_round_trip (g_bytes_get_data (noise, NULL), g_bytes_get_size (noise));

  /* what repeats shrinks: this page, random ids and all, to a fifth or less */
  gzipped = dh_gzip_compress (page->str, page->len);
  g_assert_cmpuint (g_bytes_get_size (gzipped) * 5, <=, page->len);
}

/* Inflating stops at the limit it is given, one byte short of the whole */
static void
test_inflate_limit (void)
{
  g_autoptr(GString) page = page_like (64 * 1024, 3);
  g_autoptr(GBytes) gzipped = dh_gzip_compress (page->str, page->len);
  g_autoptr(GBytes) inflated = NULL;
  gboolean too_large = FALSE;

  inflated = dh_gzip_inflate (g_bytes_get_data (gzipped, NULL), g_bytes_get_size (gzipped), page->len - 1, &too_large);
  g_assert_null (inflated);
  g_assert_true (too_large);

  /* and what is not gzip is said to be so, not too large */
  inflated = dh_gzip_inflate (page->str, page->len, page->len, &too_large);
  g_assert_null (inflated);
  g_assert_false (too_large);
}

static gpointer
compress_many (gpointer data)
{
  guint32 seed = GPOINTER_TO_UINT (data);

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(GString) page = page_like (32 * 1024 + i * 997, seed * 100 + i);

      assert_round_trip (page->str, page->len);
    }
  return NULL;
}

/* Each thread compresses with its own compressor: the server's threads
 * answer at once */
static void
test_threads (void)
{
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("gzip", compress_many, GUINT_TO_POINTER (i + 1));
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gzip/round-trip", test_round_trip);
  g_test_add_func ("/gzip/inflate-stops-at-its-limit", test_inflate_limit);
  g_test_add_func ("/gzip/one-compressor-a-thread", test_threads);

  return g_test_run ();
}
