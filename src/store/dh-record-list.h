/* dh-record-list.h – a GListModel that pages through a sorted, filtered list of the store */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "dh-record.h"
#include "dh-store.h"

G_BEGIN_DECLS

#define DH_TYPE_RECORD_LIST (dh_record_list_get_type ())

G_DECLARE_FINAL_TYPE (DhRecordList, dh_record_list, DH, RECORD_LIST, GObject)

DhRecordList *dh_record_list_new    (DhStore            *store,
                                     const char         *entity,
                                     const char * const *filters,
                                     DhSort              sort,
                                     GError            **error);
gboolean      dh_record_list_reload (DhRecordList       *self,
                                     GError            **error);
void          dh_record_list_reload_async  (DhRecordList        *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean      dh_record_list_reload_finish (DhRecordList        *self,
                                            GAsyncResult        *result,
                                            GError             **error);
void          dh_record_list_set_focus     (DhRecordList        *self,
                                            guint                position,
                                            guint                n_items);
guint         dh_record_list_get_n_cached_pages (DhRecordList *self);

G_END_DECLS
