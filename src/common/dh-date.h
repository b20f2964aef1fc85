/* dh-date.h – calendar dates as people write them and as records store them */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  dh_date_parse            (const char   *text,
                                    GDate        *out_date,
                                    GError      **error);
char     *dh_date_to_iso           (const GDate  *date);
char     *dh_date_format           (const GDate  *date);
void      dh_date_today            (GDate        *out_date);
char     *dh_date_time_iso_utc     (gint64        unix_seconds);
gboolean  dh_date_check_not_future (const GDate  *date,
                                    const GDate  *today,
                                    GError      **error);
gboolean  dh_birth_date_parse      (const char   *text,
                                    const GDate  *today,
                                    char        **out_iso,
                                    int          *out_year,
                                    GError      **error);

G_END_DECLS
