/* dh-change.h – a change to one record, as devices and the server exchange it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>
#include <json-c/json.h>

#include "dh-entity.h"

G_BEGIN_DECLS

/* On the wire a change is one JSON object:
 *   {"change_id": UUID, "entity": "household", "record_id": UUID,
 *    "clock": hybrid-logical-clock timestamp, "author": user, "made_at": ISO time,
 *    "fields": {the fields it sets, null clears one; "deleted": true for a deletion}}
 * The device that made it and the server that receives it check it with the
 * same code. */

json_object *dh_change_new   (const char         *change_id,
                              const char         *entity,
                              const char         *record_id,
                              const char         *clock,
                              const char         *author,
                              const char         *made_at,
                              json_object        *fields);
gboolean     dh_change_check (json_object        *change,
                              const DhValidator  *validator,
                              const DhEntity    **out_entity,
                              json_object       **out_fields,
                              GError            **error);

G_END_DECLS
