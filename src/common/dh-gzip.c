/* dh-gzip.c – gzip of what travels between devices and the server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-gzip"

#include "config.h"

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

/* The gzip of LENGTH bytes of DATA, whole. Inflating is left to zlib,
 * which can stop at a limit of its own (dh_gzip_inflate()). */
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

GBytes *
dh_gzip_inflate (const void *data,
                 gsize       length,
                 gsize       max_length,
                 gboolean   *out_too_large)
{
  z_stream stream = { 0 };
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 chunk[16384];
  int status = Z_OK;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  *out_too_large = FALSE;
  if (length > G_MAXUINT32 || inflateInit2 (&stream, GZIP_WINDOW_BITS) != Z_OK)
    return NULL;

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
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
