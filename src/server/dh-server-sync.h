/* dh-server-sync.h – the records of the province: push, pull and the places as records */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>
#include <json-c/json.h>
#include <libpq-fe.h>

#include "dh-server-db.h"

G_BEGIN_DECLS

/* The most changes one push takes, and the most records one pull answers. */
#define DH_PUSH_MAX_CHANGES 1000
#define DH_PULL_MAX_LIMIT   2000
#define DH_PULL_LIMIT       500

/* How a push went: one result object a change, in the order sent. */
typedef struct
{
  guint applied;
  guint already;
  guint conflicts;
  guint rejected;
} DhPushCounts;

json_object *dh_sync_push            (PGconn           *conn,
                                      const DhSession  *session,
                                      json_object      *changes,
                                      gint64            now_ms,
                                      DhPushCounts     *counts,
                                      GError          **error);

/* Appends to OUT the wire JSON of the records of COMMUNE_ID (and of the
 * province) written after AFTER, joined by commas, at most LIMIT of them,
 * IN_LISTS each field in a list (for a device of version 1 of the
 * protocol); with OUT_TOTAL, also how many there are after AFTER in all. */
gboolean     dh_sync_pull            (PGconn           *conn,
                                      const char       *commune_id,
                                      gint64            after,
                                      guint             limit,
                                      gboolean          in_lists,
                                      GString          *out,
                                      gint64           *out_cursor,
                                      gboolean         *out_more,
                                      gint64           *out_total,
                                      GError          **error);

/* The places of the province as admin_unit records that devices pull,
 * written again where the unit table says something new; within the
 * transaction of an import. */
gboolean     dh_sync_write_units     (PGconn           *conn,
                                      const char       *province_code,
                                      GError          **error);

gboolean     dh_sync_commune_exists  (PGconn           *conn,
                                      const char       *commune_id,
                                      gboolean         *out_exists,
                                      GError          **error);

G_END_DECLS
