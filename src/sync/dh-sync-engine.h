/* dh-sync-engine.h – syncs a store with its server off the caller's thread, by itself and on demand */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "dh-store.h"
#include "dh-sync-backoff.h"
#include "dh-sync-client.h"
#include "dh-sync-run.h"
#include "dh-sync-settings.h"

G_BEGIN_DECLS

typedef enum
{
  DH_SYNC_STATE_OFFLINE,         /* no network: the work waits */
  DH_SYNC_STATE_IDLE,            /* ready; "pending" changes wait */
  DH_SYNC_STATE_SYNCING,         /* under way; see "progress" */
  DH_SYNC_STATE_UP_TO_DATE,      /* the last sync sent and received everything */
  DH_SYNC_STATE_ERROR,           /* the last sync failed; see "last-error" */
  DH_SYNC_STATE_SIGN_IN_NEEDED,  /* no server set, nobody signed in, or the session ended */
} DhSyncState;

GType dh_sync_state_get_type (void) G_GNUC_CONST;
#define DH_TYPE_SYNC_STATE (dh_sync_state_get_type ())

#define DH_TYPE_SYNC_ENGINE (dh_sync_engine_get_type ())

G_DECLARE_FINAL_TYPE (DhSyncEngine, dh_sync_engine, DH, SYNC_ENGINE, GObject)

DhSyncEngine *dh_sync_engine_new              (DhStore             *store);
DhStore      *dh_sync_engine_get_store        (DhSyncEngine        *self);
DhSyncState   dh_sync_engine_get_state        (DhSyncEngine        *self);
gint64        dh_sync_engine_get_pending      (DhSyncEngine        *self);
double        dh_sync_engine_get_progress     (DhSyncEngine        *self);
GDateTime    *dh_sync_engine_get_last_sync    (DhSyncEngine        *self);
const char   *dh_sync_engine_get_last_error   (DhSyncEngine        *self);
gint64        dh_sync_engine_get_clock_offset (DhSyncEngine        *self);
gboolean      dh_sync_engine_get_clock_is_wrong (DhSyncEngine      *self);
gboolean      dh_sync_engine_get_automatic    (DhSyncEngine        *self);
void          dh_sync_engine_set_automatic    (DhSyncEngine        *self,
                                               gboolean             automatic);
void          dh_sync_engine_refresh          (DhSyncEngine        *self);

void          dh_sync_engine_sync_async       (DhSyncEngine        *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean      dh_sync_engine_sync_finish      (DhSyncEngine        *self,
                                               GAsyncResult        *result,
                                               DhSyncReport        *out_report,
                                               GError             **error);

G_END_DECLS
