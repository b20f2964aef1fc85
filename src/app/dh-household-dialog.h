/* dh-household-dialog.h – a household's facts, new or edited */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "dh-edit-dialog.h"

G_BEGIN_DECLS

#define DH_TYPE_HOUSEHOLD_DIALOG (dh_household_dialog_get_type ())

G_DECLARE_FINAL_TYPE (DhHouseholdDialog, dh_household_dialog, DH, HOUSEHOLD_DIALOG, DhEditDialog)

DhHouseholdDialog *dh_household_dialog_new          (DhContext          *context,
                                                     const char         *household_id,
                                                     GError            **error);
GtkWidget         *dh_household_dialog_get_field    (DhHouseholdDialog  *self,
                                                     const char         *field);
const char        *dh_household_dialog_get_saved_id (DhHouseholdDialog  *self);

G_END_DECLS
