/* dh-slot-model.h – a list model whose items stay while what they show changes, so that a list view binds its rows again rather than making new ones */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DH_TYPE_SLOT (dh_slot_get_type ())

G_DECLARE_FINAL_TYPE (DhSlot, dh_slot, DH, SLOT, GObject)

gpointer     dh_slot_get_item      (DhSlot     *self);

#define DH_TYPE_SLOT_MODEL (dh_slot_model_get_type ())

G_DECLARE_FINAL_TYPE (DhSlotModel, dh_slot_model, DH, SLOT_MODEL, GObject)

DhSlotModel *dh_slot_model_new       (GListModel  *model);
GListModel  *dh_slot_model_get_model (DhSlotModel *self);
gboolean     dh_slot_model_get_behind (DhSlotModel *self);
gboolean     dh_slot_model_catch_up  (DhSlotModel *self,
                                      guint        first,
                                      guint        budget);

G_END_DECLS
