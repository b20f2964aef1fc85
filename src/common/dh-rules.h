/* dh-rules.h – the rules a record obeys that need other records, for devices and the server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>
#include <json-c/json.h>

#include "dh-entity.h"

G_BEGIN_DECLS

/* How the rules see other records: the device answers from SQLite, the
 * server from PostgreSQL, a test from a hash table. */
typedef struct
{
  /* The live record of ENTITY with ID, as a record object (transfer full);
   * NULL without an error when there is none, NULL with one on failure. */
  json_object *(*get)   (gpointer          data,
                         const DhEntity   *entity,
                         const char       *id,
                         GError          **error);
  /* Whether a live record of ENTITY other than EXCEPT_ID has FIELD = VALUE
   * (and SCOPE_FIELD = SCOPE_VALUE when SCOPE_FIELD is given). */
  gboolean     (*taken) (gpointer          data,
                         const DhEntity   *entity,
                         const char       *except_id,
                         const char       *field,
                         const char       *value,
                         const char       *scope_field,
                         const char       *scope_value,
                         gboolean         *out_taken,
                         GError          **error);
  gpointer       data;
} DhLookup;

gboolean dh_rules_complete_record (const DhLookup     *lookup,
                                   const DhValidator  *validator,
                                   const DhEntity     *entity,
                                   const char         *id,
                                   json_object        *record,
                                   GError            **error);

G_END_DECLS
