/* dh-household-row.h – one household in the list: head, village, class, last visit, sync state */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "dh-context.h"
#include "dh-record.h"
#include "dh-slot-model.h"

G_BEGIN_DECLS

#define DH_TYPE_HOUSEHOLD_ROW (dh_household_row_get_type ())

G_DECLARE_FINAL_TYPE (DhHouseholdRow, dh_household_row, DH, HOUSEHOLD_ROW, GtkBox)

GtkWidget *dh_household_row_new        (void);
void       dh_household_row_set_record (DhHouseholdRow *self,
                                        DhContext      *context,
                                        DhRecord       *record);
void       dh_household_row_defer_record (DhHouseholdRow *self,
                                          DhContext      *context,
                                          DhRecord       *record);
gboolean   dh_household_row_show_deferred (DhHouseholdRow *self);
gboolean   dh_household_row_is_deferred   (DhHouseholdRow *self);
void       dh_household_row_follow_slot (DhHouseholdRow *self,
                                         DhContext      *context,
                                         DhSlot         *slot);
const char *dh_household_row_get_household_id (DhHouseholdRow *self);
const char *dh_household_row_get_sync_words   (DhHouseholdRow *self);

G_END_DECLS
