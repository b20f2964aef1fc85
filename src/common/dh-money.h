/* dh-money.h – amounts of money in whole đồng */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *dh_money_format (gint64       dong);
char     *dh_grouped_format (gint64     number);
gboolean  dh_money_parse  (const char  *text,
                           gint64      *out_dong,
                           GError     **error);
gboolean  dh_money_add    (gint64      *sum,
                           gint64       dong);

G_END_DECLS
