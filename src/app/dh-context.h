/* dh-context.h – what the windows of the application share: the store, the settings, the catalogues */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "dh-catalogue.h"
#include "dh-store.h"
#include "dh-sync-engine.h"

G_BEGIN_DECLS

#define DH_TYPE_CONTEXT (dh_context_get_type ())

G_DECLARE_FINAL_TYPE (DhContext, dh_context, DH, CONTEXT, GObject)

/* Where a record's own changes are, as a badge shows it. */
typedef enum
{
  DH_RECORD_SYNC_SENT,      /* the province has every change made here */
  DH_RECORD_SYNC_WAITING,   /* changed here, not sent yet */
  DH_RECORD_SYNC_REJECTED,  /* the province refused a change of it */
} DhRecordSync;

DhContext    *dh_context_new              (DhStore      *store,
                                           GSettings    *settings);
DhContext    *dh_context_new_full         (DhStore         *store,
                                           GSettings       *settings,
                                           GNetworkMonitor *monitor);
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

DhSyncEngine *dh_context_get_sync_engine  (DhContext    *self);
gboolean      dh_context_is_demo          (DhContext    *self);
gboolean      dh_context_is_signed_in     (DhContext    *self);
char         *dh_context_describe_account (DhContext    *self);
gboolean      dh_context_sync             (DhContext    *self);
guint         dh_context_count_rejected   (DhContext    *self);
gboolean      dh_context_retry_rejected   (DhContext    *self,
                                           guint        *out_count,
                                           GError      **error);
DhRecordSync  dh_context_get_record_sync  (DhContext    *self,
                                           json_object  *household);
char         *dh_context_describe_change  (DhContext    *self,
                                           json_object  *change);
void          dh_context_sign_in_async    (DhContext           *self,
                                           const char          *server,
                                           const char          *ca_file,
                                           const char          *pin,
                                           const char          *username,
                                           const char          *password,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
char         *dh_context_sign_in_finish   (DhContext           *self,
                                           GAsyncResult        *result,
                                           GError             **error);
gboolean      dh_context_sign_out         (DhContext    *self,
                                           GError      **error);

G_END_DECLS
