/* test-zstd.c – what travels in zstd comes back whole, and nothing else is read */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include <zstd.h>

#include "dh-zstd.h"
#include "page-like.h"

/* DATA back from its zstd, with a NUL after it; NULL if it was not read */
static char *
decompress (GBytes   *frame,
            gsize     max_length,
            gsize    *out_length,
            gboolean *out_too_large)
{
  return dh_zstd_decompress_text (g_bytes_get_data (frame, NULL), g_bytes_get_size (frame), max_length,
                                  out_length, out_too_large);
}

static void
assert_round_trip (const void *data,
                   gsize       length)
{
  g_autoptr(GBytes) frame = dh_zstd_compress (data, length);
  gboolean too_large = TRUE;
  gsize made = 1;
  g_autofree char *text = decompress (frame, length, &made, &too_large);

  g_assert_nonnull (text);
  g_assert_false (too_large);
  g_assert_cmpuint (made, ==, length);
  g_assert_cmpmem (text, made, data, length);
  g_assert_cmpint (text[made], ==, '\0');
}

static void
test_round_trip (void)
{
  const gsize lengths[] = { 0, 1, 1024, 100 * 1000, 2 * 1000 * 1000 };

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      g_autoptr(GString) page = page_like (lengths[i], i);
      g_autoptr(GRand) rand = g_rand_new_with_seed (i);
      g_autofree guint8 *noise = g_malloc (lengths[i] + 1);

      assert_round_trip (page->str, page->len);
      for (gsize j = 0; j < lengths[i]; j++)
        noise[j] = (guint8) g_rand_int_range (rand, 0, 256);
      assert_round_trip (noise, lengths[i]);
    }

  /* a page's worth of JSON comes to a small part of itself */
  {
    g_autoptr(GString) page = page_like (1000 * 1000, 7);
    g_autoptr(GBytes) frame = dh_zstd_compress (page->str, page->len);

    g_assert_cmpuint (g_bytes_get_size (frame), <, page->len / 3);
  }
}

/* Room is made for the length the frame gives, when it is within the
 * bound; past it, nothing is made */
static void
test_limit (void)
{
  g_autoptr(GString) page = page_like (50 * 1000, 1);
  g_autoptr(GBytes) frame = dh_zstd_compress (page->str, page->len);
  gboolean too_large = FALSE;
  gsize made = 0;
  g_autofree char *text = decompress (frame, page->len - 1, &made, &too_large);

  g_assert_null (text);
  g_assert_true (too_large);
  g_assert_cmpuint (made, ==, 0);
  text = decompress (frame, page->len, &made, &too_large);
  g_assert_nonnull (text);
  g_assert_false (too_large);
}

/* Sets the length a frame's header gives (its Frame_Content_Size, in the
 * width the header has for it) */
static void
set_declared_length (guint8  *frame,
                     guint64  length)
{
  const guint did_widths[] = { 0, 1, 2, 4 };
  guint8 descriptor = frame[4];
  guint fcs_flag = descriptor >> 6;
  gboolean single_segment = (descriptor >> 5) & 1;
  guint at = 5 + (single_segment ? 0 : 1) + did_widths[descriptor & 3];
  guint width = fcs_flag == 0 ? 1 : 1u << fcs_flag;

  g_assert_true (fcs_flag > 0 || single_segment);
  if (fcs_flag == 1)
    length -= 256;
  for (guint i = 0; i < width; i++)
    frame[at + i] = (guint8) (length >> (8 * i));
}

/* Nothing but one whole frame that says its length, with its sum, is
 * read: cut anywhere, a byte changed anywhere (unless it changes
 * nothing it makes), two frames, something
 * after the frame, a frame without its length, a header that lies */
