/* dh-gzip.c – gzip of what travels between devices and the server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-gzip"

#include "config.h"

#include <string.h>

#include <libdeflate.h>
#include <zlib.h>

#include "dh-gzip.h"

/* 15 bits of window, plus 16: a gzip header and trailer rather than zlib's */
#define GZIP_WINDOW_BITS (15 + 16)

/* Level 6, gzip's own default. libdeflate's takes half the time of
 * zlib's and its output is a few per cent smaller: a first sync's pages
 * cost the server half as much, and a 2G link carries less. A compressor
 * serves one thread at a time: each thread keeps its own. */
static GPrivate compressors = G_PRIVATE_INIT ((GDestroyNotify) libdeflate_free_compressor);

static struct libdeflate_compressor *
thread_compressor (void)
{
  struct libdeflate_compressor *compressor = g_private_get (&compressors);

  if (compressor == NULL)
    {
      compressor = libdeflate_alloc_compressor (6);
      if (compressor == NULL)
        g_error ("libdeflate cannot make a compressor: out of memory");
      g_private_set (&compressors, compressor);
    }
  return compressor;
}

/* The gzip of LENGTH bytes of DATA, whole. */
GBytes *
dh_gzip_compress (const void *data,
                  gsize       length)
{
  struct libdeflate_compressor *compressor = thread_compressor ();
  gsize bound, written;
  guint8 *out;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  bound = libdeflate_gzip_compress_bound (compressor, length);
  out = g_malloc (bound);
  written = libdeflate_gzip_compress (compressor, data, length, out, bound);
  /* the bound leaves room for the whole stream */
  g_assert (written > 0);
  return g_bytes_new_take (g_realloc (out, written), written);
}

/* At most this many bytes come of one byte of deflate: a match of 258
 * bytes in two bits, and a block's header is no shorter */
#define DEFLATE_MAX_RATIO 1032

static GPrivate decompressors = G_PRIVATE_INIT ((GDestroyNotify) libdeflate_free_decompressor);

static struct libdeflate_decompressor *
thread_decompressor (void)
{
  struct libdeflate_decompressor *decompressor = g_private_get (&decompressors);

  if (decompressor == NULL)
    {
      decompressor = libdeflate_alloc_decompressor ();
      if (decompressor == NULL)
        g_error ("libdeflate cannot make a decompressor: out of memory");
      g_private_set (&decompressors, decompressor);
    }
  return decompressor;
}

/* One gzip member inflated in one pass, into room of the length its
 * trailer gives, when that is within MAX_LENGTH and within what deflate
 * can make of LENGTH bytes; NULL for anything else, which zlib's
 * inflating in steps then judges. libdeflate checks the trailer's length
 * and sum against what it made. */
static char *
inflate_whole (const guint8 *data,
               gsize         length,
               gsize         max_length,
               gsize        *out_length)
{
  guint32 trailer_length;
  gsize used = 0, made = 0;
  char *text;

  /* a header of 10 bytes, at least one byte of deflate, a trailer of 8 */
  if (length < 19)
    return NULL;
  memcpy (&trailer_length, data + length - 4, sizeof trailer_length);
  trailer_length = GUINT32_FROM_LE (trailer_length);
  if (trailer_length > max_length || trailer_length / DEFLATE_MAX_RATIO > length)
    return NULL;

  text = g_malloc ((gsize) trailer_length + 1);
  if (libdeflate_gzip_decompress_ex (thread_decompressor (), data, length, text, trailer_length,
                                     &used, &made) != LIBDEFLATE_SUCCESS ||
      used != length || made != trailer_length)
    {
      g_free (text);
      return NULL;
    }
  text[made] = '\0';
  *out_length = made;
  return text;
}

/**
 * dh_gzip_inflate_text:
 * @max_length: the most it may inflate to
 * @out_length: (out): how many bytes it inflated to
 * @out_too_large: (out): set when it inflates past @max_length
 *
 * The whole of one gzip member, with a NUL byte after it that
 * @out_length does not count (the text of JSON, read in place); %NULL
 * with @out_too_large when the data inflate past @max_length, %NULL
 * without it when they are not one gzip member and nothing after it.
 *
 * A member whose trailer gives its length, as every gzip does below
 * 4 GiB, is inflated in one pass into room of that length; any other is
 * inflated step by step, and stops at @max_length.
 */
char *
dh_gzip_inflate_text (const void *data,
                      gsize       length,
                      gsize       max_length,
                      gsize      *out_length,
                      gboolean   *out_too_large)
{
  z_stream stream = { 0 };
  g_autoptr(GByteArray) out = NULL;
  guint8 chunk[16384];
  int status = Z_OK;
  char *text;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (out_length != NULL && out_too_large != NULL, NULL);

  *out_too_large = FALSE;
  *out_length = 0;
  text = inflate_whole (data, length, max_length, out_length);
  if (text != NULL)
    return text;

  if (length > G_MAXUINT32 || inflateInit2 (&stream, GZIP_WINDOW_BITS) != Z_OK)
    return NULL;

  out = g_byte_array_new ();
  stream.next_in = (Bytef *) data;
  stream.avail_in = (uInt) length;
  while (status != Z_STREAM_END)
    {
      gsize produced;

      stream.next_out = chunk;
      stream.avail_out = sizeof chunk;
      status = inflate (&stream, Z_NO_FLUSH);
      if (status != Z_OK && status != Z_STREAM_END)
        break;
      produced = sizeof chunk - stream.avail_out;
      if (out->len + produced > max_length)
        {
          *out_too_large = TRUE;
          break;
        }
      g_byte_array_append (out, chunk, produced);
      /* nothing more to read and nothing made: the stream is cut short */
      if (status == Z_OK && produced == 0 && stream.avail_in == 0)
        break;
    }
  inflateEnd (&stream);

  /* past the limit, even in the stream's last piece; trailing bytes after
   * the gzip member are refused with the rest */
  if (*out_too_large || status != Z_STREAM_END || stream.avail_in != 0)
    return NULL;
  *out_length = out->len;
  g_byte_array_append (out, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&out), FALSE);
}

GBytes *
dh_gzip_inflate (const void *data,
                 gsize       length,
                 gsize       max_length,
                 gboolean   *out_too_large)
{
  gsize inflated_length = 0;
  char *text = dh_gzip_inflate_text (data, length, max_length, &inflated_length, out_too_large);

  return text != NULL ? g_bytes_new_take (text, inflated_length) : NULL;
}
