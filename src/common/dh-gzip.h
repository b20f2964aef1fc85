/* dh-gzip.h – gzip of what travels between devices and the server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

GBytes   *dh_gzip_compress   (const void   *data,
                              gsize         length);
/* NULL with *OUT_TOO_LARGE when the data inflates past MAX_LENGTH, NULL
 * without it when they are not gzip. */
GBytes   *dh_gzip_inflate    (const void   *data,
                              gsize         length,
                              gsize         max_length,
                              gboolean     *out_too_large);
char     *dh_gzip_inflate_text (const void *data,
                                gsize       length,
                                gsize       max_length,
                                gsize      *out_length,
                                gboolean   *out_too_large);

G_END_DECLS