static void
test_nothing_else_read (void)
{
  g_autoptr(GString) page = page_like (20 * 1000, 3);
  g_autoptr(GBytes) frame = dh_zstd_compress (page->str, page->len);
  const guint8 *data = g_bytes_get_data (frame, NULL);
  gsize length = g_bytes_get_size (frame);
  gsize max_length = 64 * 1024 * 1024;
  gboolean too_large;
  gsize made, refused = 0;

  for (gsize cut = 0; cut < length; cut++)
    {
      g_autofree char *text = dh_zstd_decompress_text (data, cut, max_length, &made, &too_large);

      g_assert_null (text);
      g_assert_false (too_large);
    }

  for (gsize at = 0; at < length; at++)
    {
      g_autofree guint8 *changed = g_memdup2 (data, length);
      g_autofree char *text = NULL;

      changed[at] ^= 0x5a;
      text = dh_zstd_decompress_text (changed, length, max_length, &made, &too_large);
      /* refused, unless the byte changed nothing of what it makes (an
       * entry of a table no symbol uses): the sum holds what it made */
      if (text != NULL && (made != page->len || memcmp (text, page->str, made) != 0))
        g_error ("a byte changed at %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " was read", at, length);
      refused += text == NULL;
    }
  /* a frame without its sum would let most through */
  g_assert_cmpuint (refused, >, length * 9 / 10);

  {
    g_autoptr(GByteArray) twice = g_byte_array_new ();
    g_autofree char *text = NULL;

    g_byte_array_append (twice, data, length);
    g_byte_array_append (twice, data, length);
    text = dh_zstd_decompress_text (twice->data, twice->len, max_length, &made, &too_large);
    g_assert_null (text);
    g_byte_array_set_size (twice, length + 1);
    text = dh_zstd_decompress_text (twice->data, twice->len, max_length, &made, &too_large);
    g_assert_null (text);
  }

  /* a frame made without its length */
  {
    ZSTD_CCtx *context = ZSTD_createCCtx ();
    gsize bound = ZSTD_compressBound (page->len);
    g_autofree guint8 *unsized = g_malloc (bound);
    gsize written;
    g_autofree char *text = NULL;

    g_assert_false (ZSTD_isError (ZSTD_CCtx_setParameter (context, ZSTD_c_contentSizeFlag, 0)));
    written = ZSTD_compress2 (context, unsized, bound, page->str, page->len);
    g_assert_false (ZSTD_isError (written));
    ZSTD_freeCCtx (context);
    g_assert_cmpuint (ZSTD_getFrameContentSize (unsized, written), ==, ZSTD_CONTENTSIZE_UNKNOWN);
    text = dh_zstd_decompress_text (unsized, written, max_length, &made, &too_large);
    g_assert_null (text);
    g_assert_false (too_large);
  }

  /* a header that gives less than the frame makes, or more */
  {
    const guint64 lies[] = { page->len - 1, page->len + 1 };

    for (guint i = 0; i < G_N_ELEMENTS (lies); i++)
      {
        g_autofree guint8 *lying = g_memdup2 (data, length);
        g_autofree char *text = NULL;

        set_declared_length (lying, lies[i]);
        g_assert_cmpuint (ZSTD_getFrameContentSize (lying, length), ==, lies[i]);
        text = dh_zstd_decompress_text (lying, length, max_length, &made, &too_large);
        g_assert_null (text);
        g_assert_false (too_large);
      }
  }

  /* or more than so few bytes can make, though within the bound */
  {
    g_autofree char *letters = g_malloc (100 * 1000);
    g_autoptr(GBytes) small = NULL;
    g_autofree guint8 *lying = NULL;
    g_autofree char *text = NULL;

    memset (letters, 'a', 100 * 1000);
    small = dh_zstd_compress (letters, 100 * 1000);
    g_assert_cmpuint (g_bytes_get_size (small), <, 100);
    lying = g_memdup2 (g_bytes_get_data (small, NULL), g_bytes_get_size (small));
    set_declared_length (lying, 40 * 1000 * 1000);
    g_assert_cmpuint (ZSTD_getFrameContentSize (lying, g_bytes_get_size (small)), ==, 40 * 1000 * 1000);
    text = dh_zstd_decompress_text (lying, g_bytes_get_size (small), max_length, &made, &too_large);
    g_assert_null (text);
    g_assert_false (too_large);
  }
}

/* each thread has its contexts: threads at once do not mix their frames */
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

  g_test_add_func ("/zstd/round-trip", test_round_trip);
  g_test_add_func ("/zstd/stops-at-its-limit", test_limit);
  g_test_add_func ("/zstd/nothing-else-read", test_nothing_else_read);
  g_test_add_func ("/zstd/one-context-a-thread", test_threads);

  return g_test_run ();
}
