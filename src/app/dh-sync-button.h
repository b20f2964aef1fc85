/* dh-sync-button.h – the sync's state in the header bar: a click syncs, its popover tells the details */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "dh-context.h"

G_BEGIN_DECLS

#define DH_TYPE_SYNC_BUTTON (dh_sync_button_get_type ())

G_DECLARE_FINAL_TYPE (DhSyncButton, dh_sync_button, DH, SYNC_BUTTON, GtkWidget)

void        dh_sync_button_set_context     (DhSyncButton *self,
                                            DhContext    *context);
const char *dh_sync_button_get_label       (DhSyncButton *self);
const char *dh_sync_button_get_status      (DhSyncButton *self);
const char *dh_sync_button_get_clock_text  (DhSyncButton *self);
const char *dh_sync_button_get_catalogues_text (DhSyncButton *self);
const char *dh_sync_button_get_counts_text (DhSyncButton *self);
GtkPopover *dh_sync_button_get_popover     (DhSyncButton *self);
void        dh_sync_button_activate        (DhSyncButton *self);

G_END_DECLS
