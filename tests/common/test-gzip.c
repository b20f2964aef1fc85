/* test-gzip.c – what travels gzipped comes back whole */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "dh-gzip.h"
#include "page-like.h"

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

/* A gzip member whose trailer says LENGTH, whatever it holds */
static GBytes *
with_trailer_length (GBytes  *gzipped,
                     guint32  length)
{
  GByteArray *bytes = g_byte_array_new ();
  guint32 le = GUINT32_TO_LE (length);

  g_byte_array_append (bytes, g_bytes_get_data (gzipped, NULL), g_bytes_get_size (gzipped));
  g_assert_cmpuint (bytes->len, >=, 18);
  memcpy (bytes->data + bytes->len - sizeof le, &le, sizeof le);
  return g_byte_array_free_to_bytes (bytes);
}

static char *
inflate_bytes (GBytes   *gzipped,
               gsize     max_length,
               gsize    *out_length,
               gboolean *out_too_large)
{
  return dh_gzip_inflate_text (g_bytes_get_data (gzipped, NULL), g_bytes_get_size (gzipped), max_length,
                               out_length, out_too_large);
}

/* The text comes whole, with a NUL after it that its length leaves out */
static void
test_inflate_text (void)
{
  g_autoptr(GString) page = page_like (200 * 1024, 5);
  g_autoptr(GBytes) gzipped = dh_gzip_compress (page->str, page->len);
  g_autofree char *text = NULL;
  g_autofree char *empty = NULL;
  g_autoptr(GBytes) nothing = dh_gzip_compress ("", 0);
  gsize length = 1;
  gboolean too_large = TRUE;

  text = inflate_bytes (gzipped, page->len, &length, &too_large);
  g_assert_nonnull (text);
  g_assert_false (too_large);
  g_assert_cmpmem (text, length, page->str, page->len);
  g_assert_cmpint (text[length], ==, '\0');

  empty = inflate_bytes (nothing, 0, &length, &too_large);
  g_assert_nonnull (empty);
  g_assert_cmpuint (length, ==, 0);
  g_assert_cmpint (empty[0], ==, '\0');
}

/* The length a member's trailer gives is where inflating begins, never
 * what it believes: a trailer that lies is found out, a bomb that says it
 * is small still stops at the limit, and what follows a member is refused */
static void
test_inflate_trailer_not_trusted (void)
{
  g_autoptr(GString) page = page_like (100 * 1024, 9);
  g_autoptr(GBytes) gzipped = dh_gzip_compress (page->str, page->len);
  g_autoptr(GString) bomb_text = g_string_new (NULL);
  g_autoptr(GBytes) bomb = NULL;
  g_autoptr(GByteArray) two = g_byte_array_new ();
  const guint32 lies[] = { 0, 1, (guint32) page->len - 1, (guint32) page->len + 1, (guint32) page->len * 4, G_MAXUINT32 };
  gsize length = 0;
  gboolean too_large = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (lies); i++)
    {
      g_autoptr(GBytes) lying = with_trailer_length (gzipped, lies[i]);
      g_autofree char *text = inflate_bytes (lying, page->len * 8, &length, &too_large);

      g_test_message ("trailer says %u of %" G_GSIZE_FORMAT, lies[i], page->len);
      g_assert_null (text);
      g_assert_false (too_large);
    }

  /* 4 MiB of one letter: a few kilobytes of gzip */
  g_string_set_size (bomb_text, 4 * 1024 * 1024);
  memset (bomb_text->str, 'a', bomb_text->len);
  bomb = dh_gzip_compress (bomb_text->str, bomb_text->len);
  g_assert_cmpuint (g_bytes_get_size (bomb), <, 16 * 1024);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GBytes) told = with_trailer_length (bomb, i == 0 ? (guint32) bomb_text->len : 1024);
      g_autofree char *text = inflate_bytes (told, 1024 * 1024, &length, &too_large);

      g_assert_null (text);
      g_assert_true (too_large);
    }

  /* two members, one after the other */
  g_byte_array_append (two, g_bytes_get_data (gzipped, NULL), g_bytes_get_size (gzipped));
  g_byte_array_append (two, g_bytes_get_data (gzipped, NULL), g_bytes_get_size (gzipped));
  {
    g_autofree char *text = dh_gzip_inflate_text (two->data, two->len, page->len * 4, &length, &too_large);

    g_assert_null (text);
    g_assert_false (too_large);
  }
}

/* Each thread compresses with its own compressor: the server's threads
 * answer at once */
static void
test_threads (void)
{
  page_like_round_trips_in_threads (assert_round_trip);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gzip/round-trip", test_round_trip);
  g_test_add_func ("/gzip/inflate-stops-at-its-limit", test_inflate_limit);
  g_test_add_func ("/gzip/inflate-text", test_inflate_text);
  g_test_add_func ("/gzip/inflate-trailer-not-trusted", test_inflate_trailer_not_trusted);
  g_test_add_func ("/gzip/one-compressor-a-thread", test_threads);

  return g_test_run ();
}
