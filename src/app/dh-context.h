/* dh-context.h – what the windows of the application share: the store, the settings, the catalogues */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "dh-catalogue.h"
#include "dh-store.h"

G_BEGIN_DECLS

#define DH_TYPE_CONTEXT (dh_context_get_type ())

G_DECLARE_FINAL_TYPE (DhContext, dh_context, DH, CONTEXT, GObject)

DhContext    *dh_context_new              (DhStore      *store,
                                           GSettings    *settings);
DhStore      *dh_context_get_store        (DhContext    *self);
GSettings    *dh_context_get_settings     (DhContext    *self);
DhCatalogues *dh_context_get_catalogues   (DhContext    *self);
const char   *dh_context_get_place_name   (DhContext    *self,
                                           const char   *id);
void          dh_context_get_last_visit   (DhContext    *self,
                                           const char   *household_id,
                                           GDate        *out_date);
gboolean      dh_context_peek_last_visit  (DhContext    *self,
                                           const char   *household_id,
                                           GDate        *out_date);
char         *dh_context_describe_value   (DhContext    *self,
                                           const char   *entity,
                                           const char   *field,
                                           json_object  *record);
GSettings    *dh_context_load_settings    (void);

G_END_DECLS
