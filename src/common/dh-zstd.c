/* dh-zstd.c – zstd of what the server sends the devices that ask for it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-zstd"

#include "config.h"

#include <zstd.h>

#include "dh-zstd.h"

/* Level 1. On the pages of a first sync it makes as few bytes as gzip at
 * level 6 (0.99×) in about a quarter of the processor time
 * (tests/bench/bench-first-sync measures both), so a 2G link carries no
 * more and the server works less.
 * A context serves one thread at a time: each thread keeps its own. */
#define ZSTD_LEVEL 1

static GPrivate compressors = G_PRIVATE_INIT ((GDestroyNotify) ZSTD_freeCCtx);
static GPrivate decompressors = G_PRIVATE_INIT ((GDestroyNotify) ZSTD_freeDCtx);

static ZSTD_CCtx *
thread_compressor (void)
{
  ZSTD_CCtx *compressor = g_private_get (&compressors);

  if (compressor == NULL)
    {
      compressor = ZSTD_createCCtx ();
      if (compressor == NULL)
        g_error ("zstd cannot make a compressor: out of memory");
      /* and a sum of what it made, which the reader checks, as gzip's */
      if (ZSTD_isError (ZSTD_CCtx_setParameter (compressor, ZSTD_c_compressionLevel, ZSTD_LEVEL)) ||
          ZSTD_isError (ZSTD_CCtx_setParameter (compressor, ZSTD_c_checksumFlag, 1)))
        g_error ("zstd refuses its level or its sum");
      g_private_set (&compressors, compressor);
    }
  return compressor;
}

static ZSTD_DCtx *
thread_decompressor (void)
{
  ZSTD_DCtx *decompressor = g_private_get (&decompressors);

  if (decompressor == NULL)
    {
      decompressor = ZSTD_createDCtx ();
      if (decompressor == NULL)
        g_error ("zstd cannot make a decompressor: out of memory");
      g_private_set (&decompressors, decompressor);
    }
  return decompressor;
}

/* One zstd frame of LENGTH bytes of DATA, whole; its header says its
 * length, which the reader makes room for at once, and its end has the
 * sum of the data. */
GBytes *
dh_zstd_compress (const void *data,
                  gsize       length)
{
  gsize bound, written;
  guint8 *out;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  bound = ZSTD_compressBound (length);
  out = g_malloc (bound);
  written = ZSTD_compress2 (thread_compressor (), out, bound, data, length);
  /* the bound leaves room for the whole frame */
  g_assert (!ZSTD_isError (written));
  return g_bytes_new_take (g_realloc (out, written), written);
}

/* At most this many bytes come of a byte of zstd: a block of 128 KiB
 * repeating one byte takes four, its header and the byte. */
#define ZSTD_MAX_RATIO (ZSTD_BLOCKSIZE_MAX / 4)

/**
 * dh_zstd_decompress_text:
 * @max_length: the most it may make
 * @out_length: (out): how many bytes it made
 * @out_too_large: (out): set when it would make more than @max_length
 *
 * The whole of one zstd frame, with a NUL byte after it that @out_length
 * does not count (the text of JSON, read in place), made in one pass into
 * room of the length its header gives. %NULL with @out_too_large when
 * that length is past @max_length; %NULL without it for anything but one
 * frame that says its length and is whole, with nothing after it, and
 * for a length that so few bytes cannot make.
 */
char *
dh_zstd_decompress_text (const void *data,
                         gsize       length,
                         gsize       max_length,
                         gsize      *out_length,
                         gboolean   *out_too_large)
{
  unsigned long long declared;
  gsize made;
  char *text;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (out_length != NULL && out_too_large != NULL, NULL);

  *out_too_large = FALSE;
  *out_length = 0;
  declared = ZSTD_getFrameContentSize (data, length);
  /* a frame that does not say its length, or no frame at all */
  if (declared == ZSTD_CONTENTSIZE_UNKNOWN || declared == ZSTD_CONTENTSIZE_ERROR)
    return NULL;
  if (declared > max_length)
    {
      *out_too_large = TRUE;
      return NULL;
    }
  /* one frame, whole, and nothing after it; a length it cannot make is a lie */
  if (ZSTD_findFrameCompressedSize (data, length) != length || declared / ZSTD_MAX_RATIO > length)
    return NULL;

  text = g_malloc ((gsize) declared + 1);
  made = ZSTD_decompressDCtx (thread_decompressor (), text, (gsize) declared, data, length);
  if (ZSTD_isError (made) || made != declared)
    {
      g_free (text);
      return NULL;
    }
  text[made] = '\0';
  *out_length = made;
  return text;
}
