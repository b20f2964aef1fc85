/* dh-money.h – amounts of money in whole đồng */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The largest amount a record holds: a million million đồng, far above
 * any support a household gets or any income, and small enough that
 * millions of amounts add up within 64 bits. */
#define DH_MONEY_MAX G_GINT64_CONSTANT (1000000000000)

char     *dh_money_format (gint64       dong);
char     *dh_grouped_format (gint64     number);
gboolean  dh_money_parse  (const char  *text,
                           gint64      *out_dong,
                           GError     **error);
gboolean  dh_money_add    (gint64      *sum,
                           gint64       dong);
gboolean  dh_money_check_max (gint64    dong,
                           GError     **error);

/* A sum of amounts that says when it no longer fits in 64 bits, rather
 * than ever being wrong. */
typedef struct
{
  gint64   dong;
  gboolean fits;
} DhMoneySum;

#define DH_MONEY_SUM_INIT { 0, TRUE }

void      dh_money_sum_add    (DhMoneySum       *sum,
                               gint64            dong);
char     *dh_money_sum_format (const DhMoneySum *sum);

G_END_DECLS
