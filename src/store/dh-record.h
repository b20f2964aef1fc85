/* dh-record.h – one record as an object, for list models */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib-object.h>
#include <json-c/json.h>

G_BEGIN_DECLS

#define DH_TYPE_RECORD (dh_record_get_type ())

G_DECLARE_FINAL_TYPE (DhRecord, dh_record, DH, RECORD, GObject)

DhRecord    *dh_record_new        (const char *entity,
                                   json_object *json);
DhRecord    *dh_record_new_placeholder (const char *entity,
                                   const char *id);
gboolean     dh_record_is_loaded  (DhRecord   *self);
const char  *dh_record_get_entity (DhRecord   *self);
const char  *dh_record_get_id     (DhRecord   *self);
json_object *dh_record_get_json   (DhRecord   *self);
const char  *dh_record_get_string (DhRecord   *self,
                                   const char *field);

G_END_DECLS
