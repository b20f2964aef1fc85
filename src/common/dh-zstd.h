/* dh-zstd.h – zstd of what the server sends the devices that ask for it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

GBytes   *dh_zstd_compress    (const void   *data,
                               gsize         length);
char     *dh_zstd_decompress_text (const void *data,
                                   gsize       length,
                                   gsize       max_length,
                                   gsize      *out_length,
                                   gboolean   *out_too_large);

G_END_DECLS
