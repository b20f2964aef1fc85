/* dh-gzip.c – gzip of what travels between devices and the server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-gzip"

#include "config.h"

#include <zlib.h>

#include "dh-gzip.h"

/* 15 bits of window, plus 16: a gzip header and trailer rather than zlib's */
#define GZIP_WINDOW_BITS (15 + 16)

GBytes *
dh_gzip_compress (const void *data,
                  gsize       length)
{
  z_stream stream = { 0 };
  GByteArray *out;
  int status;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (length <= G_MAXUINT32, NULL);

  /* level 6 is zlib's default: most of level 9's gain at a third of its time */
  if (deflateInit2 (&stream, 6, Z_DEFLATED, GZIP_WINDOW_BITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    g_error ("zlib cannot start a deflate stream");

  out = g_byte_array_sized_new (deflateBound (&stream, length));
  g_byte_array_set_size (out, deflateBound (&stream, length));
  stream.next_in = (Bytef *) data;
  stream.avail_in = (uInt) length;
  stream.next_out = out->data;
  stream.avail_out = out->len;
  status = deflate (&stream, Z_FINISH);
  /* deflateBound() leaves room for the whole stream */
  g_assert (status == Z_STREAM_END);
  g_byte_array_set_size (out, stream.total_out);
  deflateEnd (&stream);
  return g_byte_array_free_to_bytes (out);
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

  /* trailing bytes after the gzip member are refused with the rest */
  if (status != Z_STREAM_END || stream.avail_in != 0)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
